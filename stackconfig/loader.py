"""load_stack_config: the whole ctsync configuration read, checked and expanded in one pass."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

from .errors import Problems
from .model import NAMESPACE, DirectionalSync, StackConfig
from .mto import check_template_agreement, read_mto
from .reader import ABSENT, Node, suggest
from .secrecy import is_secret
from .syncs import Declaration, read_sync_entries
from .tenants import read_tenants
from .topology import pair_up, read_topology

SECTIONS = ("tenants", "sync", "topology", "mto", "deleteTakenOver", "takeOverFrom")
# A stack as an owner marker names it: <project>/<stack> (Pulumi's own names have no "/" or spaces).
_STACK_NAME = re.compile(r"[^/\s]+/[^/\s]+")


class _AnyAlias:
    """Stands in for the declared aliases when ctsync:tenants is unreadable: no alias is called undeclared."""

    def __contains__(self, alias: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def load_stack_config(
    values: Mapping[str, Any], secret_paths: Iterable[str] = (), *, extra_keys: Iterable[str] = ()
) -> StackConfig:
    """Read the `ctsync:*` keys of a stack's config (objects or JSON strings) into a StackConfig.

    `secret_paths` are the config paths whose values Pulumi holds as secrets (a key stands for every
    value under it; `secrecy.secret_paths` finds them value by value); `extra_keys` names further
    `ctsync:` keys that the program reads itself, so they are not reported as unknown. Raises
    ConfigError with every problem.
    """
    problems = Problems()
    return _load(_sections(values, problems, set(extra_keys)), frozenset(secret_paths), problems)


def load_component_inputs(tenants: Any, secret_paths: Iterable[str] = (), **inputs: tuple[str, Any]) -> StackConfig:
    """What a component's inputs declare, read by the same code as the stack config's sections, with
    the component's input names as paths: ``sync=("syncs", [...])`` reads a `ctsync:sync` value
    whose problems are named ``syncs[0].trust.mfa``; a path of "" roots them at the component
    (``mto=("", {...})`` gives ``owner``, ``members[1]``).

    `tenants` is the `ctsync:tenants` value of the stack the component is deployed in (the provider's
    configuration). Raises ConfigError with every problem.
    """
    problems = Problems()
    sections: dict[str, Node | None] = {name: Node(f"{NAMESPACE}:{name}", ABSENT, problems) for name in SECTIONS}
    sections["tenants"] = _decoded(Node(f"{NAMESPACE}:tenants", tenants, problems))
    for section, (path, value) in inputs.items():
        sections[section] = Node(path, value, problems)
    return _load(sections, frozenset(secret_paths), problems)


def _load(sections: Mapping[str, Node | None], secrets: frozenset[str], problems: Problems) -> StackConfig:
    tenants = read_tenants(sections["tenants"], lambda path: is_secret(path, secrets)) if sections["tenants"] else None
    aliases = _AnyAlias() if tenants is None else tenants.keys()
    topology = read_topology(sections["topology"], aliases) if sections["topology"] else []
    explicit = read_sync_entries(sections["sync"], aliases) if sections["sync"] else []
    declared = _each_direction_once(topology + explicit, problems)
    mto = read_mto(sections["mto"], aliases) if sections["mto"] else None
    if sections["mto"]:
        check_template_agreement(mto, sections["mto"], declared)
    # Read by the provider too (its configuration): what destroy may delete.
    delete_taken_over = sections["deleteTakenOver"].flag(False) if sections["deleteTakenOver"] else False
    take_over_from = sections["takeOverFrom"].distinct(_stack_name) if sections["takeOverFrom"] else ()
    problems.raise_if_any()
    # Every unusable value was reported above, so from here on each part is complete.
    syncs = tuple(
        sorted(
            (DirectionalSync(source=d.source, target=d.target, scope_path=d.scope_path, **d.settings) for d in declared),
            key=lambda sync: (sync.source, sync.target),
        )
    )
    complete = {alias: tenant for alias, tenant in (tenants or {}).items() if tenant is not None}
    return StackConfig(
        tenants=MappingProxyType(dict(sorted(complete.items()))), syncs=syncs, pairs=pair_up(syncs), mto=mto,
        delete_taken_over=bool(delete_taken_over), take_over_from=take_over_from or (),
    )


def _stack_name(node: Node) -> str | None:
    name = node.text()
    if name is not None and name != "*" and not _STACK_NAME.fullmatch(name):
        node.report(f"{name!r} is not a stack as ctsync's owner markers name it",
                    "write <project>/<stack>, e.g. ctsync/prod, as the refusal message gives it, or \"*\" for any stack")
        return None
    return name


def _sections(values: Mapping[str, Any], problems: Problems, extra_keys: set[str]) -> dict[str, Node | None]:
    """A node per section, absent ones included; None for one that is unreadable (and already reported).

    Keys of other namespaces belong to other packages and are left alone.
    """
    sections: dict[str, Node | None] = {name: Node(f"{NAMESPACE}:{name}", ABSENT, problems) for name in SECTIONS}
    for key, value in values.items():
        namespace, _, name = key.partition(":")
        if namespace != NAMESPACE or name in extra_keys:
            continue
        node = Node(key, value, problems)
        if name not in SECTIONS:
            match = suggest(name, SECTIONS)
            known = ", ".join(f"{NAMESPACE}:{section}" for section in SECTIONS)
            node.report("unknown key", f"did you mean '{NAMESPACE}:{match}'?" if match else f"ctsync keys: {known}")
            continue
        sections[name] = _decoded(node)
    return sections


def _decoded(node: Node) -> Node | None:
    """Pulumi hands structured config to programs and providers as JSON text; objects pass through."""
    if not isinstance(node.value, str):
        return node
    try:
        return Node(node.path, json.loads(node.value), node.problems)
    except json.JSONDecodeError as error:
        # The position only: the text itself may hold a secret.
        node.report(f"is not valid JSON ({error.msg} at line {error.lineno} column {error.colno})")
        return None


def _each_direction_once(declarations: list[Declaration], problems: Problems) -> list[Declaration]:
    first: dict[tuple[str, str], Declaration] = {}
    for declaration in declarations:
        direction = (declaration.source, declaration.target)
        if direction in first:
            problems.add(
                declaration.path,
                f"{declaration.source} -> {declaration.target} is already declared by {first[direction].origin}",
                "declare each direction once",
            )
        else:
            first[direction] = declaration
    return list(first.values())

"""The parts of a synchronization job's schema that ctsync manages, as pure edits of the raw JSON.

Everything here works on the document as Graph returned it (schema_json.py says why raw JSON) and
leaves what it does not manage byte for byte as it was.

What ctsync manages, in the user object mapping (rule ``USER_INBOUND_USER``, objects User -> User),
and whether the rule's group object mapping (Group -> Group, group provisioning, a preview the
template has switched off) is enabled:

- ``userType``: the constant ``Member`` or ``Guest`` with flowType ``Always`` (only ``Always`` converts
  B2B users that already exist: https://learn.microsoft.com/en-us/entra/identity/multi-tenant-organizations/cross-tenant-synchronization-configure).
- declared attribute mappings: a target from a source attribute, a constant or an expression
  (Graph's expression language, stored as the structured source a schema holds), with the flow
  (``Always`` / ``ObjectAddOnly``) and default value when declared. An existing mapping of the target
  that already means the same is not touched; otherwise its source is replaced (its other settings
  stay); a target not mapped yet gets a new mapping. A mapping declared ``remove`` is taken out.
- the user object mapping's ``flowTypes`` (target object actions ``Add``, ``Update``, ``Delete``), as
  declared; the flags compare however they are spelt, so only a real change is written.
- scoping: the declared clauses, plus ``accountEnabled IS TRUE`` for ``remove_disabled_users``, are
  added to **every** scope group. Groups are OR-ed (clauses AND-ed), so a clause in a group of its
  own would widen the scope rather than narrow it: a department filter would let in everyone another
  group lets in, and disabled users matched by another group would stay. When the mapping has no
  group, ctsync adds one named ``ctsync scope``.

Giving back (:class:`Baseline`): the first time ctsync sets a target it records the mapping it
found (for a fresh job, the template's default). Dropping the target from the declaration, or
deleting the resource, puts that mapping back, and takes out exactly the clauses ctsync wrote.

A PUT replaces the whole schema and restarts a full synchronization, so :func:`desired_schema` says
whether anything really changed, comparing documents normalised for key order, flags spelling
(``"Add, Update, Delete"`` = ``"Add,Update,Delete"``), integral floats and null-vs-empty values.
"""
from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from providers.synchronization.schema_json import (
    ACCOUNT_ENABLED_CLAUSE,
    ALL_FLOW_TYPES,
    FLOW_TYPES,
    GROUP_OBJECT,
    SCOPE_GROUP,
    USER_OBJECT,
    USER_RULE,
    USER_TYPE,
    AttributeMappingJson,
    AttributeMappingSourceJson,
    SchemaError,
    ScopeClauseJson,
    attribute_source,
    canonical_flow_types,
    clause_key,
    constant_source,
    filter_clause,
    find_attribute_mapping,
    group_mapping,
    new_attribute_mapping,
    normalized,
    source_meaning,
    user_mapping,
    without_annotations,
)
from stackconfig.expressions import parse, source_json
from stackconfig.reader import suggest


@dataclass(frozen=True)
class ManagedSchema:
    """What the resource declares, in the shape of its inputs."""

    user_type: str = "Member"
    remove_disabled_users: bool = False
    # [{"attribute": "department", "operator": "EQUALS", "values": ["Sales"]}]
    scope_filters: tuple[dict, ...] = ()
    # [{"target": "companyName", "constant": "Contoso"}, {"target": "jobTitle", "source": "department"}]
    attribute_mappings: tuple[dict, ...] = ()
    # The group object mapping enabled: assigned security groups are provisioned too.
    provision_groups: bool = False
    # The user object mapping's flowTypes: what the job may do to users in the target.
    flow_types: str = ALL_FLOW_TYPES

    def sources(self) -> dict[str, Wanted]:
        """Target attribute -> what its mapping must be (or that it must be gone)."""
        wanted = {USER_TYPE: Wanted(constant_source(self.user_type), "Always")}
        for item in self.attribute_mappings:
            wanted[item["target"]] = Wanted(
                None if item.get("remove") else item_source(item),
                FLOW_TYPES.get(item.get("flow") or ""),
                item.get("default"),
                "default" in item,
            )
        return wanted

    def clauses(self) -> list[ScopeClauseJson]:
        clauses = [filter_clause(f) for f in self.scope_filters]
        if self.remove_disabled_users:
            clauses.append(copy.deepcopy(ACCOUNT_ENABLED_CLAUSE))
        return clauses




@dataclass(frozen=True)
class Wanted:
    source: AttributeMappingSourceJson | None  # None: the mapping is removed
    flow_type: str | None = None  # None: keep the mapping's own
    default: str | None = None
    sets_default: bool = False


def item_source(item: dict[str, Any]) -> AttributeMappingSourceJson:
    """The source JSON of a declared mapping."""
    if "constant" in item:
        return constant_source(item["constant"])
    if "expression" in item:
        # stackconfig is the contract and knows no Graph types: its dict is this shape.
        return cast(AttributeMappingSourceJson, source_json(parse(item["expression"])))
    return attribute_source(item["source"])


@dataclass(frozen=True)
class Baseline:
    """What the schema held before ctsync set it, so that ctsync can give it back."""

    # target -> the attribute mapping found before ctsync first set it (None: the target was unmapped)
    mappings: dict[str, AttributeMappingJson | None] = field(default_factory=dict)
    # the scope clauses ctsync wrote last (into every group)
    clauses: list[ScopeClauseJson] = field(default_factory=list)
    # whether the group object mapping was enabled before ctsync set it (None: ctsync never did)
    group_enabled: bool | None = None
    # the user object mapping's flowTypes before ctsync set them (None: ctsync never did)
    flow_types: str | None = None

    def to_json(self) -> str:
        return json.dumps({"mappings": self.mappings, "clauses": self.clauses, "groupEnabled": self.group_enabled,
                           "flowTypes": self.flow_types}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> Baseline:
        if not text:
            return cls()
        data = json.loads(text)
        return cls(data.get("mappings") or {}, data.get("clauses") or [], data.get("groupEnabled"), data.get("flowTypes"))


@dataclass(frozen=True)
class Desired:
    document: dict
    baseline: Baseline
    # False when the desired document means the same as the current one: send no PUT.
    changed: bool


def desired_schema(current: dict, managed: ManagedSchema | None, baseline: Baseline = Baseline()) -> Desired:
    """The schema with ``managed`` applied; ``managed=None`` gives back everything ctsync took over."""
    current = without_annotations(current)
    document = copy.deepcopy(current)
    mapping = user_mapping(document)
    wanted = managed.sources() if managed else {}
    kept: dict[str, AttributeMappingJson | None] = {}
    for target, original in baseline.mappings.items():
        if target in wanted:
            kept[target] = original
        else:
            _put_back(mapping, target, original)
    for target, want in wanted.items():
        if target not in kept:
            kept[target] = copy.deepcopy(find_attribute_mapping(mapping, target))
        if want.source is None:
            _put_back(mapping, target, None)
        else:
            _set_source(mapping, target, want)
    clauses = managed.clauses() if managed else []
    set_scope(mapping, stale=baseline.clauses, wanted=clauses)
    group_enabled = _set_group_provisioning(document, managed, baseline)
    flow_types = _set_flow_types(mapping, managed, baseline)
    return Desired(document, Baseline(kept, clauses, group_enabled, flow_types),
                   changed=normalized(document) != normalized(current))


def _set_flow_types(mapping: dict, managed: ManagedSchema | None, baseline: Baseline) -> str | None:
    """The user mapping's flowTypes as declared (or as they were, when giving back); returns the value
    to give back later. Only a real change is written: the flags may be spelt with or without spaces."""
    original = (mapping.get("flowTypes") or ALL_FLOW_TYPES) if baseline.flow_types is None else baseline.flow_types
    wanted = managed.flow_types if managed is not None else baseline.flow_types
    if wanted is not None and canonical_flow_types(mapping.get("flowTypes") or ALL_FLOW_TYPES) != canonical_flow_types(wanted):
        mapping["flowTypes"] = wanted
    return original if managed is not None else None


def _set_group_provisioning(document: dict, managed: ManagedSchema | None, baseline: Baseline) -> bool | None:
    """Enable or disable the group object mapping as declared (or put back what it was); returns the
    value to give back later."""
    groups = group_mapping(document)
    if groups is None:
        if managed is not None and managed.provision_groups:
            raise SchemaError(
                f"the job's schema has no {USER_RULE} rule mapping {GROUP_OBJECT} objects, so it cannot provision "
                "groups: is group provisioning (preview) available to this tenant?"
            )
        return baseline.group_enabled
    original = groups.get("enabled") is True if baseline.group_enabled is None else baseline.group_enabled
    if managed is None:
        if baseline.group_enabled is not None:
            groups["enabled"] = baseline.group_enabled
        return baseline.group_enabled
    groups["enabled"] = managed.provision_groups
    return original


def unknown_attributes(document: dict, managed: ManagedSchema) -> list[str]:
    """Each declared mapping that names an attribute the job's directories do not define (target
    attributes in the target directory, source attributes, expressions' included, in the source),
    with the closest name. Empty when the schema lists no attribute definitions."""
    rule: dict[str, Any] = next((r for r in document.get("synchronizationRules") or [] if r.get("name") == USER_RULE), {})
    source = _user_attributes(document, rule.get("sourceDirectoryName"))
    target = _user_attributes(document, rule.get("targetDirectoryName"))
    problems = []
    for index, item in enumerate(managed.attribute_mappings):
        where = f"attribute_mappings[{index}]"
        if target and item["target"].lower() not in {name.lower() for name in target}:
            problems.append(_unknown(where, item["target"], "the target directory", target))
        read = [item["source"]] if "source" in item else parse(item["expression"]).attributes() if "expression" in item else []
        problems += [_unknown(where, name, "the source directory", source) for name in read
                     if source and name.lower() not in {known.lower() for known in source}]
    return problems


def _user_attributes(document: dict, directory_name: str | None) -> list[str]:
    directory: dict[str, Any] = next((d for d in document.get("directories") or [] if d.get("name") == directory_name), {})
    user: dict[str, Any] = next((o for o in directory.get("objects") or [] if (o.get("name") or "").lower() == USER_OBJECT.lower()), {})
    return [a.get("name") for a in user.get("attributes") or [] if a.get("name")]


def _unknown(where: str, name: str, directory: str, known: list[str]) -> str:
    match = suggest(name, known)
    return f"{where}: {name!r} is not a user attribute of {directory}" + (f"; did you mean {match!r}?" if match else "")


def given_back(document: dict, managed: ManagedSchema, baseline: Baseline) -> bool:
    """The document holds what ctsync gives back on delete, and not what it declares.

    A schema cannot vanish while its job exists, so this is what refresh reports as gone: after a
    delete, or when every part ctsync set was reverted by hand (the next ``up`` then sets it again).
    A declaration that changes nothing in the template is never gone.
    """
    return (
        bool(baseline.mappings)
        and not desired_schema(document, None, baseline).changed
        and desired_schema(document, managed, baseline).changed
    )


def _set_source(mapping: dict, target: str, want: Wanted) -> None:
    existing = find_attribute_mapping(mapping, target)
    if existing is None:
        existing = new_attribute_mapping(target, want.source or AttributeMappingSourceJson(), want.flow_type or "Always")
        mapping.setdefault("attributeMappings", []).append(existing)
    if source_meaning(existing.get("source")) != source_meaning(want.source):
        existing["source"] = want.source
    # A missing flowType is Graph's default, Always.
    if want.flow_type and (existing.get("flowType") or "Always") != want.flow_type:
        existing["flowType"] = want.flow_type
    if want.sets_default and existing.get("defaultValue") != want.default:
        existing["defaultValue"] = want.default


def _put_back(mapping: dict[str, Any], target: str, original: AttributeMappingJson | None) -> None:
    mappings = mapping.get("attributeMappings") or []
    existing = find_attribute_mapping(mapping, target)
    if existing is None:
        if original is not None:
            mapping["attributeMappings"] = [*mappings, copy.deepcopy(original)]
    elif original is None:
        mapping["attributeMappings"] = [m for m in mappings if m is not existing]
    elif normalized(existing) != normalized(original):
        mapping["attributeMappings"] = [copy.deepcopy(original) if m is existing else m for m in mappings]


def set_scope(mapping: dict[str, Any], stale: Iterable[ScopeClauseJson], wanted: list[ScopeClauseJson]) -> None:
    """Take out the clauses ctsync wrote before and put the wanted ones in every group."""
    wanted_keys = {clause_key(c) for c in wanted}
    stale_keys = {clause_key(c) for c in stale} - wanted_keys
    scope = mapping.get("scope") or {}
    groups = scope.get("groups") or []
    remaining = []
    for group in groups:
        clauses = group.get("clauses") or []
        kept = [c for c in clauses if clause_key(c) not in stale_keys]
        if len(kept) == len(clauses):
            remaining.append(group)
        # A group emptied by ctsync is dropped: an empty group would put every user in scope.
        elif kept:
            remaining.append({**group, "clauses": kept})
    if wanted and not remaining:
        remaining = [{"name": SCOPE_GROUP, "clauses": []}]
    remaining = [_with_clauses(group, wanted) for group in remaining]
    if remaining != groups:
        mapping["scope"] = {**scope, "groups": remaining}


def _with_clauses(group: dict[str, Any], wanted: list[ScopeClauseJson]) -> dict[str, Any]:
    present = {clause_key(c) for c in group.get("clauses") or []}
    missing = [copy.deepcopy(c) for c in wanted if clause_key(c) not in present]
    return {**group, "clauses": [*(group.get("clauses") or []), *missing]} if missing else group

"""Path-aware reading of config values.

A `Node` is one value at one config path. Each read checks the value, reports what is wrong at that
path, and returns the value (or the default when the key is not given); it returns None when the value
is unusable, so callers skip it. Nothing stops at the first problem: the loader raises once, at the end,
with every problem found.
"""
from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, TypeVar

from .errors import Problems
from .values import GUID, NIL_GUID, control_character

T = TypeVar("T")

REQUIRED: Any = object()  # as a default: the key must be given
ABSENT: Any = object()  # as a value: the key is not there

# Keys that Pulumi's path syntax can write as `.key`; anything else needs `["key"]`.
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_SHOWN_MAX = 60


def suggest(word: str, options: Iterable[str]) -> str | None:
    """The option most like `word`, ignoring case, when it is close enough to be a likely typo."""
    by_folded = {option.casefold(): option for option in options}
    matches = difflib.get_close_matches(word.casefold(), list(by_folded), n=1, cutoff=0.6)
    return by_folded[matches[0]] if matches else None


def did_you_mean(word: Any, options: Collection[str], otherwise: str) -> str:
    match = suggest(word, options) if isinstance(word, str) else None
    return f"did you mean {match!r}?" if match else otherwise


def show(value: Any) -> str:
    """A value as the user wrote it: strings in double quotes, containers by kind, the rest as JSON."""
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _SHOWN_MAX else text[: _SHOWN_MAX - 4] + '..."'


def kind(value: Any) -> str:
    """What sort of value this is, without showing it (for secrets)."""
    for types, name in ((bool, "a boolean"), (str, "a string"), ((int, float), "a number")):
        if isinstance(value, types):
            return name
    return show(value)


def child_path(parent: str, key: str) -> str:
    """A key's path under `parent`; the root of a component's inputs has the empty path (``owner``)."""
    if _PLAIN_KEY.fullmatch(key):
        return f"{parent}.{key}" if parent else key
    return f"{parent}[{json.dumps(key)}]"


class Node:
    """One config value and its path; reads report problems to the shared `problems`."""

    __slots__ = ("path", "value", "problems", "concealed")

    def __init__(self, path: str, value: Any, problems: Problems, concealed: bool = False):
        self.path = path
        self.value = value
        self.problems = problems
        self.concealed = concealed

    @property
    def present(self) -> bool:
        # YAML `key:` with nothing after it is null: treat it as not given.
        return self.value is not ABSENT and self.value is not None

    def report(self, message: str, fix: str | None = None) -> None:
        self.problems.add(self.path, message, fix)

    def got(self) -> str:
        return f"got {kind(self.value) if self.concealed else show(self.value)}"

    def conceal(self) -> Node:
        """The same value, never echoed in a message."""
        return Node(self.path, self.value, self.problems, concealed=True)

    def at(self, key: Any) -> Node:
        value = self.value.get(key, ABSENT) if isinstance(self.value, Mapping) else ABSENT
        return Node(child_path(self.path, str(key)), value, self.problems, self.concealed)

    def keys(self) -> list[str]:
        return list(self.value) if isinstance(self.value, Mapping) else []

    def object(self, keys: Collection[str], what: str = "an object") -> bool:
        """Whether the value is an object; reports it if not, and each key that is not among `keys`."""
        if not isinstance(self.value, Mapping):
            self.report(f"must be {what}, {self.got()}")
            return False
        for key in self.value:
            if key not in keys:
                allowed = "allowed keys: " + ", ".join(keys)
                self.at(key).report("unknown key", did_you_mean(key, keys, allowed))
        return True

    def elements(self) -> list[Node] | None:
        if not isinstance(self.value, (list, tuple)):
            self.report(f"must be a list, {self.got()}")
            return None
        return [Node(f"{self.path}[{index}]", item, self.problems, self.concealed) for index, item in enumerate(self.value)]

    def _absent(self, default: Any, fix: str | None = None) -> Any:
        if default is REQUIRED:
            self.report("is required", fix)
            return None
        return default

    def text(self, default: Any = REQUIRED, *, fix: str | None = None, layout: bool = False) -> str | None:
        """A non-empty string without control characters (``layout``: tabs and line breaks allowed)."""
        if not self.present:
            given: str | None = self._absent(default, fix)
            return given
        if not isinstance(self.value, str) or not self.value.strip():
            self.report(f"must be a non-empty string, {self.got()}", fix)
            return None
        hidden = control_character(self.value, layout=layout)
        if hidden is not None:
            # Named, not shown: a bidirectional override would garble the message itself.
            self.report(f"holds the control character {hidden}", "remove it (a stray line break, tab or invisible mark)")
            return None
        return self.value

    def flag(self, default: bool) -> bool | None:
        if not self.present:
            return default
        if not isinstance(self.value, bool):
            quoted = isinstance(self.value, str) and self.value.lower() in ("true", "false")
            self.report(f"must be true or false, {self.got()}", "write it without quotes" if quoted else None)
            return None
        return self.value

    def count(self, default: int) -> int | None:
        """A whole number >= 0 (a boolean is not a number here, though Python says it is)."""
        if not self.present:
            return default
        if isinstance(self.value, bool) or not isinstance(self.value, int) or self.value < 0:
            self.report(f"must be a whole number >= 0, {self.got()}")
            return None
        return self.value

    def choice(self, options: Collection[str], default: Any = REQUIRED) -> str | None:
        if not self.present:
            given: str | None = self._absent(default, "one of: " + ", ".join(options))
            return given
        if self.value not in options:
            fix = did_you_mean(self.value, options, "one of: " + ", ".join(options))
            self.report(f"{show(self.value)} is not a valid choice", fix)
            return None
        return str(self.value)

    def guid(self, what: str, fix: str, default: Any = REQUIRED) -> str | None:
        """A GUID in its canonical lower-case form; `what` names it with its article ("a tenant id")."""
        if not self.present:
            given: str | None = self._absent(default, fix)
            return given
        if not isinstance(self.value, str) or not GUID.fullmatch(self.value):
            self.report(f"{show(self.value)} is not {what} (GUID)", fix)
            return None
        if self.value == NIL_GUID:
            self.report(f"the nil GUID is not {what}", fix)
            return None
        return self.value.lower()

    def alias(self, declared: Collection[str]) -> str | None:
        """The alias of a tenant declared under ctsync:tenants."""
        alias = self.text()
        if alias is None or alias in declared:
            return alias
        fix = did_you_mean(alias, declared, "declared tenants: " + (", ".join(sorted(declared)) or "none"))
        self.report(f"{show(alias)} is not a tenant declared in ctsync:tenants", fix)
        return None

    def distinct(
        self, read: Callable[[Node], T | None], key: Callable[[T], Any] = lambda item: item, default: Any = ()
    ) -> tuple[T, ...] | None:
        """A list read item by item; None if an item is unusable. A repeated item is reported and dropped."""
        if not self.present:
            given: tuple[T, ...] | None = self._absent(default)
            return given
        nodes = self.elements()
        if nodes is None:
            return None
        first_index: dict[Any, int] = {}
        kept: list[T] = []
        usable = True
        for index, node in enumerate(nodes):
            item = read(node)
            if item is None:
                usable = False
                continue
            if key(item) in first_index:
                node.report(f"{show(key(item))} is listed twice (first at [{first_index[key(item)]}])", "remove one")
                continue
            first_index[key(item)] = index
            kept.append(item)
        return tuple(kept) if usable else None


def member_alias(node: Node, declared: Collection[str], taken: str | None, role: str) -> str | None:
    """A declared alias other than `taken`, the tenant that already has `role` (the hub, the owner)."""
    alias = node.alias(declared)
    if alias is not None and alias == taken:
        node.report(f"{show(alias)} is the {role}; it cannot also be a member", "remove it from members")
        return None
    return alias

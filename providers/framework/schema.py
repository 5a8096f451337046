"""Per-field behaviour and the check / diff derived from it (pure functions, no Graph, no engine).

Inputs and state are plain frozen dataclasses. A field's behaviour is declared once, in its
metadata, the way terraform-plugin-framework declares RequiresReplace / Sensitive / Default.
"""
from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi.runtime.rpc import UNKNOWN

from providers.framework.legacy import LEGACY_PROVIDER_KEY

NO_DEFAULT = dataclasses.MISSING


@dataclass(frozen=True)
class CheckFailure:
    property: str
    reason: str


@dataclass(frozen=True)
class Diff:
    changed: list[str]
    replaces: list[str]
    delete_before_replace: bool

    @property
    def changes(self) -> bool:
        return bool(self.changed)


@dataclass(frozen=True)
class Behaviour:
    replace: bool = False
    secret: bool = False
    # Maps a value to the form Graph returns (e.g. lower-case GUIDs), so values the server
    # normalises never show as a diff.
    normalize: Callable[[Any], Any] | None = None
    # Returns a reason when the value is unacceptable; reported as a CheckFailure.
    validate: Callable[[Any], str | None] | None = None
    description: str = ""
    # Sent when ctsync creates the object, never compared afterwards: an object ctsync takes over
    # keeps its own value (e.g. the name an administrator gave an app in the portal).
    set_on_create: bool = False


def attribute(
    *,
    default: Any = NO_DEFAULT,
    replace: bool = False,
    secret: bool = False,
    normalize: Callable[[Any], Any] | None = None,
    validate: Callable[[Any], str | None] | None = None,
    description: str = "",
    set_on_create: bool = False,
) -> Any:
    """An input field. Without a default it is required."""
    behaviour = Behaviour(replace, secret, normalize, validate, description, set_on_create)
    extra: dict[str, Any] = {"metadata": {"ctsync": behaviour}}
    if isinstance(default, (list, dict)):
        extra["default_factory"] = lambda: type(default)(default)
    elif default is not NO_DEFAULT:
        extra["default"] = default
    return dataclasses.field(**extra)


def computed(*, secret: bool = False, description: str = "") -> Any:
    """A state field the server sets; it never causes a diff."""
    return dataclasses.field(default=None, metadata={"ctsync": Behaviour(secret=secret, description=description)})


@functools.cache
def type_hints(cls: type) -> dict[str, Any]:
    """A declaration's field types, resolved once (the engine calls check and diff per resource)."""
    return typing.get_type_hints(cls)


def behaviour(field: dataclasses.Field[Any]) -> Behaviour:
    declared: Behaviour = field.metadata.get("ctsync", Behaviour())
    return declared


def is_unknown(value: Any) -> bool:
    """A value not known during preview (an output of a resource not created yet)."""
    return isinstance(value, str) and value == UNKNOWN


def has_unknowns(value: Any) -> bool:
    """Whether any part of a value (property map, list, ...) is still unknown."""
    if isinstance(value, Mapping):
        return any(has_unknowns(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(has_unknowns(v) for v in value)
    return is_unknown(value)


def with_found_values(inputs: Any, found: Any) -> Any:
    """``inputs`` with the ``set_on_create`` values of an object that already exists: it keeps them."""
    kept = {f.name: getattr(found, f.name) for f in dataclasses.fields(inputs) if behaviour(f).set_on_create}
    return dataclasses.replace(inputs, **kept)


def field_names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def secret_fields(*classes: type) -> list[str]:
    return [f.name for cls in classes for f in dataclasses.fields(cls) if behaviour(f).secret]


# ---- check -------------------------------------------------------------------------------------

def check(inputs_type: type, news: Mapping[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
    """Defaults applied, values normalised, every failure reported (not only the first)."""
    hints = type_hints(inputs_type)
    checked: dict[str, Any] = {}
    failures: list[CheckFailure] = []
    for field in dataclasses.fields(inputs_type):
        value, failure = _check_field(field, hints[field.name], news)
        if failure:
            failures.append(CheckFailure(field.name, failure))
        checked[field.name] = value
    unexpected = sorted(set(news) - set(checked) - {LEGACY_PROVIDER_KEY})
    failures += [CheckFailure(name, f"unknown property {name!r}") for name in unexpected]
    return checked, failures


def _check_field(field: dataclasses.Field[Any], hint: Any, news: Mapping[str, Any]) -> tuple[Any, str | None]:
    value = news.get(field.name)
    if value is None:
        value = default_of(field)
        if value is NO_DEFAULT:
            return None, f"{field.name} is required"
    if is_unknown(value):
        return value, None
    if value is not None and not _matches(value, hint):
        return value, f"{field.name} must be {_type_name(hint)}, not {type(value).__name__}"
    rules = behaviour(field)
    if value is not None and rules.normalize:
        value = rules.normalize(value)
    reason = rules.validate(value) if (rules.validate and value is not None) else None
    return value, reason and f"{field.name}: {reason}"


def default_of(field: dataclasses.Field[Any]) -> Any:
    if field.default is not NO_DEFAULT:
        return field.default
    if field.default_factory is not NO_DEFAULT:
        return field.default_factory()
    return NO_DEFAULT


def _matches(value: Any, hint: Any) -> bool:
    allowed = [a for a in typing.get_args(hint) if a is not type(None)] if is_union(hint) else [hint]
    return any(_matches_one(value, typing.get_origin(a) or a) for a in allowed)


def _matches_one(value: Any, kind: type) -> bool:
    if kind is int:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and value == int(value)
    if kind is list:
        return isinstance(value, (list, tuple))
    return kind is Any or isinstance(value, kind)


def is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (typing.Union, types.UnionType)


def _type_name(hint: Any) -> str:
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")


# ---- diff --------------------------------------------------------------------------------------

def diff(inputs_type: type, olds: Mapping[str, Any], news: Mapping[str, Any], delete_before_replace: bool) -> Diff:
    """Compare the last known state (old outputs) with the new checked inputs, field by field.

    Only declared inputs count: ``__provider`` of a migrated stack and computed fields never do.
    """
    changed = changed_fields(inputs_type, olds, news)
    replaces = [name for name in changed if behaviour(_field(inputs_type, name)).replace]
    return Diff(changed, replaces, delete_before_replace and bool(replaces))


def changed_fields(inputs_type: type, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """The declared inputs whose values differ (``set_on_create`` fields never do)."""
    changed = []
    for field in dataclasses.fields(inputs_type):
        if behaviour(field).set_on_create:
            continue
        new = news.get(field.name, _none_default(field))
        old = olds.get(field.name, _none_default(field))
        if is_unknown(new) or _comparable(field, old) != _comparable(field, new):
            changed.append(field.name)
    return changed


def _none_default(field: dataclasses.Field[Any]) -> Any:
    value = default_of(field)
    return None if value is NO_DEFAULT else value


def _comparable(field: dataclasses.Field[Any], value: Any) -> Any:
    normalize = behaviour(field).normalize
    if value is None or normalize is None:
        return _plain(value)
    return _plain(normalize(value))


def _plain(value: Any) -> Any:
    """Tuples and lists compare equal; so do ints and integral floats (protobuf Struct numbers)."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _field(inputs_type: type, name: str) -> dataclasses.Field[Any]:
    return next(f for f in dataclasses.fields(inputs_type) if f.name == name)


# ---- conversion --------------------------------------------------------------------------------

def load(cls: type, props: Mapping[str, Any]) -> Any:
    """A dataclass instance from wire properties (ints come back as floats from protobuf).

    A field the properties lack gets its default, or None: a state written by an older version, or
    the few fields an import id names.
    """
    hints = type_hints(cls)
    values = {}
    for field in dataclasses.fields(cls):
        if field.name in props:
            values[field.name] = _restore_int(props[field.name], hints[field.name])
        else:
            values[field.name] = _none_default(field)
    return cls(**values)


def partial(cls: type, named: Mapping[str, str]) -> Any:
    """``load`` of the fields an import id names, normalised as check would."""
    by_name = {field.name: field for field in dataclasses.fields(cls)}
    normalized = {}
    for name, value in named.items():
        if name in by_name:
            rules = behaviour(by_name[name])
            normalized[name] = rules.normalize(value) if rules.normalize else value
    return load(cls, normalized)


def _restore_int(value: Any, hint: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and int in (typing.get_args(hint) or (hint,)):
        return int(value)
    return value


def dump(*instances: Any) -> dict[str, Any]:
    """Wire properties from dataclass instances (inputs first, then state)."""
    props: dict[str, Any] = {}
    for instance in instances:
        props.update(dataclasses.asdict(instance))
    plain: dict[str, Any] = _plain(props)
    return plain

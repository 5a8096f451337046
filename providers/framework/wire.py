"""Property values on the provider protocol <-> the plain values the framework works with.

The engine sends ``PropertyValue`` trees (secrets flagged, numbers as floats, unknown preview values
as the ``UNKNOWN`` sentinel string); resources see plain JSON-like Python values. A top-level property
that holds a secret anywhere is secret as a whole on the way back.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.runtime.rpc import UNKNOWN


@dataclass(frozen=True)
class Plain:
    values: dict[str, Any]
    secret: frozenset[str]


def to_plain(properties: Mapping[str, PropertyValue]) -> Plain:
    values = {key: plain_value(value) for key, value in properties.items()}
    return Plain(values, frozenset(key for key, value in properties.items() if value.contains_secret()))


def plain_value(value: PropertyValue) -> Any:
    inner = value.value
    if isinstance(inner, Computed):
        return UNKNOWN
    if isinstance(inner, Mapping):
        return {key: plain_value(item) for key, item in inner.items()}
    if isinstance(inner, (list, tuple)):
        return [plain_value(item) for item in inner]
    return inner


def to_properties(values: Mapping[str, Any], secret: Iterable[str] = ()) -> dict[str, PropertyValue]:
    secret = set(secret)
    return {key: _property(value).with_secret(key in secret) for key, value in values.items()}


def _property(value: Any) -> PropertyValue:
    # PropertyValue refuses ints (protobuf numbers are doubles); an unknown stays the sentinel string,
    # which the engine reads as unknown (the SDK cannot marshal its own Computed values).
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return PropertyValue(value)
    if isinstance(value, (int, float)):
        return PropertyValue(float(value))
    if isinstance(value, Mapping):
        return PropertyValue({key: _property(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return PropertyValue([_property(item) for item in value])
    raise TypeError(f"cannot send a {type(value).__name__} to the engine")

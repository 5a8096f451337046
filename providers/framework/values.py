"""Normalisers and validators for field declarations, over the shared value rules
(stackconfig/values.py), so that the provider's check accepts exactly what the config contract does."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stackconfig.values import control_character, is_email, is_guid, lower_guid

__all__ = ["email", "guid", "lower_guid", "lower_guids", "non_negative", "one_of", "plain_text"]


def guid(value: Any) -> str | None:
    return None if is_guid(value) else f"{value!r} is not a GUID (8-4-4-4-12 hex digits, not the nil GUID)"


def lower_guids(values: Any) -> list[str]:
    """A set of object ids as one canonical list: lower case, sorted (order means nothing)."""
    return sorted(str(value).lower() for value in values or [])


def email(value: Any) -> str | None:
    return None if is_email(value) else f"{value!r} is not an email address"


def plain_text(value: Any) -> str | None:
    """A name or text Graph stores: no control or bidirectional-control characters (as the config)."""
    hidden = control_character(value) if isinstance(value, str) else None
    return None if hidden is None else f"holds the control character {hidden}"


def one_of(*allowed: str) -> Callable[[Any], str | None]:
    def validate(value: Any) -> str | None:
        return None if value in allowed else f"{value!r} is not one of {', '.join(allowed)}"

    return validate


def non_negative(value: Any) -> str | None:
    return None if value >= 0 else f"{value} is negative"

"""Reusable normalisers and validators for field declarations."""
from __future__ import annotations

import uuid
from typing import Any


def lower_guid(value: Any) -> Any:
    """Graph returns object and tenant ids in lower case; compare them that way."""
    return value.lower() if isinstance(value, str) else value


def guid(value: Any) -> str | None:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return f"{value!r} is not a GUID"
    return None


def one_of(*allowed: str):
    def validate(value: Any) -> str | None:
        return None if value in allowed else f"{value!r} is not one of {', '.join(allowed)}"

    return validate


def non_negative(value: Any) -> str | None:
    return None if value >= 0 else f"{value} is negative"

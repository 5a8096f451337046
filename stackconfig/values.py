"""The value rules both the configuration contract and the provider's checks apply, written once.

A GUID is Graph's canonical form: 8-4-4-4-12 hex digits, compared in lower case, never the nil
GUID (Python's ``uuid.UUID`` would also take ``{...}``, ``urn:uuid:`` and unhyphenated forms, which
Graph never returns and the config refuses).
"""
from __future__ import annotations

import re
from typing import Any

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
NIL_GUID = "00000000-0000-0000-0000-000000000000"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The userType a synchronization job gives the users it creates in the target.
USER_TYPES = ("Member", "Guest")


def is_guid(value: Any) -> bool:
    return isinstance(value, str) and bool(GUID.match(value)) and value != NIL_GUID


def lower_guid(value: Any) -> Any:
    """Graph returns object and tenant ids in lower case; compare them that way."""
    return value.lower() if isinstance(value, str) else value


def is_email(value: Any) -> bool:
    return isinstance(value, str) and bool(EMAIL.match(value))

"""The value rules the configuration contract, the provider's checks and the CLI apply, written once.

Every rule matches the whole value (``fullmatch``): with ``re.match`` and ``$`` a trailing newline
(a YAML block scalar) would pass, and ``"<guid>\\n"`` would slip past the nil-GUID and the
one-alias-per-tenant checks into Graph.

A GUID is Graph's canonical form: 8-4-4-4-12 hex digits, compared in lower case, never the nil
GUID (Python's ``uuid.UUID`` would also take ``{...}``, ``urn:uuid:`` and unhyphenated forms, which
Graph never returns and the config refuses).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, TypeGuard

GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
NIL_GUID = "00000000-0000-0000-0000-000000000000"
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Aliases end up in Pulumi resource names, where ':' and friends would break URNs.
ALIAS = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,62}")
# A user principal name as `verify --user` takes it: name@domain, no spaces, no path characters.
UPN = re.compile(r"[^@\s/\\?#%]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# The userType a synchronization job gives the users it creates in the target.
USER_TYPES = ("Member", "Guest")
# Characters that change how text reads without being seen: bidirectional overrides and isolates
# (the "Trojan Source" characters) and the marks that steer them.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Whitespace a multi-line value (an expression, a membership rule) may hold.
_LAYOUT = frozenset("\t\n\r")


def is_guid(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and bool(GUID.fullmatch(value)) and value != NIL_GUID


def lower_guid(value: Any) -> Any:
    """Graph returns object and tenant ids in lower case; compare them that way."""
    return value.lower() if isinstance(value, str) else value


def is_email(value: Any) -> bool:
    return isinstance(value, str) and bool(EMAIL.fullmatch(value))


def is_alias(value: Any) -> bool:
    return isinstance(value, str) and bool(ALIAS.fullmatch(value))


def is_upn(value: Any) -> bool:
    return isinstance(value, str) and bool(UPN.fullmatch(value))


def control_character(value: str, *, layout: bool = False) -> str | None:
    """The first control or bidirectional-control character in ``value`` as ``U+XXXX``, or None.
    ``layout`` lets tabs and line breaks through (multi-line expressions and rules)."""
    for character in value:
        if layout and character in _LAYOUT:
            continue
        if character in _BIDI_CONTROLS or unicodedata.category(character) == "Cc":
            return f"U+{ord(character):04X}"
    return None

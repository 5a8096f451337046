"""Attribute-mapping sources (`attributeMappingSource`) compiled to functions of a source user.

A source is `{type: Attribute|Constant|Function, name, expression, parameters: [{key, value: source}]}`.
The emulator evaluates the structured form (name + parameters), not the `expression` text.
"""
from __future__ import annotations

import base64
import unicodedata
from collections.abc import Callable
from typing import Any

Getter = Callable[[dict], Any]


class UnsupportedExpression(ValueError):
    pass


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _join(separator: Any, *values: Any) -> str:
    return _text(separator).join(_text(v) for v in values if v not in (None, ""))


def _not(value: Any) -> bool:
    return not (value is True or _text(value).lower() == "true")


def _normalize_diacritics(value: Any) -> str:
    decomposed = unicodedata.normalize("NFKD", _text(value))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _alt_sec_id(netid: Any) -> list[dict]:
    # The matching anchor: the source object's network id, as Entra stores it for B2B users.
    return [{"type": 5, "identityProvider": None, "key": base64.b64encode(_text(netid).encode()).decode()}]


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "AltSecidFromNetid": _alt_sec_id,
    "Append": lambda source, suffix="": _text(source) + _text(suffix),
    "Coalesce": lambda *values: next((v for v in values if v not in (None, "")), None),
    "Join": _join,
    "Not": _not,
    "NormalizeDiacritics": _normalize_diacritics,
    "StripSpaces": lambda value: _text(value).replace(" ", ""),
    "ToLower": lambda value, culture=None: _text(value).lower() if value is not None else None,
    "ToUpper": lambda value, culture=None: _text(value).upper() if value is not None else None,
}


def source_attribute(user: dict, name: str) -> Any:
    """Source attributes are the user's properties plus the engine's virtual ones."""
    if name == "netid" or name == "objectId":
        return user["id"]
    if name == "IsSoftDeleted":
        return False
    if name in user:
        return user[name]
    lowered = name.lower()
    return next((value for key, value in user.items() if key.lower() == lowered), None)


def _constant(source: dict) -> Any:
    if source.get("name") is not None:
        return source["name"]
    expression = source.get("expression") or ""
    return expression[1:-1] if len(expression) >= 2 and expression[0] == expression[-1] == '"' else expression


def compile_source(source: Any) -> Getter:
    if not isinstance(source, dict):
        raise UnsupportedExpression("An attribute mapping needs a source object.")
    kind = source.get("type")
    if kind == "Attribute":
        name = source.get("name")
        if not isinstance(name, str) or not name:
            raise UnsupportedExpression("An Attribute source needs a name.")
        return lambda user: source_attribute(user, name)
    if kind == "Constant":
        value = _constant(source)
        return lambda user: value
    if kind == "Function":
        function = FUNCTIONS.get(str(source.get("name")))
        if function is None:
            raise UnsupportedExpression(f"Function '{source.get('name')}' is not supported by the emulator.")
        arguments = [compile_source((parameter or {}).get("value")) for parameter in source.get("parameters") or []]
        return lambda user: function(*(argument(user) for argument in arguments))
    raise UnsupportedExpression(f"Unknown attribute mapping source type {kind!r}.")

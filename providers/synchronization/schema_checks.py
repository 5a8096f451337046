"""The provider's checks and normalisers of a schema declaration (the field declarations of
SynchronizationSchema use them), over the same rules as the config contract."""
from __future__ import annotations

from typing import Any

from providers.synchronization.schema_json import FLOW_TYPES, MAPPING_KEYS, MATCHING_ATTRIBUTE, OBJECT_FLOW_TYPES, USER_TYPE
from stackconfig.expressions import ExpressionError, parse
from stackconfig.reader import suggest
from stackconfig.values import control_character


def canonical_filters(filters: Any) -> Any:
    """Values as a list, so a filter declared with a tuple or without values compares equal."""
    if not isinstance(filters, (list, tuple)):
        return filters
    return [
        {**f, "values": list(f.get("values") or [])} if isinstance(f, dict) else f
        for f in filters
    ]




def invalid_flow_types(value: Any) -> str | None:
    flags = [part.strip() for part in value.split(",")] if isinstance(value, str) else []
    if not flags or not all(flag in OBJECT_FLOW_TYPES for flag in flags):
        return f"{value!r} is not a non-empty set of {', '.join(OBJECT_FLOW_TYPES)}"
    return None


def canonical_mappings(mappings: Any) -> Any:
    """Each item with its unset keys dropped and its expression in Graph's own spelling, so a
    declaration compares equal to what the schema holds."""
    if not isinstance(mappings, (list, tuple)):
        return mappings
    return [_canonical_mapping(m) if isinstance(m, dict) else m for m in mappings]


def _canonical_mapping(item: dict) -> dict:
    item = {k: v for k, v in item.items() if v is not None and v is not False}
    if isinstance(item.get("expression"), str) and parses(item["expression"]):
        item["expression"] = parse(item["expression"]).text()
    return item


def parses(expression: str) -> bool:
    try:
        parse(expression)
    except ExpressionError:
        return False
    return True


def invalid_filters(filters: list) -> str | None:
    for index, item in enumerate(filters):
        if not isinstance(item, dict) or not isinstance(item.get("attribute"), str) or not item["attribute"]:
            return f"item {index} needs an attribute name"
        if not isinstance(item.get("operator"), str) or not item["operator"]:
            return f"item {index} needs an operator (e.g. EQUALS; GET .../schema/filterOperators lists them)"
        if not all(isinstance(v, str) for v in item.get("values") or []):
            return f"item {index}: values must be strings"
        hidden = next((control_character(v) for v in item.get("values") or [] if control_character(v)), None)
        if hidden:
            return f"item {index}: a value holds the control character {hidden}"
        unknown = set(item) - {"attribute", "operator", "values"}
        if unknown:
            return f"item {index}: unknown keys {sorted(unknown)}"
    return None


def invalid_mappings(mappings: list) -> str | None:
    seen: set[str] = set()
    for index, item in enumerate(mappings):
        reason = _invalid_mapping(item)
        if reason:
            return f"item {index}: {reason}"
        if item["target"].lower() in seen:
            return f"item {index}: {item['target']} is mapped twice"
        seen.add(item["target"].lower())
    return None


def _invalid_mapping(item: Any) -> str | None:
    if not isinstance(item, dict) or not isinstance(item.get("target"), str) or not item["target"]:
        return "needs a target attribute name"
    if item["target"].lower() == USER_TYPE.lower():
        return "set userType with user_type, not as an attribute mapping"
    if item["target"].lower() == MATCHING_ATTRIBUTE.lower():
        return f"{MATCHING_ATTRIBUTE} is the fixed matching attribute; changing it makes the schema invalid"
    unknown = set(item) - set(MAPPING_KEYS)
    if unknown:
        return f"unknown keys {sorted(unknown)}"
    if item.get("remove"):
        return None if set(item) == {"target", "remove"} else "remove takes no source, constant, expression, flow or default"
    sources = [key for key in ("source", "constant", "expression") if key in item]
    if len(sources) != 1:
        return "needs exactly one of source (an attribute name), constant (a value) or expression"
    if not all(isinstance(item[key], str) for key in (*sources, *(k for k in ("default",) if k in item))):
        return "source, constant, expression and default must be strings"
    hidden = next((f"{key} holds the control character {control_character(item[key])}" for key in ("target", "source", "constant", "default")
                   if key in item and control_character(item[key])), None)
    if hidden:
        return hidden
    if "flow" in item and item["flow"] not in FLOW_TYPES:
        return f"flow must be one of {', '.join(FLOW_TYPES)}"
    if "expression" in item:
        try:
            parse(item["expression"], suggest)
        except ExpressionError as error:
            return f"expression: {error}" + (f"; {error.fix}" if error.fix else "")
    return None

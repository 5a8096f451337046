"""A synchronization job's schema as Graph's JSON: its vocabulary, how to find the parts ctsync
manages (the user object mapping of rule ``USER_INBOUND_USER``, the group object mapping), and how
two documents compare (normalised for key order, flags spelling, integral floats, null-vs-empty).

Why raw JSON: msgraph-sdk's typed models drop flags enums such as ``objectMapping.flowTypes``
(``"Add, Update, Delete"`` parses to a list that is then never written), so a typed GET -> PUT would
silently change what the job does (observed with msgraph-sdk 1.65). The shapes are typed here as
TypedDicts of the documented properties ctsync reads and writes
(https://learn.microsoft.com/en-us/graph/api/resources/synchronization-attributemapping).
"""
from __future__ import annotations

import json
from typing import Any, TypedDict

from stackconfig.model import AttributeMapping, TargetObjectActions


class AttributeMappingSourceJson(TypedDict, total=False):
    """``attributeMappingSource``: an attribute, a constant or a function of further sources."""

    expression: str | None
    name: str | None
    parameters: list[dict[str, Any]]
    type: str  # Attribute | Constant | Function


class AttributeMappingJson(TypedDict, total=False):
    """``attributeMapping``: how one target attribute is set."""

    defaultValue: str | None
    exportMissingReferences: bool
    flowBehavior: str
    flowType: str  # Always | ObjectAddOnly | ...
    matchingPriority: int
    source: AttributeMappingSourceJson | None
    targetAttributeName: str


class ScopeClauseJson(TypedDict, total=False):
    """``filterClause``: one condition of a scoping filter group (AND-ed within the group)."""

    operatorName: str
    sourceOperandName: str
    targetOperand: dict[str, list[str]]


class ScopeGroupJson(TypedDict, total=False):
    """``filterGroup``: clauses AND-ed; the groups of a scope are OR-ed."""

    name: str
    clauses: list[ScopeClauseJson]


MAPPING_KEYS = AttributeMapping.KEYS

USER_RULE = "USER_INBOUND_USER"
USER_OBJECT = "User"
GROUP_OBJECT = "Group"
USER_TYPE = "userType"
# Changing the matching attribute makes the schema invalid (Microsoft's configuration page, as above).
MATCHING_ATTRIBUTE = "alternativeSecurityIds"
SCOPE_GROUP = "ctsync scope"
# objectMappingFlowTypes, in the order Graph and the admin center spell them; all three by default.
OBJECT_FLOW_TYPES = tuple(flag for _, flag in TargetObjectActions.FLOW_TYPES)
ALL_FLOW_TYPES = ", ".join(OBJECT_FLOW_TYPES)
# Flags enums: a set of members in one comma-separated string, spelt with or without spaces.
FLAGS_KEYS = frozenset({"flowTypes", "discoverabilities"})
# The portal's "IS TRUE" operator; ctsync's way to make disabled users leave the target.
ACCOUNT_ENABLED_CLAUSE: ScopeClauseJson = {
    "operatorName": "IS TRUE",
    "sourceOperandName": "accountEnabled",
    "targetOperand": {"values": []},
}


class SchemaError(ValueError):
    """The job's schema is not one ctsync can manage (no user mapping)."""


def attribute_source(name: str) -> AttributeMappingSourceJson:
    return {"expression": f"[{name}]", "name": name, "parameters": [], "type": "Attribute"}


def constant_source(value: str) -> AttributeMappingSourceJson:
    return {"expression": json.dumps(value), "name": value, "parameters": [], "type": "Constant"}


def filter_clause(scope_filter: dict[str, Any]) -> ScopeClauseJson:
    return {
        "operatorName": scope_filter["operator"],
        "sourceOperandName": scope_filter["attribute"],
        "targetOperand": {"values": list(scope_filter.get("values") or [])},
    }


def without_annotations(document: dict) -> dict:
    """Graph's ``@odata.context`` belongs to the response, not to the schema a PUT sends."""
    return {k: v for k, v in document.items() if not k.startswith("@odata.")}


def object_mapping(document: dict, object_name: str) -> dict | None:
    for rule in document.get("synchronizationRules") or []:
        if rule.get("name") != USER_RULE:
            continue
        for mapping in rule.get("objectMappings") or []:
            if (mapping.get("sourceObjectName") or "").lower() == object_name.lower():
                return mapping
    return None


def group_mapping(document: dict) -> dict | None:
    """The rule's Group -> Group object mapping; None in a schema without group provisioning."""
    return object_mapping(document, GROUP_OBJECT)


def provisions_groups(document: dict) -> bool:
    return (group_mapping(document) or {}).get("enabled") is True


def user_mapping(document: dict) -> dict:
    mapping = object_mapping(document, USER_OBJECT)
    if mapping is not None:
        return mapping
    raise SchemaError(
        f"the job's schema has no {USER_RULE} rule mapping {USER_OBJECT} objects: "
        "is it a cross-tenant synchronization (Azure2Azure) job?"
    )


def find_attribute_mapping(mapping: dict[str, Any], target: str) -> AttributeMappingJson | None:
    return next(
        (m for m in mapping.get("attributeMappings") or [] if same_name(m.get("targetAttributeName"), target)),
        None,
    )


def same_name(a: str | None, b: str) -> bool:
    # Directory attribute names are case-insensitive; never add a second mapping for one target.
    return (a or "").lower() == b.lower()


def source_meaning(source: AttributeMappingSourceJson | dict[str, Any] | None) -> tuple[Any, Any]:
    """Two sources mean the same when their kind and name (or expression) agree."""
    source = source or {}
    kind = source.get("type")
    if kind in ("Attribute", "Constant"):
        return kind, source.get("name")
    return kind, source.get("expression")


def new_attribute_mapping(target: str, source: AttributeMappingSourceJson, flow_type: str) -> AttributeMappingJson:
    return {
        "defaultValue": None,
        "exportMissingReferences": False,
        "flowBehavior": "FlowWhenChanged",
        "flowType": flow_type,
        "matchingPriority": 0,
        "source": source,
        "targetAttributeName": target,
    }


def clause_key(clause: ScopeClauseJson | dict[str, Any]) -> tuple[Any, ...]:
    values = (clause.get("targetOperand") or {}).get("values") or []
    return clause.get("operatorName"), clause.get("sourceOperandName"), tuple(values)


def normalized(value: Any, key: str | None = None) -> Any:
    """A form in which two documents that mean the same compare equal."""
    if isinstance(value, dict):
        items = ((k, normalized(v, k)) for k, v in value.items())
        return {k: v for k, v in items if not _empty(v)}
    if isinstance(value, list):
        return [normalized(v) for v in value]
    if key in FLAGS_KEYS and isinstance(value, str):
        return frozenset(part.strip().lower() for part in value.split(",") if part.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {}

# The config's flow names -> Graph's attributeMapping.flowType.
FLOW_TYPES = {"always": "Always", "objectAddOnly": "ObjectAddOnly"}

def canonical_flow_types(value: Any) -> Any:
    """objectMappingFlowTypes flags in Graph's order and spelling ("Add, Update"), however written."""
    if not isinstance(value, str):
        return value
    flags = {part.strip().lower() for part in value.split(",") if part.strip()}
    known = [flag for flag in OBJECT_FLOW_TYPES if flag.lower() in flags]
    return ", ".join(known) if len(known) == len(flags) else value

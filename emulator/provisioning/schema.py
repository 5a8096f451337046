"""The Azure2Azure synchronization schema (docs/graph-notes.md#schema): the default a new job gets, its
validation on PUT, and the compiled user mapping the provisioning cycle applies."""
from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .expressions import FUNCTIONS, UnsupportedExpression, compile_source
from .scoping import compile_scope

TEMPLATE_ID = "Azure2Azure"
RULE_ID = "USER_INBOUND_USER"
SOURCE_DIRECTORY = "Azure Active Directory"
TARGET_DIRECTORY = "Azure Active Directory (target tenant)"
USER_MAPPING_NAME = "Provision Azure Active Directory Users"
# Group provisioning (preview): the template's second object mapping, off until enabled
# (https://learn.microsoft.com/en-us/entra/identity/multi-tenant-organizations/cross-tenant-synchronization-configure).
GROUP_MAPPING_NAME = "Provision Azure Active Directory Groups"
GROUP_ATTRIBUTES = ("displayName", "description", "mailNickname")
DEFAULT_FLOW_TYPES = "Add, Update, Delete"
MATCHING_TARGET = "alternativeSecurityIds"
# Target attributes the engine handles itself rather than writing as user properties.
MANAGER = "manager"
ENGINE_ATTRIBUTES = {MATCHING_TARGET, "IsSoftDeleted", MANAGER}
BOOLEAN_ATTRIBUTES = {"accountEnabled", "showInAddressList", "IsSoftDeleted"}

_STRING_ATTRIBUTES = (
    "displayName", "givenName", "surname", "mail", "mailNickname", "userPrincipalName", "department",
    "jobTitle", "companyName", "employeeId", "city", "country", "state", "streetAddress", "postalCode",
    "officeLocation", "mobilePhone", "usageLocation", "preferredLanguage", "employeeType",
)
# Mapped by default, straight from the source attribute of the same name.
_DEFAULT_ATTRIBUTE_FLOWS = (
    "accountEnabled", "displayName", "givenName", "surname", "mail", "mailNickname", "userPrincipalName",
    "department", "jobTitle", "companyName", "employeeId", "city", "country", "officeLocation", "mobilePhone",
)


def _attribute(name: str) -> dict:
    return {"expression": f"[{name}]", "name": name, "parameters": [], "type": "Attribute"}


def _constant(value: str) -> dict:
    return {"expression": f'"{value}"', "name": value, "parameters": [], "type": "Constant"}


def _mapping(target: str, source: dict, matching_priority: int = 0) -> dict:
    return {
        "defaultValue": None,
        "exportMissingReferences": False,
        "flowBehavior": "FlowWhenChanged",
        "flowType": "Always",
        "matchingPriority": matching_priority,
        "source": source,
        "targetAttributeName": target,
    }


def default_attribute_mappings() -> list[dict]:
    matching = {
        "expression": "AltSecidFromNetid([netid])",
        "name": "AltSecidFromNetid",
        "parameters": [{"key": "netid", "value": _attribute("netid")}],
        "type": "Function",
    }
    return [
        _mapping(MATCHING_TARGET, matching, matching_priority=1),
        _mapping("IsSoftDeleted", _attribute("IsSoftDeleted")),
        *(_mapping(name, _attribute(name)) for name in _DEFAULT_ATTRIBUTE_FLOWS),
        _mapping(MANAGER, _attribute(MANAGER)),
        _mapping("showInAddressList", _constant("True")),
        _mapping("userType", _constant("Member")),
    ]


def _directory(name: str) -> dict:
    def attribute(attr_name: str, kind: str, anchor: bool = False, multivalued: bool = False) -> dict:
        return {
            "anchor": anchor, "apiExpressions": [], "caseExact": False, "defaultValue": None, "flowNullValues": False,
            "metadata": [], "multivalued": multivalued, "mutability": "ReadWrite", "name": attr_name,
            "referencedObjects": [], "required": False, "type": kind,
        }

    attributes = [
        attribute("objectId", "String", anchor=True),
        attribute("netid", "String"),
        attribute(MATCHING_TARGET, "Binary", multivalued=True),
        attribute("userType", "String"),
        *(attribute(name, "Boolean") for name in sorted(BOOLEAN_ATTRIBUTES)),
        *(attribute(name, "String") for name in _STRING_ATTRIBUTES),
        # A reference to another user: the engine writes the manager's copy in the target, once both are in scope.
        {**attribute(MANAGER, "Reference"), "referencedObjects": [{"referencedObjectName": "User"}]},
    ]
    group_attributes = [
        attribute("objectId", "String", anchor=True),
        *(attribute(name, "String") for name in GROUP_ATTRIBUTES),
        {**attribute("members", "Reference", multivalued=True), "referencedObjects": [{"referencedObjectName": "User"}]},
    ]
    return {
        "id": name.replace(" ", "").replace("(", "").replace(")", ""),
        "name": name,
        "discoverabilities": "None",
        "discoveryDateTime": None,
        "readOnly": False,
        "version": None,
        "objects": [{"name": "User", "attributes": attributes, "metadata": [], "supportedApis": []},
                    {"name": "Group", "attributes": group_attributes, "metadata": [], "supportedApis": []}],
    }


def default_group_mapping() -> dict:
    return {
        "attributeMappings": [_mapping(name, _attribute(name)) for name in (*GROUP_ATTRIBUTES, "members")],
        "enabled": False,
        "flowTypes": DEFAULT_FLOW_TYPES,
        "metadata": [],
        "name": GROUP_MAPPING_NAME,
        "scope": None,
        "sourceObjectName": "Group",
        "targetObjectName": "Group",
    }


def default_schema(job_id: str) -> dict:
    user_mapping = {
        "attributeMappings": default_attribute_mappings(),
        "enabled": True,
        "flowTypes": DEFAULT_FLOW_TYPES,
        "metadata": [],
        "name": USER_MAPPING_NAME,
        "scope": None,
        "sourceObjectName": "User",
        "targetObjectName": "User",
    }
    rule = {
        "id": RULE_ID,
        "name": RULE_ID,
        "priority": 1,
        "editable": True,
        "sourceDirectoryName": SOURCE_DIRECTORY,
        "targetDirectoryName": TARGET_DIRECTORY,
        "metadata": [],
        "containerFilter": {"includedContainers": []},
        "groupFilter": {"includedGroups": []},
        "objectMappings": [user_mapping, default_group_mapping()],
    }
    return {
        "id": job_id,
        "version": "Date:2024-01-01T00:00:00Z~Version:1",
        "directories": [_directory(SOURCE_DIRECTORY), _directory(TARGET_DIRECTORY)],
        "synchronizationRules": [rule],
    }


def functions() -> list[dict]:
    """The `schema/functions` answer: only what the emulator can evaluate."""
    return [{"name": name, "parameters": []} for name in sorted(FUNCTIONS)]


class SchemaInvalid(ValueError):
    pass


@dataclass(frozen=True)
class CompiledMapping:
    target: str
    value: Callable[[dict], Any]
    add_only: bool
    default: Any


@dataclass(frozen=True)
class UserMapping:
    """The rule's enabled User -> User object mapping, ready to run."""

    enabled: bool
    flow_types: frozenset[str]
    in_scope: Callable[[dict], bool]
    attributes: tuple[CompiledMapping, ...]
    # The manager reference mapped (manager <- manager): resolved to the manager's copy in the target.
    maps_manager: bool = False


def _flow_types(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset({"Add", "Update", "Delete"})
    if isinstance(value, list):
        value = ",".join(str(item) for item in value)
    flows = {flag.strip().capitalize() for flag in str(value).split(",") if flag.strip()}
    if not flows <= {"None", "Add", "Update", "Delete"}:
        raise SchemaInvalid(f"Invalid objectMapping flowTypes {value!r}.")
    return frozenset(flows - {"None"})


def _object_mapping(schema: Any, object_name: str) -> dict | None:
    if not isinstance(schema, dict) or not isinstance(schema.get("synchronizationRules"), list):
        raise SchemaInvalid("The schema needs a synchronizationRules collection.")
    for rule in schema["synchronizationRules"]:
        for mapping in (rule or {}).get("objectMappings") or []:
            if (mapping or {}).get("sourceObjectName") == object_name and mapping.get("targetObjectName") == object_name:
                return mapping
    return None


@dataclass(frozen=True)
class GroupMapping:
    """The rule's Group -> Group object mapping: whether it runs, and what it may do."""

    enabled: bool
    flow_types: frozenset[str]


def compile_group_mapping(schema: Any) -> GroupMapping:
    mapping = _object_mapping(schema, "Group")
    if mapping is None:
        return GroupMapping(False, frozenset())
    return GroupMapping(mapping.get("enabled") is True, _flow_types(mapping.get("flowTypes")))


def _check_matching(mappings: list[dict]) -> None:
    matching = [m for m in mappings if (m.get("matchingPriority") or 0) > 0]
    if len(matching) != 1 or matching[0].get("targetAttributeName") != MATCHING_TARGET:
        raise SchemaInvalid(
            "Cross-tenant synchronization matches users only on alternativeSecurityIds "
            "(AltSecidFromNetid([netid]), matching precedence 1); it can't be changed or complemented."
        )


def compile_user_mapping(schema: Any) -> UserMapping:
    """Validate a schema and compile its user mapping; raises SchemaInvalid with the reason."""
    mapping = _object_mapping(schema, "User")
    if mapping is None:
        return UserMapping(False, frozenset(), lambda user: False, ())
    mappings = mapping.get("attributeMappings") or []
    _check_matching(mappings)
    try:
        compiled = tuple(
            CompiledMapping(m["targetAttributeName"], compile_source(m.get("source")), m.get("flowType") == "ObjectAddOnly", m.get("defaultValue"))
            for m in mappings
            if m.get("targetAttributeName") not in ENGINE_ATTRIBUTES
        )
        in_scope = compile_scope(mapping.get("scope"))
    except (UnsupportedExpression, ValueError, KeyError, TypeError) as exc:
        raise SchemaInvalid(str(exc)) from exc
    maps_manager = any(m.get("targetAttributeName") == MANAGER and (m.get("source") or {}).get("name") == MANAGER
                       and (m.get("source") or {}).get("type") == "Attribute" for m in mappings)
    return UserMapping(mapping.get("enabled", True) is not False, _flow_types(mapping.get("flowTypes")), in_scope, compiled,
                       maps_manager)


def stored_schema(schema: dict, job_id: str) -> dict:
    stored = copy.deepcopy(schema)
    stored.pop("@odata.context", None)
    stored["id"] = job_id
    return stored

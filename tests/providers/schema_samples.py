"""A cross-tenant synchronization job schema as Graph returns it, trimmed to what the tests need.

Shapes follow docs/graph-notes.md#schema (rule USER_INBOUND_USER, the fixed matching attribute,
userType from the constant "Member", flags enums written with spaces).
"""
from __future__ import annotations

import copy


def _mapping(target: str, source: dict, flow_type: str = "Always", priority: int = 0) -> dict:
    return {
        "defaultValue": None,
        "exportMissingReferences": False,
        "flowBehavior": "FlowWhenChanged",
        "flowType": flow_type,
        "matchingPriority": priority,
        "source": source,
        "targetAttributeName": target,
    }


def _attribute(name: str) -> dict:
    return {"expression": f"[{name}]", "name": name, "parameters": [], "type": "Attribute"}


TEMPLATE = {
    "id": "Azure2Azure.e4bbad8a6d0b4ad6a9a2e62f5e4dd3c7.0e1f7b55-4c42-4a9b-a7b0-6f4b8fd1a2b3",
    "version": "Date:2026-01-05T10:00:00Z~###~UserTypeMapping",
    "directories": [
        {"id": "aad-source", "name": "Azure Active Directory", "discoverabilities": "AttributeNames, AttributeDataTypes"},
    ],
    "synchronizationRules": [
        {
            "id": "USER_INBOUND_USER",
            "name": "USER_INBOUND_USER",
            "editable": True,
            "priority": 1,
            "sourceDirectoryName": "Azure Active Directory",
            "targetDirectoryName": "Azure Active Directory (target tenant)",
            "objectMappings": [
                {
                    "enabled": True,
                    "flowTypes": "Add, Update, Delete",
                    "name": "Provision Azure Active Directory Users",
                    "sourceObjectName": "User",
                    "targetObjectName": "User",
                    "scope": None,
                    "attributeMappings": [
                        _mapping(
                            "alternativeSecurityIds",
                            {"expression": "AltSecidFromNetid([netId])", "name": "AltSecidFromNetid",
                             "parameters": [{"key": "netId", "value": _attribute("netId")}], "type": "Function"},
                            priority=1,
                        ),
                        _mapping("accountEnabled", _attribute("accountEnabled")),
                        _mapping("displayName", _attribute("displayName")),
                        _mapping("department", _attribute("department")),
                        _mapping("userType", {"expression": '"Member"', "name": "Member", "parameters": [], "type": "Constant"}),
                        _mapping("showInAddressList", {"expression": '"True"', "name": "True", "parameters": [], "type": "Constant"}),
                    ],
                }
            ],
        }
    ],
}


def template() -> dict:
    return copy.deepcopy(TEMPLATE)


def user_object_mapping(document: dict) -> dict:
    return document["synchronizationRules"][0]["objectMappings"][0]


def with_group_mapping(enabled: bool = False) -> dict:
    """The template as jobs with group provisioning (preview) have it: a Group -> Group mapping, off."""
    document = template()
    document["synchronizationRules"][0]["objectMappings"].append({
        "name": "Provision Azure Active Directory Groups", "enabled": enabled, "flowTypes": "Add, Update, Delete",
        "sourceObjectName": "Group", "targetObjectName": "Group", "scope": None, "metadata": [],
        "attributeMappings": [_mapping("displayName", _attribute("displayName")), _mapping("members", _attribute("members"))],
    })
    return document


def group_object_mapping(document: dict) -> dict:
    return document["synchronizationRules"][0]["objectMappings"][1]


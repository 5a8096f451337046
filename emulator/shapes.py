"""Whole resource shapes and `$select` as Graph answers them, from Graph's type metadata (graphtypes):
every structural property of a type is returned (`null` where unset), and a `$select` of a property
the type does not have is Graph's 400.
"""
from __future__ import annotations

from typing import Any

from graphtypes import navigation_properties, structural_properties

from .wire import ErrorReply

# The entity set a collection answers (its @odata.context) -> the type of its members.
ENTITY_SETS = {"users": "user", "groups": "group", "applications": "application", "servicePrincipals": "servicePrincipal",
               "organization": "organization", "identity/conditionalAccess/policies": "conditionalAccessPolicy"}


def whole(type_name: str, obj: dict[str, Any]) -> dict[str, Any]:
    """``obj`` with every structural property of its type, ``None`` where the emulator has no value."""
    return {**dict.fromkeys(structural_properties(type_name)), **obj}


def check_select(type_name: str, names: list[str], expanded: list[str]) -> None:
    """Graph's 400 for a `$select` of a property the type does not have."""
    known = {name.lower() for name in structural_properties(type_name)}
    for name in names:
        if name.lower() not in known and name not in expanded:
            raise ErrorReply(400, "Request_BadRequest",
                             f"Could not find a property named '{name}' on type 'microsoft.graph.{type_name}'.")


# https://learn.microsoft.com/en-us/graph/api/user-list: "Certain properties cannot be returned within
# a user collection" (only on a single user); `users?$select=aboutMe` "returns a 501 Not Implemented".
SINGLE_ENTITY_ONLY = {"user": frozenset({
    "aboutme", "birthday", "hiredate", "interests", "mysite", "pastprojects", "preferredname", "responsibilities", "schools",
    "skills", "mailboxsettings"})}


def check_collection_select(type_name: str, names: list[str]) -> None:
    """Graph's 501 for a `$select`, on a collection, of a property it returns only for one entity."""
    for name in names:
        if name.lower() in SINGLE_ENTITY_ONLY.get(type_name, ()):
            raise ErrorReply(501, "NotImplemented", f"The property '{name}' is returned only for a single {type_name}, "
                             "not within a collection.")


# The relationships the emulator inlines on `$expand`; the handlers of these types do the inlining.
EXPANDED = {"user": frozenset({"manager"}), "crossTenantAccessPolicyConfigurationPartner": frozenset({"identitySynchronization"})}


def check_expand(type_name: str, names: list[str]) -> None:
    """Graph's 400 for an `$expand` of a relationship the type does not have; the emulator's own 400
    for one it has but the emulator does not inline (docs/emulator.md), rather than a silent answer."""
    relationships = {name.lower() for name in navigation_properties(type_name)}
    inlined = {name.lower() for name in EXPANDED.get(type_name, ())}
    for name in names:
        if name.lower() not in relationships:
            raise ErrorReply(400, "Request_BadRequest",
                             f"Could not find a property named '{name}' on type 'microsoft.graph.{type_name}'.")
        if name.lower() not in inlined:
            raise ErrorReply(400, "Request_UnsupportedQuery", f"The emulator does not expand '{name}' of "
                             f"microsoft.graph.{type_name} (docs/emulator.md); Graph would.")

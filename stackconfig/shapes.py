"""The config contract's shapes as Pulumi package-schema object types: what a `ctsync:sync` entry or
`ctsync:mto` is, for the components that take them as inputs (`ctsync:pair:TenantPair` ``syncs``,
`ctsync:mto:MtoMembership`) and the SDKs generated from the schema.

The keys of each shape are the reader's own tuples (syncs.py, mto.py): a key added there and not
described here fails at import, so the schema cannot fall behind what the stack config accepts. The
types say what each key holds; the reader is what validates (the schema is not a second validator).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .model import TEMPLATE_TARGETS, TargetObjectActions
from .mto import (
    IDENTITY_SYNC_TEMPLATE_KEYS,
    MEMBER_KEYS,
    MTO_KEYS,
    PARTNER_TEMPLATE_KEYS,
    REDEMPTION_KEYS,
    ROLES,
    TEMPLATE_KEYS,
)
from .syncs import DIRECTION_KEYS, FILTER_KEYS, MANAGED_GROUP_KEYS, MAPPING_KEYS, SCOPE_KEYS, SETTINGS, TRUST_KEYS
from .topology import DIRECTIONS, KINDS, TOPOLOGY_KEYS

PACKAGE = "ctsync"
DOCS = "docs/configuration.md"

Spec = dict[str, Any]
STRING: Spec = {"type": "string"}
BOOLEAN: Spec = {"type": "boolean"}
INTEGER: Spec = {"type": "integer"}
STRINGS: Spec = {"type": "array", "items": STRING}


def ref(name: str) -> Spec:
    return {"$ref": f"#/types/{PACKAGE}:index:{name}"}


def array_of(item: Spec) -> Spec:
    return {"type": "array", "items": item}


def _object(description: str, keys: Iterable[str], properties: Mapping[str, tuple[Spec, str]]) -> Spec:
    """An object type whose properties are exactly `keys`, each described in `properties`."""
    keys = tuple(keys)
    if set(keys) != set(properties):
        raise AssertionError(f"shape and reader disagree: {sorted(set(keys) ^ set(properties))}")
    return {
        "type": "object",
        "description": description,
        "properties": {key: {**properties[key][0], "description": properties[key][1]} for key in keys},
    }


_ACTIONS = {action: (BOOLEAN, f"whether the job may {action} users in the target (default true)")
            for action, _ in TargetObjectActions.FLOW_TYPES}

TYPES: dict[str, Spec] = {
    "Trust": _object("Which of the partner's claims the receiving tenant trusts (default: none).", TRUST_KEYS, {
        "mfa": (BOOLEAN, "trust the source tenant's MFA"),
        "compliantDevice": (BOOLEAN, "trust the source's compliant-device claim"),
        "hybridJoinedDevice": (BOOLEAN, "trust the source's hybrid-Entra-joined-device claim"),
    }),
    "ScopeFilter": _object("One scoping-filter clause on a source user attribute.", FILTER_KEYS, {
        "attribute": (STRING, "the source user attribute, e.g. department"),
        "operator": (STRING, "EQUALS, NOT EQUALS, IS TRUE, IS FALSE, IS NULL, IS NOT NULL, REGEX MATCH, ... "
                             f"({DOCS}, scope)"),
        "values": (STRINGS, "the values compared with (none for the IS operators)"),
    }),
    "ManagedGroup": _object("A security group ctsync creates in the source tenant and assigns as scope (stack "
                            "config only: needs the azuread extra).", MANAGED_GROUP_KEYS, {
        "displayName": (STRING, "the group's name in the source tenant"),
        "membershipRule": (STRING, "an Entra dynamic membership rule; none makes an assigned group"),
    }),
    "Scope": _object("Whom the job provisions: assigned groups and users, filters, or everyone.", SCOPE_KEYS, {
        "groups": (STRINGS, "object ids of source-tenant groups whose members are in scope"),
        "users": (STRINGS, "object ids of source-tenant users in scope"),
        "filters": (array_of(ref("ScopeFilter")), "clauses a user must all match"),
        "allUsers": (BOOLEAN, "every user of the source tenant (narrowed by filters)"),
        "managedGroup": (ref("ManagedGroup"), "a group ctsync creates and assigns"),
    }),
    "AttributeMapping": _object("How one target user attribute is set.", MAPPING_KEYS, {
        "target": (STRING, "the target user attribute, e.g. companyName"),
        "source": (STRING, "copy this source attribute"),
        "constant": (STRING, "set this constant"),
        "expression": (STRING, "set what this Graph expression gives"),
        "flow": (STRING, "always (default) or objectAddOnly"),
        "default": (STRING, "the value when the source is empty"),
        "remove": (BOOLEAN, "remove the template's mapping of target"),
    }),
    "TargetObjectActions": _object("What the job may do to users in the target.", _ACTIONS, _ACTIONS),
    "Sync": _object(f"One direction (or both, with bidirectional) of a sync between two tenants: a `ctsync:sync` "
                    f"entry ({DOCS}).", (*DIRECTION_KEYS, *SETTINGS), {
        "from": (STRING, "the source tenant's alias in ctsync:tenants"),
        "to": (STRING, "the target tenant's alias in ctsync:tenants"),
        "bidirectional": (BOOLEAN, "also sync to -> from, with the same settings"),
        "trust": (ref("Trust"), "the target's inbound trust of the source's claims"),
        "userType": (STRING, "Member (default) or Guest: the synced users' userType"),
        "scope": (ref("Scope"), "whom to sync (required)"),
        "removeDisabledUsers": (BOOLEAN, "remove users disabled in the source (default true)"),
        "deletionThreshold": (INTEGER, "accidental-deletion prevention: most deletions per cycle (default 500)"),
        "notificationEmail": (STRING, "where Entra sends the job's failure and quarantine notices"),
        "attributeMappings": (array_of(ref("AttributeMapping")), "changes to the template's user mappings"),
        "start": (BOOLEAN, "run the job (default true); false pauses it"),
        "provisionGroups": (BOOLEAN, "also provision the groups in scope (default false)"),
        "allowUnlimitedDeletions": (BOOLEAN, "acknowledges deletionThreshold: 0"),
        "targetObjectActions": (ref("TargetObjectActions"), "create, update, delete in the target"),
        "unmanagedAttributes": (STRINGS, 'target attributes left to the admin center ("*": every undeclared one)'),
    }),
    "MtoMember": _object("A member tenant and its role.", MEMBER_KEYS, {
        "tenant": (STRING, "the tenant's alias in ctsync:tenants"),
        "role": (STRING, f"{' or '.join(ROLES)} (default member)"),
    }),
    "AutomaticRedemption": _object("The template's automatic redemption; left out stays unset.", REDEMPTION_KEYS, {
        "inbound": (BOOLEAN, "automatic redemption of invitations from the partner"),
        "outbound": (BOOLEAN, "automatic redemption of invitations to the partner"),
    }),
    "PartnerConfigurationTemplate": _object("The partner-entry template a join applies.", PARTNER_TEMPLATE_KEYS, {
        "trust": (ref("Trust"), "inbound trust of the partner's claims"),
        "automaticRedemption": (ref("AutomaticRedemption"), "inbound and outbound automatic redemption"),
        "applyTo": (STRINGS, f"{', '.join(TEMPLATE_TARGETS)} (default both)"),
    }),
    "IdentitySyncTemplate": _object("The identity-sync policy template a join applies.", IDENTITY_SYNC_TEMPLATE_KEYS, {
        "userSyncInbound": (BOOLEAN, "allow partners to sync users in"),
        "applyTo": (STRINGS, f"{', '.join(TEMPLATE_TARGETS)} (default both)"),
    }),
    "MtoTemplates": _object("The templates set in every tenant of the organisation.", TEMPLATE_KEYS, {
        "partnerConfiguration": (ref("PartnerConfigurationTemplate"), "the partner-entry template"),
        "identitySync": (ref("IdentitySyncTemplate"), "the identity-sync policy template"),
    }),
}

# The `ctsync:mto` shape, whose keys are the MtoMembership component's own inputs.
TYPES["Mto"] = _object(f"The multitenant organisation: a `ctsync:mto` value ({DOCS}).", MTO_KEYS, {
    "displayName": (STRING, "the organisation's name"),
    "description": (STRING, "its description"),
    "owner": (STRING, "the owner tenant's alias in ctsync:tenants"),
    "members": (array_of({"oneOf": [STRING, ref("MtoMember")]}), "member tenants: an alias, or {tenant, role}"),
    "templates": (ref("MtoTemplates"), "the templates a join applies"),
})
MTO_PROPERTIES: dict[str, Spec] = TYPES["Mto"]["properties"]
MTO_REQUIRED = ("displayName", "owner")
TYPES["Topology"] = _object(f"Directions among many tenants: a `ctsync:topology` value ({DOCS}).", TOPOLOGY_KEYS, {
    "kind": (STRING, f"{' or '.join(KINDS)}"),
    "hub": (STRING, "hubAndSpoke: the hub tenant's alias"),
    "members": (STRINGS, "the tenants' aliases (the spokes, for hubAndSpoke)"),
    "direction": (STRING, f"hubAndSpoke: {', '.join(DIRECTIONS)}"),
    "defaults": (ref("Sync"), "the settings of every direction it makes (no from, to or bidirectional)"),
})

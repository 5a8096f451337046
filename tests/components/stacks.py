"""Stack configurations (`ctsync:*` values as a stack file holds them) for the program tests and the benchmark."""
from __future__ import annotations

from typing import Any

CLIENT_ID = "c11e0000-0000-4000-8000-00000000c11e"
CLIENT_SECRET = "s3cr3t-value-that-must-never-leak"
SALES_GROUP = "a0000000-0000-4000-8000-00000000000a"
ENGINEERING_GROUP = "a0000000-0000-4000-8000-00000000000b"
AUDITOR_USER = "b0000000-0000-4000-8000-00000000000c"
WORKSPACE = (
    "/subscriptions/55555555-5555-4555-8555-555555555555/resourceGroups/rg-identity"
    "/providers/Microsoft.OperationalInsights/workspaces/law-identity"
)
SALES_FILTER = {"attribute": "department", "operator": "EQUALS", "values": ["Sales"]}


def tenant_id(index: int) -> str:
    return f"{index + 1:08x}-0000-4000-8000-{index + 1:012x}"


def tenants(aliases: list[str], **extra: Any) -> dict[str, Any]:
    """alias -> tenant entry with a distinct tenant id per alias; `extra` is merged into each."""
    return {alias: {"tenantId": tenant_id(index), **extra} for index, alias in enumerate(aliases)}


def pair_stack() -> dict[str, Any]:
    """contoso <-> fabrikam, each direction with its own scope, trust and options."""
    return {
        "ctsync:tenants": tenants(["contoso", "fabrikam"]),
        "ctsync:sync": [
            {
                "from": "contoso",
                "to": "fabrikam",
                "trust": {"mfa": True},
                "scope": {"groups": [SALES_GROUP, ENGINEERING_GROUP], "users": [AUDITOR_USER]},
                "deletionThreshold": 50,
                "notificationEmail": "ops@contoso.example",
                "attributeMappings": [{"target": "companyName", "constant": "Contoso"}],
            },
            {
                "from": "fabrikam",
                "to": "contoso",
                "trust": {"compliantDevice": True, "hybridJoinedDevice": True},
                "userType": "Guest",
                "scope": {"filters": [SALES_FILTER]},
                "removeDisabledUsers": False,
                "start": False,
            },
        ],
    }


def hub_and_spoke_stack(count: int, direction: str = "both") -> dict[str, Any]:
    """`count` tenants: hub t0 and spokes t1..; every direction scoped by a filter."""
    aliases = [f"t{index}" for index in range(count)]
    return {
        "ctsync:tenants": tenants(aliases),
        "ctsync:topology": {
            "kind": "hubAndSpoke",
            "hub": aliases[0],
            "members": aliases[1:],
            "direction": direction,
            "defaults": {"trust": {"mfa": True}, "scope": {"filters": [SALES_FILTER]}},
        },
    }


def mesh_with_mto_stack(count: int) -> dict[str, Any]:
    aliases = [f"m{index}" for index in range(count)]
    return {
        "ctsync:tenants": tenants(aliases),
        "ctsync:topology": {"kind": "mesh", "members": aliases, "defaults": {"scope": {"allUsers": True}}},
        "ctsync:mto": {"displayName": "Mesh Group", "owner": aliases[0], "members": aliases[1:]},
    }


SALES_RULE = 'user.department -eq "Sales"'


def extras_stack(group_sources=(), diagnostics=(), auth: dict | None = None) -> dict[str, Any]:
    """contoso -> fabrikam, contoso -> northwind, fabrikam -> northwind; the extras on where asked.

    Syncs from a tenant in `group_sources` are scoped by a managed group (static towards fabrikam,
    dynamic towards northwind); tenants in `diagnostics` route their logs; `auth` signs in every tenant.
    """
    entries = tenants(["contoso", "fabrikam", "northwind"], **({"auth": auth} if auth else {}))
    for alias in diagnostics:
        entries[alias]["diagnostics"] = {"workspaceId": WORKSPACE}
    return {
        "ctsync:tenants": entries,
        "ctsync:sync": [
            {"from": source, "to": target, "scope": _extras_scope(source, target, group_sources)}
            for source, target in (("contoso", "fabrikam"), ("contoso", "northwind"), ("fabrikam", "northwind"))
        ],
    }


def _extras_scope(source: str, target: str, group_sources) -> dict[str, Any]:
    if source not in group_sources:
        return {"filters": [SALES_FILTER]}
    group: dict[str, Any] = {"displayName": f"ctsync {source} to {target}"}
    if target == "northwind":
        group["membershipRule"] = SALES_RULE
    return {"managedGroup": group}

"""``python -m ctsync doctor``: what will make a direction's sync fail, or surprise its users, found by
reading both tenants of every declared direction (GETs only), each with its tenant, object and fix.

Blocking (exit 3): an application permission the tenant's sign-in lacks for its part in a direction (read
from its own access token); a scope group or user that does not exist in the source tenant (Graph answers
404 on its assignment; `pulumi preview` refuses it too); a target whose guest-invite setting
forbids invitations (every create fails with AzureActiveDirectoryForbidden).
Warnings: a target where external users may leave (the next cycle provisions them again); guests of
the target invited by e-mail from the source and never redeemed (PendingAcceptance: sync does not
match them); Conditional Access policies of the target that apply to guests and external users and
require MFA or a compliant or hybrid-joined device that the direction's trust does not accept.
"""
from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import jwt

from ctsync.live import Direction
from providers.graph.paths import (
    authorization_policy_builder,
    conditional_access_policies_builder,
    external_identities_policy_builder,
    organization_builder,
    principal_builder,
    users_builder,
)
from providers.graph.session import GraphSession, TenantGraph, all_pages, if_present, raw_pages
from stackconfig import DirectionalSync, Trust
from stackconfig.syncs import TRUST_KEYS

BLOCKING, WARNING = "blocking", "warning"
# The application permissions a tenant's sign-in needs, by its part in a direction (docs/configuration.md,
# "Permissions"); each entry is satisfied by any one of its names.
SOURCE_NEEDS = (("Policy.ReadWrite.CrossTenantAccess",), ("Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"),
                ("Synchronization.ReadWrite.All",), ("AppRoleAssignment.ReadWrite.All",),
                ("Application.Read.All", "Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"))
TARGET_NEEDS = (("Policy.ReadWrite.CrossTenantAccess",),)
# Conditional Access grant controls, and the trust setting under which the target accepts the
# source's claim of it (https://learn.microsoft.com/en-us/entra/external-id/cross-tenant-access-settings-b2b-collaboration).
TRUSTED_BY = {"mfa": "mfa", "compliantDevice": "compliantDevice", "domainJoinedDevice": "hybridJoinedDevice"}
GUEST_TARGETS = ("All", "GuestsOrExternalUsers")


@dataclass(frozen=True)
class Finding:
    severity: str
    tenant: str
    object: str
    problem: str
    fix: str


async def examine(session: GraphSession, directions: Iterable[Direction]) -> list[Finding]:
    """Every finding of every direction, in the order the directions are declared."""
    found = await asyncio.gather(*(_direction(session, direction) for direction in directions))
    return [finding for findings in found for finding in findings]


async def _direction(session: GraphSession, direction: Direction) -> list[Finding]:
    source, target = session.tenant(direction.source.tenant_id), session.tenant(direction.target.tenant_id)
    sync = direction.sync
    checks = await asyncio.gather(
        _permissions(source, session.named(source.tenant_id), SOURCE_NEEDS, f"the source of {direction.name}"),
        _permissions(target, session.named(target.tenant_id), TARGET_NEEDS, f"the target of {direction.name}"),
        _scope_principals(source, session.named(source.tenant_id), sync),
        _invitations(target, session.named(target.tenant_id), direction),
        _leaving(target, session.named(target.tenant_id), direction),
        _pending_guests(source, target, session.named(target.tenant_id), direction),
        _conditional_access(target, session.named(target.tenant_id), direction),
    )
    return [finding for check in checks for finding in check]


async def _permissions(graph: TenantGraph, tenant: str, needs: tuple[tuple[str, ...], ...], part: str) -> list[Finding]:
    """What the application permissions in the tenant's own access token lack (a person's token,
    from `azureCli`, carries delegated scopes instead: not checked)."""
    roles = await asyncio.to_thread(_token_roles, graph)
    if roles is None:
        return []
    return [Finding(BLOCKING, tenant, f"application permission {' or '.join(names)}",
                    f"is not granted to the identity ctsync signs in with, which {part} needs",
                    "grant it in the app registration's API permissions (Microsoft Graph, Application) and give admin consent")
            for names in needs if not roles & set(names)]


def _token_roles(graph: TenantGraph) -> set[str] | None:
    """The ``roles`` claim of the tenant's access token (read, not verified: Graph verifies it)."""
    token = graph.credential.get_token(graph.credential.connection.scope).token
    try:
        payload = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    roles = payload.get("roles")
    return {str(role) for role in roles} if isinstance(roles, list) else None


async def _scope_principals(graph: TenantGraph, tenant: str, sync: DirectionalSync) -> list[Finding]:
    declared = [(f"{sync.scope_path}.groups[{index}]", "Group", object_id) for index, object_id in enumerate(sync.scope.groups)]
    declared += [(f"{sync.scope_path}.users[{index}]", "User", object_id) for index, object_id in enumerate(sync.scope.users)]
    found = await asyncio.gather(*(if_present(graph.call("GET", principal_builder(graph, kind, object_id)))
                                   for _, kind, object_id in declared))
    return [Finding(BLOCKING, tenant, f"{kind.lower()} {object_id} ({path})", f"no {kind.lower()} with this object id",
                    f"use the object id of a {kind.lower()} of this tenant (its Entra ID overview)")
            for (path, kind, object_id), exists in zip(declared, found, strict=True) if exists is None]


async def _invitations(graph: TenantGraph, tenant: str, direction: Direction) -> list[Finding]:
    policy = await if_present(graph.send("GET", authorization_policy_builder(graph))) or {}
    if policy.get("allowInvitesFrom") != "none":
        return []
    return [Finding(BLOCKING, tenant, "authorizationPolicy.allowInvitesFrom", "is none: the tenant forbids invitations, so "
                    f"every user the sync from {direction.source.alias} creates fails with AzureActiveDirectoryForbidden",
                    "External Identities > External collaboration settings > Guest invite settings: allow at least "
                    "admins and users in the guest inviter role (adminsAndGuestInviters)")]


async def _leaving(graph: TenantGraph, tenant: str, direction: Direction) -> list[Finding]:
    policy = await if_present(graph.send("GET", external_identities_policy_builder(graph))) or {}
    if policy.get("allowExternalIdentitiesToLeave") is not True:
        return []
    return [Finding(WARNING, tenant, "externalIdentitiesPolicy.allowExternalIdentitiesToLeave (beta)",
                    f"is true: a user synced from {direction.source.alias} can leave this tenant, and the next cycle "
                    "provisions them again", "External Identities > External collaboration settings: set 'Allow external "
                    "users to remove themselves from your organization' to No, if synced users are to stay")]


async def _pending_guests(source: TenantGraph, target: TenantGraph, tenant: str, direction: Direction) -> list[Finding]:
    domains = {str(domain).lower() for domain in await _domains(source)}
    guests = await raw_pages(target, users_builder(target), _pending_query(target))
    stale = [guest for guest in guests if str(guest.get("mail") or "").rpartition("@")[2].lower() in domains]
    return [Finding(WARNING, tenant, f"guest {guest.get('mail')} ({guest.get('id')})",
                    f"invited from {direction.source.alias} by e-mail and never redeemed (PendingAcceptance): the sync does "
                    "not match it, so the user may end up twice", "delete the invited guest in this tenant, then "
                    f"`python -m ctsync verify --from {direction.source.alias} --to {direction.target.alias} --user <their UPN>` "
                    "provisions them through the sync") for guest in stale]


def _pending_query(graph: TenantGraph) -> Any:
    builder = users_builder(graph)
    return builder.UsersRequestBuilderGetRequestConfiguration(query_parameters=builder.UsersRequestBuilderGetQueryParameters(
        filter="externalUserState eq 'PendingAcceptance'", select=["id", "mail", "userPrincipalName", "externalUserState"]))


async def _domains(graph: TenantGraph) -> list[str]:
    organisation = await all_pages(graph, organization_builder(graph))
    return [domain.name for org in organisation for domain in org.verified_domains or [] if domain.name]


async def _conditional_access(graph: TenantGraph, tenant: str, direction: Direction) -> list[Finding]:
    policies = await raw_pages(graph, conditional_access_policies_builder(graph))
    trust = direction.sync.trust
    return [finding for policy in policies if policy.get("state") == "enabled" and _covers_guests(policy, direction)
            for finding in _untrusted_controls(policy, tenant, trust, direction)]


def _covers_guests(policy: dict[str, Any], direction: Direction) -> bool:
    users = (policy.get("conditions") or {}).get("users") or {}
    if any(target in (users.get("includeUsers") or []) for target in GUEST_TARGETS):
        return True
    external = users.get("includeGuestsOrExternalUsers") or {}
    tenants = external.get("externalTenants") or {}
    return bool(external) and (tenants.get("membershipKind") in (None, "all")
                               or direction.source.tenant_id in (tenants.get("members") or []))


def _untrusted_controls(policy: dict[str, Any], tenant: str, trust: Trust, direction: Direction) -> list[Finding]:
    controls = ((policy.get("grantControls") or {}).get("builtInControls")) or []
    untrusted = [control for control in controls
                 if control in TRUSTED_BY and not getattr(trust, TRUST_KEYS[TRUSTED_BY[control]])]
    if not untrusted:
        return []
    return [Finding(WARNING, tenant, f"Conditional Access policy '{policy.get('displayName')}' ({policy.get('id')})",
                    f"requires {', '.join(untrusted)} of guests and external users, which this tenant does not accept from "
                    f"{direction.source.alias}: users synced from there must satisfy it here (register MFA in this tenant, "
                    "or use a device it manages)", f"trust the source's claims: {_trust_paths(direction, untrusted)}, or "
                    "exclude the source's users from the policy")]


def _trust_paths(direction: Direction, controls: list[str]) -> str:
    return " and ".join(f"trust.{TRUSTED_BY[control]}: true" for control in controls) + \
        f" on the sync {direction.source.alias} -> {direction.target.alias}"


def as_table(findings: list[Finding]) -> str:
    if not findings:
        return "nothing found: every check passed\n"
    lines = []
    for finding in findings:
        lines += [f"{finding.severity.upper()}  {finding.tenant}: {finding.object}", f"    {finding.problem}",
                  f"    fix: {finding.fix}"]
    return "\n".join(lines) + "\n"


def as_json(findings: list[Finding]) -> str:
    return json.dumps({"findings": [asdict(finding) for finding in findings]}, indent=2)

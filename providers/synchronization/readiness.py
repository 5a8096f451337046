"""What a cross-tenant sync needs from both tenants' policies before Graph lets it run, checked by reads.

validateCredentials (and every provisioning cycle) fails with the policy-check error (today
``AzureActiveDirectoryCrossTenantSyncPolicyCheckFailure``; jobs quarantined before the service renamed it
still show ``AzureDirectoryB2BManagementPolicyCheckFailure``) unless the source allows outbound automatic redemption to the target, and the target allows inbound
automatic redemption and inbound user sync from the source. Graph's message does not say which of
these is missing; these reads do, naming the tenant and the setting. The secrets resource uses them
when the validation fails, and ``python -m ctsync status`` when a job is quarantined for it.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from providers.graph import GraphError
from providers.graph.paths import partner_builder
from providers.graph.session import TenantGraph

# What validateCredentials (and a quarantined job) answers when the tenants' policies do not allow the
# sync: the code the service and Microsoft's troubleshooting page use now, then the one it used before.
# https://learn.microsoft.com/en-us/entra/identity/multi-tenant-organizations/cross-tenant-synchronization-troubleshoot
TARGET_NOT_READY = "AzureActiveDirectoryCrossTenantSyncPolicyCheckFailure"
POLICY_CHECK_FAILURES = (TARGET_NOT_READY, "AzureDirectoryB2BManagementPolicyCheckFailure")


def is_policy_check_failure(code: str | None, message: str = "") -> bool:
    """Whether Graph's error (its code, or a message that names it) is the cross-tenant policy check."""
    return code in POLICY_CHECK_FAILURES or any(known in message for known in POLICY_CHECK_FAILURES)

TenantOf = Callable[[str], TenantGraph]
Holds = Callable[[TenantGraph], Awaitable[bool]]


def _requirements(source: str, target: str) -> list[tuple[str, str, Holds]]:
    """What validateCredentials requires (tenant, setting, how to check it), as Microsoft's setup guide
    lists it: https://learn.microsoft.com/en-us/entra/identity/multi-tenant-organizations/cross-tenant-synchronization-configure-graph"""
    return [
        (
            target,
            f"the cross-tenant access partner entry for {source} must allow inbound automatic redemption "
            f"(automaticUserConsentSettings.inboundAllowed; PartnerAccess inbound_auto_redeem=True)",
            lambda graph: _consent_allowed(graph, source, "inbound_allowed"),
        ),
        (
            target,
            f"the identity-sync policy for {source} must allow inbound user sync "
            f"(identitySynchronization userSyncInbound.isSyncAllowed; IdentitySyncPolicy user_sync_allowed=True)",
            lambda graph: _user_sync_allowed(graph, source),
        ),
        (
            source,
            f"the cross-tenant access partner entry for {target} must allow outbound automatic redemption "
            f"(automaticUserConsentSettings.outboundAllowed; PartnerAccess outbound_auto_redeem=True)",
            lambda graph: _consent_allowed(graph, target, "outbound_allowed"),
        ),
    ]


async def unmet_settings(tenant: TenantOf, source: str, target: str) -> list[str]:
    """Each required setting that does not hold (or cannot be read), as "in tenant <id>, <setting>"."""
    return [
        f"in tenant {tenant_id}, {setting}"
        for tenant_id, setting, holds in _requirements(source, target)
        if not await _known_to_hold(tenant, tenant_id, holds)
    ]


async def explain_not_ready(tenant: TenantOf, source: str, target: str, code: str = TARGET_NOT_READY) -> str:
    """Why validateCredentials refused (with ``code``), for an error of ``pulumi up``."""
    unmet = await unmet_settings(tenant, source, target)
    intro = (
        f"synchronization from {source} to {target}: validateCredentials failed with {code}, "
        f"the tenants' cross-tenant access policies do not allow this sync yet"
    )
    if not unmet:
        return (
            f"{intro}; every required setting reads as present now, so the policy service has not caught up: "
            f"run `pulumi up` again in a few minutes"
        )
    return (
        f"{intro}. Missing or unreadable: {'; '.join(unmet)}. Declaring the sync {source} -> {target} under "
        f"ctsync:sync (or ctsync:topology), with both tenants under ctsync:tenants, creates these before this "
        f"resource; if tenant {target} is managed elsewhere, its administrator must set them"
    )


async def _known_to_hold(tenant: TenantOf, tenant_id: str, holds: Holds) -> bool:
    try:
        return await holds(tenant(tenant_id))
    except (KeyError, GraphError):
        # Not declared in this stack, absent, or not readable with our permissions: name it.
        return False


async def _consent_allowed(graph: TenantGraph, partner_tenant_id: str, direction: str) -> bool:
    partner = await graph.call("GET", partner_builder(graph, partner_tenant_id))
    return bool(getattr(partner.automatic_user_consent_settings, direction, False))


async def _user_sync_allowed(graph: TenantGraph, source_tenant_id: str) -> bool:
    policy = await graph.call("GET", partner_builder(graph, source_tenant_id).identity_synchronization)
    return bool(policy.user_sync_inbound and policy.user_sync_inbound.is_sync_allowed)

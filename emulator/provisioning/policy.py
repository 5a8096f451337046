"""The B2B policy check behind validateCredentials and every provisioning cycle (docs/graph-notes.md#flow,
#secrets): the source must allow outbound automatic redemption to the target, and the target must allow
inbound automatic redemption and inbound user sync from the source."""
from __future__ import annotations

from ..state import EmulatorState, Tenant

# The code the service reports now (it reported AzureDirectoryB2BManagementPolicyCheckFailure before).
ERROR_CODE = "AzureActiveDirectoryCrossTenantSyncPolicyCheckFailure"
AUTO_REDEEM = "Policy permitting auto-redemption of invitations not configured"


def _consent(partner: dict | None, direction: str) -> bool:
    return bool(partner and (partner.get("automaticUserConsentSettings") or {}).get(direction) is True)


def policy_problems(state: EmulatorState, source: Tenant, target_id: str | None, authentication_type: str | None) -> list[str]:
    """Every reason sync from `source` to `target_id` is refused (empty when it may proceed)."""
    if not target_id:
        return ["CompanyId (the target tenant id) is not set"]
    if authentication_type != "SyncPolicy":
        return [f"AuthenticationType must be 'SyncPolicy' (got {authentication_type!r})"]
    target = state.tenant(target_id)
    if target is None:
        return [f"target tenant {target_id} was not found"]
    problems = []
    if not _consent(source.partners.get(target.id), "outboundAllowed"):
        problems.append(
            f"{AUTO_REDEEM}: the source tenant {source.id} does not allow outbound automatic redemption to "
            f"{target.id} (partner automaticUserConsentSettings.outboundAllowed)"
        )
    if not _consent(target.partners.get(source.id), "inboundAllowed"):
        problems.append(
            f"{AUTO_REDEEM}: the target tenant {target.id} does not allow inbound automatic redemption from "
            f"{source.id} (partner automaticUserConsentSettings.inboundAllowed)"
        )
    sync_policy = target.identity_sync.get(source.id) or {}
    if not (sync_policy.get("userSyncInbound") or {}).get("isSyncAllowed"):
        problems.append(
            f"the target tenant {target.id} does not allow inbound user synchronization from {source.id} "
            "(identitySynchronization userSyncInbound.isSyncAllowed)"
        )
    return problems


def problem_message(problems: list[str]) -> str:
    return "Cross-tenant synchronization policy check failed: " + "; ".join(problems) + "."

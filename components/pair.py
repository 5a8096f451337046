"""TenantPair: everything two tenants need for sync in one or both directions between them.

A partner entry is one Graph object per (tenant, partner), so each side gets exactly one
PartnerAccess carrying both directions' settings (inbound trust and auto-redeem from the partner,
outbound auto-redeem to it). Each receiving tenant gets the identity-sync policy for its source, and
each sending direction a ProvisioningJob that waits for both of those.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

from components import names
from components.contract import component_config
from components.provisioning import ProvisioningJob, ProvisioningJobArgs
from providers.sdk import IdentitySyncPolicy, IdentitySyncPolicyArgs, PartnerAccess, PartnerAccessArgs
from stackconfig import DirectionalSync, PartnerSettings, Tenant
from stackconfig import TenantPair as PairConfig

TYPE = "ctsync:pair:TenantPair"


@dataclass(frozen=True)
class TenantPairArgs:
    """The component's inputs, as any program gives them: one or two `ctsync:sync` entries between the
    same two tenants, as plain values in the stack file's camelCase shape (docs/configuration.md).
    The tenants themselves come from the stack's `ctsync:tenants` (the provider's configuration)."""

    syncs: Sequence[Mapping[str, Any]]


@dataclass(frozen=True)
class PairPlan:
    """A pair already read and checked: how the stack-config program (program.py) builds one."""

    pair: PairConfig
    tenants: Mapping[str, Tenant]  # alias -> tenant; holds at least both of the pair
    # (source alias, display name) -> object id of each managed scoping group (scoping.ManagedGroups).
    managed_group_ids: Mapping[tuple[str, str], pulumi.Input[str]] = field(default_factory=dict)


def plan(name: str, syncs: Any) -> PairPlan:
    """The `ctsync:sync` entries read by the stack config's own reader, paths rooted at ``syncs``."""
    config = component_config(f"TenantPair {name}", {"sync": ("syncs", syncs)}, one_pair=True)
    if not config.pairs:
        raise pulumi.RunError(f"TenantPair {name}: syncs declares no direction; nothing was deployed")
    return PairPlan(pair=config.pairs[0], tenants=config.tenants)


def policy_display_name(source: Tenant) -> str:
    """Tenant id only, like the configuration app's name (provisioning.app_display_name)."""
    return f"ctsync from {source.tenant_id}"


class TenantPair(pulumi.ComponentResource):
    """Both tenants' partner entries, the identity-sync policies and a ProvisioningJob per direction."""

    def __init__(self, name: str, args: TenantPairArgs | PairPlan, opts: pulumi.ResourceOptions | None = None):
        # Checked before the component itself is registered: refused inputs leave nothing behind.
        args = args if isinstance(args, PairPlan) else plan(name, args.syncs)
        super().__init__(TYPE, name, None, opts)
        pair, tenants = args.pair, args.tenants
        settings = {alias: pair.partner_settings(alias) for alias in (pair.a, pair.b)}
        self.partner_access = {alias: self._partner_access(s, tenants) for alias, s in settings.items()}
        self.identity_sync = {sync.target: self._identity_sync(sync, tenants) for sync in pair.syncs}
        self.jobs = {
            names.direction_component(sync.source, sync.target): self._job(sync, args) for sync in pair.syncs
        }
        self.summary = {
            **{alias: self._side_summary(s, tenants) for alias, s in settings.items()},
            "jobs": {direction: job.summary for direction, job in self.jobs.items()},
        }

    def _partner_access(self, settings: PartnerSettings, tenants: Mapping[str, Tenant]) -> PartnerAccess:
        tenant_id, partner_id = tenants[settings.tenant].tenant_id, tenants[settings.partner].tenant_id
        trust = settings.inbound_trust
        return PartnerAccess(
            names.partner_access(tenant_id, partner_id),
            PartnerAccessArgs(
                tenant_id=tenant_id,
                partner_tenant_id=partner_id,
                trust_mfa=trust.mfa,
                trust_compliant_device=trust.compliant_device,
                trust_hybrid_joined_device=trust.hybrid_joined_device,
                inbound_auto_redeem=settings.inbound_auto_redeem,
                outbound_auto_redeem=settings.outbound_auto_redeem,
            ),
            pulumi.ResourceOptions(parent=self),
        )

    def _identity_sync(self, sync: DirectionalSync, tenants: Mapping[str, Tenant]) -> IdentitySyncPolicy:
        source, target = tenants[sync.source], tenants[sync.target]
        return IdentitySyncPolicy(
            names.identity_sync(target.tenant_id, source.tenant_id),
            IdentitySyncPolicyArgs(
                tenant_id=target.tenant_id,
                source_tenant_id=source.tenant_id,
                display_name=policy_display_name(source),
                user_sync_allowed=True,
                group_sync_allowed=sync.provision_groups,
            ),
            # The policy hangs off the partner entry: Graph refuses it for a partner with no entry.
            pulumi.ResourceOptions(parent=self, depends_on=[self.partner_access[sync.target]]),
        )

    def _job(self, sync: DirectionalSync, args: PairPlan) -> ProvisioningJob:
        group = sync.scope.managed_group
        ready = [self.partner_access[sync.target], self.identity_sync[sync.target], self.partner_access[sync.source]]
        return ProvisioningJob(
            names.direction_component(sync.source, sync.target),
            ProvisioningJobArgs(
                sync=sync,
                source=args.tenants[sync.source],
                target=args.tenants[sync.target],
                target_ready=ready,
                managed_group_id=args.managed_group_ids.get((sync.source, group.display_name)) if group else None,
            ),
            pulumi.ResourceOptions(parent=self),
        )

    def _side_summary(self, settings: PartnerSettings, tenants: Mapping[str, Tenant]) -> dict[str, Any]:
        """What this pair configures in one tenant: its partner entry for the other."""
        trust = settings.inbound_trust
        access = self.partner_access[settings.tenant]
        return {
            "tenant_id": tenants[settings.tenant].tenant_id,
            "partner": settings.partner,
            "partner_tenant_id": tenants[settings.partner].tenant_id,
            "inbound_trust": {
                "mfa": trust.mfa,
                "compliant_device": trust.compliant_device,
                "hybrid_joined_device": trust.hybrid_joined_device,
            },
            "inbound_auto_redeem": settings.inbound_auto_redeem,
            "outbound_auto_redeem": settings.outbound_auto_redeem,
            "inbound_sync_allowed": settings.inbound_sync_allowed,
            "taken_over": access.taken_over,
        }

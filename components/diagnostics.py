"""Extra, off by default: a tenant's Entra audit and provisioning logs routed to Log Analytics.

An `aadiam.DiagnosticSetting` (pulumi-azure-native) at tenant level, through an azure-native provider
signed in to that tenant: the provisioning logs are where a sync job's per-user outcomes are read.
"""
from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components import ecosystem
from stackconfig import Tenant

TYPE = "ctsync:diagnostics:LogRouting"
SETTING_NAME = "ctsync-entra-logs"


@dataclass(frozen=True)
class LogRoutingArgs:
    tenant: Tenant  # with diagnostics set
    provider: pulumi.ProviderResource  # azure-native, signed in to this tenant


class LogRouting(pulumi.ComponentResource):
    """One diagnostic setting sending the configured categories to the configured workspace."""

    def __init__(self, name: str, args: LogRoutingArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TYPE, name, None, opts)
        tenant, diagnostics = args.tenant, args.tenant.diagnostics
        if diagnostics is None:
            raise ValueError(f"tenant {tenant.alias} routes no logs (no diagnostics configured)")
        aadiam = ecosystem.sdk_module(ecosystem.AZURE_NATIVE).aadiam
        self.setting = aadiam.DiagnosticSetting(
            f"{tenant.tenant_id}-entra-logs",
            name=SETTING_NAME,
            workspace_id=diagnostics.workspace_id,
            logs=[aadiam.LogSettingsArgs(category=category, enabled=True) for category in diagnostics.categories],
            opts=pulumi.ResourceOptions(parent=self, provider=args.provider),
        )
        self.summary = {
            "tenant_id": tenant.tenant_id,
            "workspace_id": diagnostics.workspace_id,
            "categories": list(diagnostics.categories),
            "setting_id": self.setting.id,
        }

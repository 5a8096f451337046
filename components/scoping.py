"""Extra, off by default: security groups that ctsync manages in a source tenant and assigns as scope.

Built on pulumi-azuread (the ecosystem's provider for directory objects) rather than on a ctsync
resource: a group is an ordinary directory object that azuread manages well.

A group belongs to its source tenant, not to one direction: a topology's `defaults` or several
directions from one tenant naming the same group share it (docs/configuration.md, Extras). Its
display name is its identity there: `prevent_duplicate_names` refuses a second group of that name,
and the Pulumi name is made of the tenant id and the display name, so editing the display name
replaces the group.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from components import ecosystem
from stackconfig import ManagedGroup, Problem, StackConfig, Tenant
from stackconfig.reader import child_path

TYPE = "ctsync:scoping:ManagedGroups"
DYNAMIC_MEMBERSHIP = "DynamicMembership"


def managed_groups(config: StackConfig) -> dict[str, list[ManagedGroup]]:
    """source alias -> its distinct managed groups, in the order the syncs name them."""
    groups: dict[str, list[ManagedGroup]] = {}
    for sync in config.syncs:
        group = sync.scope.managed_group
        if group is not None and group not in groups.setdefault(sync.source, []):
            groups[sync.source].append(group)
    return {alias: found for alias, found in groups.items() if found}


def conflicts(config: StackConfig) -> list[Problem]:
    """One display name with two membership rules in one tenant: which group would that be?"""
    problems = []
    for alias, groups in managed_groups(config).items():
        names = [group.display_name for group in groups]
        for name in sorted({name for name in names if names.count(name) > 1}):
            problems.append(Problem(
                child_path("ctsync:tenants", alias),
                f"the syncs from {alias} declare the managed group {name!r} with different membership rules",
                "give the same group the same membershipRule everywhere, or give each group its own displayName",
            ))
    return problems


@dataclass(frozen=True)
class ManagedGroupsArgs:
    tenant: Tenant  # the source tenant the groups live in
    groups: Sequence[ManagedGroup]
    provider: pulumi.ProviderResource  # azuread, signed in to `tenant`


class ManagedGroups(pulumi.ComponentResource):
    """The managed scoping groups of one source tenant; `object_ids` maps display name -> object id."""

    def __init__(self, name: str, args: ManagedGroupsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TYPE, name, None, opts)
        self.groups = {group.display_name: self._group(args.tenant, group, args.provider) for group in args.groups}
        self.object_ids: dict[str, pulumi.Output[str]] = {name: group.object_id for name, group in self.groups.items()}

    def _group(self, tenant: Tenant, group: ManagedGroup, provider: pulumi.ProviderResource) -> Any:
        azuread = ecosystem.sdk_module(ecosystem.AZUREAD)
        dynamic = group.membership_rule is not None
        return azuread.Group(
            f"{tenant.tenant_id}-group-{group.display_name}",
            display_name=group.display_name,
            description="Managed by ctsync: its direct members are in scope of cross-tenant synchronization",
            security_enabled=True,
            mail_enabled=False,
            # A run interrupted after create would otherwise leave a twin with the same name next time.
            prevent_duplicate_names=True,
            types=[DYNAMIC_MEMBERSHIP] if dynamic else None,
            dynamic_membership=(
                azuread.GroupDynamicMembershipArgs(enabled=True, rule=group.membership_rule) if dynamic else None
            ),
            opts=pulumi.ResourceOptions(parent=self, provider=provider),
        )

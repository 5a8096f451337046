"""Extra, off by default: a security group that ctsync manages in the source tenant and assigns as scope.

Built on pulumi-azuread (the ecosystem's provider for directory objects) rather than on a Graph
dynamic resource: a group is an ordinary directory object that azuread manages well.
"""
from __future__ import annotations

import pulumi
import pulumi_azuread as azuread

from stackconfig import ManagedGroup, Tenant

DYNAMIC_MEMBERSHIP = "DynamicMembership"


def scoping_group(
    name: str, group: ManagedGroup, target: Tenant, provider: pulumi.ProviderResource, parent: pulumi.Resource
) -> azuread.Group:
    """A security group (dynamic when a membership rule is given); its direct members are in scope."""
    dynamic = group.membership_rule is not None
    return azuread.Group(
        name,
        display_name=group.display_name,
        description=f"Managed by ctsync: users synchronized to {target.display_name} ({target.tenant_id})",
        security_enabled=True,
        mail_enabled=False,
        # A run interrupted after create would otherwise leave a twin with the same name next time.
        prevent_duplicate_names=True,
        types=[DYNAMIC_MEMBERSHIP] if dynamic else None,
        dynamic_membership=(
            azuread.GroupDynamicMembershipArgs(enabled=True, rule=group.membership_rule) if dynamic else None
        ),
        opts=pulumi.ResourceOptions(parent=parent, provider=provider),
    )

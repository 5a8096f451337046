"""MtoMembership: the multitenant organisation, the owner adding each member, each member asking to join.

The owner's side (MultiTenantOrganization, then an MtoTenant per member) comes first; a member's
join request names the owner and Graph only accepts it once the owner has added that member, hence
each MtoJoinRequest depends on its MtoTenant. A join can take hours: the join request resource does
not wait for it, it reports `member_state` / `transition_status`, which this component exports.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi

from providers.sdk import (
    MtoJoinRequest,
    MtoJoinRequestArgs,
    MtoTenant,
    MtoTenantArgs,
    MultiTenantOrganization,
    MultiTenantOrganizationArgs,
)
from stackconfig import Mto, Tenant

TYPE = "ctsync:mto:MtoMembership"


@dataclass(frozen=True)
class MtoMembershipArgs:
    mto: Mto
    tenants: Mapping[str, Tenant]  # alias -> tenant; holds the owner and every member


class MtoMembership(pulumi.ComponentResource):
    def __init__(self, name: str, args: MtoMembershipArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TYPE, name, None, opts)
        owner = args.tenants[args.mto.owner]
        self.organization = MultiTenantOrganization(
            f"{owner.tenant_id}-mto",
            MultiTenantOrganizationArgs(tenant_id=owner.tenant_id, display_name=args.mto.display_name),
            pulumi.ResourceOptions(parent=self),
        )
        members = [args.tenants[alias] for alias in args.mto.members]
        self.added = {member.alias: self._add(owner, member) for member in members}
        self.joins = {member.alias: self._join(owner, member) for member in members}
        self.summary = {
            "display_name": args.mto.display_name,
            "owner": args.mto.owner,
            "owner_tenant_id": owner.tenant_id,
            "state": self.organization.state,
            "members": {
                member.alias: {
                    "tenant_id": member.tenant_id,
                    "state": self.added[member.alias].state,
                    "member_state": self.joins[member.alias].member_state,
                    "transition_status": self.joins[member.alias].transition_status,
                }
                for member in members
            },
        }
        self.register_outputs(self.summary)

    def _add(self, owner: Tenant, member: Tenant) -> MtoTenant:
        return MtoTenant(
            f"{owner.tenant_id}-mto-member-{member.tenant_id}",
            MtoTenantArgs(tenant_id=owner.tenant_id, member_tenant_id=member.tenant_id, display_name=member.display_name),
            pulumi.ResourceOptions(
                parent=self,
                depends_on=[self.organization],
                # Graph fixes a member's name when it is added; a later displayName edit in the config
                # (or an alias rename, the default name) must not remove the tenant and add it again.
                ignore_changes=["display_name"],
            ),
        )

    def _join(self, owner: Tenant, member: Tenant) -> MtoJoinRequest:
        return MtoJoinRequest(
            f"{member.tenant_id}-mto-join-{owner.tenant_id}",
            MtoJoinRequestArgs(tenant_id=member.tenant_id, owner_tenant_id=owner.tenant_id),
            pulumi.ResourceOptions(parent=self, depends_on=[self.added[member.alias]]),
        )

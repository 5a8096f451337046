"""MtoMembership: the multitenant organisation, the owner adding each member, each member asking to join.

The owner's side (MultiTenantOrganization, then an MtoTenant per member, with its role) comes first;
a member's join request names the owner and Graph only accepts it once the owner has added that
member, hence each MtoJoinRequest depends on its MtoTenant. A join can take hours: the join request
resource does not wait for it, it reports `member_state` / `transition_status`, which this
component exports. Role changes take hours too and do not block either (MtoTenant reports the role
a tenant is moving to).

The templates (ctsync:mto.templates) are set in every tenant of the organisation before any join:
Graph applies them when a join completes, to the partner entries and identity-sync policies that
the join generates, and never again afterwards.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from components.contract import component_config
from providers.sdk import (
    MtoIdentitySyncTemplate,
    MtoIdentitySyncTemplateArgs,
    MtoJoinRequest,
    MtoJoinRequestArgs,
    MtoPartnerTemplate,
    MtoPartnerTemplateArgs,
    MtoTenant,
    MtoTenantArgs,
    MultiTenantOrganization,
    MultiTenantOrganizationArgs,
)
from stackconfig import Mto, Tenant
from stackconfig.model import TEMPLATE_TARGETS

TYPE = "ctsync:mto:MtoMembership"
NEW_PARTNERS, EXISTING_PARTNERS = TEMPLATE_TARGETS


@dataclass(frozen=True)
class MtoMembershipArgs:
    """The component's inputs, as any program gives them: the `ctsync:mto` shape (docs/configuration.md);
    members and templates as plain values in the stack file's camelCase shape. The tenants come from
    the stack's `ctsync:tenants` (the provider's configuration)."""

    display_name: str
    owner: str
    members: Sequence[str | Mapping[str, Any]] = ()
    description: str | None = None
    templates: Mapping[str, Any] | None = None

    def contract(self) -> dict[str, Any]:
        """The `ctsync:mto` value these inputs stand for."""
        given = {"displayName": self.display_name, "owner": self.owner, "members": list(self.members),
                 "description": self.description, "templates": self.templates}
        return {key: value for key, value in given.items() if value is not None}


@dataclass(frozen=True)
class MtoPlan:
    """An organisation already read and checked: how the stack-config program (program.py) builds one."""

    mto: Mto
    tenants: Mapping[str, Tenant]  # alias -> tenant; holds the owner and every member


def plan(name: str, inputs: Mapping[str, Any]) -> MtoPlan:
    """The `ctsync:mto`-shaped inputs read by the stack config's own reader, paths rooted at the
    component (``owner``, ``members[1]``)."""
    config = component_config(f"MtoMembership {name}", {"mto": ("", dict(inputs))})
    assert config.mto is not None  # a readable `ctsync:mto` value always makes one
    return MtoPlan(mto=config.mto, tenants=config.tenants)


class MtoMembership(pulumi.ComponentResource):
    """The organisation in its owner tenant, each member added by the owner and asking to join."""

    def __init__(self, name: str, args: MtoMembershipArgs | MtoPlan, opts: pulumi.ResourceOptions | None = None):
        # Checked before the component itself is registered: refused inputs leave nothing behind.
        args = args if isinstance(args, MtoPlan) else plan(name, args.contract())
        super().__init__(TYPE, name, None, opts)
        self.mto = args.mto
        owner = args.tenants[args.mto.owner]
        self.organization = MultiTenantOrganization(
            f"{owner.tenant_id}-mto",
            MultiTenantOrganizationArgs(
                tenant_id=owner.tenant_id, display_name=args.mto.display_name, description=args.mto.description
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self.templates = [t for alias in args.mto.tenants for t in self._templates(args.tenants[alias])]
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

    def _add(self, owner: Tenant, member: Tenant) -> MtoTenant:
        return MtoTenant(
            f"{owner.tenant_id}-mto-member-{member.tenant_id}",
            MtoTenantArgs(tenant_id=owner.tenant_id, member_tenant_id=member.tenant_id, display_name=member.display_name,
                          role=self.mto.role_of(member.alias)),
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
            pulumi.ResourceOptions(parent=self, depends_on=[self.added[member.alias], *self.templates]),
        )

    def _templates(self, tenant: Tenant) -> list[pulumi.CustomResource]:
        """The tenant's declared MTO templates (none, one or both)."""
        made: list[pulumi.CustomResource] = []
        partner, identity_sync = self.mto.partner_template, self.mto.identity_sync_template
        if partner is not None:
            made.append(MtoPartnerTemplate(
                f"{tenant.tenant_id}-mto-partner-template",
                MtoPartnerTemplateArgs(
                    tenant_id=tenant.tenant_id,
                    trust_mfa=partner.trust.mfa if partner.trust else None,
                    trust_compliant_device=partner.trust.compliant_device if partner.trust else None,
                    trust_hybrid_joined_device=partner.trust.hybrid_joined_device if partner.trust else None,
                    inbound_auto_redeem=partner.inbound_redemption,
                    outbound_auto_redeem=partner.outbound_redemption,
                    apply_to_new_partners=NEW_PARTNERS in partner.apply_to,
                    apply_to_existing_partners=EXISTING_PARTNERS in partner.apply_to,
                ),
                pulumi.ResourceOptions(parent=self),
            ))
        if identity_sync is not None:
            made.append(MtoIdentitySyncTemplate(
                f"{tenant.tenant_id}-mto-identity-sync-template",
                MtoIdentitySyncTemplateArgs(
                    tenant_id=tenant.tenant_id,
                    user_sync_inbound=identity_sync.user_sync_inbound,
                    apply_to_new_partners=NEW_PARTNERS in identity_sync.apply_to,
                    apply_to_existing_partners=EXISTING_PARTNERS in identity_sync.apply_to,
                ),
                pulumi.ResourceOptions(parent=self),
            ))
        return made

"""Tenant T's cross-tenant access settings for partner P (``/policies/crossTenantAccessPolicy/partners``).

One Graph object per (tenant, partner): when sync runs both ways it carries both directions'
settings (inbound trust and auto-redeem from P, outbound auto-redeem to P). B2B collaboration and
direct connect are never sent, so they keep inheriting the tenant's default policy.
"""
from __future__ import annotations

from dataclasses import dataclass

from providers.framework import GraphResource, Observed, adoption_notice, attribute, computed
from providers.framework.values import guid, lower_guid
from providers.graph import GraphError, models
from providers.graph.paths import partner_builder
from providers.graph.retry import not_found, until_healed
from providers.graph.session import TenantGraph, if_present


@dataclass(frozen=True)
class PartnerAccessInputs:
    tenant_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    partner_tenant_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    trust_mfa: bool = attribute(default=False, description="accept MFA claims of the partner's users")
    trust_compliant_device: bool = attribute(default=False)
    trust_hybrid_joined_device: bool = attribute(default=False)
    inbound_auto_redeem: bool = attribute(default=False, description="partner's users need no consent here")
    outbound_auto_redeem: bool = attribute(default=False, description="our users need no consent there")


@dataclass(frozen=True)
class PartnerAccessState:
    in_multi_tenant_organization: bool | None = computed()


def partner_body(inputs: PartnerAccessInputs, with_key: bool) -> models.CrossTenantAccessPolicyConfigurationPartner:
    return models.CrossTenantAccessPolicyConfigurationPartner(
        tenant_id=inputs.partner_tenant_id if with_key else None,
        inbound_trust=models.CrossTenantAccessPolicyInboundTrust(
            is_mfa_accepted=inputs.trust_mfa,
            is_compliant_device_accepted=inputs.trust_compliant_device,
            is_hybrid_azure_a_d_joined_device_accepted=inputs.trust_hybrid_joined_device,
        ),
        automatic_user_consent_settings=models.InboundOutboundPolicyConfiguration(
            inbound_allowed=inputs.inbound_auto_redeem,
            outbound_allowed=inputs.outbound_auto_redeem,
        ),
    )


class PartnerAccessResource(GraphResource[PartnerAccessInputs, PartnerAccessState]):
    """Tenant ``tenant_id``'s cross-tenant access entry for ``partner_tenant_id``: inbound trust of the
    partner's MFA and device claims, and automatic redemption both ways."""

    module = "crossTenantAccess"
    type_name = "PartnerAccess"
    id_format = "{tenant_id}/partners/{partner_tenant_id}"

    async def find(self, inputs: PartnerAccessInputs) -> Observed | None:
        # E.g. made in the admin center, or by an MTO join (which creates partner entries).
        return await self.read(inputs, PartnerAccessState())

    async def create(self, inputs: PartnerAccessInputs) -> PartnerAccessState:
        graph = self.tenant(inputs.tenant_id)
        partners = graph.sdk.policies.cross_tenant_access_policy.partners
        try:
            await graph.call("POST", partners, partner_body(inputs, with_key=True))
        except GraphError as error:
            if not error.already_exists:
                raise
            # Made since find looked (a concurrent MTO join, or a retried POST): set it as declared.
            await self._patch(graph, inputs)
            adoption_notice(self.type_name, f"partner entry for {inputs.partner_tenant_id} in {inputs.tenant_id}")
        observed = await until_healed(lambda: self._get(graph, inputs.partner_tenant_id), not_found)
        return PartnerAccessState(observed.is_in_multi_tenant_organization or False)

    async def read(self, inputs: PartnerAccessInputs, state: PartnerAccessState) -> Observed | None:
        graph = self.tenant(inputs.tenant_id)
        partner = await if_present(self._get(graph, inputs.partner_tenant_id))
        if partner is None:
            return None
        trust = partner.inbound_trust or models.CrossTenantAccessPolicyInboundTrust()
        consent = partner.automatic_user_consent_settings or models.InboundOutboundPolicyConfiguration()
        observed = PartnerAccessInputs(
            tenant_id=inputs.tenant_id,
            partner_tenant_id=inputs.partner_tenant_id,
            trust_mfa=bool(trust.is_mfa_accepted),
            trust_compliant_device=bool(trust.is_compliant_device_accepted),
            trust_hybrid_joined_device=bool(trust.is_hybrid_azure_a_d_joined_device_accepted),
            inbound_auto_redeem=bool(consent.inbound_allowed),
            outbound_auto_redeem=bool(consent.outbound_allowed),
        )
        return Observed(observed, PartnerAccessState(bool(partner.is_in_multi_tenant_organization)))

    async def update(self, olds: PartnerAccessInputs, news: PartnerAccessInputs, state: PartnerAccessState) -> PartnerAccessState:
        await self._patch(self.tenant(news.tenant_id), news)
        return state

    async def delete(self, inputs: PartnerAccessInputs, state: PartnerAccessState) -> None:
        graph = self.tenant(inputs.tenant_id)
        partner = partner_builder(graph, inputs.partner_tenant_id)
        try:
            await if_present(graph.call("DELETE", partner))
        except GraphError as error:
            # Graph refuses while the entry has an identity-sync policy (ctsync deletes its own first;
            # this one was made elsewhere, e.g. by an MTO join): delete it, then the entry.
            if not _has_identity_sync(error):
                raise
            await if_present(graph.call("DELETE", partner.identity_synchronization))
            await if_present(graph.call("DELETE", partner))

    async def _get(self, graph: TenantGraph, partner_tenant_id: str):
        return await graph.call("GET", partner_builder(graph, partner_tenant_id))

    async def _patch(self, graph: TenantGraph, inputs: PartnerAccessInputs) -> None:
        await graph.call("PATCH", partner_builder(graph, inputs.partner_tenant_id), partner_body(inputs, with_key=False))


def _has_identity_sync(error: GraphError) -> bool:
    return error.status == 400 and "identitySynchronization" in error.message

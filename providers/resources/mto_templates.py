"""A tenant's multitenant-organization templates: what a join writes into the partner configurations
and identity-sync policies it generates for the other tenants
(``/policies/crossTenantAccessPolicy/templates/multiTenantOrganization{PartnerConfiguration,IdentitySynchronization}``,
https://learn.microsoft.com/en-us/graph/api/resources/multitenantorganizationpartnerconfigurationtemplate).

A template is a singleton every tenant has, so create is a PATCH of the declared values, and delete
puts it back to its defaults (``resetToDefaultSettings``); refresh reports a template found back at
its defaults as gone. Templates apply when a tenant joins, to the
partner entries the join makes (``newPartners``), to those that already existed
(``existingPartners``), to both or to none (``templateApplicationLevel``, a flags enum); later edits
are not applied again. Requests are raw JSON: msgraph-sdk's typed model drops flags enums (see
providers/synchronization/schema_json.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from providers.framework import GraphResource, Observed, attribute
from providers.framework.values import guid, lower_guid
from providers.graph.session import TenantGraph

NEW, EXISTING = "newPartners", "existingPartners"
NO_PARTNERS = "none"


def application_level(new_partners: bool, existing_partners: bool) -> str:
    levels = [level for level, on in ((NEW, new_partners), (EXISTING, existing_partners)) if on]
    return ",".join(levels) or NO_PARTNERS


def applies_to(level: str | None) -> tuple[bool, bool]:
    flags = {flag.strip().lower() for flag in (level or "").split(",")}
    return NEW.lower() in flags, EXISTING.lower() in flags


def _flag(value: Any) -> bool:
    return value is True


def partner_template_at_defaults(document: dict) -> bool:
    """As a tenant's partner template is before anyone configures it (or after a reset)."""
    consent = document.get("automaticUserConsentSettings") or {}
    return (document.get("inboundTrust") is None and all(value is None for value in consent.values())
            and applies_to(document.get("templateApplicationLevel")) == (True, True))


def identity_sync_template_at_defaults(document: dict) -> bool:
    return document.get("userSyncInbound") is None and applies_to(document.get("templateApplicationLevel")) == (True, True)


@dataclass(frozen=True)
class TemplateState:
    pass


TemplateInputs = TypeVar("TemplateInputs")


class MtoTemplateResource(GraphResource[TemplateInputs, TemplateState]):
    """What both templates share: one tenant's singleton, read and written whole as raw JSON."""

    module = "multiTenantOrganization"
    had_dynamic_predecessor = False  # added after the native provider
    sdk_attribute: ClassVar[str]  # the template's request builder under policies.crossTenantAccessPolicy.templates

    @classmethod
    def builder(cls, graph: TenantGraph):
        return getattr(graph.sdk.policies.cross_tenant_access_policy.templates, cls.sdk_attribute)

    def body(self, inputs: Any) -> dict:
        raise NotImplementedError

    def observed(self, inputs: Any, document: dict) -> Any:
        raise NotImplementedError

    def at_defaults(self, document: dict) -> bool:
        raise NotImplementedError

    async def find(self, inputs: Any) -> Observed | None:
        """It always exists: taken over when someone configured it before, ctsync's when at defaults."""
        document = await self._get(inputs)
        return Observed(self.observed(inputs, document), TemplateState(), taken_over=not self.at_defaults(document))

    async def create(self, inputs: Any) -> TemplateState:
        await self._patch(inputs)
        return TemplateState()

    async def read(self, inputs: Any, state: TemplateState) -> Observed | None:
        """A template back at its defaults, unlike the declaration, was reset: refresh reports it gone
        (the singleton cannot vanish; a reset is how it is deleted)."""
        document = await self._get(inputs)
        observed = self.observed(inputs, document)
        if self.at_defaults(document) and observed != inputs:
            return None
        return Observed(observed, TemplateState())

    async def update(self, olds: Any, news: Any, state: TemplateState) -> TemplateState:
        await self._patch(news)
        return state

    async def delete(self, inputs: Any, state: TemplateState) -> None:
        graph = self.tenant(inputs.tenant_id)
        await graph.call("POST", self.builder(graph).reset_to_default_settings)

    async def _get(self, inputs: Any) -> dict:
        graph = self.tenant(inputs.tenant_id)
        return await graph.send("GET", self.builder(graph)) or {}

    async def _patch(self, inputs: Any) -> None:
        graph = self.tenant(inputs.tenant_id)
        await graph.send("PATCH", self.builder(graph), self.body(inputs))


@dataclass(frozen=True)
class MtoPartnerTemplateInputs:
    """None (null in the template) leaves that setting of the partner entries as it is at a join."""

    tenant_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    trust_mfa: bool | None = attribute(default=None, description="partner entries a join makes accept the partner's MFA")
    trust_compliant_device: bool | None = attribute(default=None)
    trust_hybrid_joined_device: bool | None = attribute(default=None)
    inbound_auto_redeem: bool | None = attribute(default=None, description="partners' users need no consent here")
    outbound_auto_redeem: bool | None = attribute(default=None, description="our users need no consent there")
    apply_to_new_partners: bool = attribute(default=True, description="applied to the partner entries a join creates")
    apply_to_existing_partners: bool = attribute(default=True, description="applied to entries that existed before the join")


class MtoPartnerTemplateResource(MtoTemplateResource[MtoPartnerTemplateInputs]):
    """Tenant ``tenant_id``'s partner configuration template."""

    type_name = "MtoPartnerTemplate"
    id_format = "{tenant_id}/templates/multiTenantOrganizationPartnerConfiguration"
    sdk_attribute = "multi_tenant_organization_partner_configuration"

    def body(self, inputs: MtoPartnerTemplateInputs) -> dict:
        trust = {"isMfaAccepted": inputs.trust_mfa, "isCompliantDeviceAccepted": inputs.trust_compliant_device,
                 "isHybridAzureADJoinedDeviceAccepted": inputs.trust_hybrid_joined_device}
        return {
            "inboundTrust": trust if any(value is not None for value in trust.values()) else None,
            "automaticUserConsentSettings": {
                "inboundAllowed": inputs.inbound_auto_redeem, "outboundAllowed": inputs.outbound_auto_redeem,
            },
            "templateApplicationLevel": application_level(inputs.apply_to_new_partners, inputs.apply_to_existing_partners),
        }

    def observed(self, inputs: MtoPartnerTemplateInputs, document: dict) -> MtoPartnerTemplateInputs:
        trust = document.get("inboundTrust") or {}
        consent = document.get("automaticUserConsentSettings") or {}
        new, existing = applies_to(document.get("templateApplicationLevel"))
        return MtoPartnerTemplateInputs(
            tenant_id=inputs.tenant_id,
            trust_mfa=trust.get("isMfaAccepted"),
            trust_compliant_device=trust.get("isCompliantDeviceAccepted"),
            trust_hybrid_joined_device=trust.get("isHybridAzureADJoinedDeviceAccepted"),
            inbound_auto_redeem=consent.get("inboundAllowed"),
            outbound_auto_redeem=consent.get("outboundAllowed"),
            apply_to_new_partners=new,
            apply_to_existing_partners=existing,
        )

    def at_defaults(self, document: dict) -> bool:
        return partner_template_at_defaults(document)


@dataclass(frozen=True)
class MtoIdentitySyncTemplateInputs:
    tenant_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    user_sync_inbound: bool = attribute(default=False, description="the policies a join makes allow inbound user sync")
    apply_to_new_partners: bool = attribute(default=True, description="applied to the policies a join creates")
    apply_to_existing_partners: bool = attribute(default=True, description="applied to policies that existed before the join")


class MtoIdentitySyncTemplateResource(MtoTemplateResource[MtoIdentitySyncTemplateInputs]):
    """Tenant ``tenant_id``'s identity synchronization template."""

    type_name = "MtoIdentitySyncTemplate"
    id_format = "{tenant_id}/templates/multiTenantOrganizationIdentitySynchronization"
    sdk_attribute = "multi_tenant_organization_identity_synchronization"

    def body(self, inputs: MtoIdentitySyncTemplateInputs) -> dict:
        return {
            "userSyncInbound": {"isSyncAllowed": inputs.user_sync_inbound},
            "templateApplicationLevel": application_level(inputs.apply_to_new_partners, inputs.apply_to_existing_partners),
        }

    def observed(self, inputs: MtoIdentitySyncTemplateInputs, document: dict) -> MtoIdentitySyncTemplateInputs:
        new, existing = applies_to(document.get("templateApplicationLevel"))
        return MtoIdentitySyncTemplateInputs(
            tenant_id=inputs.tenant_id,
            user_sync_inbound=_flag((document.get("userSyncInbound") or {}).get("isSyncAllowed")),
            apply_to_new_partners=new,
            apply_to_existing_partners=existing,
        )

    def at_defaults(self, document: dict) -> bool:
        return identity_sync_template_at_defaults(document)

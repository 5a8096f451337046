"""Cross-tenant access policy: default, partners, identity synchronization, MTO templates (docs/graph-notes.md#partners, #identity-sync, #mto)."""
from __future__ import annotations

import asyncio

from msgraph.generated.models.cross_tenant_access_policy_configuration_default import CrossTenantAccessPolicyConfigurationDefault
from msgraph.generated.models.cross_tenant_access_policy_configuration_partner import CrossTenantAccessPolicyConfigurationPartner
from msgraph.generated.models.cross_tenant_access_policy_inbound_trust import CrossTenantAccessPolicyInboundTrust
from msgraph.generated.models.cross_tenant_identity_sync_policy_partner import CrossTenantIdentitySyncPolicyPartner
from msgraph.generated.models.cross_tenant_user_sync_inbound import CrossTenantUserSyncInbound
from msgraph.generated.models.inbound_outbound_policy_configuration import InboundOutboundPolicyConfiguration
from msgraph.generated.models.multi_tenant_organization_identity_sync_policy_template import (
    MultiTenantOrganizationIdentitySyncPolicyTemplate,
)
from msgraph.generated.models.multi_tenant_organization_partner_configuration_template import (
    MultiTenantOrganizationPartnerConfigurationTemplate,
)

from .flows import CONTOSO, FABRIKAM, NORTHWIND, odata_error, partner_of, patch_identity_sync, raw

TRUST = CrossTenantAccessPolicyInboundTrust(is_mfa_accepted=True, is_compliant_device_accepted=False)


def test_default_configuration_get_patch_reset(seeded, graph_client):
    async def scenario():
        default = graph_client(CONTOSO).policies.cross_tenant_access_policy.default
        fresh = await default.get()
        await default.patch(CrossTenantAccessPolicyConfigurationDefault(
            inbound_trust=TRUST, automatic_user_consent_settings=InboundOutboundPolicyConfiguration(inbound_allowed=True)))
        patched = await default.get()
        await default.reset_to_system_default.post()
        return fresh, patched, await default.get()

    fresh, patched, reset = asyncio.run(scenario())
    assert fresh.is_service_default is True
    assert fresh.automatic_user_consent_settings.inbound_allowed is False
    assert patched.is_service_default is False
    assert patched.inbound_trust.is_mfa_accepted is True
    # automaticUserConsentSettings on the default is read-only and always false.
    assert patched.automatic_user_consent_settings.inbound_allowed is False
    assert reset.is_service_default is True and reset.inbound_trust.is_mfa_accepted is False


def test_partner_create_get_list_and_duplicate(seeded, graph_client):
    async def scenario():
        client = graph_client(CONTOSO)
        partners = client.policies.cross_tenant_access_policy.partners
        created = await partners.post(CrossTenantAccessPolicyConfigurationPartner(tenant_id=FABRIKAM, inbound_trust=TRUST))
        duplicate = await odata_error(partners.post(CrossTenantAccessPolicyConfigurationPartner(tenant_id=FABRIKAM)))
        return created, await partner_of(client, FABRIKAM).get(), await partners.get(), duplicate

    created, fetched, listed, duplicate = asyncio.run(scenario())
    assert created.tenant_id == FABRIKAM and created.inbound_trust.is_mfa_accepted is True
    assert created.automatic_user_consent_settings.inbound_allowed is None  # unset = inherit
    assert fetched.inbound_trust.is_compliant_device_accepted is False
    assert [p.tenant_id for p in listed.value] == [FABRIKAM]
    assert duplicate.response_status_code == 409
    assert duplicate.error.code == "Request_MultipleObjectsWithSameKeyValue"


def test_partner_patch_merges_and_null_resets_to_inherit(seeded, graph_client):
    async def scenario():
        client = graph_client(CONTOSO)
        await client.policies.cross_tenant_access_policy.partners.post(
            CrossTenantAccessPolicyConfigurationPartner(tenant_id=FABRIKAM, inbound_trust=TRUST))
        partner = partner_of(client, FABRIKAM)
        consent = InboundOutboundPolicyConfiguration(inbound_allowed=True, outbound_allowed=True)
        assert await partner.patch(CrossTenantAccessPolicyConfigurationPartner(automatic_user_consent_settings=consent)) is None
        merged = await partner.get()
        # An explicit null (kiota writes additional_data verbatim): back to inheriting the default.
        await partner.patch(CrossTenantAccessPolicyConfigurationPartner(additional_data={"inboundTrust": None}))
        missing = await odata_error(partner_of(client, NORTHWIND).patch(CrossTenantAccessPolicyConfigurationPartner()))
        return merged, await partner.get(), missing

    merged, after_null, missing = asyncio.run(scenario())
    assert merged.inbound_trust.is_mfa_accepted is True  # not sent: untouched
    assert merged.automatic_user_consent_settings.outbound_allowed is True
    assert after_null.inbound_trust is None
    assert after_null.automatic_user_consent_settings.inbound_allowed is True
    assert (missing.response_status_code, missing.error.code) == (404, "Directory_ObjectNotFound")


def test_identity_synchronization_lifecycle_and_partner_delete_guard(seeded, graph_client):
    async def scenario():
        client = graph_client(FABRIKAM)
        await client.policies.cross_tenant_access_policy.partners.post(CrossTenantAccessPolicyConfigurationPartner(tenant_id=CONTOSO))
        policy = partner_of(client, CONTOSO).identity_synchronization
        body = CrossTenantIdentitySyncPolicyPartner(display_name="Contoso", user_sync_inbound=CrossTenantUserSyncInbound(is_sync_allowed=True))
        assert await policy.put(body) is None  # 204
        again = await odata_error(policy.put(body))
        await patch_identity_sync(client, CONTOSO, allowed=False)
        patched = await policy.get()
        refused = await odata_error(partner_of(client, CONTOSO).delete())
        await policy.delete()
        absent_get = await odata_error(policy.get())
        absent_patch = await odata_error(patch_identity_sync(client, CONTOSO, allowed=True))
        await partner_of(client, CONTOSO).delete()
        gone = await odata_error(partner_of(client, CONTOSO).get())
        return again, patched, refused, absent_get, absent_patch, gone

    again, patched, refused, absent_get, absent_patch, gone = asyncio.run(scenario())
    assert (again.response_status_code, again.error.code) == (409, "Request_MultipleObjectsWithSameKeyValue")
    assert patched.display_name == "Contoso" and patched.user_sync_inbound.is_sync_allowed is False
    assert refused.response_status_code == 400 and "identitySynchronization" in refused.error.message
    assert (absent_get.response_status_code, absent_get.error.code) == (404, "Request_ResourceNotFound")
    assert (absent_patch.response_status_code, absent_patch.error.code) == (404, "Directory_ObjectNotFound")
    assert gone.response_status_code == 404


def test_mto_templates_get_patch_reset(seeded, graph_client):
    async def scenario():
        templates = graph_client(CONTOSO).policies.cross_tenant_access_policy.templates
        partner_template = templates.multi_tenant_organization_partner_configuration
        sync_template = templates.multi_tenant_organization_identity_synchronization
        fresh = await partner_template.get()
        await partner_template.patch(MultiTenantOrganizationPartnerConfigurationTemplate(
            inbound_trust=TRUST, additional_data={"templateApplicationLevel": "newPartners"}))
        await sync_template.patch(MultiTenantOrganizationIdentitySyncPolicyTemplate(
            user_sync_inbound=CrossTenantUserSyncInbound(is_sync_allowed=True)))
        patched = await partner_template.get(), await sync_template.get()
        await partner_template.reset_to_default_settings.post()
        await sync_template.reset_to_default_settings.post()
        return fresh, patched, (await partner_template.get(), await sync_template.get())

    fresh, (partner_patched, sync_patched), (partner_reset, sync_reset) = asyncio.run(scenario())
    assert fresh.inbound_trust is None
    assert [level.value for level in fresh.template_application_level] == ["newPartners", "existingPartners"]
    assert partner_patched.inbound_trust.is_mfa_accepted is True
    assert [level.value for level in partner_patched.template_application_level] == ["newPartners"]
    assert sync_patched.user_sync_inbound.is_sync_allowed is True
    assert partner_reset.inbound_trust is None and sync_reset.user_sync_inbound is None
    assert partner_reset.id == partner_patched.id


def test_partners_expand_their_identity_synchronization(seeded, graph_client):
    """https://learn.microsoft.com/en-us/graph/api/crosstenantaccesspolicy-list-partners documents
    `$expand=identitySynchronization`: each partner carries its policy, or null without one."""
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.policies.cross_tenant_access_policy.partners.partners_request_builder import PartnersRequestBuilder

    async def scenario():
        client = graph_client(FABRIKAM)
        partners = client.policies.cross_tenant_access_policy.partners
        for tenant in (CONTOSO, NORTHWIND):
            await partners.post(CrossTenantAccessPolicyConfigurationPartner(tenant_id=tenant))
        await partner_of(client, CONTOSO).identity_synchronization.put(CrossTenantIdentitySyncPolicyPartner(
            display_name="Contoso", user_sync_inbound=CrossTenantUserSyncInbound(is_sync_allowed=True)))
        expand = PartnersRequestBuilder.PartnersRequestBuilderGetQueryParameters(expand=["identitySynchronization"])
        listed = await partners.get(RequestConfiguration(query_parameters=expand))
        bad = PartnersRequestBuilder.PartnersRequestBuilderGetQueryParameters(expand=["policies"])
        return listed, await odata_error(partners.get(RequestConfiguration(query_parameters=bad)))

    listed, refused = asyncio.run(scenario())
    found = {p.tenant_id: p.identity_synchronization for p in listed.value}
    assert found[CONTOSO].user_sync_inbound.is_sync_allowed is True and found[CONTOSO].display_name == "Contoso"
    assert found[NORTHWIND] is None
    assert refused.response_status_code == 400


def test_nested_settings_read_back_every_property_null_when_unset(seeded, graph_client):
    """A B2B setting sent with applications only reads back `usersAndGroups: null`: Graph returns
    every property of the type (https://learn.microsoft.com/en-us/graph/api/resources/crosstenantaccesspolicyb2bsetting)."""
    token = seeded.admin.token(FABRIKAM)
    raw(seeded, "POST", "/policies/crossTenantAccessPolicy/partners", token, {"tenantId": CONTOSO})
    setting = {"applications": {"accessType": "allowed", "targets": [{"target": "AllApplications", "targetType": "application"}]}}
    raw(seeded, "PATCH", f"/policies/crossTenantAccessPolicy/partners/{CONTOSO}", token, {"b2bDirectConnectInbound": setting})
    _, _, partner = raw(seeded, "GET", f"/policies/crossTenantAccessPolicy/partners/{CONTOSO}", token)
    assert partner["b2bDirectConnectInbound"] == {"usersAndGroups": None, **setting}
    assert partner["b2bCollaborationInbound"] is None and partner["tenantRestrictions"] is None


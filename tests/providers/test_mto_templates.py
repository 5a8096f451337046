"""The MTO templates against the emulator: the lifecycle of each (create is a PATCH of the singleton,
delete gives the defaults back), what a join then writes into the partner entries and identity-sync
policies it makes, and a template someone configured before ctsync is taken over and left in place."""
from __future__ import annotations

import asyncio

import pytest
from msgraph.generated.models.cross_tenant_access_policy_inbound_trust import CrossTenantAccessPolicyInboundTrust
from msgraph.generated.models.multi_tenant_organization_partner_configuration_template import (
    MultiTenantOrganizationPartnerConfigurationTemplate,
)

from tests.conftest import graph_client_for
from tests.emulator.flows import CONTOSO, FABRIKAM, partner_of, put_mto, raw, two_tenants
from tests.providers.conftest import in_tenant
from tests.providers.drivers import GrpcDriver
from tests.providers.lifecycle import Lifecycle
from tests.providers.source_side import create

TEMPLATES = "/policies/crossTenantAccessPolicy/templates"
# Requests per step: create = the GET that finds the singleton, and the PATCH; delete = the reset.
COST = {
    "create": {"requests": 2, "writes": 1},
    "preview": {"requests": 0, "writes": 0},
    "refresh": {"requests": 1, "writes": 0},
    "import": {"requests": 1, "writes": 0},
    "update": {"requests": 1, "writes": 1},
    "delete": {"requests": 1, "writes": 1},
}


@pytest.fixture
def config(emulator, tenants_config):
    emulator.admin.load_fixture({**two_tenants(), "settings": {"mtoTransitionSeconds": 10, "mtoJoinWaitSeconds": 0}})
    return tenants_config(CONTOSO, FABRIKAM)


def template(emulator, tenant: str, name: str) -> dict:
    return raw(emulator, "GET", f"{TEMPLATES}/{name}", emulator.admin.token(tenant))[2]


def patch_template(emulator, tenant: str, name: str, body: dict) -> None:
    assert raw(emulator, "PATCH", f"{TEMPLATES}/{name}", emulator.admin.token(tenant), body)[0] == 204


@pytest.mark.parametrize("type_name, name, create_inputs, update, drift, drifted", [
    ("MtoPartnerTemplate", "multiTenantOrganizationPartnerConfiguration",
     {"tenant_id": CONTOSO, "trust_mfa": True, "inbound_auto_redeem": True, "outbound_auto_redeem": True},
     {"apply_to_existing_partners": False}, {"inboundTrust": {"isMfaAccepted": False}}, ("trust_mfa",)),
    ("MtoIdentitySyncTemplate", "multiTenantOrganizationIdentitySynchronization",
     {"tenant_id": CONTOSO, "user_sync_inbound": True},
     {"apply_to_new_partners": False}, {"userSyncInbound": {"isSyncAllowed": False}}, ("user_sync_inbound",)),
], ids=["partner", "identity-sync"])
def test_lifecycle(config, emulator, graph_requests, type_name, name, create_inputs, update, drift, drifted):
    measured = Lifecycle(
        type_name,
        create=create_inputs,
        update=update,
        replace={"tenant_id": FABRIKAM},
        drift=lambda id, outs: patch_template(emulator, outs["tenant_id"], name, drift),
        drifted=drifted,
        gone_after_delete=False,  # a singleton: delete gives its defaults back
    ).run(GrpcDriver(type_name, config), graph_requests)
    assert measured == COST
    after = template(emulator, FABRIKAM, name)
    assert after["templateApplicationLevel"] == "newPartners,existingPartners", "reset to the defaults"


def test_a_join_writes_what_the_templates_say(config, emulator, graph_client):
    create(config, "MtoPartnerTemplate", tenant_id=FABRIKAM, trust_mfa=True, inbound_auto_redeem=True, outbound_auto_redeem=True)
    create(config, "MtoIdentitySyncTemplate", tenant_id=FABRIKAM, user_sync_inbound=True)

    async def join():
        owner, member = graph_client_for(emulator, CONTOSO), graph_client_for(emulator, FABRIKAM)
        await put_mto(owner, "Contoso group")
        from msgraph.generated.models.multi_tenant_organization_join_request_record import (
            MultiTenantOrganizationJoinRequestRecord,
        )
        from msgraph.generated.models.multi_tenant_organization_member import MultiTenantOrganizationMember
        await owner.tenant_relationships.multi_tenant_organization.tenants.post(
            MultiTenantOrganizationMember(tenant_id=FABRIKAM, display_name="Fabrikam"))
        await member.tenant_relationships.multi_tenant_organization.join_request.patch(
            MultiTenantOrganizationJoinRequestRecord(added_by_tenant_id=CONTOSO))

    asyncio.run(join())
    emulator.admin.advance_clock(60)
    partner = in_tenant(graph_client, FABRIKAM, lambda c: partner_of(c, CONTOSO).get())
    policy = in_tenant(graph_client, FABRIKAM, lambda c: partner_of(c, CONTOSO).identity_synchronization.get())
    assert partner.inbound_trust.is_mfa_accepted is True and partner.automatic_user_consent_settings.inbound_allowed is True
    assert policy.user_sync_inbound.is_sync_allowed is True


def test_a_template_configured_before_is_taken_over_and_left_in_place(config, emulator, graph_client):
    async def configured(client):
        await client.policies.cross_tenant_access_policy.templates.multi_tenant_organization_partner_configuration.patch(
            MultiTenantOrganizationPartnerConfigurationTemplate(inbound_trust=CrossTenantAccessPolicyInboundTrust(is_mfa_accepted=True)))

    in_tenant(graph_client, CONTOSO, configured)
    driver = GrpcDriver("MtoPartnerTemplate", config)
    id, outs = driver.create(driver.check({}, {"tenant_id": CONTOSO, "trust_mfa": True})[0])
    assert outs["taken_over"] is True
    driver.delete(id, outs)
    assert template(emulator, CONTOSO, "multiTenantOrganizationPartnerConfiguration")["inboundTrust"]["isMfaAccepted"] is True

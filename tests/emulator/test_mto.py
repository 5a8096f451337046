"""Multitenant organizations on the emulator clock (docs/graph-notes.md#mto): creation, members, joins, roles,
removal, and the partner configurations and identity-sync policies that joining generates."""
from __future__ import annotations

import asyncio

from msgraph.generated.models.cross_tenant_access_policy_configuration_partner import CrossTenantAccessPolicyConfigurationPartner
from msgraph.generated.models.cross_tenant_access_policy_inbound_trust import CrossTenantAccessPolicyInboundTrust
from msgraph.generated.models.cross_tenant_user_sync_inbound import CrossTenantUserSyncInbound
from msgraph.generated.models.inbound_outbound_policy_configuration import InboundOutboundPolicyConfiguration
from msgraph.generated.models.multi_tenant_organization import MultiTenantOrganization
from msgraph.generated.models.multi_tenant_organization_identity_sync_policy_template import (
    MultiTenantOrganizationIdentitySyncPolicyTemplate,
)
from msgraph.generated.models.multi_tenant_organization_join_request_record import MultiTenantOrganizationJoinRequestRecord
from msgraph.generated.models.multi_tenant_organization_member import MultiTenantOrganizationMember
from msgraph.generated.models.multi_tenant_organization_member_role import MultiTenantOrganizationMemberRole
from msgraph.generated.models.multi_tenant_organization_partner_configuration_template import (
    MultiTenantOrganizationPartnerConfigurationTemplate,
)

from .flows import CONTOSO, FABRIKAM, NORTHWIND, odata_error, partner_of, put_mto, two_tenants

TWO_HOURS = 2 * 3600
NIL = "00000000-0000-0000-0000-000000000000"


def _mto(client):
    return client.tenant_relationships.multi_tenant_organization


async def _create_active_mto(emulator, owner) -> MultiTenantOrganization:
    return await put_mto(owner, "Contoso group", "all subsidiaries")


async def _add(owner, tenant_id: str, name: str):
    return await _mto(owner).tenants.post(
        MultiTenantOrganizationMember(tenant_id=tenant_id, display_name=name, role=MultiTenantOrganizationMemberRole.Member)
    )


async def _join(emulator, joiner, owner_id: str) -> None:
    await _mto(joiner).join_request.patch(MultiTenantOrganizationJoinRequestRecord(added_by_tenant_id=owner_id))
    emulator.admin.advance_clock(TWO_HOURS)


def test_mto_is_active_once_created_and_takes_tenants_at_once(seeded, graph_client):
    """As https://learn.microsoft.com/en-us/graph/api/tenantrelationship-put-multitenantorganization
    shows: PUT answers 201 with `state: active`; POST tenants right after is 201
    (https://learn.microsoft.com/en-us/graph/api/multitenantorganization-post-tenants)."""
    async def scenario():
        owner = graph_client(CONTOSO)
        before = await _mto(owner).get()
        created = await put_mto(owner, "Contoso group", "all subsidiaries")
        added = await _add(owner, FABRIKAM, "Fabrikam")
        again = await odata_error(put_mto(owner, "Second"))
        await _mto(owner).patch(MultiTenantOrganization(description="renamed"))
        return before, created, added, again, await _mto(owner).get(), await _mto(owner).tenants.get()

    before, created, added, again, patched, tenants = asyncio.run(scenario())
    assert before.state.value == "inactive" and before.display_name is None
    assert (created.display_name, created.state.value) == ("Contoso group", "active")
    assert (str(added.tenant_id), added.state.value) == (FABRIKAM, "pending")
    assert again.response_status_code == 400
    assert patched.description == "renamed" and patched.id == created.id
    assert [(str(m.tenant_id), m.role.value, m.state.value) for m in tenants.value] == [
        (CONTOSO, "owner", "active"), (FABRIKAM, "member", "pending")]


def test_a_fixture_can_delay_activation(emulator, graph_client):
    """The Entra how-to says creation "can take a few minutes": `mtoActivationSeconds` models it."""
    emulator.admin.load_fixture({**two_tenants(), "settings": {"mtoActivationSeconds": 60}})

    async def scenario():
        owner = graph_client(CONTOSO)
        created = await put_mto(owner, "Contoso group")
        early = await odata_error(_add(owner, FABRIKAM, "Fabrikam"))
        emulator.admin.advance_clock(60)
        return created, early, await _mto(owner).get()

    created, early, active = asyncio.run(scenario())
    assert created.state.value == "inactive" and early.response_status_code == 400
    assert active.state.value == "active"


def test_a_join_completes_no_earlier_than_two_hours_after_creation(emulator, graph_client):
    """The beta join page: a tenant must wait at least 2 hours between creation and joining. With a
    short transition (10 s), a join sent at once still completes only when those 2 hours are over."""
    emulator.admin.load_fixture({**two_tenants(), "settings": {"mtoTransitionSeconds": 10}})

    async def scenario():
        owner, joiner = graph_client(CONTOSO), graph_client(FABRIKAM)
        await put_mto(owner, "Contoso group")
        await _add(owner, FABRIKAM, "Fabrikam")
        await _mto(joiner).join_request.patch(MultiTenantOrganizationJoinRequestRecord(added_by_tenant_id=CONTOSO))
        emulator.admin.advance_clock(3600)
        waiting = await _mto(joiner).join_request.get()
        emulator.admin.advance_clock(3600)
        return waiting, await _mto(joiner).join_request.get()

    waiting, joined = asyncio.run(scenario())
    assert waiting.member_state.value == "pending"
    assert joined.member_state.value == "active"


def test_adding_a_tenant_is_pending_and_re_adding_is_refused(seeded, graph_client):
    async def scenario():
        owner = graph_client(CONTOSO)
        await _create_active_mto(seeded, owner)
        added = await _add(owner, FABRIKAM, "Fabrikam")
        again = await odata_error(_add(owner, FABRIKAM, "Fabrikam"))
        outsider = await odata_error(_add(graph_client(FABRIKAM), NORTHWIND, "Northwind"))
        return added, again, outsider

    added, again, outsider = asyncio.run(scenario())
    assert (added.state.value, added.role.value) == ("pending", "member")
    assert added.transition_details.desired_state.value == "active"
    assert added.transition_details.status.value == "notStarted"
    assert (again.response_status_code, again.error.code) == (400, "Request_BadRequest")
    assert again.error.message == "Tenant is already being added in Multi-Tenant Organization."
    assert (outsider.response_status_code, outsider.error.code) == (404, "Directory_ObjectNotFound")  # in no MTO


def test_join_takes_two_hours_and_generates_partner_configs_both_ways(seeded, graph_client):
    async def scenario():
        owner, joiner = graph_client(CONTOSO), graph_client(FABRIKAM)
        # Templates: Contoso trusts new partners' MFA and allows their sync; Fabrikam's templates
        # apply to existing partners only, and Fabrikam already has a partner entry for Contoso.
        templates = owner.policies.cross_tenant_access_policy.templates
        await templates.multi_tenant_organization_partner_configuration.patch(MultiTenantOrganizationPartnerConfigurationTemplate(
            inbound_trust=CrossTenantAccessPolicyInboundTrust(is_mfa_accepted=True),
            automatic_user_consent_settings=InboundOutboundPolicyConfiguration(inbound_allowed=True, outbound_allowed=True),
            additional_data={"templateApplicationLevel": "newPartners"}))
        await templates.multi_tenant_organization_identity_synchronization.patch(MultiTenantOrganizationIdentitySyncPolicyTemplate(
            user_sync_inbound=CrossTenantUserSyncInbound(is_sync_allowed=True)))
        await joiner.policies.cross_tenant_access_policy.templates.multi_tenant_organization_partner_configuration.patch(
            MultiTenantOrganizationPartnerConfigurationTemplate(
                automatic_user_consent_settings=InboundOutboundPolicyConfiguration(outbound_allowed=True),
                additional_data={"templateApplicationLevel": "existingPartners"}))
        await joiner.policies.cross_tenant_access_policy.partners.post(CrossTenantAccessPolicyConfigurationPartner(tenant_id=CONTOSO))
        await _create_active_mto(seeded, owner)
        await _add(owner, FABRIKAM, "Fabrikam")
        await _mto(joiner).join_request.patch(MultiTenantOrganizationJoinRequestRecord(added_by_tenant_id=CONTOSO))
        pending = await _mto(joiner).join_request.get()
        seeded.admin.advance_clock(TWO_HOURS - 60)
        still_pending = await _mto(joiner).join_request.get()
        seeded.admin.advance_clock(60)
        joined = await _mto(joiner).join_request.get()
        member = await _mto(owner).tenants.by_multi_tenant_organization_member_id(FABRIKAM).get()
        owner_side = await partner_of(owner, FABRIKAM).get(), await partner_of(owner, FABRIKAM).identity_synchronization.get()
        joiner_side = await partner_of(joiner, CONTOSO).get(), await partner_of(joiner, CONTOSO).identity_synchronization.get()
        return pending, still_pending, joined, member, owner_side, joiner_side, await _mto(joiner).get()

    pending, still_pending, joined, member, owner_side, joiner_side, joiner_view = asyncio.run(scenario())
    assert pending.member_state.value == "pending" and pending.transition_details.desired_member_state.value == "active"
    assert still_pending.member_state.value == "pending"
    assert joined.member_state.value == "active" and joined.role.value == "member" and joined.transition_details is None
    assert member.state.value == "active" and member.joined_date_time is not None
    assert joiner_view.state.value == "active"
    owner_partner, owner_sync = owner_side
    assert owner_partner.is_in_multi_tenant_organization is True
    assert owner_partner.inbound_trust.is_mfa_accepted is True  # new partner: template applied
    assert owner_partner.automatic_user_consent_settings.outbound_allowed is True
    assert owner_sync.user_sync_inbound.is_sync_allowed is True
    joiner_partner, joiner_sync = joiner_side
    assert joiner_partner.is_in_multi_tenant_organization is True
    assert joiner_partner.automatic_user_consent_settings.outbound_allowed is True  # existing partner: applied
    assert joiner_sync.user_sync_inbound.is_sync_allowed is False  # unconfigured template: untouched


def test_join_without_being_added_fails_and_can_be_reset(seeded, graph_client):
    async def scenario():
        owner, joiner = graph_client(CONTOSO), graph_client(NORTHWIND)
        await _create_active_mto(seeded, owner)
        await _join(seeded, joiner, CONTOSO)
        failed = await _mto(joiner).join_request.get()
        await _mto(joiner).join_request.patch(MultiTenantOrganizationJoinRequestRecord(added_by_tenant_id=NIL))
        return failed, await _mto(joiner).join_request.get()

    failed, reset = asyncio.run(scenario())
    assert failed.member_state.value == "pending" and failed.transition_details.status.value == "failed"
    assert reset.added_by_tenant_id == NIL and reset.member_state is None


def test_role_change_and_removal_play_out_on_the_clock(seeded, graph_client):
    async def scenario():
        owner, joiner = graph_client(CONTOSO), graph_client(FABRIKAM)
        await _create_active_mto(seeded, owner)
        await _add(owner, FABRIKAM, "Fabrikam")
        await _join(seeded, joiner, CONTOSO)
        not_owner = await odata_error(_add(joiner, NORTHWIND, "Northwind"))
        member = _mto(owner).tenants.by_multi_tenant_organization_member_id(FABRIKAM)
        await member.patch(MultiTenantOrganizationMember(role=MultiTenantOrganizationMemberRole.Owner))
        promoting = await member.get()
        seeded.admin.advance_clock(TWO_HOURS)
        promoted = await member.get()
        creator = await odata_error(_mto(joiner).tenants.by_multi_tenant_organization_member_id(CONTOSO).delete())
        await _mto(joiner).tenants.by_multi_tenant_organization_member_id(FABRIKAM).delete()  # leave
        leaving = await member.get()
        seeded.admin.advance_clock(TWO_HOURS)
        gone = await odata_error(member.get())
        return not_owner, promoting, promoted, creator, leaving, gone, await _mto(joiner).get(), await partner_of(owner, FABRIKAM).get()

    not_owner, promoting, promoted, creator, leaving, gone, joiner_view, partner = asyncio.run(scenario())
    assert (not_owner.response_status_code, not_owner.error.code) == (403, "Authorization_RequestDenied")
    assert promoting.role.value == "member" and promoting.transition_details.desired_role.value == "owner"
    assert promoted.role.value == "owner" and promoted.transition_details is None
    assert creator.response_status_code == 400
    assert leaving.state.value == "pending" and leaving.transition_details.desired_state.value == "removed"
    assert (gone.response_status_code, gone.error.code) == (404, "Directory_ObjectNotFound")
    assert joiner_view.state.value == "inactive"
    # Leaving keeps the partner configuration; only its MTO flag changes.
    assert partner.is_in_multi_tenant_organization is False

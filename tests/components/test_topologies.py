"""Whole stacks: a hub-and-spoke of five tenants and a mesh of four in a multitenant organisation."""
from collections import Counter

import pytest

from tests.components import stacks
from tests.components.harness import run_program
from tests.components.stacks import tenant_id

HUB, SPOKES = tenant_id(0), [tenant_id(index) for index in range(1, 5)]
PER_DIRECTION = ("ProvisioningJob", "ConfigurationApp", "SynchronizationSecrets", "SynchronizationJob",
                 "SynchronizationSchema", "SynchronizationJobSchedule", "IdentitySyncPolicy")


def kinds(monitor) -> Counter:
    return Counter(r.kind for r in monitor.registrations)


@pytest.mark.parametrize("direction, directions", [("both", 8), ("hubToSpokes", 4), ("spokesToHub", 4)])
def test_hub_and_spoke_of_five_registers_one_pair_per_spoke(monitor, direction, directions):
    run_program(stacks.hub_and_spoke_stack(5, direction))
    # Scoped by a filter: nothing to assign; no extra is on: no provider of another package.
    assert kinds(monitor) == Counter({"TenantPair": 4, "PartnerAccess": 8, **{kind: directions for kind in PER_DIRECTION}})


# direction -> (hub's entry for a spoke, a spoke's entry for the hub), as
# (inbound auto-redeem, outbound auto-redeem, trusts MFA); the topology's defaults trust MFA.
ENTRY_FLAGS = {
    "both": ((True, True, True), (True, True, True)),
    "hubToSpokes": ((False, True, False), (True, False, True)),
    "spokesToHub": ((True, False, True), (False, True, False)),
}


@pytest.mark.parametrize("direction", ENTRY_FLAGS)
def test_hub_and_spoke_partner_entries_carry_what_the_directions_need(monitor, direction):
    run_program(stacks.hub_and_spoke_stack(5, direction))
    entries = {
        (r.inputs["tenant_id"], r.inputs["partner_tenant_id"]): (
            r.inputs["inbound_auto_redeem"], r.inputs["outbound_auto_redeem"], r.inputs["trust_mfa"])
        for r in monitor.of_kind("PartnerAccess")
    }
    hub_side, spoke_side = ENTRY_FLAGS[direction]
    assert entries == {
        **{(HUB, spoke): hub_side for spoke in SPOKES},
        **{(spoke, HUB): spoke_side for spoke in SPOKES},
    }


@pytest.mark.parametrize(
    "direction, receivers",
    [("both", [HUB] * 4 + SPOKES), ("hubToSpokes", SPOKES), ("spokesToHub", [HUB] * 4)],
)
def test_hub_and_spoke_policies_live_in_the_receiving_tenants(monitor, direction, receivers):
    run_program(stacks.hub_and_spoke_stack(5, direction))
    assert Counter(r.inputs["tenant_id"] for r in monitor.of_kind("IdentitySyncPolicy")) == Counter(receivers)


MESH = [tenant_id(index) for index in range(4)]
OWNER, MEMBERS = MESH[0], MESH[1:]


def test_mesh_of_four_with_mto_registers_every_direction_and_the_membership(monitor):
    run_program(stacks.mesh_with_mto_stack(4))
    assert kinds(monitor) == Counter({
        "TenantPair": 6, "PartnerAccess": 12, **{kind: 12 for kind in PER_DIRECTION},
        "MtoMembership": 1, "MultiTenantOrganization": 1, "MtoTenant": 3, "MtoJoinRequest": 3,
    })
    jobs = {(r.inputs["tenant_id"], r.inputs["target_tenant_id"]) for r in monitor.of_kind("SynchronizationSecrets")}
    assert jobs == {(source, target) for source in MESH for target in MESH if source != target}


def test_mto_owner_adds_each_member_before_the_member_asks_to_join(monitor):
    run_program(stacks.mesh_with_mto_stack(4))
    organization = monitor.named(f"{OWNER}-mto")
    assert organization.inputs["tenant_id"] == OWNER and organization.inputs["display_name"] == "Mesh Group"
    for member in MEMBERS:
        added = monitor.named(f"{OWNER}-mto-member-{member}")
        joins = monitor.named(f"{member}-mto-join-{OWNER}")
        assert (added.inputs["tenant_id"], added.inputs["member_tenant_id"]) == (OWNER, member)
        assert (joins.inputs["tenant_id"], joins.inputs["owner_tenant_id"]) == (member, OWNER)
        assert organization.urn in added.dependencies
        assert added.urn in joins.dependencies
        # Graph cannot rename a member: a new display name must not remove and re-add the tenant.
        assert added.ignore_changes == ("display_name",)


def test_mto_output_reports_each_members_join(monitor):
    outputs = run_program(stacks.mesh_with_mto_stack(4))
    mto = outputs["mto"]
    assert (mto["owner"], mto["owner_tenant_id"], mto["state"]) == ("m0", OWNER, f"{OWNER}-mto:state")
    assert mto["members"]["m2"] == {
        "tenant_id": MESH[2],
        "state": f"{OWNER}-mto-member-{MESH[2]}:state",
        "member_state": f"{MESH[2]}-mto-join-{OWNER}:member_state",
        "transition_status": f"{MESH[2]}-mto-join-{OWNER}:transition_status",
    }
    assert len(outputs["pairs"]) == 6


def test_mto_templates_are_set_in_every_tenant_before_any_join(monitor):
    stack = stacks.mesh_with_mto_stack(4)
    stack["ctsync:topology"]["defaults"]["trust"] = {"mfa": True}  # as the template writes it (else refused)
    stack["ctsync:mto"].update(
        description="all four",
        members=["m1", {"tenant": "m2", "role": "owner"}, "m3"],
        templates={"partnerConfiguration": {"trust": {"mfa": True}, "automaticRedemption": {"inbound": True, "outbound": True}},
                   "identitySync": {"userSyncInbound": True, "applyTo": ["newPartners"]}},
    )
    run_program(stack)
    partner = {r.inputs["tenant_id"]: r for r in monitor.of_kind("MtoPartnerTemplate")}
    identity = {r.inputs["tenant_id"]: r for r in monitor.of_kind("MtoIdentitySyncTemplate")}
    assert set(partner) == set(identity) == set(MESH), "owner and members alike"
    assert {k: partner[OWNER].inputs[k] for k in ("trust_mfa", "inbound_auto_redeem", "apply_to_existing_partners")} == {
        "trust_mfa": True, "inbound_auto_redeem": True, "apply_to_existing_partners": True}
    assert (identity[OWNER].inputs["apply_to_new_partners"], identity[OWNER].inputs["apply_to_existing_partners"]) == (True, False)
    templates = {r.urn for r in [*partner.values(), *identity.values()]}
    for member in MEMBERS:
        assert templates <= set(monitor.named(f"{member}-mto-join-{OWNER}").dependencies), "templates first: a join applies them"
    assert monitor.named(f"{OWNER}-mto-member-{MESH[2]}").inputs["role"] == "owner"
    assert monitor.named(f"{OWNER}-mto-member-{MESH[1]}").inputs["role"] == "member"
    assert monitor.named(f"{OWNER}-mto").inputs["description"] == "all four"

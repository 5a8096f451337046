"""MultiTenantOrganization, MtoTenant and MtoJoinRequest against the emulator: the lifecycle of each,
adoption, convergence under throttling, the bounded wait for activation, and joins that take hours."""
from __future__ import annotations

import logging

import pytest
from msgraph.generated.models.multi_tenant_organization import MultiTenantOrganization as MtoModel
from msgraph.generated.models.multi_tenant_organization_join_request_record import (
    MultiTenantOrganizationJoinRequestRecord,
)
from msgraph.generated.models.multi_tenant_organization_member import MultiTenantOrganizationMember
from msgraph.generated.models.multi_tenant_organization_member_role import MultiTenantOrganizationMemberRole

from tests.emulator.flows import CONTOSO, FABRIKAM, NORTHWIND, odata_error, put_mto, two_tenants
from tests.providers.conftest import in_tenant
from tests.providers.drivers import GrpcDriver
from tests.providers.lifecycle import Lifecycle

OWNER, MEMBER, OTHER = CONTOSO, FABRIKAM, NORTHWIND
STRANGER = "44444444-4444-4444-8444-444444444444"  # a tenant no organisation has added
TWO_HOURS = 2 * 3600 + 1
GROUP = "Contoso group"

MTO, MEMBERSHIP, JOIN = "MultiTenantOrganization", "MtoTenant", "MtoJoinRequest"
MTO_CREATE = {"tenant_id": OWNER, "display_name": GROUP}
MEMBERSHIP_CREATE = {"tenant_id": OWNER, "member_tenant_id": MEMBER, "display_name": "Fabrikam"}
JOIN_CREATE = {"tenant_id": MEMBER, "owner_tenant_id": OWNER}

# Graph requests per lifecycle step (the emulator activates a new organisation at the next request).
COSTS = {
    # create: GET (find: an active one to take over?), GET (one being created?) + PUT + GET
    # (active?); refresh: GET + the owner's own membership, which alone shows a deletion under way;
    # delete: the owner removing itself. An import reads as a refresh does.
    MTO: {"create": (4, 1), "import": (2, 0), "preview": (0, 0), "refresh": (2, 0), "update": (1, 1), "delete": (1, 1)},
    # create: GET (find: a member already?) + POST + GET (readable, with its state).
    MEMBERSHIP: {"create": (3, 1), "import": (1, 0), "preview": (0, 0), "refresh": (1, 0), "update": (1, 1), "delete": (1, 1)},
    # create: GET (find: under way already?), GET (failed, or to another owner?) + PATCH, no
    # waiting; delete of a pending join: DELETE finds no membership, so the join request is reset.
    JOIN: {"create": (3, 1), "import": (1, 0), "preview": (0, 0), "refresh": (1, 0), "delete": (2, 2)},
}


def cost(type_name: str) -> dict:
    return {step: {"requests": n, "writes": w} for step, (n, w) in COSTS[type_name].items()}


def mto_of(client):
    return client.tenant_relationships.multi_tenant_organization


def member_of(client, tenant_id: str):
    return mto_of(client).tenants.by_multi_tenant_organization_member_id(tenant_id)


def add_member(client, tenant_id: str, display_name: str, role: str = "member"):
    body = MultiTenantOrganizationMember(
        tenant_id=tenant_id, display_name=display_name, role=MultiTenantOrganizationMemberRole(role)
    )
    return mto_of(client).tenants.post(body)


def request_join(client, owner_tenant_id: str):
    return mto_of(client).join_request.patch(MultiTenantOrganizationJoinRequestRecord(added_by_tenant_id=owner_tenant_id))


def organizations(emulator) -> list[dict]:
    return emulator.admin.state()["multiTenantOrganizations"]


def load_tenants(emulator, activation_seconds: float = 0) -> None:
    emulator.admin.load_fixture({**two_tenants(), "settings": {"mtoActivationSeconds": activation_seconds}})
    emulator.admin.add_tenant(STRANGER, "Stranger")


@pytest.fixture
def config(emulator, tenants_config, short_replication_deadline):
    load_tenants(emulator)
    return tenants_config(OWNER, MEMBER, OTHER, STRANGER)


@pytest.fixture
def organization(config, graph_client):
    """The owner's active organisation, with MEMBER and OTHER added (their joins not yet requested)."""

    async def create(client):
        await put_mto(client, GROUP)
        await add_member(client, MEMBER, "Fabrikam")
        await add_member(client, OTHER, "Northwind")

    in_tenant(graph_client, OWNER, create)
    return config


def create_with(driver, values: dict) -> tuple[str, dict]:
    inputs, failures = driver.check({}, values)
    assert failures == []
    return driver.create(inputs)


def adoption_logged(caplog, what: str) -> bool:
    """Create said it took over an object: found before creating, or adopted on a conflict."""
    return any("adopted existing " + what in record.getMessage() or "took over the existing" in record.getMessage()
               for record in caplog.records)


# ---- MultiTenantOrganization -------------------------------------------------------------------

def assert_organization_deleted(emulator, graph_client, tenant_id: str) -> None:
    emulator.admin.advance_clock(TWO_HOURS)  # Graph completes the owner's removal asynchronously
    organization = in_tenant(graph_client, tenant_id, lambda c: mto_of(c).get())
    assert organization.state.value == "inactive"


def mto_lifecycle(emulator, graph_client) -> Lifecycle:
    return Lifecycle(
        MTO,
        create=MTO_CREATE,
        update={"description": "Contoso and its subsidiaries"},
        replace={"tenant_id": OTHER},
        drift=lambda id, outs: in_tenant(graph_client, OWNER, lambda c: mto_of(c).patch(MtoModel(display_name="Renamed"))),
        drifted=("display_name",),
        gone=lambda id, outs: assert_organization_deleted(emulator, graph_client, outs["tenant_id"]),
    )


def test_organization_lifecycle(config, emulator, graph_client, graph_requests):
    measured = mto_lifecycle(emulator, graph_client).run(GrpcDriver(MTO, config), graph_requests)
    assert measured == cost(MTO)


ADOPTION_CASES = {
    # out-of-band display name, description, seconds to activation -> error expected
    "active organisation of the same name": (GROUP, "made by hand", 0, None),
    "one still being created by an interrupted run": (GROUP, "", 0.5, None),
    "someone else's organisation": ("Fabrikam group", "", 0, "already in the multitenant organization 'Fabrikam group'"),
}


def test_a_delete_sent_again_while_graph_completes_the_first_is_done(config, emulator, graph_client):
    """A destroy killed after the owner's removal went out: the rerun's removal is refused (the owner
    is no longer active) while Graph completes the first one, and that counts as done."""
    driver = GrpcDriver(MTO, config)
    id, outs = create_with(driver, MTO_CREATE)
    driver.delete(id, outs)
    driver.delete(id, outs)
    assert_organization_deleted(emulator, graph_client, OWNER)


@pytest.mark.parametrize("name,description,activation,error", ADOPTION_CASES.values(), ids=ADOPTION_CASES.keys())
def test_organization_create_adopts_only_its_own(
    name, description, activation, error, emulator, tenants_config, short_replication_deadline, graph_client, caplog
):
    load_tenants(emulator, activation)
    in_tenant(graph_client, OWNER, lambda c: put_mto(c, name, description))
    driver = GrpcDriver(MTO, tenants_config(OWNER))
    with caplog.at_level(logging.WARNING, logger="ctsync.providers"):
        if error:
            with pytest.raises(Exception, match=error):
                create_with(driver, MTO_CREATE)
            return
        _, outs = create_with(driver, MTO_CREATE)
    assert (outs["state"], outs["description"]) == ("active", "")
    assert adoption_logged(caplog, f"organization {GROUP!r}")
    assert [(org["displayName"], org["active"]) for org in organizations(emulator)] == [(GROUP, True)]
    assert in_tenant(graph_client, OWNER, lambda c: mto_of(c).get()).description == ""


def test_create_after_an_interrupted_run_waits_out_a_lagging_organisation(
    emulator, tenants_config, graph_client, caplog
):
    """The killed run's PUT went through; the rerun's first reads of the organisation answer 404
    (replication lag): create waits for it to be visible and takes it over, instead of failing."""
    load_tenants(emulator, activation_seconds=0)
    emulator.admin.set_faults(replicationLagReads=2, pathPattern="multiTenantOrganization")
    in_tenant(graph_client, OWNER, lambda c: put_mto(c, GROUP, ""))
    driver = GrpcDriver(MTO, tenants_config(OWNER))
    with caplog.at_level(logging.WARNING, logger="ctsync.providers"):
        _, outs = create_with(driver, MTO_CREATE)
    lagged = [e for e in emulator.admin.requests() if e["method"] == "GET" and e["status"] == 404]
    assert len(lagged) == 2, "the fault met the create's reads"
    assert outs["state"] == "active" and adoption_logged(caplog, f"organization {GROUP!r}")
    assert len(organizations(emulator)) == 1


def test_organization_wait_is_bounded_and_next_run_adopts(emulator, tenants_config, graph_client, monkeypatch):
    load_tenants(emulator, activation_seconds=3600)
    monkeypatch.setenv("CTSYNC_REPLICATION_DEADLINE", "1")
    driver = GrpcDriver(MTO, tenants_config(OWNER))
    with pytest.raises(Exception, match="run `pulumi up` again later"):
        create_with(driver, MTO_CREATE)
    emulator.admin.advance_clock(3600)
    _, outs = create_with(driver, MTO_CREATE)
    assert outs["state"] == "active"
    assert len(organizations(emulator)) == 1


# ---- MtoTenant ---------------------------------------------------------------------------------

def set_role(graph_client, tenant_id: str, role: str) -> None:
    body = MultiTenantOrganizationMember(role=MultiTenantOrganizationMemberRole(role))
    in_tenant(graph_client, OWNER, lambda c: member_of(c, tenant_id).patch(body))


def assert_membership_removed(emulator, graph_client, tenant_id: str) -> None:
    emulator.admin.advance_clock(TWO_HOURS)

    async def missing(client):
        return await odata_error(member_of(client, tenant_id).get())

    assert in_tenant(graph_client, OWNER, missing).response_status_code == 404


@pytest.fixture
def owner_organization(config, graph_client):
    """The owner's active organisation, no other tenant added."""
    in_tenant(graph_client, OWNER, lambda c: put_mto(c, GROUP))
    return config


def test_membership_lifecycle(owner_organization, emulator, graph_client, graph_requests):
    lifecycle = Lifecycle(
        MEMBERSHIP,
        create=MEMBERSHIP_CREATE,
        update={"role": "owner"},
        replace={"member_tenant_id": OTHER},
        drift=lambda id, outs: set_role(graph_client, MEMBER, "member"),
        drifted=("role",),
        gone=lambda id, outs: assert_membership_removed(emulator, graph_client, outs["member_tenant_id"]),
    )
    measured = lifecycle.run(GrpcDriver(MEMBERSHIP, owner_organization), graph_requests)
    assert measured == cost(MEMBERSHIP)


def remove(graph_client, tenant_id: str):
    return in_tenant(graph_client, OWNER, lambda c: member_of(c, tenant_id).delete())


def test_membership_create_adopts_a_pending_member(organization, emulator, graph_client, caplog):
    driver = GrpcDriver(MEMBERSHIP, organization)
    with caplog.at_level(logging.WARNING, logger="ctsync.providers"):
        _, outs = create_with(driver, {**MEMBERSHIP_CREATE, "role": "owner"})
    assert (outs["state"], outs["role"], outs["joined"]) == ("pending", "owner", False)
    assert adoption_logged(caplog, f"membership of {MEMBER}")
    assert in_tenant(graph_client, OWNER, lambda c: member_of(c, MEMBER).get()).role.value == "owner"
    assert organizations(emulator)[0]["members"] == {OWNER: "active", MEMBER: "pending", OTHER: "pending"}


def test_membership_create_refuses_a_member_being_removed(organization, graph_client):
    remove(graph_client, MEMBER)
    driver = GrpcDriver(MEMBERSHIP, organization)
    with pytest.raises(Exception, match="is being removed"):
        create_with(driver, MEMBERSHIP_CREATE)


# ---- MtoJoinRequest ----------------------------------------------------------------------------

def join_request(graph_client, tenant_id: str):
    return in_tenant(graph_client, tenant_id, lambda c: mto_of(c).join_request.get())


def assert_join_withdrawn(graph_client, tenant_id: str) -> None:
    assert join_request(graph_client, tenant_id).added_by_tenant_id == "00000000-0000-0000-0000-000000000000"


def test_join_lifecycle(organization, graph_client, graph_requests):
    lifecycle = Lifecycle(
        JOIN,
        create=JOIN_CREATE,
        replace={"tenant_id": OTHER},
        # Someone points the join request at another organisation; the next `up` points it back.
        drift=lambda id, outs: in_tenant(graph_client, MEMBER, lambda c: request_join(c, STRANGER)),
        drifted=("owner_tenant_id",),
        gone=lambda id, outs: assert_join_withdrawn(graph_client, outs["tenant_id"]),
    )
    measured = lifecycle.run(GrpcDriver(JOIN, organization), graph_requests)
    assert measured == cost(JOIN)


def test_join_returns_pending_at_once_and_refresh_reports_it_active(organization, emulator, graph_client, graph_requests):
    driver = GrpcDriver(JOIN, organization)
    graph_requests.clear()
    id, outs = create_with(driver, JOIN_CREATE)
    assert outs["member_state"] == "pending"
    assert graph_requests.count() == {"requests": 3, "writes": 1}, "create must not poll a join that takes hours"
    assert driver.read(id, outs)[1]["member_state"] == "pending"
    emulator.admin.advance_clock(TWO_HOURS)
    read_id, joined, _ = driver.read(id, outs)
    assert (read_id, joined["member_state"], joined["owner_tenant_id"]) == (id, "active", OWNER)
    owner_view = in_tenant(graph_client, OWNER, lambda c: member_of(c, MEMBER).get())
    assert (owner_view.state.value, owner_view.joined_date_time is not None) == ("active", True)
    # Leaving is asynchronous too; refresh must not show the member as still in.
    driver.delete(id, joined)
    assert driver.read(id, joined)[0] is None


def test_failed_join_shows_as_drift_and_next_up_resubmits(organization, emulator, graph_client):
    driver = GrpcDriver(JOIN, organization)
    inputs, _ = driver.check({}, {"tenant_id": STRANGER, "owner_tenant_id": OWNER})
    id, outs = driver.create(inputs)
    emulator.admin.advance_clock(TWO_HOURS)  # the owner never added STRANGER: the join fails
    read_id, failed, _ = driver.read(id, outs)
    assert (read_id, failed["transition_status"], failed["owner_tenant_id"]) == (id, "failed", None)
    assert driver.diff(id, failed, inputs).changes, "the next preview must offer to submit the join again"
    in_tenant(graph_client, OWNER, lambda c: add_member(c, STRANGER, "Stranger"))
    resubmitted = driver.update(id, failed, inputs)
    assert resubmitted["member_state"] == "pending"
    emulator.admin.advance_clock(TWO_HOURS)
    assert driver.read(id, resubmitted)[1]["member_state"] == "active"


JOIN_ADOPTION_CASES = {
    # owner the join request already names -> error expected
    "the same join under way (interrupted run)": (OWNER, None),
    "a join to another organisation under way": (STRANGER, "already joining or in the multitenant organization"),
}


@pytest.mark.parametrize("requested_owner,error", JOIN_ADOPTION_CASES.values(), ids=JOIN_ADOPTION_CASES.keys())
def test_join_create_adopts_only_its_own_request(requested_owner, error, organization, graph_client, graph_requests, caplog):
    in_tenant(graph_client, MEMBER, lambda c: request_join(c, requested_owner))
    driver = GrpcDriver(JOIN, organization)
    graph_requests.clear()
    with caplog.at_level(logging.WARNING, logger="ctsync.providers"):
        if error:
            with pytest.raises(Exception, match=error):
                create_with(driver, JOIN_CREATE)
        else:
            _, outs = create_with(driver, JOIN_CREATE)
            assert outs["member_state"] == "pending" and adoption_logged(caplog, "join request")
    assert graph_requests.count()["writes"] == 0, "a join under way is never submitted again"
    assert join_request(graph_client, MEMBER).added_by_tenant_id == requested_owner


# ---- faults: each create converges, and a re-run after an interrupted create adopts ------------

def one_organization(emulator, graph_client) -> None:
    assert [(org["displayName"], org["active"]) for org in organizations(emulator)] == [(GROUP, True)]


def one_membership(emulator, graph_client) -> None:
    assert organizations(emulator)[0]["members"] == {OWNER: "active", MEMBER: "pending"}


def one_join(emulator, graph_client) -> None:
    assert join_request(graph_client, MEMBER).added_by_tenant_id == OWNER


# type -> (inputs, fixture that sets up the owner side, the one object it must end with, whether the
# create makes a new object whose first reads lag: a join request is a singleton the PATCH only changes)
FAULT_CASES = {
    MTO: (MTO_CREATE, None, one_organization, True),
    MEMBERSHIP: (MEMBERSHIP_CREATE, "owner_organization", one_membership, True),
    JOIN: (JOIN_CREATE, "organization", one_join, False),
}


def lag_met(log: list[dict]) -> bool:
    return any(entry["method"] == "GET" and entry["status"] == 404 for entry in log)


@pytest.mark.parametrize("type_name", FAULT_CASES, ids=FAULT_CASES.keys())
def test_create_converges_under_throttling_and_rerun_adopts(type_name, request, config, emulator, graph_client, graph_requests):
    values, setup, exactly_one, lags = FAULT_CASES[type_name]
    if setup:
        request.getfixturevalue(setup)
    emulator.admin.set_faults(seed=37, throttleRate=0.3, retryAfterSeconds=1, replicationLagReads=2)
    driver = GrpcDriver(type_name, config)
    graph_requests.clear()
    id, outs = create_with(driver, values)
    log = graph_requests.log()
    assert 429 in {entry["status"] for entry in log}, "no throttling was injected"
    assert lag_met(log) is lags, "only a new object's first reads answer 404 (replication lag)"
    # The run is interrupted after create: the object exists, Pulumi has no state, `up` runs again.
    again_id, _ = create_with(driver, values)
    assert again_id == id
    exactly_one(emulator, graph_client)

"""ScopeAssignment against the emulator: the lifecycle, adoption by (principal, app role), a deletion made
out of band, and convergence with no duplicate under throttling, server errors and a lagging list."""
from __future__ import annotations

import logging

import pytest

from providers.resources.scope_assignment import ScopeAssignmentResource
from tests.emulator.flows import ADELE, CONTOSO, MEGAN, SALES, assign
from tests.providers.conftest import in_tenant, ready_source
from tests.providers.drivers import GrpcDriver
from tests.providers.lifecycle import Lifecycle

TYPE = "ScopeAssignment"


@pytest.fixture(autouse=True)
def short_replication(monkeypatch):
    # Refresh waits this long for an assignment the list does not show before calling it gone.
    monkeypatch.setenv("CTSYNC_REPLICATION_DEADLINE", "1")


@pytest.fixture
def driver(tenants_config):
    return GrpcDriver(TYPE, tenants_config(CONTOSO))


def declared(config, principal_id: str = SALES, principal_type: str = "Group") -> dict:
    return {"tenant_id": CONTOSO, "service_principal_id": config.sp_id, "app_role_id": str(config.role_id),
            "principal_id": principal_id, "principal_type": principal_type}


def assignments_of(graph_client, config, principal_id: str) -> list:
    async def listed(client):
        page = await client.service_principals.by_service_principal_id(config.sp_id).app_role_assigned_to.get()
        return [a for a in page.value if str(a.principal_id) == principal_id]

    return in_tenant(graph_client, CONTOSO, listed)


def import_id(config, assignment_id: str) -> str:
    return f"{CONTOSO}/servicePrincipals/{config.sp_id}/appRoleAssignedTo/{assignment_id}"


def create(driver, config, **principal) -> tuple[str, dict]:
    inputs, failures = driver.check({}, declared(config, **principal))
    assert failures == []
    return driver.create(inputs)


def test_lifecycle(sync_pair, graph_client, graph_requests, driver):
    def gone(id, outs):
        assert assignments_of(graph_client, sync_pair, SALES) == assignments_of(graph_client, sync_pair, MEGAN) == []

    lifecycle = Lifecycle(
        type_name=TYPE,
        create=declared(sync_pair),
        replace={"principal_id": MEGAN, "principal_type": "User"},
        gone=gone,
    )
    measured = lifecycle.run(driver, graph_requests)
    print(f"\n{TYPE} requests per step: {measured}")
    assert measured["create"] == {"requests": 2, "writes": 1}
    assert measured["refresh"] == {"requests": 1, "writes": 0}
    assert measured["delete"] == {"requests": 1, "writes": 1}


def test_create_takes_over_an_existing_assignment(sync_pair, graph_client, graph_requests, driver, caplog):
    existing = in_tenant(graph_client, CONTOSO, lambda client: assign(client, sync_pair, SALES))
    graph_requests.clear()
    with caplog.at_level(logging.WARNING, logger="ctsync.providers"):
        id, outs = create(driver, sync_pair)
    assert (id, outs["assignment_id"], outs["taken_over"]) == (import_id(sync_pair, existing), existing, True)
    assert graph_requests.count()["writes"] == 0
    assert "took over the existing" in caplog.text


def test_refresh_reports_an_assignment_removed_by_hand(sync_pair, graph_client, driver):
    id, outs = create(driver, sync_pair)

    async def remove(client):
        await client.service_principals.by_service_principal_id(sync_pair.sp_id).app_role_assigned_to \
            .by_app_role_assignment_id(outs["assignment_id"]).delete()

    in_tenant(graph_client, CONTOSO, remove)
    assert driver.read(id, outs)[0] is None


def test_converges_with_no_duplicate_under_faults(emulator, graph_client, graph_requests, driver, monkeypatch):
    monkeypatch.setenv("CTSYNC_REPLICATION_DEADLINE", "20")
    config = ready_source(emulator, graph_client)
    emulator.admin.set_faults(seed=6, throttleRate=0.3, serverErrorRate=0.2, replicationLagReads=2,
                              pathPattern="/appRoleAssignedTo")
    graph_requests.clear()
    first_id, _ = create(driver, config)
    # The run is interrupted before its result is saved; the next one finds the assignment.
    second_id, outs = create(driver, config)
    assert second_id == first_id and outs["taken_over"]
    statuses = [entry["status"] for entry in graph_requests.log()]
    assert 429 in statuses and {503, 504} & set(statuses), f"the faults did not happen: {statuses}"
    emulator.admin.clear_faults()
    assert len(assignments_of(graph_client, config, SALES)) == 1


def test_a_list_lagging_behind_an_assignment_still_adopts_it(sync_pair, graph_client, driver, monkeypatch):
    existing = in_tenant(graph_client, CONTOSO, lambda client: assign(client, sync_pair, SALES))
    lookups = []
    find = ScopeAssignmentResource._find

    async def lagging_find(self, graph, inputs, id):
        lookups.append(id)
        # The first lookup misses the assignment, as a list that has not caught up would.
        return None if len(lookups) == 1 else await find(self, graph, inputs, id)

    monkeypatch.setattr(ScopeAssignmentResource, "_find", lagging_find)
    id, outs = create(driver, sync_pair)
    assert id == import_id(sync_pair, existing)
    assert len(assignments_of(graph_client, sync_pair, SALES)) == 1


def test_a_principal_that_does_not_exist_is_refused_by_check_with_its_config_path(sync_pair, driver, graph_requests):
    """Before any write, and in a preview too: Check of a new assignment reads the principal."""
    missing = "aaaaaaaa-0000-4000-8000-0000000000ff"
    graph_requests.clear()
    _, failures = driver.check({}, {"tenant_id": CONTOSO, "service_principal_id": sync_pair.sp_id, "app_role_id": str(sync_pair.role_id),
                                    "principal_id": missing, "principal_type": "Group",
                                    "declared_at": "ctsync:sync[0].scope.groups[1]"})
    [(name, reason)] = failures
    assert name == "principal_id"
    assert f"the group {missing} does not exist in tenant tenant0 ({CONTOSO}); it is declared at ctsync:sync[0].scope.groups[1]" in reason
    assert graph_requests.count()["writes"] == 0


def test_check_of_an_existing_assignment_reads_nothing(sync_pair, driver, graph_requests):
    """An update's Check (old inputs present) never reads: an unchanged `up` sends no request."""
    news = {"tenant_id": CONTOSO, "service_principal_id": sync_pair.sp_id, "app_role_id": str(sync_pair.role_id),
            "principal_id": ADELE, "principal_type": "User"}
    graph_requests.clear()
    _, failures = driver.check(news, news)
    assert failures == [] and graph_requests.count()["requests"] == 0

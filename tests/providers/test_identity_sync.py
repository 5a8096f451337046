"""IdentitySyncPolicy against the emulator: the lifecycle (in-process and through the real provider-plugin
host), adoption of an existing policy, and convergence under throttling and replication lag."""
from __future__ import annotations

import logging

import pytest
from msgraph.generated.models.cross_tenant_access_policy_configuration_partner import (
    CrossTenantAccessPolicyConfigurationPartner,
)
from msgraph.generated.models.cross_tenant_identity_sync_policy_partner import CrossTenantIdentitySyncPolicyPartner
from msgraph.generated.models.cross_tenant_user_sync_inbound import CrossTenantUserSyncInbound

from tests.emulator.flows import (
    CONTOSO,
    FABRIKAM,
    NORTHWIND,
    SYNC_POLICY,
    beta,
    odata_error,
    partner_of,
    patch_identity_sync,
    two_tenants,
)
from tests.providers.conftest import in_tenant
from tests.providers.drivers import GrpcDriver, PluginDriver
from tests.providers.lifecycle import Lifecycle

TYPE = "IdentitySyncPolicy"
TARGET, SOURCE, OTHER_SOURCE = FABRIKAM, CONTOSO, NORTHWIND
CREATE = {"tenant_id": TARGET, "source_tenant_id": SOURCE, "display_name": "Contoso"}
# Graph requests per step of the lifecycle: create = the GET that looks for an existing policy, the
# PUT and the GET that waits for replication.
COST = {
    "create": {"requests": 3, "writes": 1},
    "preview": {"requests": 0, "writes": 0},
    "refresh": {"requests": 1, "writes": 0},
    "import": {"requests": 1, "writes": 0},
    "update": {"requests": 1, "writes": 1},
    "delete": {"requests": 1, "writes": 1},
}


@pytest.fixture
def config(emulator, graph_client, tenants_config, short_replication_deadline):
    """Target with partner entries for both sources: Graph refuses a policy for a partner it has no entry for."""
    emulator.admin.load_fixture(two_tenants())

    async def partners(client):
        for source in (SOURCE, OTHER_SOURCE):
            await client.policies.cross_tenant_access_policy.partners.post(
                CrossTenantAccessPolicyConfigurationPartner(tenant_id=source)
            )

    in_tenant(graph_client, TARGET, partners)
    return tenants_config(TARGET, SOURCE, OTHER_SOURCE)


def get_policy(graph_client, source: str):
    return in_tenant(graph_client, TARGET, lambda c: partner_of(c, source).identity_synchronization.get())


def policies_in_target(emulator) -> list[str]:
    tenant = next(t for t in emulator.admin.state()["tenants"] if t["tenantId"] == TARGET)
    return tenant["identitySynchronization"]


def assert_gone(graph_client, source: str) -> None:
    async def missing(client):
        return await odata_error(partner_of(client, source).identity_synchronization.get())

    assert in_tenant(graph_client, TARGET, missing).response_status_code == 404


def lifecycle(graph_client) -> Lifecycle:
    return Lifecycle(
        TYPE,
        create=CREATE,
        update={"user_sync_allowed": False},
        replace={"source_tenant_id": OTHER_SOURCE},
        drift=lambda id, outs: in_tenant(graph_client, TARGET, lambda c: patch_identity_sync(c, SOURCE, True)),
        drifted=("user_sync_allowed",),
        gone=lambda id, outs: assert_gone(graph_client, outs["source_tenant_id"]),
    )


@pytest.mark.parametrize("driver_kind", [GrpcDriver, PluginDriver], ids=["grpc", "plugin"])
def test_lifecycle(driver_kind, config, graph_client, graph_requests):
    measured = lifecycle(graph_client).run(driver_kind(TYPE, config), graph_requests)
    assert measured == COST


def test_create_takes_over_an_existing_policy_and_keeps_its_name(config, emulator, graph_client, caplog):
    # An MTO join auto-creates policies; this one blocks sync and carries another name.
    existing = CrossTenantIdentitySyncPolicyPartner(
        display_name="auto", user_sync_inbound=CrossTenantUserSyncInbound(is_sync_allowed=False)
    )
    in_tenant(graph_client, TARGET, lambda c: partner_of(c, SOURCE).identity_synchronization.put(existing))
    driver = GrpcDriver(TYPE, config)
    inputs, _ = driver.check({}, CREATE)
    with caplog.at_level(logging.WARNING, logger="ctsync.providers"):
        _, outs = driver.create(inputs)
    assert outs["taken_over"] is True
    assert any("took over the existing" in r.getMessage() for r in caplog.records)
    policy = get_policy(graph_client, SOURCE)
    assert (policy.display_name, policy.user_sync_inbound.is_sync_allowed) == ("auto", True)
    assert policies_in_target(emulator) == [SOURCE]


def test_create_converges_under_faults_and_rerun_adopts(config, emulator, graph_client, graph_requests):
    emulator.admin.set_faults(seed=37, throttleRate=0.3, retryAfterSeconds=1, replicationLagReads=2)
    driver = GrpcDriver(TYPE, config)
    inputs, _ = driver.check({}, CREATE)
    graph_requests.clear()
    id, outs = driver.create(inputs)
    statuses = {entry["status"] for entry in graph_requests.log()}
    assert {429, 404} <= statuses, f"faults were not injected: {statuses}"
    assert outs["taken_over"] is False
    assert driver.read(id, outs)[0] == id, "right after create, refresh must find the policy"
    # A run interrupted after the PUT left the policy and no state: the next create finds it by
    # the name ctsync gave it, so it is ctsync's own, not taken over.
    again_id, again = driver.create(inputs)
    assert (again_id, again["taken_over"]) == (id, False)
    assert policies_in_target(emulator) == [SOURCE]


def test_group_sync_goes_to_beta_only_while_declared(config, emulator, graph_requests):
    """groupSyncInbound is beta-only: a policy without group sync never touches beta; one with it
    is PATCHed and refreshed there, and turning it off out of band is drift."""
    driver = GrpcDriver(TYPE, config)
    inputs, _ = driver.check({}, {**CREATE, "group_sync_allowed": True})
    graph_requests.clear()
    id, outs = driver.create(inputs)
    assert [(e["method"], e["path"].split("/")[1]) for e in graph_requests.log() if e["path"].startswith("/beta")] == [("PATCH", "beta")]
    assert beta(emulator, "GET", SYNC_POLICY, TARGET)[1]["groupSyncInbound"] == {"isSyncAllowed": True}

    beta(emulator, "PATCH", SYNC_POLICY, TARGET, {"groupSyncInbound": {"isSyncAllowed": False}})
    _, refreshed, _ = driver.read(id, outs)
    assert refreshed["group_sync_allowed"] is False, "refresh sees the change on beta"
    driver.update(id, refreshed, inputs)
    assert beta(emulator, "GET", SYNC_POLICY, TARGET)[1]["groupSyncInbound"] == {"isSyncAllowed": True}

    plain, _ = driver.check({}, {**CREATE, "source_tenant_id": OTHER_SOURCE})
    graph_requests.clear()
    other_id, other = driver.create(plain)
    driver.read(other_id, other)
    assert not [e for e in graph_requests.log() if e["path"].startswith("/beta")], "no group sync, no beta"

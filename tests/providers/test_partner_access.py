"""PartnerAccess against the emulator: the lifecycle in-process and through the real provider-plugin
host, adoption of an entry an MTO join made, delete removing the identity-sync policy first, and
convergence under throttling and replication lag."""
from __future__ import annotations

import logging

import pytest
from msgraph.generated.models.cross_tenant_access_policy_configuration_partner import (
    CrossTenantAccessPolicyConfigurationPartner,
)
from msgraph.generated.models.cross_tenant_access_policy_inbound_trust import CrossTenantAccessPolicyInboundTrust

from tests.emulator.flows import CONTOSO, FABRIKAM, NORTHWIND, odata_error, partner_of, two_tenants
from tests.providers.conftest import in_tenant
from tests.providers.drivers import GrpcDriver, PluginDriver
from tests.providers.lifecycle import Lifecycle
from tests.providers.source_side import create, faulted

TYPE = "PartnerAccess"
CREATE = {"tenant_id": FABRIKAM, "partner_tenant_id": CONTOSO, "trust_mfa": True, "inbound_auto_redeem": True}
# create = the GET that looks for an existing entry, the POST, and the GET that waits for
# replication; every other step is one request.
COST = {
    "create": {"requests": 3, "writes": 1},
    "preview": {"requests": 0, "writes": 0},
    "refresh": {"requests": 1, "writes": 0},
    "import": {"requests": 1, "writes": 0},
    "update": {"requests": 1, "writes": 1},
    # One DELETE: the identity-sync policy is deleted first only when Graph says one is there.
    "delete": {"requests": 1, "writes": 1},
}


@pytest.fixture
def config(emulator, tenants_config, short_replication_deadline):
    emulator.admin.load_fixture(two_tenants())
    return tenants_config(FABRIKAM, CONTOSO, NORTHWIND)


def partner(graph_client, tenant: str, partner_id: str):
    return in_tenant(graph_client, tenant, lambda c: partner_of(c, partner_id).get())


def partners_in(graph_client, tenant: str) -> list[str]:
    async def listed(client):
        return [p.tenant_id for p in (await client.policies.cross_tenant_access_policy.partners.get()).value]

    return in_tenant(graph_client, tenant, listed)


def lifecycle(graph_client) -> Lifecycle:
    def revoke_trust_out_of_band(_id, _outs):
        body = CrossTenantAccessPolicyConfigurationPartner(
            inbound_trust=CrossTenantAccessPolicyInboundTrust(is_mfa_accepted=False, is_compliant_device_accepted=False)
        )
        in_tenant(graph_client, FABRIKAM, lambda c: partner_of(c, CONTOSO).patch(body))

    def gone(_id, outs):
        async def missing(client):
            return await odata_error(partner_of(client, outs["partner_tenant_id"]).get())

        assert in_tenant(graph_client, FABRIKAM, missing).response_status_code == 404

    return Lifecycle(
        TYPE,
        create=CREATE,
        update={"trust_compliant_device": True, "outbound_auto_redeem": True},
        replace={"partner_tenant_id": NORTHWIND},
        drift=revoke_trust_out_of_band,
        drifted=("trust_mfa", "trust_compliant_device"),
        gone=gone,
    )


@pytest.mark.parametrize("driver_kind", [GrpcDriver, PluginDriver], ids=["grpc", "plugin"])
def test_lifecycle(driver_kind, config, graph_requests, graph_client):
    measured = lifecycle(graph_client).run(driver_kind(TYPE, config), graph_requests)
    assert measured == COST


def test_create_takes_over_an_entry_an_mto_join_made_and_says_so(config, graph_client, emulator, caplog):
    in_tenant(graph_client, FABRIKAM, lambda c: c.policies.cross_tenant_access_policy.partners.post(
        CrossTenantAccessPolicyConfigurationPartner(tenant_id=CONTOSO)))
    emulator.admin.clear_requests()
    with caplog.at_level(logging.WARNING, logger="ctsync.providers"):
        _, outs = create(config, TYPE, **CREATE)
    assert outs["taken_over"] is True
    assert any("took over the existing" in r.message and "updating trust_mfa, inbound_auto_redeem" in r.message
               for r in caplog.records), caplog.text
    assert [r["method"] for r in emulator.admin.requests()] == ["GET", "PATCH"], "no POST for an entry that exists"
    assert partners_in(graph_client, FABRIKAM) == [CONTOSO]
    settled = partner(graph_client, FABRIKAM, CONTOSO)
    assert settled.inbound_trust.is_mfa_accepted and settled.automatic_user_consent_settings.inbound_allowed


def test_delete_removes_the_identity_sync_policy_first(config, graph_client):
    id, outs = create(config, TYPE, **CREATE)
    in_tenant(graph_client, FABRIKAM, put_identity_sync)
    GrpcDriver(TYPE, config).delete(id, outs)
    assert partners_in(graph_client, FABRIKAM) == []


async def put_identity_sync(client):
    from msgraph.generated.models.cross_tenant_identity_sync_policy_partner import CrossTenantIdentitySyncPolicyPartner
    from msgraph.generated.models.cross_tenant_user_sync_inbound import CrossTenantUserSyncInbound

    body = CrossTenantIdentitySyncPolicyPartner(
        display_name="Contoso", user_sync_inbound=CrossTenantUserSyncInbound(is_sync_allowed=True)
    )
    await partner_of(client, CONTOSO).identity_synchronization.put(body)


def test_converges_with_one_entry_under_throttling_and_replication_lag(config, emulator, graph_client):
    emulator.admin.set_faults(seed=7, throttleRate=0.3, retryAfterSeconds=1, replicationLagReads=2)
    _, outs = create(config, TYPE, **CREATE)
    met = faulted(emulator.admin.requests())
    emulator.admin.clear_faults()
    assert met.get(429, 0) >= 1 and met.get(404, 0) >= 1, met
    assert partners_in(graph_client, FABRIKAM) == [CONTOSO]
    # A second run with no state (a crash after the POST) takes the entry over instead of duplicating
    # it; a partner entry has no field to mark it ctsync's, so it counts as taken over.
    assert create(config, TYPE, **CREATE)[1]["taken_over"] is True
    assert partners_in(graph_client, FABRIKAM) == [CONTOSO]


def test_b2b_collaboration_and_direct_connect_keep_inheriting_the_default(config, graph_client):
    create(config, TYPE, **CREATE)
    entry = partner(graph_client, FABRIKAM, CONTOSO)
    inherited = (entry.b2b_collaboration_inbound, entry.b2b_collaboration_outbound,
                 entry.b2b_direct_connect_inbound, entry.b2b_direct_connect_outbound)
    assert inherited == (None, None, None, None)

"""SynchronizationSecrets: reading the saved set back, the lifecycle against the emulator, the message
when the target tenant is not ready, and convergence under injected faults."""
from __future__ import annotations

import json

import pytest

from providers.framework.schema import check
from providers.resources.sync_secrets import SynchronizationSecretsInputs, observed_inputs
from tests.emulator.flows import CONTOSO, FABRIKAM, NORTHWIND, get_secrets, secrets_body, two_tenants
from tests.providers.conftest import in_tenant
from tests.providers.drivers import GrpcDriver, ProviderError
from tests.providers.lifecycle import Lifecycle
from tests.providers.source_side import allow_sync, configuration_app, create, faulted, secrets_inputs

pytestmark = pytest.mark.usefixtures("short_replication_deadline")

SP = "44444444-4444-4444-8444-444444444444"
WRITTEN = SynchronizationSecretsInputs(CONTOSO, SP, FABRIKAM, 500, "ops@contoso.com")


def _saved(company_id: str = FABRIKAM, **notifications) -> dict[str, str]:
    return {"CompanyId": company_id, "SyncNotificationSettings": json.dumps(notifications)}


READ_BACK_CASES = {
    "as written": (
        _saved(Enabled=True, Recipients="ops@contoso.com", DeleteThresholdEnabled=True, DeleteThresholdValue=500),
        {"deletion_threshold": 500, "notification_email": "ops@contoso.com"},
    ),
    "threshold switched off reads as 0": (
        _saved(Enabled=True, Recipients="ops@contoso.com", DeleteThresholdEnabled=False, DeleteThresholdValue=500),
        {"deletion_threshold": 0},
    ),
    "notifications off: no email, even if a recipient is left": (
        _saved(Enabled=False, Recipients="ops@contoso.com", DeleteThresholdEnabled=True, DeleteThresholdValue=5),
        {"deletion_threshold": 5, "notification_email": None},
    ),
    "target in upper case is the same target": (
        _saved(FABRIKAM.upper(), Enabled=True, Recipients="ops@contoso.com", DeleteThresholdEnabled=True, DeleteThresholdValue=500),
        {"target_tenant_id": FABRIKAM},
    ),
    "masked values read as what was written": ({"CompanyId": "*", "SyncNotificationSettings": "*"}, {}),
    "SyncAll set out of band shows as drift": (
        {**_saved(Enabled=True, Recipients="ops@contoso.com", DeleteThresholdEnabled=True, DeleteThresholdValue=500),
         "SyncAll": "True"},
        {"sync_all": True},
    ),
    "another target": (_saved(NORTHWIND), {"target_tenant_id": NORTHWIND, "deletion_threshold": 0, "notification_email": None}),
}


@pytest.mark.parametrize("saved,changed", READ_BACK_CASES.values(), ids=READ_BACK_CASES.keys())
def test_read_back(saved, changed):
    observed = observed_inputs(WRITTEN, saved)
    expected = {"target_tenant_id": FABRIKAM, "deletion_threshold": 500, "notification_email": "ops@contoso.com",
                "sync_all": False, **changed}
    assert {name: getattr(observed, name) for name in expected} == expected


CHECK_CASES = {
    "defaults: threshold 500, no email": ({}, [], {"deletion_threshold": 500, "notification_email": None}),
    "not an email address": ({"notification_email": ""}, ["notification_email"], {}),
    "negative threshold": ({"deletion_threshold": -1}, ["deletion_threshold"], {}),
    "target not a GUID": ({"target_tenant_id": "fabrikam"}, ["target_tenant_id"], {}),
}


@pytest.mark.parametrize("given,failing,defaults", CHECK_CASES.values(), ids=CHECK_CASES.keys())
def test_check(given, failing, defaults):
    inputs, failures = check(SynchronizationSecretsInputs, {**secrets_inputs(SP), **given})
    assert [failure.property for failure in failures] == failing
    assert {name: inputs[name] for name in defaults} == defaults


@pytest.mark.parametrize("saved", [{}, {"CompanyId": ""}], ids=["never written", "emptied by delete"])
def test_a_set_without_target_is_gone(saved):
    assert observed_inputs(WRITTEN, saved) is None


# Graph requests per lifecycle step. Create: GET (find: configured already?), validateCredentials,
# then one PUT of the whole set (both POST/PUT, so both count as writes); update without a target
# change skips validation.
COST = {
    "create": {"requests": 3, "writes": 2},
    "preview": {"requests": 0, "writes": 0},
    "refresh": {"requests": 1, "writes": 0},
    "import": {"requests": 1, "writes": 0},
    "update": {"requests": 1, "writes": 1},
    "delete": {"requests": 1, "writes": 1},
}


def saved_secrets(graph_client, service_principal_id: str) -> dict[str, str]:
    return in_tenant(graph_client, CONTOSO, lambda client: get_secrets(client, service_principal_id))


def test_lifecycle(emulator, graph_client, tenants_config, graph_requests):
    emulator.admin.load_fixture(two_tenants())
    config = tenants_config(CONTOSO, FABRIKAM)
    allow_sync(config)
    first, second = configuration_app(config), configuration_app(config, "ctsync to Fabrikam (second)")

    def threshold_changed_in_portal(id, outs):
        def sync(client):
            return client.service_principals.by_service_principal_id(outs["service_principal_id"]).synchronization
        in_tenant(graph_client, CONTOSO, lambda client: sync(client).secrets.put(secrets_body(FABRIKAM, threshold=10)))

    def emptied(id, outs):
        saved = saved_secrets(graph_client, outs["service_principal_id"])
        assert saved == {"AuthenticationType": "", "CompanyId": "", "SyncNotificationSettings": "", "SyncAll": ""}

    measured = Lifecycle(
        "SynchronizationSecrets",
        create=secrets_inputs(first["service_principal_id"], notification_email="ops@contoso.com"),
        update={"deletion_threshold": 0, "notification_email": None, "sync_all": True},
        replace={"service_principal_id": second["service_principal_id"]},
        drift=threshold_changed_in_portal,
        drifted=("deletion_threshold",),
        gone=emptied,
    ).run(GrpcDriver("SynchronizationSecrets", config), graph_requests)

    assert measured == COST


def test_the_full_set_is_written(emulator, graph_client, tenants_config):
    emulator.admin.load_fixture(two_tenants())
    config = tenants_config(CONTOSO, FABRIKAM)
    allow_sync(config)
    app = configuration_app(config)

    create(config, "SynchronizationSecrets", **secrets_inputs(app["service_principal_id"], deletion_threshold=50, notification_email="ops@contoso.com"))

    saved = saved_secrets(graph_client, app["service_principal_id"])
    assert json.loads(saved.pop("SyncNotificationSettings")) == {
        "Enabled": True, "Recipients": "ops@contoso.com", "DeleteThresholdEnabled": True, "DeleteThresholdValue": 50,
    }
    assert saved == {"AuthenticationType": "SyncPolicy", "CompanyId": FABRIKAM, "SyncAll": "false"}


TARGET_INBOUND = "inbound automatic redemption"
TARGET_SYNC_POLICY = f"the identity-sync policy for {CONTOSO}"
NOT_READY_CASES = {
    "target entry without inbound auto-redeem": ({"inbound_auto_redeem": False}, (CONTOSO, FABRIKAM), [TARGET_INBOUND], [TARGET_SYNC_POLICY]),
    "no identity-sync policy in the target": ({"identity_sync": False}, (CONTOSO, FABRIKAM), [TARGET_SYNC_POLICY], [TARGET_INBOUND]),
    # The target is not in this stack's ctsync:tenants: nothing can be checked, everything is named.
    "target not declared here": ({"identity_sync": False}, (CONTOSO,), [TARGET_INBOUND, TARGET_SYNC_POLICY], []),
}


@pytest.mark.parametrize("setup,declared,named,not_named", NOT_READY_CASES.values(), ids=NOT_READY_CASES.keys())
def test_target_not_ready_names_the_missing_setting(setup, declared, named, not_named, emulator, graph_client, tenants_config):
    emulator.admin.load_fixture(two_tenants())
    allow_sync(tenants_config(CONTOSO, FABRIKAM), **setup)
    app = configuration_app(tenants_config(CONTOSO))

    with pytest.raises(ProviderError) as raised:
        create(tenants_config(*declared), "SynchronizationSecrets", **secrets_inputs(app["service_principal_id"]))

    message = str(raised.value)
    for expected in ["AzureActiveDirectoryCrossTenantSyncPolicyCheckFailure", f"in tenant {FABRIKAM}", "ctsync:sync", *named]:
        assert expected in message
    for unexpected in not_named:
        assert unexpected not in message
    assert saved_secrets(graph_client, app["service_principal_id"]) == {}, "nothing is saved for a refused target"


def test_changing_the_target_validates_it_first(emulator, graph_client, tenants_config):
    emulator.admin.load_fixture(two_tenants())
    config = tenants_config(CONTOSO, FABRIKAM, NORTHWIND)
    allow_sync(config)
    app = configuration_app(config)
    driver = GrpcDriver("SynchronizationSecrets", config)
    inputs, _ = driver.check({}, secrets_inputs(app["service_principal_id"]))
    id, outs = driver.create(inputs)

    with pytest.raises(ProviderError, match=f"in tenant {NORTHWIND}, the cross-tenant access partner entry for {CONTOSO}"):
        driver.update(id, outs, {**inputs, "target_tenant_id": NORTHWIND})

    assert saved_secrets(graph_client, app["service_principal_id"])["CompanyId"] == FABRIKAM


def test_create_converges_under_faults(emulator, graph_client, tenants_config, graph_requests):
    emulator.admin.load_fixture(two_tenants())
    config = tenants_config(CONTOSO, FABRIKAM)
    allow_sync(config)
    # Set before the app exists: its service principal's synchronization endpoints start out lagging.
    emulator.admin.set_faults(seed=1, throttleRate=0.2, syncLagRequests=3, pathPattern="/servicePrincipals/")
    app = configuration_app(config)

    _, outs = create(config, "SynchronizationSecrets", **secrets_inputs(app["service_principal_id"]))

    met = faulted(graph_requests.log())
    emulator.admin.clear_faults()
    assert met.get(429) and met.get(403) and met.get(409), f"the run must meet throttling and sync-endpoint lag: {met}"
    assert outs["validated"] is True
    assert saved_secrets(graph_client, app["service_principal_id"])["CompanyId"] == FABRIKAM

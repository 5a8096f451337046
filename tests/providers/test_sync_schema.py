"""SynchronizationSchema against the emulator: the lifecycle in-process and through the plugin, no
PUT without a real change, a provisioning cycle that honours the schema, and convergence under faults."""
from __future__ import annotations

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.user import User
from msgraph.generated.users.users_request_builder import UsersRequestBuilder

from providers.synchronization.schema_json import SCOPE_GROUP, find_attribute_mapping, normalized
from tests.emulator.flows import ALEX, CONTOSO, FABRIKAM, MEGAN, SALES, configure_job, get_schema, put_schema, user_mapping
from tests.providers.conftest import in_tenant, ready_source
from tests.providers.drivers import GrpcDriver, PluginDriver
from tests.providers.lifecycle import Lifecycle

TYPE = "SynchronizationSchema"
SALES_ONLY = {"attribute": "department", "operator": "EQUALS", "values": ["Sales"]}
SPECIALISTS = {"attribute": "jobTitle", "operator": "EQUALS", "values": ["Specialist"]}
COMPANY = {"target": "companyName", "constant": "Contoso Ltd"}


@pytest.fixture(autouse=True)
def short_replication(monkeypatch):
    monkeypatch.setenv("CTSYNC_REPLICATION_DEADLINE", "5")


def declared(config, **fields) -> dict:
    return {"tenant_id": CONTOSO, "service_principal_id": config.sp_id, "job_id": config.job_id, **fields}


def schema_of(graph_client, config) -> dict:
    return in_tenant(graph_client, CONTOSO, lambda client: get_schema(client, config.sp_id, config.job_id))


def edit_schema(graph_client, config, edit) -> None:
    """An out-of-band change, as someone in the portal would make it."""
    document = schema_of(graph_client, config)
    edit(user_mapping(document))
    in_tenant(graph_client, CONTOSO, lambda client: put_schema(client, config.sp_id, config.job_id, document))


def schema_puts(graph_requests) -> int:
    """Schema PUTs that went through (a throttled attempt changes nothing)."""
    return sum(
        1 for entry in graph_requests.log()
        if entry["method"] == "PUT" and entry["path"].endswith("/schema") and entry["status"] < 300
    )


def portal_edit(mapping: dict) -> None:
    """userType back to Member and the department clause taken out of the scope group."""
    find_attribute_mapping(mapping, "userType")["source"].update(name="Member", expression='"Member"')
    for group in mapping["scope"]["groups"]:
        group["clauses"] = [c for c in group["clauses"] if c["sourceOperandName"] != "department"]


@pytest.mark.parametrize("driver_kind", [GrpcDriver, PluginDriver], ids=["grpc", "plugin"])
def test_lifecycle(driver_kind, sync_pair, graph_client, graph_requests, tenants_config):
    other = in_tenant(graph_client, CONTOSO, lambda client: configure_job(client, FABRIKAM))
    found = {config.job_id: schema_of(graph_client, config) for config in (sync_pair, other)}

    def given_back(config) -> bool:
        return normalized(schema_of(graph_client, config)) == normalized(found[config.job_id])

    lifecycle = Lifecycle(
        type_name=TYPE,
        create=declared(sync_pair, user_type="Guest", scope_filters=[SALES_ONLY], attribute_mappings=[COMPANY]),
        update={"remove_disabled_users": True, "scope_filters": [SALES_ONLY, SPECIALISTS]},
        replace={"service_principal_id": other.sp_id, "job_id": other.job_id},
        drift=lambda id, outs: edit_schema(graph_client, sync_pair, portal_edit),
        drifted=("user_type", "scope_filters"),
        not_imported=("attribute_mappings",),
        gone_after_delete=False,
    )
    measured = lifecycle.run(driver_kind(TYPE, tenants_config(CONTOSO)), graph_requests)
    print(f"\n{TYPE} requests per step ({driver_kind.name}): {measured}")

    assert given_back(sync_pair) and given_back(other), "delete must give back the schema ctsync found"
    assert measured["preview"]["requests"] == 0
    # The job's schema, and its template's: the undeclared rest is held to the template's defaults.
    assert measured["refresh"] == {"requests": 2, "writes": 0}
    for step in ("create", "update", "delete"):
        assert measured[step]["writes"] == 1, (step, measured[step])


# name: (declaration already applied or None, operation, declaration, schema PUTs expected)
PUT_CASES = {
    "create that matches the template": (None, "create", {"attribute_mappings": [{"target": "department", "source": "department"}]}, 0),
    "create again over its own result (state lost)": ({"user_type": "Guest", "scope_filters": [SALES_ONLY]}, "create", {"user_type": "Guest", "scope_filters": [SALES_ONLY]}, 0),
    "update with no change": ({"user_type": "Guest", "attribute_mappings": [COMPANY]}, "update", {"user_type": "Guest", "attribute_mappings": [COMPANY]}, 0),
    "update with a real change": ({"user_type": "Guest"}, "update", {"user_type": "Member"}, 1),
    "create with a real change": (None, "create", {"remove_disabled_users": True}, 1),
}


@pytest.mark.parametrize("before,operation,fields,puts", PUT_CASES.values(), ids=PUT_CASES.keys())
def test_put_only_when_something_changes(before, operation, fields, puts, sync_pair, graph_requests, tenants_config):
    driver = GrpcDriver(TYPE, tenants_config(CONTOSO))
    news, failures = driver.check({}, declared(sync_pair, **fields))
    assert failures == []
    if before is not None:
        olds, _ = driver.check({}, declared(sync_pair, **before))
        id, outs = driver.create(olds)
    graph_requests.clear()
    if operation == "create":
        driver.create(news)
    else:
        driver.update(id, outs, news)
    assert schema_puts(graph_requests) == puts
    assert graph_requests.count()["writes"] == puts


def target_users(graph_client) -> dict[str, User]:
    """The B2B users in Fabrikam, by the source user's mail."""
    query = UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(
        select=["id", "mail", "userType", "companyName", "accountEnabled"]
    )

    async def users(client):
        return await client.users.get(request_configuration=RequestConfiguration(query_parameters=query))

    return {user.mail: user for user in in_tenant(graph_client, FABRIKAM, users).value}


def test_the_provisioning_cycle_honours_the_schema(sync_pair, emulator, graph_client, tenants_config):
    config = tenants_config(CONTOSO)
    scope = GrpcDriver("ScopeAssignment", config)
    for principal, kind in ((SALES, "Group"), (MEGAN, "User")):
        checked, _ = scope.check({}, {"tenant_id": CONTOSO, "service_principal_id": sync_pair.sp_id,
                                      "app_role_id": str(sync_pair.role_id), "principal_id": principal, "principal_type": kind})
        scope.create(checked)
    driver = GrpcDriver(TYPE, config)
    inputs, _ = driver.check({}, declared(sync_pair, user_type="Guest", remove_disabled_users=True,
                                          scope_filters=[SALES_ONLY], attribute_mappings=[COMPANY]))
    driver.create(inputs)

    emulator.admin.run_sync()
    synced = target_users(graph_client)
    # Megan (Marketing) is assigned but filtered out by department.
    assert sorted(synced) == ["adele@contoso.onmicrosoft.com", "alex@contoso.onmicrosoft.com"]
    assert {user.user_type for user in synced.values()} == {"Guest"}
    assert {user.company_name for user in synced.values()} == {"Contoso Ltd"}

    # Without the accountEnabled clause a disabled user is only blocked from signing in in the target.
    in_tenant(graph_client, CONTOSO, lambda client: client.users.by_user_id(ALEX).patch(User(account_enabled=False)))
    emulator.admin.run_sync()
    assert sorted(target_users(graph_client)) == ["adele@contoso.onmicrosoft.com"], "disabled users must leave"


def test_converges_under_throttling_and_sync_lag(emulator, graph_client, graph_requests, tenants_config, monkeypatch):
    monkeypatch.setenv("CTSYNC_REPLICATION_DEADLINE", "30")
    # Only schema requests are faulted, so the setup's own raw calls go through; the lag starts with the
    # configuration app's new service principal.
    emulator.admin.set_faults(seed=2, throttleRate=0.3, syncLagRequests=3, pathPattern="/schema$")
    config = ready_source(emulator, graph_client)
    driver = GrpcDriver(TYPE, tenants_config(CONTOSO))
    inputs, _ = driver.check({}, declared(config, user_type="Guest", scope_filters=[SALES_ONLY], attribute_mappings=[COMPANY]))
    graph_requests.clear()
    driver.create(inputs)
    statuses = [entry["status"] for entry in graph_requests.log()]
    assert 429 in statuses and {403, 409} <= set(statuses), f"the faults did not happen: {statuses}"
    assert schema_puts(graph_requests) == 1

    driver.create(inputs)  # an interrupted run done again: nothing left to write
    assert schema_puts(graph_requests) == 1
    mapping = user_mapping(schema_of(graph_client, config))
    assert [m["targetAttributeName"] for m in mapping["attributeMappings"]].count("companyName") == 1
    assert [g["name"] for g in mapping["scope"]["groups"]] == [SCOPE_GROUP]


@pytest.mark.parametrize("flow_types, stays", [("Add, Update", True), ("Add, Update, Delete", False)],
                         ids=["deletes off: a user leaving scope stays", "deletes on: the user is removed"])
def test_target_object_actions_decide_whether_users_leaving_scope_are_deleted(flow_types, stays, sync_pair, emulator,
                                                                             graph_client, tenants_config):
    config = tenants_config(CONTOSO)
    scope = GrpcDriver("ScopeAssignment", config)
    checked, _ = scope.check({}, {"tenant_id": CONTOSO, "service_principal_id": sync_pair.sp_id,
                                  "app_role_id": str(sync_pair.role_id), "principal_id": MEGAN, "principal_type": "User"})
    id, outs = scope.create(checked)
    driver = GrpcDriver(TYPE, config)
    inputs, _ = driver.check({}, declared(sync_pair, flow_types=flow_types))
    driver.create(inputs)
    assert user_mapping(schema_of(graph_client, sync_pair))["flowTypes"] == flow_types
    emulator.admin.run_sync()
    assert list(target_users(graph_client)) == ["megan@contoso.onmicrosoft.com"]

    scope.delete(id, {**outs, **checked})  # Megan leaves the scope
    emulator.admin.run_sync()
    assert list(target_users(graph_client)) == (["megan@contoso.onmicrosoft.com"] if stays else [])

"""ConfigurationApp against the emulator: the lifecycle in process and through the real provider-plugin
host, adoption of the app an interrupted run left behind, and convergence under injected faults."""
from __future__ import annotations

import logging

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.application_templates.item.instantiate.instantiate_post_request_body import (
    InstantiatePostRequestBody,
)
from msgraph.generated.applications.applications_request_builder import ApplicationsRequestBuilder
from msgraph.generated.models.application import Application

from providers.resources.configuration_app import TEMPLATE_ID
from tests.emulator.flows import CONTOSO, FABRIKAM, NORTHWIND, configure_job, odata_error, two_tenants
from tests.providers.conftest import in_tenant
from tests.providers.drivers import GrpcDriver, PluginDriver
from tests.providers.lifecycle import Lifecycle
from tests.providers.source_side import APP_NAME, configuration_app, create, faulted

pytestmark = pytest.mark.usefixtures("short_replication_deadline")

# Graph requests per lifecycle step. Create: list the template's instances (none here), instantiate,
# read the service principal back; refresh: one GET; a preview: nothing; an update of the target
# changes how the app is found, nothing in Graph.
COST = {
    # instantiate, the owner tag, the service principal
    "create": {"requests": 4, "writes": 2},
    "preview": {"requests": 0, "writes": 0},
    "refresh": {"requests": 1, "writes": 0},
    # the application, its service principal (it carries the role and the synchronization), and
    # its synchronization secrets (they name the target)
    "import": {"requests": 3, "writes": 0},
    "update": {"requests": 0, "writes": 0},
    # whose owner marker it carries (another stack may have taken it over), then the delete
    "delete": {"requests": 2, "writes": 1},
}


def applications_named(graph_client, display_name: str) -> list[str]:
    """Ids of the source tenant's applications with this display name, as the tenant lists them."""
    query = ApplicationsRequestBuilder.ApplicationsRequestBuilderGetQueryParameters(
        filter=f"displayName eq '{display_name}'"
    )

    async def ids(client):
        found = await client.applications.get(request_configuration=RequestConfiguration(query_parameters=query))
        return [app.id for app in found.value]

    return in_tenant(graph_client, CONTOSO, ids)


def rename_in_portal(graph_client, outs: dict) -> None:
    rename = Application(display_name="renamed in the portal")
    in_tenant(graph_client, CONTOSO, lambda c: c.applications.by_application_id(outs["application_object_id"]).patch(rename))


def lifecycle(graph_client) -> Lifecycle:
    def gone(id, outs):
        async def statuses(client):
            app = await odata_error(client.applications.by_application_id(outs["application_object_id"]).get())
            sp = await odata_error(client.service_principals.by_service_principal_id(outs["service_principal_id"]).get())
            return app.response_status_code, sp.response_status_code

        assert in_tenant(graph_client, outs["tenant_id"], statuses) == (404, 404), "the service principal must go with its app"

    return Lifecycle(
        "ConfigurationApp",
        # An apostrophe: the adoption lookup must quote it as OData requires.
        create={"tenant_id": CONTOSO, "display_name": "ctsync to Fabrikam's tenant", "target_tenant_id": FABRIKAM},
        update={"target_tenant_id": NORTHWIND},
        replace={"tenant_id": NORTHWIND},
        gone=gone,
        # An import reads the target from the app's synchronization secrets; this bare app has none.
        not_imported=("target_tenant_id",),
    )


@pytest.mark.parametrize("driver_kind", [GrpcDriver, PluginDriver], ids=["grpc", "plugin"])
def test_lifecycle(driver_kind, emulator, graph_client, tenants_config, graph_requests):
    emulator.admin.load_fixture(two_tenants())
    driver = driver_kind("ConfigurationApp", tenants_config(CONTOSO, NORTHWIND))

    measured = lifecycle(graph_client).run(driver, graph_requests)

    assert measured == COST


def test_a_rename_in_the_portal_is_not_drift(emulator, graph_client, tenants_config):
    """The display name is set on create only: an app keeps the name its administrators give it."""
    emulator.admin.load_fixture(two_tenants())
    driver = GrpcDriver("ConfigurationApp", tenants_config(CONTOSO))
    inputs, _ = driver.check({}, {"tenant_id": CONTOSO, "display_name": APP_NAME, "target_tenant_id": FABRIKAM})
    id, outs = driver.create(inputs)
    rename_in_portal(graph_client, outs)
    _, read_outs, _ = driver.read(id, outs)
    assert read_outs["display_name"] == "renamed in the portal", "refresh records the name it finds"
    assert not driver.diff(id, read_outs, inputs).changes


ADOPTION_CASES = {
    "same display name: the interrupted run's app is adopted": (APP_NAME, True),
    "another display name: a new instance": ("ctsync to Northwind", False),
}


@pytest.mark.parametrize("display_name,adopts", ADOPTION_CASES.values(), ids=ADOPTION_CASES.keys())
def test_create_after_an_interrupted_run(display_name, adopts, emulator, graph_client, tenants_config, caplog):
    emulator.admin.load_fixture(two_tenants())
    # The interrupted run: instantiate went through, its answer never reached the state.
    instantiate = InstantiatePostRequestBody(display_name=APP_NAME)
    left = in_tenant(
        graph_client, CONTOSO, lambda c: c.application_templates.by_application_template_id(TEMPLATE_ID).instantiate.post(instantiate)
    )

    with caplog.at_level(logging.WARNING, logger="ctsync.providers"):
        outs = configuration_app(tenants_config(CONTOSO), display_name)

    assert outs["taken_over"] is False, "an app with the name ctsync gives is its own"
    assert (outs["application_object_id"] == left.application.id) is adopts
    assert ("took over the existing" in caplog.text) is adopts
    assert len(applications_named(graph_client, APP_NAME)) == 1, "no twin of the interrupted run's app"
    if adopts:
        role = next(r for r in left.service_principal.app_roles if r.display_name == "msiam_access")
        assert (outs["service_principal_id"], outs["app_role_id"]) == (left.service_principal.id, str(role.id))


def test_create_converges_under_faults(emulator, graph_client, tenants_config, graph_requests):
    emulator.admin.load_fixture(two_tenants())
    emulator.admin.set_faults(seed=3, throttleRate=0.3, replicationLagReads=2)

    outs = configuration_app(tenants_config(CONTOSO))

    met = faulted(graph_requests.log())
    emulator.admin.clear_faults()
    assert met.get(429) and met.get(404), f"the run must meet throttling and replication lag: {met}"
    assert applications_named(graph_client, APP_NAME) == [outs["application_object_id"]]


def test_an_app_made_in_the_portal_is_found_by_its_target_and_taken_over_with_no_write(
    emulator, graph_client, tenants_config, graph_requests
):
    """Named by hand ("Fabrikam"), configured to provision into Fabrikam: no second app for the pair."""
    emulator.admin.load_fixture(two_tenants())
    portal = in_tenant(graph_client, CONTOSO, lambda c: configure_job(c, FABRIKAM))
    graph_requests.clear()

    outs = create(tenants_config(CONTOSO), "ConfigurationApp", tenant_id=CONTOSO, display_name=APP_NAME,
                  target_tenant_id=FABRIKAM)[1]

    assert (outs["application_object_id"], outs["service_principal_id"]) == (portal.app_id, portal.sp_id)
    assert outs["taken_over"] is True
    assert outs["display_name"] == "Fabrikam", "the app keeps the name its administrators gave it"
    assert graph_requests.count()["writes"] == 0
    assert applications_named(graph_client, APP_NAME) == []

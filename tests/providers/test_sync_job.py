"""SynchronizationJob: its outputs from Graph's job shape, the lifecycle against the emulator, adoption
of the job an interrupted run left, the outputs after a provisioning cycle, and a fault run."""
from __future__ import annotations

import datetime
import logging

import pytest
from msgraph.generated.models.synchronization_job import SynchronizationJob as JobModel

from providers.resources.sync_job import job_state
from tests.emulator.flows import CONTOSO, FABRIKAM, job_builder, odata_error, two_tenants
from tests.providers.conftest import in_tenant
from tests.providers.drivers import GrpcDriver
from tests.providers.lifecycle import Lifecycle
from tests.providers.source_side import allow_sync, configuration_app, create, faulted, job, secrets_inputs

pytestmark = pytest.mark.usefixtures("short_replication_deadline")

NEVER = "0001-01-01T00:00:00Z"
ENDED = "2025-03-04T05:06:07.1234567Z"


def _job(code=None, schedule=None, last=None, quarantine=None) -> dict:
    """A job as Graph's JSON shows it (what the provider reads)."""
    status = {"code": code, "lastExecution": last, "quarantine": quarantine}
    return {"id": "Azure2Azure.x.y", "schedule": {"state": schedule}, "status": status}


STATE_CASES = {
    "created, never ran": (
        _job("Paused", "Disabled", {"timeEnded": NEVER, "state": None}),
        {"status_code": "Paused", "schedule_state": "Disabled", "last_execution_state": None, "last_execution_time": None},
    ),
    "ran": (
        _job("Active", "Active", {"state": "Succeeded", "timeEnded": ENDED}),
        {"status_code": "Active", "last_execution_state": "Succeeded", "last_execution_time": "2025-03-04T05:06:07.123456+00:00"},
    ),
    "quarantined by the deletion threshold": (
        _job("Quarantine", quarantine={"reason": "TooManyDeletes"}),
        {"status_code": "Quarantine", "quarantine_reason": "TooManyDeletes"},
    ),
    "no status at all": ({"id": "Azure2Azure.x.y"}, {"status_code": None, "schedule_state": None, "quarantine_reason": None}),
}


@pytest.mark.parametrize("model,expected", STATE_CASES.values(), ids=STATE_CASES.keys())
def test_outputs_from_the_job(model, expected):
    state = job_state(model)
    assert state.job_id == "Azure2Azure.x.y"
    assert {name: getattr(state, name) for name in expected} == expected


# Graph requests per lifecycle step. Create: list jobs (find), list jobs again right before the POST
# (a retried POST must not make a twin), POST, GET until readable. Every input replaces, so there is
# no update, and no input can drift.
COST = {
    "create": {"requests": 4, "writes": 1},
    "preview": {"requests": 0, "writes": 0},
    "refresh": {"requests": 1, "writes": 0},
    "import": {"requests": 1, "writes": 0},
    "delete": {"requests": 1, "writes": 1},
}


def jobs_of(graph_client, service_principal_id: str) -> list[str]:
    async def ids(client):
        found = await client.service_principals.by_service_principal_id(service_principal_id).synchronization.jobs.get()
        return [j.id for j in found.value]

    return in_tenant(graph_client, CONTOSO, ids)


def test_lifecycle(emulator, graph_client, tenants_config, graph_requests):
    emulator.admin.load_fixture(two_tenants())
    config = tenants_config(CONTOSO)
    first, second = configuration_app(config), configuration_app(config, "ctsync to Fabrikam (second)")

    def gone(id, outs):
        missing = in_tenant(graph_client, CONTOSO, lambda c: odata_error(job_builder(c, outs["service_principal_id"], outs["job_id"]).get()))
        assert missing.response_status_code == 404

    measured = Lifecycle(
        "SynchronizationJob",
        create={"tenant_id": CONTOSO, "service_principal_id": first["service_principal_id"]},
        replace={"service_principal_id": second["service_principal_id"]},
        gone=gone,
    ).run(GrpcDriver("SynchronizationJob", config), graph_requests)

    assert measured == COST


def test_create_adopts_the_job_an_interrupted_run_left(emulator, graph_client, tenants_config, caplog):
    emulator.admin.load_fixture(two_tenants())
    config = tenants_config(CONTOSO)
    sp = configuration_app(config)["service_principal_id"]
    left = in_tenant(
        graph_client, CONTOSO,
        lambda c: c.service_principals.by_service_principal_id(sp).synchronization.jobs.post(JobModel(template_id="Azure2Azure")),
    )

    with caplog.at_level(logging.WARNING, logger="ctsync.providers"):
        _, outs = job(config, sp)

    assert outs["job_id"] == left.id
    assert "took over the existing" in caplog.text
    assert jobs_of(graph_client, sp) == [left.id]


def test_outputs_after_a_provisioning_cycle(emulator, graph_client, tenants_config):
    emulator.admin.load_fixture(two_tenants())
    config = tenants_config(CONTOSO, FABRIKAM)
    allow_sync(config)
    sp = configuration_app(config)["service_principal_id"]
    create(config, "SynchronizationSecrets", **secrets_inputs(sp))
    driver = GrpcDriver("SynchronizationJob", config)
    inputs, _ = driver.check({}, {"tenant_id": CONTOSO, "service_principal_id": sp})
    id, outs = driver.create(inputs)
    assert (outs["status_code"], outs["schedule_state"], outs["last_execution_time"]) == ("Paused", "Disabled", None)

    in_tenant(graph_client, CONTOSO, lambda c: job_builder(c, sp, outs["job_id"]).start.post())
    emulator.admin.run_sync()
    _, read, _ = driver.read(id, outs)

    assert (read["schedule_state"], read["last_execution_state"]) == ("Active", "Succeeded")
    assert datetime.datetime.fromisoformat(read["last_execution_time"]).year > 1
    assert not driver.diff(id, read, inputs).changes, "outputs moving with the cycle are no drift"


def test_create_converges_under_faults(emulator, graph_client, tenants_config, graph_requests):
    emulator.admin.load_fixture(two_tenants())
    config = tenants_config(CONTOSO)
    emulator.admin.set_faults(seed=2, throttleRate=0.2, syncLagRequests=4, replicationLagReads=2, pathPattern="/synchronization/")
    sp = configuration_app(config)["service_principal_id"]

    _, outs = job(config, sp)

    met = faulted(graph_requests.log())
    emulator.admin.clear_faults()
    assert all(met.get(status) for status in (403, 404, 409, 429)), f"the run must meet every fault: {met}"
    assert jobs_of(graph_client, sp) == [outs["job_id"]], "exactly one job"

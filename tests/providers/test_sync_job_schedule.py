"""SynchronizationJobSchedule: start/pause as a field, against the emulator: the lifecycle (a pause out
of band is drift), no write when the job already is as declared, and a fault run."""
from __future__ import annotations

import logging

import pytest
from msgraph.generated.models.cross_tenant_access_policy_configuration_partner import (
    CrossTenantAccessPolicyConfigurationPartner,
)
from msgraph.generated.models.inbound_outbound_policy_configuration import InboundOutboundPolicyConfiguration
from msgraph.generated.models.synchronization_job import SynchronizationJob as JobModel
from pulumi.runtime.proto import provider_pb2

from tests.emulator.flows import (
    ADELE,
    ALEX,
    CONTOSO,
    FABRIKAM,
    SALES,
    assign,
    job_builder,
    partner_of,
    ready_pair,
    two_tenants,
)
from tests.providers.conftest import in_tenant
from tests.providers.drivers import GrpcDriver
from tests.providers.lifecycle import Lifecycle
from tests.providers.source_side import configuration_app, create, faulted, job

pytestmark = pytest.mark.usefixtures("short_replication_deadline")

# Graph requests per lifecycle step. Create/update: list the app's assignments (the scope as a whole),
# GET the job, start or pause it, GET it back; refresh and import: the job and the assignments;
# delete: one pause (the job's own DELETE that the destroy then sends is not counted here).
COST = {
    "create": {"requests": 4, "writes": 1},
    "preview": {"requests": 0, "writes": 0},
    "refresh": {"requests": 2, "writes": 0},
    "import": {"requests": 2, "writes": 0},
    "update": {"requests": 4, "writes": 1},
    "delete": {"requests": 1, "writes": 1},
}


class DestroyOrder:
    """Drives the schedule as `pulumi destroy` does: deleting it pauses the job, then the job itself,
    which depends on nothing the schedule needs, is deleted next.

    The schedule is a setting of the job, so the job still exists right after the schedule's delete;
    the lifecycle's "refresh finds it gone" holds once the destroy has also deleted the job. Each
    delete checks the job was left paused, and counts the schedule's own requests."""

    def __init__(self, driver: GrpcDriver, jobs: dict[str, tuple[str, dict]], config, requests):
        self._driver = driver
        self._jobs = jobs
        self._job_driver = GrpcDriver("SynchronizationJob", config)
        self._requests = requests
        self.delete_cost: dict[str, int] | None = None

    def __getattr__(self, name):
        return getattr(self._driver, name)

    def delete(self, id: str, outs: dict) -> None:
        self._driver.delete(id, outs)
        self.delete_cost = self._requests.count()
        job_id, job_outs = self._jobs[outs["job_id"]]
        _, paused, _ = self._job_driver.read(job_id, job_outs)
        assert paused["schedule_state"] == "Disabled", "deleting the schedule must pause the job"
        self._job_driver.delete(job_id, job_outs)


def test_lifecycle(emulator, graph_client, tenants_config, graph_requests):
    emulator.admin.load_fixture(two_tenants())
    config = tenants_config(CONTOSO)
    first, second = (configuration_app(config, name)["service_principal_id"] for name in ("ctsync to Fabrikam", "ctsync to Fabrikam (second)"))
    jobs = {outs["job_id"]: (id, outs) for id, outs in (job(config, first), job(config, second))}
    first_job, second_job = jobs

    def started_in_portal(id, outs):
        in_tenant(graph_client, CONTOSO, lambda c: job_builder(c, outs["service_principal_id"], outs["job_id"]).start.post())

    driver = DestroyOrder(GrpcDriver("SynchronizationJobSchedule", config), jobs, config, graph_requests)
    measured = Lifecycle(
        "SynchronizationJobSchedule",
        create={"tenant_id": CONTOSO, "service_principal_id": first, "job_id": first_job, "enabled": True},
        update={"enabled": False},
        replace={"service_principal_id": second, "job_id": second_job},
        drift=started_in_portal,
        drifted=("enabled", "schedule_state"),
    ).run(driver, graph_requests)

    assert {**measured, "delete": driver.delete_cost} == COST


@pytest.mark.parametrize("enabled", [True, False], ids=["started", "paused"])
def test_no_write_when_the_job_already_is_as_declared(enabled, emulator, graph_client, tenants_config, graph_requests):
    emulator.admin.load_fixture(two_tenants())
    config = tenants_config(CONTOSO)
    sp = configuration_app(config)["service_principal_id"]
    job_id = job(config, sp)[1]["job_id"]
    action = "start" if enabled else "pause"
    in_tenant(graph_client, CONTOSO, lambda c: getattr(job_builder(c, sp, job_id), action).post())
    graph_requests.clear()

    _, outs = create(config, "SynchronizationJobSchedule", tenant_id=CONTOSO, service_principal_id=sp, job_id=job_id, enabled=enabled)

    assert graph_requests.count() == {"requests": 2, "writes": 0}, "the assignments and the job, read once each"
    assert outs["schedule_state"] == ("Active" if enabled else "Disabled")


def test_create_converges_under_faults(emulator, graph_client, tenants_config, graph_requests):
    emulator.admin.load_fixture(two_tenants())
    config = tenants_config(CONTOSO)
    sp = configuration_app(config)["service_principal_id"]
    emulator.admin.set_faults(seed=1, throttleRate=0.3, replicationLagReads=2, pathPattern="/synchronization/jobs")
    # Posted raw, so that the job still answers 404 to its first reads when the schedule starts it.
    def jobs(c):
        return c.service_principals.by_service_principal_id(sp).synchronization.jobs
    job_id = in_tenant(graph_client, CONTOSO, lambda c: jobs(c).post(JobModel(template_id="Azure2Azure"))).id
    graph_requests.clear()

    _, outs = create(config, "SynchronizationJobSchedule", tenant_id=CONTOSO, service_principal_id=sp, job_id=job_id)

    met = faulted(graph_requests.log())
    emulator.admin.clear_faults()
    assert met.get(429) and met.get(404), f"the run must meet throttling and replication lag: {met}"
    assert (outs["enabled"], outs["schedule_state"]) == (True, "Active")
    listed = in_tenant(graph_client, CONTOSO, lambda c: jobs(c).get()).value
    assert [(j.id, j.schedule.state.value) for j in listed] == [(job_id, "Active")], "one job, started"


# -- quarantine: up restarts a started job once its cause is repaired, and only then ----------------
def _quarantined_by_policy(emulator, graph_client, sync_pair) -> None:
    """The target stops allowing inbound automatic redemption; the next cycle quarantines the job."""
    async def revoke(client):
        await partner_of(client, CONTOSO).patch(CrossTenantAccessPolicyConfigurationPartner(
            automatic_user_consent_settings=InboundOutboundPolicyConfiguration(inbound_allowed=False)))
    in_tenant(graph_client, FABRIKAM, revoke)
    emulator.admin.run_sync()


def _schedule(config, sync_pair) -> tuple[GrpcDriver, str, dict]:
    driver = GrpcDriver("SynchronizationJobSchedule", config)
    inputs, _ = driver.check({}, {"tenant_id": CONTOSO, "service_principal_id": sync_pair.sp_id, "job_id": sync_pair.job_id})
    id, outs = driver.create(inputs)
    return driver, id, {**outs, **inputs}


def _job_status(graph_client, sync_pair) -> tuple[str, str | None]:
    job = in_tenant(graph_client, CONTOSO, lambda c: job_builder(c, sync_pair.sp_id, sync_pair.job_id).get())
    quarantine = job.status.quarantine
    return job.status.code.value, quarantine.reason.value if quarantine else None


def test_up_restarts_a_quarantined_job_once_its_cause_is_repaired(emulator, graph_client, tenants_config, sync_pair, graph_requests):
    config = tenants_config(CONTOSO, FABRIKAM)
    driver, id, outs = _schedule(config, sync_pair)
    inputs = {name: outs[name] for name in ("tenant_id", "service_principal_id", "job_id", "enabled")}
    _quarantined_by_policy(emulator, graph_client, sync_pair)
    assert _job_status(graph_client, sync_pair) == ("Quarantine", "EncounteredQuarantineException")

    assert not driver.diff(id, outs, inputs).changes, "the state before the refresh knows no quarantine"
    _, outs, _ = driver.read(id, outs)  # what `up --refresh` does first
    assert outs["quarantine_reason"] == "EncounteredQuarantineException"
    graph_requests.clear()
    diff = driver.diff(id, outs, inputs)
    assert diff.changes and diff.detailed == {"quarantine_reason": provider_pb2.PropertyDiff.UPDATE}
    assert graph_requests.count() == {"requests": 0, "writes": 0}, "the diff judges the refreshed state, with no request"

    # Not repaired: validateCredentials still fails, so the job stays quarantined (no restart).
    graph_requests.clear()
    driver.update(id, outs, inputs)
    writes = [e["path"].rsplit("/", 1)[-1] for e in graph_requests.log() if e["method"] != "GET"]
    assert writes == ["validateCredentials"]
    assert _job_status(graph_client, sync_pair) == ("Quarantine", "EncounteredQuarantineException")

    in_tenant(graph_client, FABRIKAM, lambda c: partner_of(c, CONTOSO).patch(CrossTenantAccessPolicyConfigurationPartner(
        automatic_user_consent_settings=InboundOutboundPolicyConfiguration(inbound_allowed=True))))
    graph_requests.clear()
    released = driver.update(id, outs, inputs)
    writes = [e["path"].rsplit("/", 1)[-1] for e in graph_requests.log() if e["method"] != "GET"]
    assert writes == ["validateCredentials", "restart"]
    assert _job_status(graph_client, sync_pair)[1] is None
    assert released["status_code"] != "Quarantine"
    assert not driver.diff(id, released, inputs).changes, "a released job is as declared"


def test_up_never_releases_a_deletion_hold(emulator, graph_client, tenants_config, graph_requests):
    emulator.admin.load_fixture(two_tenants())
    config = tenants_config(CONTOSO, FABRIKAM)
    held = in_tenant(graph_client, CONTOSO, lambda c: _held_deletions(c, graph_client(FABRIKAM), emulator))
    driver, id, outs = _schedule(config, held)
    inputs = {name: outs[name] for name in ("tenant_id", "service_principal_id", "job_id", "enabled")}
    assert _job_status(graph_client, held) == ("Quarantine", "TooManyDeletes")

    _, outs, _ = driver.read(id, outs)
    assert outs["quarantine_reason"] == "TooManyDeletes"
    graph_requests.clear()
    assert not driver.diff(id, outs, inputs).changes
    driver.update(id, outs, inputs)
    assert graph_requests.count()["writes"] == 0
    assert _job_status(graph_client, held) == ("Quarantine", "TooManyDeletes")


async def _held_deletions(source, target, emulator):
    """Two users synced, then both leave scope with a deletion threshold of 1: the job holds them back."""
    config = await ready_pair(source, target, threshold=1)
    assignments = [await assign(source, config, user) for user in (ADELE, ALEX)]
    emulator.admin.run_sync()
    for assignment in assignments:
        await source.service_principals.by_service_principal_id(config.sp_id).app_role_assigned_to.by_app_role_assignment_id(assignment).delete()
    emulator.admin.run_sync()
    return config


# -- the scope read as a whole: an assignment the stack does not declare is drift, and up removes it --
def _assigned(graph_client, sync_pair) -> list[str]:
    listed = in_tenant(graph_client, CONTOSO,
                       lambda c: c.service_principals.by_service_principal_id(sync_pair.sp_id).app_role_assigned_to.get())
    return sorted(str(a.principal_id) for a in listed.value)


def _declaring(driver: GrpcDriver, sync_pair, **scope) -> dict:
    inputs, _ = driver.check({}, {"tenant_id": CONTOSO, "service_principal_id": sync_pair.sp_id, "job_id": sync_pair.job_id,
                                  "target_tenant_id": FABRIKAM, "deletion_threshold": 500, **scope})
    return inputs


def test_an_assignment_the_stack_does_not_declare_is_drift_named_and_removed(graph_client, tenants_config, sync_pair,
                                                                             graph_requests, caplog):
    in_tenant(graph_client, CONTOSO, lambda c: assign(c, sync_pair, ADELE))
    driver = GrpcDriver("SynchronizationJobSchedule", tenants_config(CONTOSO, FABRIKAM))
    inputs = _declaring(driver, sync_pair, scope_users=[ADELE])
    id, outs = driver.create(inputs)
    # An administrator adds the Sales group (Adele and Alex) to the app in the admin center.
    in_tenant(graph_client, CONTOSO, lambda c: assign(c, sync_pair, SALES))

    _, outs, observed = driver.read(id, {**outs, **inputs})
    assert (observed["scope_groups"], observed["scope_users"]) == ([SALES], [ADELE])
    graph_requests.clear()
    with caplog.at_level(logging.WARNING, logger="ctsync.providers"):
        diff = driver.diff(id, {**outs, **observed}, inputs)
    assert diff.changes and set(diff.detailed) == {"scope_groups"}
    assert (f"group 'Sales' ({SALES}) is assigned to the configuration app in tenant tenant0 ({CONTOSO}) and the stack does not "
            "declare it: up removes the assignment") in caplog.text
    assert f"this scope change takes 1 user(s) of tenant tenant0 ({CONTOSO}) out of the sync to tenant tenant1 ({FABRIKAM})" in caplog.text, "Alex"
    assert graph_requests.count()["writes"] == 0, "a preview reads only"

    graph_requests.clear()
    updated = driver.update(id, {**outs, **observed}, inputs)
    writes = [(e["method"], e["path"].rsplit("/", 2)[-2]) for e in graph_requests.log() if e["method"] != "GET"]
    assert writes == [("DELETE", "appRoleAssignedTo")], "only the undeclared assignment goes; the job is already started"
    assert _assigned(graph_client, sync_pair) == [ADELE]
    _, outs, observed = driver.read(id, updated)
    assert not driver.diff(id, {**outs, **observed}, inputs).changes, "as declared again"


def test_under_sync_all_assignments_are_neither_compared_nor_removed(graph_client, tenants_config, sync_pair, graph_requests):
    """allUsers (or filters alone): every user is in scope whatever is assigned; a taken-over app keeps its assignments."""
    in_tenant(graph_client, CONTOSO, lambda c: assign(c, sync_pair, SALES))
    driver = GrpcDriver("SynchronizationJobSchedule", tenants_config(CONTOSO, FABRIKAM))
    inputs = _declaring(driver, sync_pair, sync_all=True)
    graph_requests.clear()
    id, outs = driver.create(inputs)
    assert graph_requests.count()["writes"] == 0 and _assigned(graph_client, sync_pair) == [SALES]
    _, outs, observed = driver.read(id, {**outs, **inputs})
    assert not driver.diff(id, {**outs, **observed}, inputs).changes

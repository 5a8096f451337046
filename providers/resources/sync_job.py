"""The synchronization job of the configuration app (``/servicePrincipals/{id}/synchronization/jobs``).

Graph creates it paused; starting and pausing it is SynchronizationJobSchedule's field. Only one job
per template may serve a source -> target pair, and a POST is not idempotent, so create adopts a job
of the same template that an interrupted earlier run (or a lost response) left behind. Deleting the
job leaves the users it synchronised in the target as they are, as Graph documents.
"""
from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import Any

from providers.framework import GraphResource, Observed, adoption_notice, attribute, computed, known
from providers.framework.values import guid, lower_guid
from providers.graph.paths import job_builder, jobs_builder
from providers.graph.retry import not_found, until_healed, until_sync_ready
from providers.graph.session import TenantGraph, if_present

# The job template of cross-tenant synchronization.
JOB_TEMPLATE = "Azure2Azure"
# Graph's "never" for execution and steady-state times.
NEVER = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class SynchronizationJobInputs:
    tenant_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    service_principal_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    template_id: str = attribute(default=JOB_TEMPLATE, replace=True)


@dataclass(frozen=True)
class SynchronizationJobState:
    job_id: str | None = computed()
    status_code: str | None = computed(description="NotConfigured, NotRun, Active, Paused or Quarantine")
    schedule_state: str | None = computed(description="Active when started, Disabled when paused")
    quarantine_reason: str | None = computed()
    last_execution_state: str | None = computed(description="Succeeded, Failed or EntryLevelErrors")
    last_execution_time: str | None = computed(description="ISO 8601 end of the last cycle; None = never ran")


# A synchronization job as Graph's JSON. The provider reads jobs raw: msgraph-sdk 1.65 takes about
# 3.5 ms of CPU to build a typed SynchronizationJob (the Entity base class runs some 1,200 imports
# per object, and imports all of them the first time, about 1 s), more than the request itself.
Job = dict[str, Any]


async def read_job(graph: TenantGraph, service_principal_id: str, job_id: str) -> Job:
    """GET the job (also what SynchronizationJobSchedule reads)."""
    return await graph.send("GET", job_builder(graph, service_principal_id, job_id))


def schedule_state(job: Job) -> str | None:
    return (job.get("schedule") or {}).get("state")


def job_status(job: Job) -> dict[str, Any]:
    return job.get("status") or {}


def quarantine_of(job: Job) -> dict[str, Any] | None:
    """The job's ``status.quarantine``; None when Graph does not hold the job."""
    return job_status(job).get("quarantine")


def job_state(job: Job) -> SynchronizationJobState:
    status = job_status(job)
    last = status.get("lastExecution") or {}
    return SynchronizationJobState(
        job_id=job["id"],
        status_code=status.get("code"),
        schedule_state=schedule_state(job),
        quarantine_reason=(quarantine_of(job) or {}).get("reason"),
        last_execution_state=last.get("state"),
        last_execution_time=graph_time(last.get("timeEnded")),
    )


def graph_time(value: datetime.datetime | str | None) -> str | None:
    """ISO 8601, or None for Graph's "never" (a typed model's datetime, or the JSON text)."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
        value = value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
    return None if value is None or value <= NEVER else value.isoformat()


class SynchronizationJobResource(GraphResource[SynchronizationJobInputs, SynchronizationJobState]):
    """The ``template_id`` job of configuration app ``service_principal_id`` in source tenant ``tenant_id``."""

    module = "synchronization"
    type_name = "SynchronizationJob"
    id_format = "{tenant_id}/servicePrincipals/{service_principal_id}/synchronization/jobs/{job_id}"

    async def find(self, inputs: SynchronizationJobInputs) -> Observed | None:
        """The job of this template that the app has already (one per template serves a pair)."""
        graph = self.tenant(inputs.tenant_id)
        job = await until_sync_ready(lambda: self._existing(graph, inputs))
        return None if job is None else Observed(inputs, job_state(job))

    async def create(self, inputs: SynchronizationJobInputs) -> SynchronizationJobState:
        graph = self.tenant(inputs.tenant_id)
        # Each attempt looks again before posting: a POST whose answer was lost must not make a twin.
        job = await until_sync_ready(lambda: self._adopt_or_post(graph, inputs))
        # Graph needs "several moments" before a new job can be read (terraform-provider-azuread).
        job = await until_healed(lambda: read_job(graph, inputs.service_principal_id, job["id"]), not_found)
        return job_state(job)

    async def read(self, inputs: SynchronizationJobInputs, state: SynchronizationJobState) -> Observed | None:
        graph = self.tenant(inputs.tenant_id)
        job = await if_present(read_job(graph, inputs.service_principal_id, known(state.job_id, "job_id")))
        if job is None:
            return None
        return Observed(dataclasses.replace(inputs, template_id=job.get("templateId") or inputs.template_id), job_state(job))

    async def delete(self, inputs: SynchronizationJobInputs, state: SynchronizationJobState) -> None:
        graph = self.tenant(inputs.tenant_id)
        await if_present(graph.call("DELETE", job_builder(graph, inputs.service_principal_id, known(state.job_id, "job_id"))))

    async def _existing(self, graph: TenantGraph, inputs: SynchronizationJobInputs) -> Job | None:
        existing = await graph.send("GET", jobs_builder(graph, inputs.service_principal_id))
        return next((job for job in existing["value"] if job.get("templateId") == inputs.template_id), None)

    async def _adopt_or_post(self, graph: TenantGraph, inputs: SynchronizationJobInputs) -> Job:
        job = await self._existing(graph, inputs)
        if job is not None:
            adoption_notice(self.type_name, f"{inputs.template_id} job {job['id']} of service principal {inputs.service_principal_id}")
            return job
        return await graph.send("POST", jobs_builder(graph, inputs.service_principal_id), {"templateId": inputs.template_id})


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
from enum import Enum

from msgraph.generated.models.synchronization_job import SynchronizationJob as SynchronizationJobModel
from msgraph.generated.models.synchronization_status import SynchronizationStatus
from msgraph.generated.models.synchronization_task_execution import SynchronizationTaskExecution

from providers.framework import GraphResource, Observed, adoption_notice
from providers.framework import attribute, computed
from providers.framework.values import guid, lower_guid
from providers.graph.retry import not_found, until_healed, until_sync_ready
from providers.graph.session import TenantGraph, if_present

# The job template of cross-tenant synchronization.
JOB_TEMPLATE = "Azure2Azure"
# Graph's "never" for execution and steady-state times.
NEVER = datetime.datetime(1, 1, 1, tzinfo=datetime.timezone.utc)


@dataclass(frozen=True)
class SynchronizationJobInputs:
    tenant_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    service_principal_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    template_id: str = attribute(default=JOB_TEMPLATE, replace=True)


@dataclass(frozen=True)
class SynchronizationJobState:
    job_id: str = computed()
    status_code: str = computed(description="NotConfigured, NotRun, Active, Paused or Quarantine")
    schedule_state: str = computed(description="Active when started, Disabled when paused")
    quarantine_reason: str | None = computed()
    last_execution_state: str | None = computed(description="Succeeded, Failed or EntryLevelErrors")
    last_execution_time: str | None = computed(description="ISO 8601 end of the last cycle; None = never ran")


def jobs_builder(graph: TenantGraph, service_principal_id: str):
    return graph.sdk.service_principals.by_service_principal_id(service_principal_id).synchronization.jobs


def job_builder(graph: TenantGraph, service_principal_id: str, job_id: str):
    return jobs_builder(graph, service_principal_id).by_synchronization_job_id(job_id)


async def read_job(graph: TenantGraph, service_principal_id: str, job_id: str) -> SynchronizationJobModel:
    """GET the job (also what SynchronizationJobSchedule reads)."""
    return await graph.call("GET", job_builder(graph, service_principal_id, job_id))


def enum_value(member: Enum | None) -> str | None:
    return member.value if member is not None else None


def schedule_state(job: SynchronizationJobModel) -> str | None:
    return enum_value(job.schedule.state) if job.schedule else None


def job_state(job: SynchronizationJobModel) -> SynchronizationJobState:
    status = job.status or SynchronizationStatus()
    last = status.last_execution or SynchronizationTaskExecution()
    return SynchronizationJobState(
        job_id=job.id,
        status_code=enum_value(status.code),
        schedule_state=schedule_state(job),
        quarantine_reason=enum_value(status.quarantine.reason) if status.quarantine else None,
        last_execution_state=enum_value(last.state),
        last_execution_time=graph_time(last.time_ended),
    )


def graph_time(value: datetime.datetime | None) -> str | None:
    """ISO 8601, or None for Graph's "never"."""
    return None if value is None or value <= NEVER else value.isoformat()


class SynchronizationJobResource(GraphResource[SynchronizationJobInputs, SynchronizationJobState]):
    """The ``template_id`` job of configuration app ``service_principal_id`` in source tenant ``tenant_id``."""

    module = "synchronization"
    type_name = "SynchronizationJob"
    id_format = "{tenant_id}/servicePrincipals/{service_principal_id}/synchronization/jobs/{job_id}"
    Inputs = SynchronizationJobInputs
    State = SynchronizationJobState

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
        job = await until_healed(lambda: read_job(graph, inputs.service_principal_id, job.id), not_found)
        return job_state(job)

    async def read(self, inputs: SynchronizationJobInputs, state: SynchronizationJobState) -> Observed | None:
        graph = self.tenant(inputs.tenant_id)
        job = await if_present(read_job(graph, inputs.service_principal_id, state.job_id))
        if job is None:
            return None
        return Observed(dataclasses.replace(inputs, template_id=job.template_id), job_state(job))

    async def delete(self, inputs: SynchronizationJobInputs, state: SynchronizationJobState) -> None:
        graph = self.tenant(inputs.tenant_id)
        await if_present(graph.call("DELETE", job_builder(graph, inputs.service_principal_id, state.job_id)))

    async def _existing(self, graph: TenantGraph, inputs: SynchronizationJobInputs) -> SynchronizationJobModel | None:
        existing = await graph.call("GET", jobs_builder(graph, inputs.service_principal_id))
        return next((job for job in (existing.value or []) if job.template_id == inputs.template_id), None)

    async def _adopt_or_post(self, graph: TenantGraph, inputs: SynchronizationJobInputs) -> SynchronizationJobModel:
        job = await self._existing(graph, inputs)
        if job is not None:
            adoption_notice(self.type_name, f"{inputs.template_id} job {job.id} of service principal {inputs.service_principal_id}")
            return job
        body = SynchronizationJobModel(template_id=inputs.template_id)
        return await graph.call("POST", jobs_builder(graph, inputs.service_principal_id), body)


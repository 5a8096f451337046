"""Whether the synchronization job runs: its ``start`` / ``pause`` actions as a field, ``enabled``.

The job's ``schedule`` is read-only in Graph; ``schedule.state`` is ``Active`` once started and
``Disabled`` once paused (the way pulumi-azuread's ``SynchronizationJob.enabled`` reads it). A start
or pause is sent only when the state differs, so an unchanged ``up`` writes nothing, and refresh
shows a job paused (or started) out of band as drift. Deleting this resource pauses the job: it is
the last thing created for a sync, and the first thing destroyed.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from msgraph.generated.models.synchronization_schedule_state import SynchronizationScheduleState

from providers.framework import GraphResource, Observed
from providers.framework import attribute, computed
from providers.framework.values import guid, lower_guid
from providers.graph.retry import not_found, until_healed
from providers.graph.session import TenantGraph, if_present
from providers.resources.sync_job import enum_value, job_builder, read_job, schedule_state

ACTIVE = SynchronizationScheduleState.Active.value


@dataclass(frozen=True)
class SynchronizationJobScheduleInputs:
    tenant_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    service_principal_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    job_id: str = attribute(replace=True)
    enabled: bool = attribute(default=True, description="started (True) or paused (False)")


@dataclass(frozen=True)
class SynchronizationJobScheduleState:
    status_code: str = computed()
    schedule_state: str = computed()


def _state(job) -> SynchronizationJobScheduleState:
    return SynchronizationJobScheduleState(
        status_code=enum_value(job.status.code) if job.status else None,
        schedule_state=schedule_state(job),
    )


class SynchronizationJobScheduleResource(
    GraphResource[SynchronizationJobScheduleInputs, SynchronizationJobScheduleState]
):
    """Starts (``enabled=True``) or pauses job ``job_id`` of configuration app ``service_principal_id``."""

    module = "synchronization"
    type_name = "SynchronizationJobSchedule"
    id_format = "{tenant_id}/servicePrincipals/{service_principal_id}/synchronization/jobs/{job_id}/schedule"
    Inputs = SynchronizationJobScheduleInputs
    State = SynchronizationJobScheduleState

    async def create(self, inputs: SynchronizationJobScheduleInputs) -> SynchronizationJobScheduleState:
        return await self._converge(inputs)

    async def read(self, inputs: SynchronizationJobScheduleInputs, state: SynchronizationJobScheduleState) -> Observed | None:
        graph = self.tenant(inputs.tenant_id)
        job = await if_present(read_job(graph, inputs.service_principal_id, inputs.job_id))
        if job is None:
            return None
        observed = dataclasses.replace(inputs, enabled=schedule_state(job) == ACTIVE)
        return Observed(observed, _state(job))

    async def update(
        self, olds: SynchronizationJobScheduleInputs, news: SynchronizationJobScheduleInputs,
        state: SynchronizationJobScheduleState,
    ) -> SynchronizationJobScheduleState:
        return await self._converge(news)

    async def delete(self, inputs: SynchronizationJobScheduleInputs, state: SynchronizationJobScheduleState) -> None:
        graph = self.tenant(inputs.tenant_id)
        await if_present(self._send(graph, inputs, "pause"))

    async def _converge(self, inputs: SynchronizationJobScheduleInputs) -> SynchronizationJobScheduleState:
        graph = self.tenant(inputs.tenant_id)
        # The job may have been created moments ago: wait until Graph can read it.
        job = await until_healed(lambda: read_job(graph, inputs.service_principal_id, inputs.job_id), not_found)
        if (schedule_state(job) == ACTIVE) != inputs.enabled:
            await self._send(graph, inputs, "start" if inputs.enabled else "pause")
            job = await read_job(graph, inputs.service_principal_id, inputs.job_id)
        return _state(job)

    async def _send(self, graph: TenantGraph, inputs: SynchronizationJobScheduleInputs, action: str) -> None:
        job = job_builder(graph, inputs.service_principal_id, inputs.job_id)
        await graph.call("POST", getattr(job, action))


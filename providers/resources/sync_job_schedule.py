"""Whether the synchronization job runs: its ``start`` / ``pause`` actions as a field, ``enabled``.

The job's ``schedule`` is read-only in Graph; ``schedule.state`` is ``Active`` once started and
``Disabled`` once paused (the way pulumi-azuread's ``SynchronizationJob.enabled`` reads it). A start
or pause is sent only when the state differs, so an unchanged ``up`` writes nothing, and refresh
shows a job paused (or started) out of band as drift. Deleting this resource pauses the job: it is
the last thing created for a sync, and the first thing destroyed.

A started job is also meant to be out of quarantine. When a refresh finds that Graph has
quarantined it (for instance a partner setting was missing), the diff shows an update, and
``pulumi up --refresh`` restarts it (resetScope ``Escrows, QuarantineState``) once validateCredentials
passes with its saved secrets, that is once the cause is repaired, and only then.
A quarantine for too many deletions (accidental-deletion prevention) is never released here: that is
a person's decision (``python -m ctsync release-deletes``). Microsoft's page on quarantine:
https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-quarantine-status

The scope is read as a whole here: refresh reads every user and group assigned to the configuration
app as ``scope_groups`` / ``scope_users``, so an assignment the stack does not declare (a group added
in the admin center, which widens who leaves the tenant) is drift; the preview names it and counts who
it would take out, and ``up`` removes it (the job's deletion threshold still holds the next cycle's
deletions). With ``sync_all`` every user is in scope whatever is assigned, and assignments are not
compared.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from providers.framework import GraphResource, Observed, Repair, attribute, computed, notice
from providers.framework.values import guid, lower_guid, lower_guids
from providers.graph import GraphError, models
from providers.graph.paths import assigned_to, job_builder
from providers.graph.retry import not_found, until_healed
from providers.graph.session import TenantGraph, if_present
from providers.resources.scope_assignment import GROUP, USER, scope_assignments
from providers.resources.sync_job import Job, job_status, quarantine_of, read_job, schedule_state
from providers.synchronization.scope_impact import Scope, leaving, leaving_warning

# A started job's schedule state (msgraph-sdk's SynchronizationScheduleState.Active).
ACTIVE = "Active"
# The quarantine that only a person releases (restart with ForceDeletes).
TOO_MANY_DELETES = "TooManyDeletes"
# What a repaired quarantine is restarted with: lift it, and reset the escrow counters that led to it.
RELEASE_SCOPE = "Escrows, QuarantineState"


@dataclass(frozen=True)
class SynchronizationJobScheduleInputs:
    tenant_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    service_principal_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    job_id: str = attribute(replace=True)
    enabled: bool = attribute(default=True, description="started (True) or paused (False)")
    # Not written to Graph (the scope assignments are): what a preview compares to say who leaves.
    scope_groups: list = attribute(default=[], normalize=lower_guids,
                                   description="the groups assigned as scope: a preview of a change counts who leaves it")
    scope_users: list = attribute(default=[], normalize=lower_guids,
                                  description="the users assigned as scope")
    sync_all: bool = attribute(default=False, description="every user is in scope (allUsers, or filters alone): "
                               "assignments do not make the scope and are not compared")
    deletes_users: bool = attribute(default=True, description="the job deletes users who leave the scope "
                                    "(targetObjectActions.delete): what the preview of a narrowing says happens to them")
    target_tenant_id: str | None = attribute(default=None, normalize=lower_guid, validate=guid,
                                             description="where the job provisions (named in the preview's warning)")
    deletion_threshold: int | None = attribute(default=None, description="the job's accidental-deletion threshold")


@dataclass(frozen=True)
class SynchronizationJobScheduleState:
    status_code: str | None = computed(description="Quarantine while Graph holds the job")
    schedule_state: str | None = computed()
    quarantine_reason: str | None = computed(
        description="why Graph holds the job, as the last refresh read it; up restarts it once the cause is "
        "repaired, except for TooManyDeletes (python -m ctsync release-deletes)"
    )


def _state(job: Job) -> SynchronizationJobScheduleState:
    return SynchronizationJobScheduleState(
        status_code=job_status(job).get("code"),
        schedule_state=schedule_state(job),
        quarantine_reason=quarantine_reason(job),
    )


@dataclass(frozen=True)
class Assigned:
    """Who is assigned to the configuration app: object ids, lower case, sorted."""

    groups: list[str]
    users: list[str]


def _scope(inputs: SynchronizationJobScheduleInputs) -> Scope:
    return Scope(frozenset(inputs.scope_groups), frozenset(inputs.scope_users))


def _named(assignment: dict) -> str:
    kind = "group" if assignment.get("principalType") == GROUP else "user"
    return f"{kind} {assignment.get('principalDisplayName')!r} ({lower_guid(assignment.get('principalId'))})"


def quarantine_reason(job: Job) -> str | None:
    """Why Graph holds the job ("Unknown" when it names no reason); None when it does not."""
    quarantine = quarantine_of(job)
    return None if quarantine is None else quarantine.get("reason") or "Unknown"


def restart_body(reset_scope: str) -> models.RestartPostRequestBody:
    # msgraph-sdk types resetScope as one enum value and serialises no list, while Graph takes a
    # comma-separated set of flags: the text goes in as it is.
    return models.RestartPostRequestBody(criteria=models.SynchronizationJobRestartCriteria(additional_data={"resetScope": reset_scope}))


class SynchronizationJobScheduleResource(
    GraphResource[SynchronizationJobScheduleInputs, SynchronizationJobScheduleState]
):
    """Starts (``enabled=True``) or pauses job ``job_id`` of configuration app ``service_principal_id``."""

    module = "synchronization"
    type_name = "SynchronizationJobSchedule"
    id_format = "{tenant_id}/servicePrincipals/{service_principal_id}/synchronization/jobs/{job_id}/schedule"

    async def create(self, inputs: SynchronizationJobScheduleInputs) -> SynchronizationJobScheduleState:
        return await self._converge(inputs)

    async def read(self, inputs: SynchronizationJobScheduleInputs, state: SynchronizationJobScheduleState) -> Observed | None:
        graph = self.tenant(inputs.tenant_id)
        job = await if_present(read_job(graph, inputs.service_principal_id, inputs.job_id))
        if job is None:
            return None
        observed = dataclasses.replace(inputs, enabled=schedule_state(job) == ACTIVE)
        assigned = await self._assigned(graph, inputs)
        if assigned is not None:
            observed = dataclasses.replace(observed, scope_groups=assigned.groups, scope_users=assigned.users)
        return Observed(observed, _state(job))

    async def _assigned(self, graph: TenantGraph, inputs: SynchronizationJobScheduleInputs) -> Assigned | None:
        """The scope as Graph has it: every group and user assigned to the app (None under sync_all)."""
        if inputs.sync_all:
            return None
        assignments = await if_present(scope_assignments(graph, inputs.service_principal_id)) or []
        return Assigned(*(lower_guids(a["principalId"] for a in assignments if a.get("principalType") == kind)
                          for kind in (GROUP, USER)))

    def repair_needed(
        self, inputs: SynchronizationJobScheduleInputs, state: SynchronizationJobScheduleState
    ) -> Repair | None:
        reason = state.quarantine_reason
        if not inputs.enabled or reason is None:
            return None
        if reason == TOO_MANY_DELETES:
            notice(f"{self.type_name}: job {inputs.job_id} in {self.named(inputs.tenant_id)} holds deletions back (quarantine "
                   f"{TOO_MANY_DELETES}); pulumi up does not release them: review them and run "
                   f"`python -m ctsync release-deletes --stack <stack> --from <source> --to <target>`")
            return None
        return Repair("quarantine_reason", f"job {inputs.job_id} in {self.named(inputs.tenant_id)} is quarantined ({reason}); "
                                           f"up restarts it if validateCredentials now passes")

    async def update(
        self, olds: SynchronizationJobScheduleInputs, news: SynchronizationJobScheduleInputs,
        state: SynchronizationJobScheduleState,
    ) -> SynchronizationJobScheduleState:
        return await self._converge(news)

    async def change_warnings(
        self, olds: SynchronizationJobScheduleInputs, news: SynchronizationJobScheduleInputs
    ) -> list[str]:
        graph = self.tenant(news.tenant_id)
        warnings = await self._unassigned_warnings(graph, olds, news)
        users = await leaving(graph, _scope(olds), _scope(news))
        if users:
            target = self.named(news.target_tenant_id) if news.target_tenant_id else "the target"
            warnings.append(leaving_warning(self.named(news.tenant_id), target, len(users),
                                            news.deletion_threshold, news.deletes_users))
        return warnings

    async def _unassigned_warnings(
        self, graph: TenantGraph, olds: SynchronizationJobScheduleInputs, news: SynchronizationJobScheduleInputs
    ) -> list[str]:
        """Each assignment that goes, by the name an administrator sees in the admin center."""
        going = _scope(olds).principals - _scope(news).principals
        if news.sync_all or not going:
            return []
        assignments = await if_present(scope_assignments(graph, news.service_principal_id)) or []
        return [f"{_named(a)} is assigned to the configuration app in {self.named(news.tenant_id)} and the stack does not "
                "declare it: up removes the assignment" for a in assignments if lower_guid(a.get("principalId")) in going]

    async def delete(self, inputs: SynchronizationJobScheduleInputs, state: SynchronizationJobScheduleState) -> None:
        graph = self.tenant(inputs.tenant_id)
        await if_present(self._send(graph, inputs, "pause"))

    async def _converge(self, inputs: SynchronizationJobScheduleInputs) -> SynchronizationJobScheduleState:
        graph = self.tenant(inputs.tenant_id)
        await self._unassign_undeclared(graph, inputs)
        # The job may have been created moments ago: wait until Graph can read it.
        job = await until_healed(lambda: read_job(graph, inputs.service_principal_id, inputs.job_id), not_found)
        reason = quarantine_reason(job)
        if inputs.enabled and reason not in (None, TOO_MANY_DELETES):
            await self._release(graph, inputs, reason)
            job = await read_job(graph, inputs.service_principal_id, inputs.job_id)
        elif (schedule_state(job) == ACTIVE) != inputs.enabled:
            await self._send(graph, inputs, "start" if inputs.enabled else "pause")
            job = await read_job(graph, inputs.service_principal_id, inputs.job_id)
        return _state(job)

    async def _unassign_undeclared(self, graph: TenantGraph, inputs: SynchronizationJobScheduleInputs) -> None:
        """Remove every user or group assigned to the app that the stack does not declare. Runs after
        the declared assignments exist (the schedule depends on them); under sync_all it does nothing."""
        if inputs.sync_all:
            return
        declared = _scope(inputs).principals
        # The service principal may not be readable yet right after the configuration app appears.
        assignments = await until_healed(lambda: scope_assignments(graph, inputs.service_principal_id), not_found)
        for assignment in assignments:
            if assignment.get("principalType") in (GROUP, USER) and lower_guid(assignment.get("principalId")) not in declared:
                await if_present(graph.call("DELETE", assigned_to(graph, inputs.service_principal_id)
                                            .by_app_role_assignment_id(assignment["id"])))
                notice(f"{self.type_name}: removed the assignment of {_named(assignment)} to the configuration app in "
                       f"{self.named(inputs.tenant_id)}: the stack does not declare it")

    async def _release(self, graph: TenantGraph, inputs: SynchronizationJobScheduleInputs, reason: str) -> None:
        """Restart the quarantined job if its saved credentials validate now; else say why not."""
        job = job_builder(graph, inputs.service_principal_id, inputs.job_id)
        try:
            await graph.call("POST", job.validate_credentials, models.JobValidateCredentialsPostRequestBody(use_saved_credentials=True))
        except GraphError as error:
            if error.status != 400:
                raise
            notice(f"{self.type_name}: left job {inputs.job_id} in {self.named(inputs.tenant_id)} quarantined ({reason}): "
                   f"its cause is not repaired yet ({error.message}); `python -m ctsync status` says what is missing")
            return
        await graph.call("POST", job.restart, restart_body(RELEASE_SCOPE))
        notice(f"{self.type_name}: restarted job {inputs.job_id} in {self.named(inputs.tenant_id)}, quarantined ({reason}) "
               f"until now: validateCredentials passes again")

    async def _send(self, graph: TenantGraph, inputs: SynchronizationJobScheduleInputs, action: str) -> None:
        job = job_builder(graph, inputs.service_principal_id, inputs.job_id)
        await graph.call("POST", getattr(job, action))


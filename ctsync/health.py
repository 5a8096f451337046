"""A direction's job health from what Graph shows of it (pure: no request here).

Healthy: the job exists, runs as declared (started, or paused when the stack says ``start: false``),
is not quarantined, and its last cycle did not fail. Everything else is a problem, told with what to
do about it. Microsoft's pages on the status fields and on quarantine:
https://learn.microsoft.com/en-us/graph/api/resources/synchronization-synchronizationstatus
https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-quarantine-status
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from msgraph.generated.models.synchronization_job import SynchronizationJob
from msgraph.generated.models.synchronization_status import SynchronizationStatus
from msgraph.generated.models.synchronization_task_execution import SynchronizationTaskExecution

from ctsync.live import Direction, LiveJob
from providers.resources.sync_job import graph_time
from providers.resources.sync_job_schedule import ACTIVE, TOO_MANY_DELETES
from providers.synchronization.readiness import is_policy_check_failure

HEALTHY, UNHEALTHY, MISSING = "healthy", "unhealthy", "missing"
ESCROW_THRESHOLDS = ("EncounteredBaseEscrowThreshold", "EncounteredTotalEscrowThreshold", "EncounteredEscrowProportionThreshold")


@dataclass(frozen=True)
class Health:
    direction: str
    source_tenant_id: str
    target_tenant_id: str
    verdict: str  # healthy | unhealthy | missing
    job_id: str | None = None
    service_principal_id: str | None = None
    status: str | None = None
    schedule: str | None = None
    quarantine: dict[str, Any] | None = None
    last_execution: dict[str, Any] | None = None
    steady_state_last_achieved: str | None = None
    escrowed: int | None = None
    synchronized: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)


def missing(direction: Direction, stack: str) -> Health:
    return Health(
        direction.name, direction.source.tenant_id, direction.target.tenant_id, MISSING,
        problems=[f"{direction.label}: no synchronization job: no configuration app in tenant "
                  f"{direction.source.alias} provisions into {direction.target.tenant_id}"],
        advice=[f"`pulumi up -s {stack}` creates it"],
    )


def assess(live: LiveJob, stack: str, unmet: list[str] | None = None) -> Health:
    """``unmet``: the policy settings found missing (read when the job's error is the B2B policy check)."""
    direction, job = live.direction, live.job
    status = job.status or SynchronizationStatus()
    last = status.last_execution or SynchronizationTaskExecution()
    quarantine = _quarantine(status)
    problems, advice = _problems(direction, job, quarantine, last, stack, unmet or [])
    return Health(
        direction.name, direction.source.tenant_id, direction.target.tenant_id,
        UNHEALTHY if problems else HEALTHY,
        job_id=job.id,
        service_principal_id=live.service_principal_id,
        status=enum_value(status.code),
        schedule=enum_value(job.schedule.state) if job.schedule else None,
        quarantine=quarantine,
        last_execution=_execution(last),
        steady_state_last_achieved=graph_time(status.steady_state_last_achieved_time),
        escrowed=last.count_escrowed,
        synchronized={pair.key: int(pair.value or 0) for pair in status.synchronized_entry_count_by_type or [] if pair.key},
        problems=problems,
        advice=advice,
    )


def enum_value(member: Enum | None) -> str | None:
    return member.value if member is not None else None


def quarantine_reason(job: SynchronizationJob) -> str | None:
    """Why Graph holds the job ("Unknown" when it names no reason); None when it does not."""
    quarantine = _quarantine(job.status or SynchronizationStatus())
    return quarantine["reason"] if quarantine else None


def quarantine_error_code(job: SynchronizationJob) -> str | None:
    quarantine = job.status.quarantine if job.status else None
    return quarantine.error.code if quarantine and quarantine.error else None


def _problems(direction: Direction, job: SynchronizationJob, quarantine: dict[str, Any] | None,
              last: SynchronizationTaskExecution, stack: str, unmet: list[str]) -> tuple[list[str], list[str]]:
    where = f"{direction.label}: job {job.id}"
    if quarantine is not None:
        error = f" ({quarantine['errorCode']}: {quarantine['errorMessage']})" if quarantine["errorCode"] else ""
        problem = (f"{where} is quarantined since {quarantine['since']}, reason {quarantine['reason']}{error}; "
                   f"next attempt {quarantine['nextAttempt']}")
        return [problem], _quarantine_advice(direction, quarantine, stack, unmet)
    started = enum_value(job.schedule.state) == ACTIVE if job.schedule else False
    if started != direction.sync.start:
        declared = "started" if direction.sync.start else "paused (start: false)"
        return ([f"{where} is {'started' if started else 'paused'}, the stack declares it {declared}"],
                [f"`pulumi up -s {stack}` sets it as declared"])
    state = enum_value(last.state)
    if state in ("Failed", "EntryLevelErrors"):
        error = f" ({last.error.code}: {last.error.message})" if last.error and last.error.code else ""
        return ([f"{where}: the last cycle ended {state}{error}"],
                [f"`python -m ctsync logs --stack {stack} --direction {direction.source.alias}:{direction.target.alias}` "
                 "lists the failed entries and why"])
    return [], []


def _quarantine_advice(direction: Direction, quarantine: dict[str, Any], stack: str, unmet: list[str]) -> list[str]:
    pair = f"--from {direction.source.alias} --to {direction.target.alias}"
    if quarantine["reason"] == TOO_MANY_DELETES:
        return [f"deletions are held back by the accidental-deletion threshold: review them, then "
                f"`python -m ctsync release-deletes --stack {stack} {pair}` (pulumi up never releases them)"]
    then = f"then `pulumi up --refresh -s {stack}` restarts the job (it checks validateCredentials first)"
    if is_policy_check_failure(quarantine["errorCode"]):
        if unmet:
            return [f"set {setting}" for setting in unmet] + [then]
        return [f"every required cross-tenant setting reads as present now: {then}"]
    if quarantine["reason"] in ESCROW_THRESHOLDS:
        return [f"too many entries fail: `python -m ctsync logs --stack {stack} --direction "
                f"{direction.source.alias}:{direction.target.alias}` says why; fix the cause, {then}"]
    return [f"fix the cause named above, {then}"]


def _quarantine(status: SynchronizationStatus) -> dict[str, Any] | None:
    quarantine = status.quarantine
    if quarantine is None:
        return None
    error = quarantine.error
    return {
        "reason": enum_value(quarantine.reason) or "Unknown",
        "errorCode": error.code if error else None,
        "errorMessage": error.message if error else None,
        "since": graph_time(quarantine.current_began),
        "seriesBegan": graph_time(quarantine.series_began),
        "seriesCount": quarantine.series_count,
        "nextAttempt": graph_time(quarantine.next_attempt),
    }


def _execution(last: SynchronizationTaskExecution) -> dict[str, Any] | None:
    ended = graph_time(last.time_ended)
    if ended is None:
        return None
    return {
        "state": enum_value(last.state),
        "ended": ended,
        "entitled": last.count_entitled,
        "exported": last.count_exported,
        "escrowed": last.count_escrowed,
        "error": {"code": last.error.code, "message": last.error.message} if last.error and last.error.code else None,
    }

"""``python -m ctsync release-deletes``: apply the deletions a job holds back, deliberately.

When a cycle would delete (or disable) more users than the accidental-deletion threshold allows, the
job is quarantined with ``TooManyDeletes`` and logs each held deletion as ``stagedDelete``. This
lists them and, once confirmed, restarts the job with ``ForceDeletes``, as Microsoft's page
describes: https://learn.microsoft.com/en-us/entra/identity/app-provisioning/accidental-deletions
``pulumi up`` never does this.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from ctsync.health import quarantine_reason
from ctsync.live import LiveJob
from ctsync.provisioning_log import LogEntry, read_entries
from providers.graph.paths import job_builder
from providers.graph.session import TenantGraph
from providers.resources.sync_job_schedule import TOO_MANY_DELETES, restart_body

FORCE_DELETES = "ForceDeletes"
STAGED = "stagedDelete"


@dataclass(frozen=True)
class Hold:
    reason: str | None  # the job's quarantine reason; TooManyDeletes when deletions are held
    since: datetime.datetime | None
    staged: list[LogEntry]

    @property
    def holds_deletions(self) -> bool:
        return self.reason == TOO_MANY_DELETES


async def read_hold(graph: TenantGraph, live: LiveJob) -> Hold:
    """The job's quarantine and, when it holds deletions, each one its last cycle staged."""
    reason = quarantine_reason(live.job)
    quarantine = live.job.status.quarantine if live.job.status else None
    since = quarantine.current_began if quarantine else None
    if reason != TOO_MANY_DELETES or since is None:
        return Hold(reason, since, [])
    entries = await read_entries(graph, since, job_id=live.job.id)
    # One entry per held user: the newest, should a later cycle have staged it again.
    staged: dict[str | None, LogEntry] = {}
    for entry in entries:
        if entry.action == STAGED:
            staged.setdefault(entry.source_id, entry)
    return Hold(reason, since, list(staged.values()))


async def force_deletes(graph: TenantGraph, live: LiveJob) -> None:
    job = job_builder(graph, live.service_principal_id, live.job_id)
    await graph.call("POST", job.restart, restart_body(FORCE_DELETES))


def listing(hold: Hold, direction: str, target_alias: str) -> str:
    lines = [f"{direction}: the job holds back {len(hold.staged)} deletion(s) in {target_alias} since {hold.since}:"]
    lines += [f"  {entry.subject} -> target user {entry.target_id}" for entry in hold.staged]
    return "\n".join(lines) + "\n"

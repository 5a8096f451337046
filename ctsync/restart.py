"""``python -m ctsync restart``: restart a direction's job with a chosen reset scope, deliberately.

Graph's restart takes a ``resetScope`` of flags
(https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-restart). What each of
ours does to the job:

- ``watermark``: the next cycle reads every user in scope again instead of only the changed ones.
  What an attribute-mapping change needs before it reaches users who did not change (Microsoft:
  existing users get a new mapping, such as the manager, only after a full cycle).
- ``full``: forgets everything the job knows (watermark, the links to the target's users, escrows,
  quarantine); the next cycle matches every user again. After fixing a matching problem, e.g. UPNs.
- ``escrows``: drops the entries that failed and wait to be retried.
- ``quarantine``: lifts the quarantine; ``pulumi up --refresh`` does this by itself once the cause is
  repaired, and ``release-deletes`` is the way out of a deletion hold.

It writes to the source tenant, says so, and asks first unless ``--yes``. ``pulumi up`` never runs it.
"""
from __future__ import annotations

from ctsync.live import LiveJob
from providers.graph.paths import job_builder
from providers.graph.session import TenantGraph
from providers.resources.sync_job_schedule import restart_body

# The command's scope -> Graph's resetScope flags, and what a person is told it does.
SCOPES: dict[str, tuple[str, str]] = {
    "watermark": ("Watermark", "the next cycle reads every user in scope again"),
    "full": ("Full", "the job forgets what it knows and matches every user again in its next cycle"),
    "escrows": ("Escrows", "the failed entries waiting for a retry are dropped"),
    "quarantine": ("QuarantineState", "the quarantine is lifted"),
}


async def restart(graph: TenantGraph, live: LiveJob, scope: str) -> None:
    flags, _ = SCOPES[scope]
    await graph.call("POST", job_builder(graph, live.service_principal_id, live.job_id).restart, restart_body(flags))

"""``python -m ctsync status``: every declared direction's job, read live from Graph (GETs only).

A table for people or JSON for machines, and an exit code a CI gate can use (docs/operations.md).
"""
from __future__ import annotations

import asyncio
import dataclasses
import json

from ctsync import exits
from ctsync.errors import in_tenant
from ctsync.health import HEALTHY, MISSING, Health, assess, missing, quarantine_error_code
from ctsync.live import Direction, find_job
from ctsync.progress import Progress
from ctsync.tables import aligned
from providers.graph.session import GraphSession
from providers.synchronization.readiness import is_policy_check_failure, unmet_settings

# Exit codes beyond the shared ones (ctsync/cli.py): the worst direction decides.
PROGRESS = Progress("status")


async def read_health(session: GraphSession, directions: list[Direction], stack: str) -> list[Health]:
    PROGRESS.step(f"reading {len(directions)} direction(s)")
    found = await asyncio.gather(*(_health(session, direction, stack) for direction in directions))
    return list(found)


async def _health(session: GraphSession, direction: Direction, stack: str) -> Health:
    source = direction.source
    live = await in_tenant(f"tenant {source.alias} ({source.tenant_id})", find_job(session.tenant(source.tenant_id), direction))
    if live is None:
        return missing(direction, stack)
    unmet = None
    if is_policy_check_failure(quarantine_error_code(live.job)):
        unmet = await unmet_settings(session.tenant, source.tenant_id, direction.target.tenant_id)
    PROGRESS.step(f"{direction.name}: read")
    return assess(live, stack, unmet)


def exit_code(health: list[Health]) -> int:
    verdicts = {h.verdict for h in health}
    if MISSING in verdicts:
        return exits.MISSING
    return exits.OK if verdicts <= {HEALTHY} else exits.PROBLEM


def as_json(stack: str, health: list[Health]) -> str:
    code = exit_code(health)
    return json.dumps(
        {"stack": stack, "healthy": code == 0, "exitCode": code, "directions": [dataclasses.asdict(h) for h in health]},
        indent=2,
    )


COLUMNS = ("DIRECTION", "VERDICT", "STATUS", "SCHEDULE", "LAST CYCLE", "ENDED", "SYNCED", "ESCROWED")


def as_table(health: list[Health]) -> str:
    lines = aligned([COLUMNS, *(_row(h) for h in health)])
    for h in health:
        lines += [f"  problem: {problem}" for problem in h.problems]
        lines += [f"    what to do: {advice}" for advice in h.advice]
    return "\n".join(lines) + "\n"


def _row(h: Health) -> tuple[str, ...]:
    last = h.last_execution or {}
    synced = ", ".join(f"{count} {kind}" for kind, count in h.synchronized.items())
    return (
        h.direction, h.verdict, h.status or "-", h.schedule or "-", last.get("state") or "never",
        last.get("ended") or "-", synced or "-", "-" if h.escrowed is None else str(h.escrowed),
    )

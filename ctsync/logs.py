"""``python -m ctsync logs``: what provisioning did, per direction, as both of its tenants logged it.

Each tenant's log is read once, from ``--since`` on, page by page; its entries are then attributed
to the directions by job id. Per direction and tenant: counts per action and status, and every
failure with its reason.
"""
from __future__ import annotations

import asyncio
import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ctsync.errors import in_tenant
from ctsync.live import Direction, LiveJob
from ctsync.progress import Progress
from ctsync.provisioning_log import LogEntry, read_entries
from providers.graph.session import GraphSession

PROGRESS = Progress("logs")
_SPAN = re.compile(r"(\d{1,6})([mhd])")
_UNIT = {"m": "minutes", "h": "hours", "d": "days"}
# Entra ID keeps provisioning logs 30 days at most (7 without a P1/P2 licence):
# https://learn.microsoft.com/en-us/entra/identity/monitoring-health/reference-reports-data-retention
LONGEST = datetime.timedelta(days=30)


class SpanError(ValueError):
    pass


def since(span: str, now: datetime.datetime) -> datetime.datetime:
    """``24h``, ``90m``, ``7d`` before ``now``; at most 30 days, which is as long as Entra keeps the logs."""
    match = _SPAN.fullmatch(span.strip())
    if not match:
        raise SpanError(f"--since {span!r} must be a number and a unit, m, h or d (e.g. 24h, 90m, 7d)")
    length = datetime.timedelta(**{_UNIT[match.group(2)]: int(match.group(1))})
    if not datetime.timedelta(0) < length <= LONGEST:
        raise SpanError(f"--since {span!r} must be more than 0 and at most 30d: Entra ID keeps provisioning logs 30 days at most")
    return now - length


@dataclass(frozen=True)
class TenantLog:
    tenant: str  # alias
    role: str  # source | target
    entries: int
    counts: dict[str, int]  # "action status" -> n
    failures: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class DirectionLog:
    direction: str
    job_id: str | None
    tenants: list[TenantLog]


async def read_logs(
    session: GraphSession, directions: list[Direction], jobs: dict[str, LiveJob | None], start: datetime.datetime
) -> list[DirectionLog]:
    tenants = {t.tenant_id: t for d in directions for t in (d.source, d.target)}
    read = await asyncio.gather(*(
        in_tenant(f"tenant {t.alias} ({t.tenant_id})", _tenant_entries(session, t.tenant_id, t.alias, start))
        for t in tenants.values()
    ))
    by_tenant = dict(zip(tenants, read, strict=False))
    return [_direction_log(d, jobs.get(d.name), by_tenant) for d in directions]


async def _tenant_entries(session: GraphSession, tenant_id: str, alias: str, start: datetime.datetime) -> list[LogEntry]:
    def pages(page: int, entries: int) -> None:
        PROGRESS.step(f"{alias}: {entries} entries read ({page} pages)")

    entries = await read_entries(session.tenant(tenant_id), start, pages=pages)
    PROGRESS.step(f"{alias}: {len(entries)} entries")
    return entries


def _direction_log(direction: Direction, live: LiveJob | None, by_tenant: dict[str, list[LogEntry]]) -> DirectionLog:
    job_id = live.job.id if live else None
    logs = [
        _summary(tenant.alias, role, [e for e in by_tenant[tenant.tenant_id] if job_id and e.job_id == job_id])
        for tenant, role in ((direction.source, "source"), (direction.target, "target"))
    ]
    return DirectionLog(direction.name, job_id, logs)


def _summary(alias: str, role: str, entries: list[LogEntry]) -> TenantLog:
    counts = Counter(f"{e.action} {e.status}" for e in entries)
    failures = [
        {"time": e.time, "action": e.action, "user": e.subject, "target": e.target_id,
         "errorCode": e.error_code, "reason": e.reason, "recommendedAction": e.recommended_action}
        for e in entries if e.status == "failure"
    ]
    return TenantLog(alias, role, len(entries), dict(sorted(counts.items())), failures)


def as_table(logs: list[DirectionLog], span: str) -> str:
    lines = []
    for log in logs:
        lines.append(f"{log.direction} (job {log.job_id or 'none: not deployed'}), last {span}:")
        for tenant in log.tenants:
            counts = ", ".join(f"{what} {n}" for what, n in tenant.counts.items()) or "nothing"
            lines.append(f"  {tenant.tenant} ({tenant.role}): {tenant.entries} entries: {counts}")
            for f in tenant.failures:
                lines.append(f"    failed {f['action']} of {f['user']} at {f['time']}: {f['errorCode']}: {f['reason']}")
                lines += [f"      what to do: {f['recommendedAction']}"] if f["recommendedAction"] else []
    return "\n".join(lines) + "\n"

"""``python -m ctsync logs --audit``: who changed the objects ctsync manages, when, in both tenants of
each direction, from the tenants' directory audit logs (GETs only).

An entry is kept when one of its target resources is a partner entry or identity-sync policy for
another tenant of the stack, or a direction's configuration app or its synchronization: a change an
administrator made in the admin center (initiated by a user) shows beside ctsync's own (by the
application ctsync signs in as, or by the person whose `azureCli` session it used).
https://learn.microsoft.com/en-us/graph/api/directoryaudit-list
"""
from __future__ import annotations

import asyncio
import datetime
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from ctsync.errors import in_tenant
from ctsync.live import Direction, LiveJob
from providers.graph.paths import directory_audits_builder
from providers.graph.session import GraphSession, raw_pages
from stackconfig import Tenant


@dataclass(frozen=True)
class Change:
    time: str
    tenant: str  # alias
    by: str  # "user <upn>" or "app <appId>"
    activity: str
    target: str  # "<type> <id>"
    changed: list[str]  # "property: new value"


async def read_changes(session: GraphSession, directions: Iterable[Direction], jobs: dict[str, LiveJob | None],
                       start: datetime.datetime) -> list[Change]:
    """Every kept change in every tenant of ``directions`` since ``start``, oldest first."""
    directions = list(directions)
    tenants = {d.source.alias: d.source for d in directions} | {d.target.alias: d.target for d in directions}
    managed = _managed_ids(directions, jobs)
    found = await asyncio.gather(*(in_tenant(f"tenant {t.alias} ({t.tenant_id})", _tenant_changes(session, t, start, managed))
                                   for t in tenants.values()))
    return sorted((change for changes in found for change in changes), key=lambda change: change.time)


def _managed_ids(directions: list[Direction], jobs: dict[str, LiveJob | None]) -> set[str]:
    """The ids a kept entry's target may have: the stack's tenants (partner entries, policies, MTO
    members) and each direction's service principal and job."""
    ids = {tenant.tenant_id for d in directions for tenant in (d.source, d.target)}
    for job in jobs.values():
        if job is not None:
            ids |= {job.service_principal_id.lower(), job.job_id.lower()}
    return ids


async def _tenant_changes(session: GraphSession, tenant: Tenant, start: datetime.datetime, managed: set[str]) -> list[Change]:
    graph = session.tenant(tenant.tenant_id)
    builder = directory_audits_builder(graph)
    when = start.strftime("%Y-%m-%dT%H:%M:%SZ")
    config = builder.DirectoryAuditsRequestBuilderGetRequestConfiguration(
        query_parameters=builder.DirectoryAuditsRequestBuilderGetQueryParameters(filter=f"activityDateTime ge {when}"))
    entries = await raw_pages(graph, builder, config)
    return [_change(tenant, entry) for entry in entries if _targets(entry) & managed]


def _targets(entry: dict[str, Any]) -> set[str]:
    return {str(target.get("id")).lower() for target in entry.get("targetResources") or [] if target.get("id")}


def _change(tenant: Tenant, entry: dict[str, Any]) -> Change:
    initiated = entry.get("initiatedBy") or {}
    user, app = initiated.get("user") or {}, initiated.get("app") or {}
    by = f"user {user.get('userPrincipalName')}" if user else f"app {app.get('displayName') or app.get('appId')}"
    [target, *_] = entry.get("targetResources") or [{}]
    changed = [f"{prop.get('displayName')}: {prop.get('newValue')}" for prop in target.get("modifiedProperties") or []]
    return Change(str(entry.get("activityDateTime")), tenant.alias, by, str(entry.get("activityDisplayName")),
                  f"{target.get('type')} {target.get('id')}", changed)


def as_table(changes: list[Change], span: str) -> str:
    if not changes:
        return f"no change to the objects ctsync manages in the last {span}\n"
    lines = []
    for change in changes:
        lines.append(f"{change.time}  {change.tenant}  {change.by}  {change.activity}  ({change.target})")
        lines += [f"    {item}" for item in change.changed]
    return "\n".join(lines) + "\n"


def as_json(stack: str, start: datetime.datetime, changes: list[Change]) -> str:
    return json.dumps({"stack": stack, "since": start.isoformat(), "changes": [asdict(c) for c in changes]}, indent=2)

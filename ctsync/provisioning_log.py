"""``auditLogs/provisioning`` of a tenant: one provisioningObjectSummary per action the service took,
read page by page with a server-side ``$filter`` (Graph's list page:
https://learn.microsoft.com/en-us/graph/api/provisioningobjectsummary-list). Both the source and the
target tenant log each action of a cross-tenant sync."""
from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.audit_logs.provisioning.provisioning_request_builder import ProvisioningRequestBuilder

from providers.graph.session import TenantGraph, raw_pages

PAGE_SIZE = 500


@dataclass(frozen=True)
class LogEntry:
    """What the commands show of one entry."""

    time: str | None
    job_id: str | None
    action: str
    status: str
    source_id: str | None
    source_name: str | None
    target_id: str | None
    error_code: str | None
    reason: str | None
    recommended_action: str | None
    modified: tuple[tuple[str, str | None, str | None], ...]  # (attribute, old, new)

    @property
    def subject(self) -> str:
        return f"{self.source_name or '?'} ({self.source_id})"


def _text(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def read_entries(
    graph: TenantGraph, since: datetime.datetime, *, job_id: str | None = None, source_id: str | None = None,
    pages: Callable[[int, int], None] | None = None,
) -> list[LogEntry]:
    """Entries from ``since`` on (newest first), optionally of one job and one source object;
    ``pages(page, entries so far)`` is told of each page read. Read as JSON, not typed models: a
    large log would spend most of its time in msgraph-sdk's deserialisation."""
    # `gt`, not `ge`: the list page documents eq, gt, lt and contains for activityDateTime.
    clauses = [f"activityDateTime gt {_text(since - datetime.timedelta(seconds=1))}"]
    if job_id:
        clauses.append(f"jobId eq '{job_id}'")
    if source_id:
        clauses.append(f"sourceIdentity/id eq '{source_id}'")
    query = ProvisioningRequestBuilder.ProvisioningRequestBuilderGetQueryParameters(filter=" and ".join(clauses), top=PAGE_SIZE)
    configuration = RequestConfiguration(query_parameters=query)
    return [entry(item) for item in await raw_pages(graph, graph.sdk.audit_logs.provisioning, configuration, pages)]


def entry(item: dict[str, Any]) -> LogEntry:
    """One provisioningObjectSummary (JSON) as the commands show it."""
    info = item.get("provisioningStatusInfo") or {}
    error = info.get("errorInformation") or {}
    source, target = item.get("sourceIdentity") or {}, item.get("targetIdentity") or {}
    return LogEntry(
        time=item.get("activityDateTime"),
        job_id=item.get("jobId"),
        action=item.get("provisioningAction") or "other",
        status=info.get("status") or "unknown",
        source_id=source.get("id"),
        source_name=source.get("displayName"),
        target_id=target.get("id"),
        error_code=error.get("errorCode"),
        reason=error.get("reason") or error.get("additionalDetails"),
        recommended_action=error.get("recommendedAction"),
        modified=tuple((p.get("displayName") or "", p.get("oldValue"), p.get("newValue"))
                       for p in item.get("modifiedProperties") or []),
    )

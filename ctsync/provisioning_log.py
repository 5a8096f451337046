"""``auditLogs/provisioning`` of a tenant: one provisioningObjectSummary per action the service took,
read page by page with a server-side ``$filter`` (Graph's list page:
https://learn.microsoft.com/en-us/graph/api/provisioningobjectsummary-list). Both the source and the
target tenant log each action of a cross-tenant sync."""
from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.audit_logs.provisioning.provisioning_request_builder import ProvisioningRequestBuilder
from msgraph.generated.models.provisioning_object_summary import ProvisioningObjectSummary

from providers.graph.session import TenantGraph
from providers.resources.sync_job import enum_value

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
    modified: tuple[tuple[str, str | None, str | None], ...]  # (attribute, old, new)

    @property
    def subject(self) -> str:
        return f"{self.source_name or '?'} ({self.source_id})"


def _text(value: datetime.datetime) -> str:
    return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


async def read_entries(
    graph: TenantGraph, since: datetime.datetime, *, job_id: str | None = None, source_id: str | None = None,
    pages: Callable[[int, int], None] | None = None,
) -> list[LogEntry]:
    """Entries from ``since`` on (newest first), optionally of one job and one source object;
    ``pages(page, entries so far)`` is told of each page read."""
    clauses = [f"activityDateTime ge {_text(since)}"]
    if job_id:
        clauses.append(f"jobId eq '{job_id}'")
    if source_id:
        clauses.append(f"sourceIdentity/id eq '{source_id}'")
    query = ProvisioningRequestBuilder.ProvisioningRequestBuilderGetQueryParameters(filter=" and ".join(clauses), top=PAGE_SIZE)
    builder = graph.sdk.audit_logs.provisioning
    page = await graph.call("GET", builder, request_configuration=RequestConfiguration(query_parameters=query))
    found = [entry(item) for item in page.value or []]
    count = 1
    while page.odata_next_link:
        if pages:
            pages(count, len(found))
        page = await graph.call("GET", builder.with_url(page.odata_next_link))
        found += [entry(item) for item in page.value or []]
        count += 1
    return found


def entry(item: ProvisioningObjectSummary) -> LogEntry:
    info = item.provisioning_status_info
    error = info.error_information if info else None
    source, target = item.source_identity, item.target_identity
    return LogEntry(
        time=_text(item.activity_date_time) if item.activity_date_time else None,
        job_id=item.job_id,
        action=enum_value(item.provisioning_action) or "other",
        status=enum_value(info.status) if info and info.status else "unknown",
        source_id=source.id if source else None,
        source_name=source.display_name if source else None,
        target_id=target.id if target else None,
        error_code=error.error_code if error else None,
        reason=(error.reason or error.additional_details) if error else None,
        modified=tuple((p.display_name or "", p.old_value, p.new_value) for p in item.modified_properties or []),
    )

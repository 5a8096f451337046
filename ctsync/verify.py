"""``python -m ctsync verify``: provision one user now through a direction's job (provisionOnDemand),
and show what the target got. It is a real provisioning of that one user, not a dry run.

Graph answers a stringKeyStringValuePair whose key and value are JSON texts: the key holds the result
(``Success``, ``Skipped``, ``Failure``) and its error code and message, the value the action, the
modified properties and the provisioning steps
(https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-provisionondemand).
The provisioning log entry of the same action is read afterwards; the service may take a while to
write it, so its absence is said, not treated as a failure.
"""
from __future__ import annotations

import dataclasses
import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from msgraph.generated.models.synchronization_job_application_parameters import SynchronizationJobApplicationParameters
from msgraph.generated.models.synchronization_job_subject import SynchronizationJobSubject
from msgraph.generated.service_principals.item.synchronization.jobs.item.provision_on_demand.provision_on_demand_post_request_body import (
    ProvisionOnDemandPostRequestBody,
)

import graphtypes
from ctsync import attributes as side_by_side
from ctsync.live import LiveJob
from ctsync.provisioning_log import LogEntry, read_entries
from providers.graph.paths import job_builder, principal_builder
from providers.graph.session import TenantGraph, if_present, with_base_url
from providers.synchronization.schema_json import USER_OBJECT, object_mapping

# A skip that means the target already is what the mapping makes of the user: nothing to change.
ALREADY_IN_SYNC = "RedundantExport"


class UserNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Outcome:
    user: str
    user_id: str
    result: str  # Success | Skipped | Failure
    action: str
    error_code: str | None
    error_message: str | None
    target_id: str | None
    attributes: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # (name, old, new)
    steps: list[str] = field(default_factory=list)
    logged: LogEntry | None = None
    # Each mapped attribute side by side: source, what the mapping gives, the target now.
    compared: list[side_by_side.Row] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return self.result.lower() == "success" or self.error_code == ALREADY_IN_SYNC


async def verify(graph: TenantGraph, live: LiveJob, user: str, target: TenantGraph | None = None) -> Outcome:
    """Provision ``user`` now; with the ``target`` tenant's Graph, also compare every mapped attribute."""
    found = await if_present(graph.call("GET", graph.sdk.users.by_user_id(user)))
    if found is None:
        source = live.direction.source
        raise UserNotFound(f"no user {user!r} in tenant {source.alias} ({source.tenant_id}): give a user principal name or object id")
    began = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=5)
    job = job_builder(graph, live.service_principal_id, live.job_id)
    schema = await graph.send("GET", job.schema) or {}
    body = ProvisionOnDemandPostRequestBody(parameters=[SynchronizationJobApplicationParameters(
        rule_id=_user_rule(schema), subjects=[SynchronizationJobSubject(object_id=found.id, object_type_name="User")])])
    answer = await graph.call("POST", job.provision_on_demand, body)
    outcome = _outcome(found.user_principal_name or user, found.id, answer.key or "{}", answer.value or "{}")
    logged = await read_entries(graph, began, job_id=live.job.id, source_id=found.id)
    outcome = _with_log(outcome, logged[0] if logged else None)
    if target is None:
        return outcome
    return dataclasses.replace(outcome, compared=await _compared(graph, target, schema, found.id, outcome.target_id))


async def _compared(source: TenantGraph, target: TenantGraph, schema: dict[str, Any], user_id: str, target_id: str | None) -> list[side_by_side.Row]:
    """Every mapping of the user rule, with the source user and its target copy read now."""
    mapping = object_mapping(schema, USER_OBJECT)
    mappings = (mapping or {}).get("attributeMappings") or []
    targets = sorted({str(m.get("targetAttributeName")) for m in mappings if m.get("targetAttributeName")})
    source_user = await _user(source, user_id, side_by_side.source_attributes(mappings))
    target_user = await _user(target, target_id, targets) if target_id else None
    return side_by_side.rows(mappings, source_user, target_user)


async def _user(graph: TenantGraph, user_id: str, names: list[str]) -> dict[str, Any] | None:
    """The user's properties ``names`` that Graph's user resource has, as JSON. A schema attribute with
    no such property (IsSoftDeleted) or a reference (manager) is not asked for: Graph refuses a
    `$select` of a name the type lacks, and its row says "(not read)"."""
    builder = principal_builder(graph, "User", user_id)
    return await if_present(graph.send("GET", _selecting(graph, builder, ["id", *graphtypes.known("user", names)])))


def _selecting(graph: TenantGraph, builder: Any, names: list[str]) -> Any:
    config = builder.UserItemRequestBuilderGetRequestConfiguration(
        query_parameters=builder.UserItemRequestBuilderGetQueryParameters(select=names))
    info = builder.to_get_request_information(config)
    with_base_url(graph.sdk, info)
    return builder.with_url(info.url)


def _user_rule(schema: dict[str, Any]) -> str | None:
    """The id of the schema's rule that provisions users (cross-tenant sync has one)."""
    rules = schema.get("synchronizationRules") or []
    for rule in rules:
        if any((m.get("sourceObjectName") or "").lower() == "user" for m in rule.get("objectMappings") or []):
            found: str | None = rule.get("id")
            return found
    return rules[0].get("id") if rules else None


def _outcome(user: str, user_id: str, key: str, value: str) -> Outcome:
    result, details = _json(key), _json(value)
    details = details[0] if isinstance(details, list) and details else details
    status = result.get("result") or (details.get("statusInfo") or {}).get("status") or "Unknown"
    errors = result.get("details") or {}
    return Outcome(
        user=user,
        user_id=user_id,
        result=str(status),
        action=str(details.get("action") or "Other"),
        error_code=errors.get("errorCode"),
        error_message=errors.get("errorMessage"),
        target_id=(details.get("targetIdentity") or {}).get("id"),
        attributes=[(p.get("displayName"), p.get("oldValue"), p.get("newValue")) for p in details.get("modifiedProperties") or []],
        steps=[f"{s.get('name')}: {s.get('status')}: {s.get('description')}" for s in details.get("provisioningSteps") or []],
    )


def _with_log(outcome: Outcome, logged: LogEntry | None) -> Outcome:
    if logged is None:
        return outcome
    return dataclasses.replace(outcome, attributes=outcome.attributes or list(logged.modified), logged=logged,
                               target_id=outcome.target_id or logged.target_id)


def _json(text: str) -> Any:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, (dict, list)) else {}


def report(outcome: Outcome, direction: str) -> str:
    lines = [f"{outcome.user} ({outcome.user_id}) through {direction}: {outcome.result}, action {outcome.action}"]
    if outcome.error_code:
        lines.append(f"  reason: {outcome.error_code}: {outcome.error_message}")
    if outcome.target_id:
        lines.append(f"  target user: {outcome.target_id}")
    if outcome.attributes:
        lines.append("  target attributes set:")
        width = max(len(name or "") for name, _, _ in outcome.attributes)
        lines += [f"    {(name or '').ljust(width)} -> {new!r}" + (f" (was {old!r})" if old is not None else "")
                  for name, old, new in outcome.attributes]
    if outcome.compared:
        lines.append("  mapped attributes, side by side (read now):")
        lines += [f"    {line}" for line in side_by_side.table(outcome.compared)]
        disagree = [row.attribute for row in outcome.compared if row.agrees == "NO"]
        if disagree:
            lines.append(f"  the target differs from what the mapping gives for: {', '.join(disagree)} "
                         "(a cycle in progress, a mapping changed since, or an edit in the target)")
    lines += [f"  step {step}" for step in outcome.steps]
    if outcome.logged is not None:
        lines.append(f"  provisioning log: {outcome.logged.action} {outcome.logged.status} at {outcome.logged.time}")
    else:
        lines.append("  provisioning log: no entry yet (the service writes it within minutes): "
                     "`python -m ctsync logs` shows it later")
    return "\n".join(lines) + "\n"

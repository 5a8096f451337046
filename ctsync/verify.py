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

from ctsync.live import LiveJob
from ctsync.provisioning_log import LogEntry, read_entries
from providers.graph.paths import job_builder
from providers.graph.session import TenantGraph, if_present

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

    @property
    def succeeded(self) -> bool:
        return self.result.lower() == "success" or self.error_code == ALREADY_IN_SYNC


async def verify(graph: TenantGraph, live: LiveJob, user: str) -> Outcome:
    found = await if_present(graph.call("GET", graph.sdk.users.by_user_id(user)))
    if found is None:
        source = live.direction.source
        raise UserNotFound(f"no user {user!r} in tenant {source.alias} ({source.tenant_id}): give a user principal name or object id")
    began = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=5)
    job = job_builder(graph, live.service_principal_id, live.job_id)
    rule = await _user_rule(graph, live)
    body = ProvisionOnDemandPostRequestBody(parameters=[SynchronizationJobApplicationParameters(
        rule_id=rule, subjects=[SynchronizationJobSubject(object_id=found.id, object_type_name="User")])])
    answer = await graph.call("POST", job.provision_on_demand, body)
    outcome = _outcome(found.user_principal_name or user, found.id, answer.key or "{}", answer.value or "{}")
    logged = await read_entries(graph, began, job_id=live.job.id, source_id=found.id)
    return _with_log(outcome, logged[0] if logged else None)


async def _user_rule(graph: TenantGraph, live: LiveJob) -> str | None:
    """The id of the schema's rule that provisions users (cross-tenant sync has one)."""
    schema = await graph.send("GET", job_builder(graph, live.service_principal_id, live.job_id).schema)
    rules = (schema or {}).get("synchronizationRules") or []
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
    lines += [f"  step {step}" for step in outcome.steps]
    if outcome.logged is not None:
        lines.append(f"  provisioning log: {outcome.logged.action} {outcome.logged.status} at {outcome.logged.time}")
    else:
        lines.append("  provisioning log: no entry yet (the service writes it within minutes): "
                     "`python -m ctsync logs` shows it later")
    return "\n".join(lines) + "\n"

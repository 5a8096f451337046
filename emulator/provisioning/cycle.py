"""The provisioning cycle (docs/graph-notes.md#schema, #scope, #target-users): the job's schema applied to the source
users in scope, and its effect on B2B users in the target tenant.

Per cycle: check the B2B policies; compute who is in scope (SyncAll, or assigned directly or as a
direct member of an assigned group; internal members only; scoping filters); plan one action per
user (create / update / disable / restore / delete, or nothing when the user has not changed since
the job last looked); hold deletions back and quarantine the job when they exceed the accidental
deletion threshold; apply; log each action in both tenants; update the job's status.
"""
from __future__ import annotations

import json
from typing import Any

from ..clock import iso
from ..graph.directory import EXTERNAL_IDENTITY, add_user, blank_user, delete_user
from ..state import EmulatorState, SyncConfig, Tenant, new_id
from .action import Action
from .groups import GroupProvisioning
from .jobs import TOO_MANY_DELETES, Job
from .policy import ERROR_CODE, policy_problems, problem_message
from .schema import BOOLEAN_ATTRIBUTES, MANAGER, SOURCE_DIRECTORY, TARGET_DIRECTORY

DEFAULT_DELETE_THRESHOLD = 500
COUNTERS = ("created", "updated", "disabled", "deleted", "skipped", "staged", "escrowed")
# The documented cross-tenant sync error for a target at its directory quota (provisioning logs,
# "Error codes for cross-tenant synchronization"); the entry is escrowed and retried next cycle.
QUOTA_EXCEEDED = "AzureActiveDirectoryQuotaLimitExceeded"
# action kind -> (provisioningAction in the log, counter in the summary)
_LOGGED_AS = {
    "create": ("create", "created"),
    "update": ("update", "updated"),
    "restore": ("update", "updated"),
    "disable": ("disable", "disabled"),
    "delete": ("delete", "deleted"),
}
_REMOVALS = ("delete", "disable")




def external_upn(source_upn: str, target_domain: str) -> str:
    """B2B users get `alias_sourcedomain#EXT#@targetdomain`."""
    return f"{source_upn.replace('@', '_')}#EXT#@{target_domain}"


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "True" if value else "False"
    return json.dumps(value) if isinstance(value, (list, dict)) else str(value)


def delete_threshold(sync: SyncConfig) -> int | None:
    """The accidental-deletion threshold from SyncNotificationSettings (None = off)."""
    try:
        settings = json.loads(sync.secret("SyncNotificationSettings") or "{}")
    except ValueError:
        return None
    if not isinstance(settings, dict) or not settings.get("DeleteThresholdEnabled"):
        return None
    value = settings.get("DeleteThresholdValue", DEFAULT_DELETE_THRESHOLD)
    return value if isinstance(value, int) else DEFAULT_DELETE_THRESHOLD


class Provisioner(GroupProvisioning):
    """One run of a job: a whole cycle, or one user on demand (its groups: ``GroupProvisioning``)."""

    def __init__(self, state: EmulatorState, source: Tenant, sp: dict, job: Job) -> None:
        self.state = state
        self.source = source
        self.sp = sp
        self.job = job
        self.sync = source.sync[sp["id"]]
        self._target: Tenant | None = None
        self.cycle_id = new_id()
        self.began = state.clock.now()
        self.now_iso = iso(self.began)
        self.counts = dict.fromkeys(COUNTERS, 0)

    # -- policy ---------------------------------------------------------------------------
    def check_policy(self) -> list[str]:
        target_id = self.sync.secret("CompanyId")
        problems = policy_problems(self.state, self.source, target_id, self.sync.secret("AuthenticationType"))
        if not problems and target_id:
            self._target = self.state.tenant(target_id)
        return problems

    @property
    def target(self) -> Tenant:
        """The target tenant, known once the policy check passed (the cycle runs only then)."""
        if self._target is None:
            raise RuntimeError("the cycle reached the target before its policy check passed")
        return self._target

    # -- scope ----------------------------------------------------------------------------
    def _is_internal_member(self, user: dict) -> bool:
        # Only internal members are synced: not guests, not B2B users synced in from elsewhere.
        return user.get("userType") == "Member" and user["id"] not in self.source.b2b_source

    def _assigned(self) -> dict[str, dict]:
        source = self.source
        if (self.sync.secret("SyncAll") or "").lower() == "true":
            return source.users
        assigned: dict[str, dict] = {}
        for assignment in source.assignments.get(self.sp["id"], {}).values():
            principal = assignment["principalId"]
            # Groups bring their direct members only; nested groups are not expanded.
            for member_id in source.members.get(principal, {principal: None}):
                user = source.users.get(member_id)
                if user is not None:
                    assigned[member_id] = user
        return assigned

    def entitled(self) -> dict[str, dict]:
        in_scope = self.job.mapping.in_scope
        return {uid: user for uid, user in self._assigned().items() if self._is_internal_member(user) and in_scope(user)}

    def is_entitled(self, user: dict) -> bool:
        return user["id"] in self._assigned() and self._is_internal_member(user) and self.job.mapping.in_scope(user)

    # -- planning -------------------------------------------------------------------------
    def desired(self, user: dict, creating: bool) -> dict:
        values = {}
        for mapping in self.job.mapping.attributes:
            if mapping.add_only and not creating:
                continue
            value = mapping.value(user)
            if value in (None, "") and mapping.default is not None:
                value = mapping.default
            if mapping.target in BOOLEAN_ATTRIBUTES and isinstance(value, str):
                value = value.lower() == "true"
            values[mapping.target] = value
        if values.get("userPrincipalName"):
            values["userPrincipalName"] = external_upn(values["userPrincipalName"], self.target.default_domain)
        return values

    def _changes(self, target_user: dict, desired: dict) -> dict:
        changes = {name: value for name, value in desired.items() if target_user.get(name) != value}
        upn = changes.get("userPrincipalName")
        if upn and self.target.upn_index.get(upn.lower(), target_user["id"]) != target_user["id"]:
            del changes["userPrincipalName"]  # taken by another object: keep the current one
        return changes

    def manager_of(self, uid: str) -> str | None:
        """The target copy of ``uid``'s manager, when the mapping carries it and the manager has one:
        a manager not (yet) provisioned leaves the reference for a later cycle, and a manager removed in
        the source is not cleared in the target (Microsoft's cross-tenant sync FAQ)."""
        if not self.job.mapping.maps_manager:
            return None
        manager = self.source.managers.get(uid)
        copy = self.job.provisioned.get(manager) if manager else None
        return copy if copy in self.target.users else None

    def _manager_change(self, uid: str, target_id: str | None) -> dict:
        wanted = self.manager_of(uid)
        current = self.target.managers.get(target_id) if target_id else None
        return {MANAGER: wanted} if wanted is not None and wanted != current else {}

    def plan_entitled(self, uid: str, user: dict, force: bool = False) -> Action | None:
        job, target = self.job, self.target
        target_id = job.provisioned.get(uid) or target.b2b_index.get((self.source.id, uid))
        if target_id in target.users:
            unchanged = job.watermark.get(uid) == self.source.user_versions[uid]
            if not force and unchanged and job.provisioned.get(uid) == target_id and not self._manager_change(uid, target_id):
                return None  # unchanged since the job last looked, its manager's copy too
            target_user = target.users[target_id]
            changes = self._changes(target_user, self.desired(user, creating=False)) | self._manager_change(uid, target_id)
            if not changes or "Update" not in job.mapping.flow_types:
                self._link(uid, target_id)  # a matched pre-existing B2B user is adopted
                return None
            disabling = changes.get("accountEnabled") is False and target_user.get("accountEnabled") is not False
            before = {name: target_user.get(name) for name in changes}
            return Action("disable" if disabling else "update", uid, user, target_id, changes, before)
        if target_id in target.deleted:
            if job.deprovisioned.get(uid) == target_id:
                return Action("restore", uid, user, target_id, self.desired(user, creating=False))
            return None  # soft-deleted by a target admin: later cycles don't restore it
        if "Add" not in job.mapping.flow_types:
            return None
        return Action("create", uid, user, None, self.desired(user, creating=True) | self._manager_change(uid, None))

    def plan_leaving(self, uid: str) -> Action | None:
        job = self.job
        target_id = job.provisioned[uid]
        target_user = self.target.users.get(target_id)
        source_user = self.source.users.get(uid)
        if target_user is None or "Delete" not in job.mapping.flow_types:
            self._forget(uid)
            return None
        if source_user is not None and target_user.get("accountEnabled") is False:
            # Documented edge case: a user disabled and synced, then taken out of scope, stays.
            self._forget(uid)
            return None
        return Action("delete", uid, source_user, target_id, {})

    def _forget(self, uid: str) -> None:
        self.job.provisioned.pop(uid, None)
        self.job.watermark.pop(uid, None)

    def plan(self) -> tuple[list[Action], int]:
        entitled = self.entitled()
        actions = []
        for uid, user in entitled.items():
            action = self.plan_entitled(uid, user)
            if action is None:
                self.counts["skipped"] += 1
            else:
                actions.append(action)
        for uid in [uid for uid in self.job.provisioned if uid not in entitled]:
            action = self.plan_leaving(uid)
            if action is not None:
                actions.append(action)
        return actions, len(entitled)

    # -- applying -------------------------------------------------------------------------
    def apply(self, action: Action) -> None:
        if action.kind == "create" and self._at_quota():
            self.escrow(action, QUOTA_EXCEEDED, f"The number of objects in tenant {self.target.id} exceeds the directory limit.",
                        "Delete objects the target tenant no longer needs, or ask Microsoft support to raise its directory quota.")
            return
        getattr(self, f"_apply_{action.kind}")(action)
        self.record(action)

    def record(self, action: Action) -> None:
        """An applied action counted and logged in both tenants."""
        logged_as, counter = _LOGGED_AS[action.kind]
        self.counts[counter] += 1
        self.log(action, logged_as, "success")

    def _at_quota(self) -> bool:
        quota = self.target.user_quota
        return quota is not None and len(self.target.users) >= quota

    def escrow(self, action: Action, code: str, reason: str, recommended: str) -> None:
        """A failed export: logged as a failure, not linked, so the next cycle tries the user again.
        The error has every property of provisioningErrorInfo
        (https://learn.microsoft.com/en-us/graph/api/resources/provisioningerrorinfo)."""
        self.counts["escrowed"] += 1
        error = {"additionalDetails": None, "errorCategory": "nonServiceFailure", "errorCode": code, "reason": reason,
                 "recommendedAction": recommended}
        self.log(action, action.kind, "failure", error)

    def stage(self, action: Action) -> None:
        """Held back by the accidental-deletion threshold: logged, not applied."""
        self.counts["staged"] += 1
        self.log(action, "stagedDelete", "skipped")

    def _link(self, uid: str, target_id: str) -> None:
        self.target.b2b_source[target_id] = (self.source.id, uid)
        self.target.b2b_index[(self.source.id, uid)] = target_id
        self.job.provisioned[uid] = target_id
        self.job.watermark[uid] = self.source.user_versions[uid]

    def _apply_create(self, action: Action) -> None:
        user = blank_user(new_id(), self.now_iso)
        user.update({name: value for name, value in action.changes.items() if name != MANAGER})
        user.setdefault("userType", "Member")
        # Cross-tenant sync users are redeemed automatically: no invitation, no consent prompt.
        user.update(creationType=None, externalUserState="Accepted", externalUserStateChangeDateTime=self.now_iso,
                    identities=[dict(EXTERNAL_IDENTITY)])
        upn = user["userPrincipalName"] or external_upn(f"{user['id']}@{self.source.default_domain}", self.target.default_domain)
        while upn.lower() in self.target.upn_index:
            upn = f"{new_id()[:4]}{upn}"
        user["userPrincipalName"] = upn
        add_user(self.state, self.target, user)
        action.target_id = user["id"]
        self._set_manager(user["id"], action.changes)
        self._link(action.source_id, user["id"])

    def _apply_update(self, action: Action) -> None:
        target = self.target
        user = target.users[action.existing_target]
        if "userPrincipalName" in action.changes:
            target.upn_index.pop(user["userPrincipalName"].lower(), None)
            target.upn_index[action.changes["userPrincipalName"].lower()] = user["id"]
        user.update({name: value for name, value in action.changes.items() if name != MANAGER})
        self._set_manager(user["id"], action.changes)
        target.user_versions[user["id"]] = self.state.next_version()
        self._link(action.source_id, user["id"])

    def _set_manager(self, target_id: str, changes: dict) -> None:
        """The manager is a reference (``PUT /users/{id}/manager/$ref``), not a property of the user."""
        if changes.get(MANAGER):
            self.target.managers[target_id] = changes[MANAGER]

    _apply_disable = _apply_update

    def _apply_restore(self, action: Action) -> None:
        restored = {k: v for k, v in self.target.deleted.pop(action.existing_target).items() if k != "@odata.type"}
        restored["deletedDateTime"] = None
        add_user(self.state, self.target, restored)
        self.job.deprovisioned.pop(action.source_id, None)
        action.changes = self._changes(restored, action.changes)
        action.before = {name: restored.get(name) for name in action.changes}
        self._apply_update(action)
        # For the log: the restore itself is the IsSoftDeleted flip.
        action.changes = {"IsSoftDeleted": False, **action.changes}
        action.before["IsSoftDeleted"] = True

    def _apply_delete(self, action: Action) -> None:
        delete_user(self.state, self.target, action.existing_target)
        self._forget(action.source_id)
        self.job.deprovisioned[action.source_id] = action.existing_target

    # -- logs and status ------------------------------------------------------------------
    @staticmethod
    def _modified(action: Action) -> list[dict]:
        return [
            {"displayName": name, "oldValue": _text(action.before.get(name)), "newValue": _text(value)}
            for name, value in action.changes.items()
        ]

    def log(self, action: Action, provisioning_action: str, status: str, error: dict | None = None) -> None:
        kind = action.object_type
        source_user = action.source_user or {}
        targets = self.target.groups if kind == "Group" else self.target.users
        target_user = targets.get(action.target_id or "") or {}
        name = source_user.get("userPrincipalName") or source_user.get("displayName") or action.source_id
        entry = {
            "id": new_id(),
            "activityDateTime": self.now_iso,
            "changeId": new_id(),
            "cycleId": self.cycle_id,
            "durationInMilliseconds": 0,
            "initiatedBy": {"id": "", "displayName": "Azure AD Provisioning Service", "initiatorType": "system"},
            "jobId": self.job.id,
            "modifiedProperties": self._modified(action),
            "provisioningAction": provisioning_action,
            "provisioningStatusInfo": {"status": status, "errorInformation": error},
            "provisioningSteps": [
                {"name": "EntryImport", "provisioningStepType": "import", "status": "success",
                 "description": f"Retrieved {kind} '{name}' from {SOURCE_DIRECTORY}", "details": {}},
                {"name": "EntrySynchronizationScoping", "provisioningStepType": "scoping", "status": "success",
                 "description": f"Determine if {kind} in scope by evaluating against each scoping filter", "details": {}},
                {"name": f"EntryExport{provisioning_action[:1].upper()}{provisioning_action[1:]}", "provisioningStepType": "export",
                 "status": status, "description": f"{provisioning_action} {kind} '{name}' in {TARGET_DIRECTORY}", "details": {}},
            ],
            "servicePrincipal": {"id": self.sp["id"], "displayName": self.sp["displayName"]},
            "sourceIdentity": {"id": action.source_id, "displayName": source_user.get("displayName"), "identityType": kind, "details": {}},
            "sourceSystem": {"id": self.source.id, "displayName": SOURCE_DIRECTORY, "details": {}},
            "targetIdentity": {"id": action.target_id, "displayName": target_user.get("displayName"), "identityType": kind, "details": {}},
            "targetSystem": {"id": self.target.id, "displayName": TARGET_DIRECTORY, "details": {}},
            "tenantId": self.source.id,
        }
        self.source.provisioning_log.append(entry)
        self.target.provisioning_log.append({**entry, "id": new_id(), "tenantId": self.target.id})

    def execution(self, state: str, entitled: int, error: dict | None = None) -> dict:
        exported = sum(self.counts[name] for name in ("created", "updated", "disabled", "deleted"))
        return {
            "activityIdentifier": self.cycle_id,
            "countEntitled": entitled,
            "countEntitledForProvisioning": entitled,
            "countEscrowed": self.counts["escrowed"],
            "countEscrowedRaw": self.counts["escrowed"],
            "countExported": exported,
            "countExports": exported,
            "countImported": entitled,
            "countImportedDeltas": exported + self.counts["staged"],
            "countImportedReferenceDeltas": 0,
            "error": error,
            "state": state,
            "timeBegan": iso(self.began),
            "timeEnded": self.state.clock.now_iso(),
        }

    def summary(self, status: str) -> dict:
        return {
            "servicePrincipalId": self.sp["id"],
            "jobId": self.job.id,
            "sourceTenantId": self.source.id,
            "targetTenantId": self.sync.secret("CompanyId"),
            "status": status,
            **self.counts,
            "quarantine": self.job.quarantine,
        }


def _refuse(run: Provisioner, problems: list[str]) -> dict:
    message = problem_message(problems)
    run.job.enter_quarantine("EncounteredQuarantineException", ERROR_CODE, message, run.began)
    error = {"code": ERROR_CODE, "message": message, "tenantActionable": True}
    run.job.record_execution(run.execution("Failed", 0, error), exported=False)
    return run.summary("Failed")


def run_cycle(state: EmulatorState, source: Tenant, sp: dict, job: Job) -> dict:
    run = Provisioner(state, source, sp, job)
    if job.quarantine_blocks(run.began):
        return run.summary("Quarantined")
    problems = run.check_policy()
    if problems:
        return _refuse(run, problems)
    job.quarantine = None  # a retried quarantine that now passes the policy check is lifted
    actions, entitled = run.plan() if job.mapping.enabled else ([], 0)
    removals = sum(1 for action in actions if action.kind in _REMOVALS)
    threshold = delete_threshold(run.sync)
    staged = threshold is not None and removals > threshold and not job.force_deletes
    for action in actions:
        run.stage(action) if staged and action.kind in _REMOVALS else run.apply(action)
    run.provision_groups()
    job.force_deletes = False
    error = None
    if staged:
        message = f"The number of deletions ({removals}) exceeds the accidental deletion threshold ({threshold})."
        job.enter_quarantine(TOO_MANY_DELETES, TOO_MANY_DELETES, message, run.began)
        error = {"code": TOO_MANY_DELETES, "message": message, "tenantActionable": True}
    exported = any(run.counts[name] for name in ("created", "updated", "disabled", "deleted"))
    outcome = "Failed" if staged else "EntryLevelErrors" if run.counts["escrowed"] else "Succeeded"
    job.record_execution(run.execution(outcome, entitled, error), exported)
    return run.summary("Quarantined" if staged else "Succeeded")


def _on_demand_result(result: str, details: dict, action: Action | None = None, logged: dict | None = None) -> dict:
    """provisionOnDemand answers a stringKeyStringValuePair whose key and value are JSON texts; the
    value carries the steps of the action's log entry (``logged``) in the documented on-demand shape
    (https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-provisionondemand, example 1)."""
    value: dict[str, Any] = {"action": action.kind.capitalize() if action else "Other", "statusInfo": {"status": result}}
    if action is not None:
        value.update(sourceIdentity={"id": action.source_id, "type": "User"}, targetIdentity={"id": action.target_id, "type": "User"},
                     modifiedProperties=Provisioner._modified(action))
    if logged is not None:
        value["provisioningSteps"] = [
            {"name": step["name"], "type": step["provisioningStepType"].capitalize(), "status": step["status"].capitalize(),
             "description": step["description"], "timestamp": logged["activityDateTime"], "details": step["details"]}
            for step in logged["provisioningSteps"]
        ]
    return {"key": json.dumps({"result": result, "details": details}), "value": json.dumps(value)}


def _skipped(run: Provisioner, uid: str, user: dict | None, code: str, message: str) -> dict:
    """On-demand provisioning is logged like a cycle's, skips included."""
    target_id = run.job.provisioned.get(uid) or run.target.b2b_index.get((run.source.id, uid))
    run.log(Action("skip", uid, user, target_id, {}), "other", "skipped", {"errorCode": code, "reason": message})
    return _on_demand_result("Skipped", {"errorCode": code, "errorMessage": message})


def _on_demand_run(state: EmulatorState, source: Tenant, sp: dict, job: Job) -> tuple[Provisioner, dict | None]:
    """A run for on-demand provisioning, and the Failure answer when the B2B policy check refuses it."""
    run = Provisioner(state, source, sp, job)
    problems = run.check_policy()
    refused = _on_demand_result("Failure", {"errorCode": ERROR_CODE, "errorMessage": problem_message(problems)}) if problems else None
    return run, refused


def provision_on_demand(state: EmulatorState, source: Tenant, sp: dict, job: Job, user_id: str) -> dict | None:
    """Provision one user now, whatever the job's schedule; None when the user is unknown."""
    run, refused = _on_demand_run(state, source, sp, job)
    if refused:
        return refused
    uid = user_id.lower()
    user = source.users.get(uid)
    if user is not None and run.is_entitled(user):
        action = run.plan_entitled(uid, user, force=True)
    elif uid in job.provisioned:
        action = run.plan_leaving(uid)
    elif user is None:
        return None
    else:
        return _skipped(run, uid, user, "NotEffectivelyEntitled", "The user is not in scope for provisioning.")
    if action is None:
        return _skipped(run, uid, user, "RedundantExport", "The state of the user in both the source and target systems already match.")
    run.apply(action)
    logged = run.source.provisioning_log[-1]
    if run.counts["escrowed"]:
        failed = logged["provisioningStatusInfo"]["errorInformation"]
        return _on_demand_result("Failure", {"errorCode": failed["errorCode"], "errorMessage": failed["reason"]}, action, logged)
    return _on_demand_result("Success", {}, action, logged)


def provision_group_on_demand(
    state: EmulatorState, source: Tenant, sp: dict, job: Job, group_id: str, member_ids: list[str]
) -> dict | None:
    """A group and the listed members now; None when the group is unknown. Graph answers the
    documented group example with `value: "{}"`."""
    run, refused = _on_demand_run(state, source, sp, job)
    if refused:
        return refused
    gid = group_id.lower()
    group = source.groups.get(gid)
    if group is None:
        return None
    if not (job.group_mapping.enabled and run.group_sync_allowed()) or gid not in run.groups_in_scope():
        run.log(Action("skip", gid, group, job.provisioned_groups.get(gid), {}, object_type="Group"), "other", "skipped",
                {"errorCode": "NotEffectivelyEntitled", "reason": "The group is not in scope for provisioning."})
        return _on_demand_result("Skipped", {"errorCode": "NotEffectivelyEntitled",
                                             "errorMessage": "The group is not in scope for provisioning."})
    for uid in (m.lower() for m in member_ids):
        user = source.users.get(uid)
        if user is not None and uid in source.members.get(gid, {}) and run.is_entitled(user):
            action = run.plan_entitled(uid, user, force=True)
            if action is not None:
                run.apply(action)
    run.provision_group(gid, group)
    return {"key": json.dumps({"result": "Success", "details": {}}), "value": "{}"}


def run_started_jobs(state: EmulatorState) -> list[dict]:
    """One provisioning cycle for every started job, in every tenant."""
    summaries = []
    for tenant in list(state.tenants.values()):
        for sp_id, sync in list(tenant.sync.items()):
            for job in [job for job in sync.jobs.values() if job.started]:
                summaries.append(run_cycle(state, tenant, tenant.service_principals[sp_id], job))
    return summaries

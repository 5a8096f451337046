"""Group provisioning (preview) in a cycle and on demand: the source's security groups in scope become
security groups in the target whose members are the users the job synced.

Microsoft's page (https://learn.microsoft.com/en-us/entra/identity/multi-tenant-organizations/cross-tenant-synchronization-overview,
"Group synchronization"): it needs the job's group object mapping enabled, `SyncAll=false` (groups
come into scope by assignment), and the target's beta identity-sync property
`groupSyncInbound.isSyncAllowed`. Only security groups are provisioned, with no nesting; a member is
in the target group when the job has synced that user. A group leaving scope is deleted from the
target (security groups have no soft delete). Per cycle each group is compared whole (name,
description, members): there is no watermark for groups.
"""
from __future__ import annotations

from ..graph.directory import add_member, create_group, delete_group
from ..state import EmulatorState, SyncConfig, Tenant
from .action import Action
from .jobs import Job
from .schema import GROUP_ATTRIBUTES

# `members` as the log shows a membership change: the target user ids, comma separated.
MEMBERS = "members"


class GroupProvisioning:
    """The group part of a provisioning run (``cycle.Provisioner`` is one): what it needs of the run
    is declared here, so this module does not import the cycle."""

    state: EmulatorState
    source: Tenant
    sp: dict
    sync: SyncConfig
    job: Job

    @property
    def target(self) -> Tenant:
        raise NotImplementedError

    def record(self, action: Action) -> None:
        raise NotImplementedError

    def group_sync_allowed(self) -> bool:
        policy = self.target.identity_sync.get(self.source.id) or {}
        return bool((policy.get("groupSyncInbound") or {}).get("isSyncAllowed"))

    def groups_in_scope(self) -> dict[str, dict]:
        """Security groups assigned to the app (SyncAll puts no group in scope)."""
        if (self.sync.secret("SyncAll") or "").lower() == "true":
            return {}
        source = self.source
        assigned = (a["principalId"] for a in source.assignments.get(self.sp["id"], {}).values())
        return {gid: source.groups[gid] for gid in assigned if gid in source.groups and source.groups[gid].get("securityEnabled")}

    def provision_groups(self) -> None:
        """Every group in scope made as its source says; groups that left scope deleted."""
        mapping = self.job.group_mapping
        if not mapping.enabled or not self.group_sync_allowed():
            return
        in_scope = self.groups_in_scope()
        for gid, group in in_scope.items():
            self.provision_group(gid, group)
        for gid in [gid for gid in self.job.provisioned_groups if gid not in in_scope]:
            self._remove_group(gid)

    def provision_group(self, gid: str, group: dict) -> str | None:
        """Create or update the target group of ``gid``; the logged action (None: already as it should be)."""
        flows = self.job.group_mapping.flow_types
        target_id = self.job.provisioned_groups.get(gid)
        target = self.target.groups.get(target_id) if target_id else None
        desired = {name: group.get(name) for name in GROUP_ATTRIBUTES}
        members = self._target_members(gid)
        if target is None:
            if "Add" not in flows:
                return None
            created = create_group(self.state, self.target, {**desired, "securityEnabled": True, "mailEnabled": False,
                                                           "mailNickname": desired["mailNickname"] or gid[:8]})
            for member in members:
                add_member(self.target, created["id"], member)
            self.job.provisioned_groups[gid] = created["id"]
            changes = {**desired, MEMBERS: ",".join(members)}
            self.record(Action("create", gid, group, created["id"], changes, object_type="Group"))
            return "create"
        changes = {name: value for name, value in desired.items() if target.get(name) != value}
        current = list(self.target.members[target["id"]])
        if set(current) != set(members):
            changes[MEMBERS] = ",".join(members)
        if not changes or "Update" not in flows:
            return None
        before = {name: target.get(name) for name in changes if name != MEMBERS}
        target.update({name: value for name, value in changes.items() if name != MEMBERS})
        if MEMBERS in changes:
            before[MEMBERS] = ",".join(current)
            self.target.members[target["id"]] = dict.fromkeys(members)
        self.record(Action("update", gid, group, target["id"], changes, before, object_type="Group"))
        return "update"

    def _target_members(self, gid: str) -> list[str]:
        """The target users of the group's direct members that the job has synced."""
        provisioned = self.job.provisioned
        return [provisioned[uid] for uid in self.source.members.get(gid, {}) if uid in provisioned and provisioned[uid] in self.target.users]

    def _remove_group(self, gid: str) -> None:
        target_id = self.job.provisioned_groups.get(gid)
        if "Delete" not in self.job.group_mapping.flow_types:
            return
        self.job.provisioned_groups.pop(gid, None)
        if target_id in self.target.groups:
            delete_group(self.state, self.target, target_id)
            self.record(Action("delete", gid, self.source.groups.get(gid), target_id, {}, object_type="Group"))

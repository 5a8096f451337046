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

from typing import TYPE_CHECKING

from ..graph.directory import add_member, create_group, delete_group
from .action import Action
from .schema import GROUP_ATTRIBUTES

if TYPE_CHECKING:
    from .cycle import Provisioner

# `members` as the log shows a membership change: the target user ids, comma separated.
MEMBERS = "members"


def group_sync_allowed(run: Provisioner) -> bool:
    policy = run.target.identity_sync.get(run.source.id) or {}
    return bool((policy.get("groupSyncInbound") or {}).get("isSyncAllowed"))


def groups_in_scope(run: Provisioner) -> dict[str, dict]:
    """Security groups assigned to the app (SyncAll puts no group in scope)."""
    if (run.sync.secret("SyncAll") or "").lower() == "true":
        return {}
    source = run.source
    assigned = (a["principalId"] for a in source.assignments.get(run.sp["id"], {}).values())
    return {gid: source.groups[gid] for gid in assigned if gid in source.groups and source.groups[gid].get("securityEnabled")}


def provision_groups(run: Provisioner) -> None:
    """Every group in scope made as its source says; groups that left scope deleted."""
    mapping = run.job.group_mapping
    if not mapping.enabled or not group_sync_allowed(run):
        return
    in_scope = groups_in_scope(run)
    for gid, group in in_scope.items():
        provision_group(run, gid, group)
    for gid in [gid for gid in run.job.provisioned_groups if gid not in in_scope]:
        _remove(run, gid)


def provision_group(run: Provisioner, gid: str, group: dict) -> str | None:
    """Create or update the target group of ``gid``; the logged action (None: already as it should be)."""
    flows = run.job.group_mapping.flow_types
    target_id = run.job.provisioned_groups.get(gid)
    target = run.target.groups.get(target_id) if target_id else None
    desired = {name: group.get(name) for name in GROUP_ATTRIBUTES}
    members = _target_members(run, gid)
    if target is None:
        if "Add" not in flows:
            return None
        created = create_group(run.state, run.target, {**desired, "securityEnabled": True, "mailEnabled": False,
                                                       "mailNickname": desired["mailNickname"] or gid[:8]})
        for member in members:
            add_member(run.target, created["id"], member)
        run.job.provisioned_groups[gid] = created["id"]
        changes = {**desired, MEMBERS: ",".join(members)}
        run.record(Action("create", gid, group, created["id"], changes, object_type="Group"))
        return "create"
    changes = {name: value for name, value in desired.items() if target.get(name) != value}
    current = list(run.target.members[target["id"]])
    if set(current) != set(members):
        changes[MEMBERS] = ",".join(members)
    if not changes or "Update" not in flows:
        return None
    before = {name: target.get(name) for name in changes if name != MEMBERS}
    target.update({name: value for name, value in changes.items() if name != MEMBERS})
    if MEMBERS in changes:
        before[MEMBERS] = ",".join(current)
        run.target.members[target["id"]] = dict.fromkeys(members)
    run.record(Action("update", gid, group, target["id"], changes, before, object_type="Group"))
    return "update"


def _target_members(run: Provisioner, gid: str) -> list[str]:
    """The target users of the group's direct members that the job has synced."""
    provisioned = run.job.provisioned
    return [provisioned[uid] for uid in run.source.members.get(gid, {}) if uid in provisioned and provisioned[uid] in run.target.users]


def _remove(run: Provisioner, gid: str) -> None:
    target_id = run.job.provisioned_groups.get(gid)
    if "Delete" not in run.job.group_mapping.flow_types:
        return
    run.job.provisioned_groups.pop(gid, None)
    if target_id in run.target.groups:
        delete_group(run.state, run.target, target_id)
        run.record(Action("delete", gid, run.source.groups.get(gid), target_id, {}, object_type="Group"))

"""Group provisioning (preview), as Microsoft documents it: the job's group object mapping enabled
and the target's beta `groupSyncInbound` allowing it make the assigned security groups arrive in the
target with their synced members, follow renames and membership, and go when they leave scope;
provisionOnDemand of a Group subject with `links.members` (the documented example 3)
(https://learn.microsoft.com/en-us/entra/identity/multi-tenant-organizations/cross-tenant-synchronization-overview,
https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-provisionondemand)."""
from __future__ import annotations

import asyncio
import json

from msgraph.generated.models.group import Group
from msgraph.generated.models.synchronization_job_application_parameters import SynchronizationJobApplicationParameters
from msgraph.generated.models.synchronization_job_subject import SynchronizationJobSubject
from msgraph.generated.service_principals.item.synchronization.jobs.item.provision_on_demand.provision_on_demand_post_request_body import (
    ProvisionOnDemandPostRequestBody,
)

from .flows import (
    ADELE,
    ALEX,
    CONTOSO,
    FABRIKAM,
    SALES,
    SYNC_POLICY,
    assign,
    beta,
    get_schema,
    job_builder,
    put_schema,
    raw,
    ready_pair,
)


def allow_group_sync(emulator) -> None:
    status, _ = beta(emulator, "PATCH", SYNC_POLICY, FABRIKAM, {"groupSyncInbound": {"isSyncAllowed": True}})
    assert status == 204


async def enable_group_mapping(source, config) -> None:
    schema = await get_schema(source, config.sp_id, config.job_id)
    [group_mapping] = [m for m in schema["synchronizationRules"][0]["objectMappings"] if m["sourceObjectName"] == "Group"]
    assert group_mapping["enabled"] is False, "off in the template"
    group_mapping["enabled"] = True
    await put_schema(source, config.sp_id, config.job_id, schema)


async def deployed(seeded, graph_client, group_sync: bool = True):
    source, target = graph_client(CONTOSO), graph_client(FABRIKAM)
    config = await ready_pair(source, target)
    assignment = await assign(source, config, SALES)
    if group_sync:
        await enable_group_mapping(source, config)
        allow_group_sync(seeded)
    return source, target, config, assignment


async def target_groups(target) -> dict[str, list[str]]:
    groups = (await target.groups.get()).value
    found = {}
    for group in groups:
        members = (await target.groups.by_group_id(group.id).members.get()).value
        found[group.display_name] = sorted(m.display_name for m in members)
        assert group.security_enabled is True and group.mail_enabled is False
    return found


def test_group_sync_inbound_is_beta_only(seeded, graph_client):
    asyncio.run(deployed(seeded, graph_client, group_sync=False))
    token = seeded.admin.token(FABRIKAM)
    status, _, refused = raw(seeded, "PATCH", SYNC_POLICY, token, {"groupSyncInbound": {"isSyncAllowed": True}})
    assert status == 400 and "groupSyncInbound" in refused["error"]["message"]
    assert beta(seeded, "GET", SYNC_POLICY, FABRIKAM)[1]["groupSyncInbound"] is None
    allow_group_sync(seeded)
    assert beta(seeded, "GET", SYNC_POLICY, FABRIKAM)[1]["groupSyncInbound"] == {"isSyncAllowed": True}
    _, _, v1 = raw(seeded, "GET", SYNC_POLICY, token)
    assert "groupSyncInbound" not in v1
    status, _, _ = raw(seeded, "GET", "/users", token)
    assert status == 200 and beta(seeded, "GET", "/users", FABRIKAM)[0] == 400, "beta serves only what ctsync needs"


def test_an_assigned_group_arrives_with_its_synced_members_and_follows_the_source(seeded, graph_client):
    async def scenario():
        source, target, config, assignment = await deployed(seeded, graph_client)
        seeded.admin.run_sync()
        created = await target_groups(target)
        await source.groups.by_group_id(SALES).patch(Group(display_name="Sales EMEA", description="EMEA sales"))
        await source.groups.by_group_id(SALES).members.by_directory_object_id(ALEX).ref.delete()
        seeded.admin.run_sync()
        changed = await target_groups(target)
        sp = source.service_principals.by_service_principal_id(config.sp_id)
        await sp.app_role_assigned_to.by_app_role_assignment_id(assignment).delete()
        seeded.admin.run_sync()
        job = await job_builder(source, config.sp_id, config.job_id).get()
        return created, changed, await target_groups(target), job, (await source.audit_logs.provisioning.get()).value

    created, changed, after, job, log = asyncio.run(scenario())
    assert created == {"Sales": ["Adele Vance", "Alex Wilber"]}
    assert changed == {"Sales EMEA": ["Adele Vance"]}, "renamed, and Alex (out of scope) is no longer a member"
    assert after == {}, "a group that leaves scope is deleted from the target"
    groups = [(e.provisioning_action.value, e.source_identity.identity_type) for e in reversed(log)
              if e.source_identity.identity_type == "Group"]
    assert groups == [("create", "Group"), ("update", "Group"), ("delete", "Group")]
    assert {pair.key: pair.value for pair in job.status.synchronized_entry_count_by_type} == {"User": 0}


def test_without_group_sync_allowed_no_group_is_made(seeded, graph_client):
    async def scenario():
        source, target, config, _ = await deployed(seeded, graph_client, group_sync=False)
        await enable_group_mapping(source, config)  # the mapping alone is not enough
        seeded.admin.run_sync()
        return await target_groups(target), len((await target.users.get()).value)

    groups, users = asyncio.run(scenario())
    assert groups == {} and users == 2, "users still sync"


def test_provision_on_demand_of_a_group_and_two_of_its_members(seeded, graph_client):
    """The documented example 3: one Group subject with `links.members`; Graph answers value "{}"."""
    async def scenario():
        source, target, config, _ = await deployed(seeded, graph_client)
        subject = SynchronizationJobSubject(object_id=SALES, object_type_name="Group", additional_data={
            "links": {"members": [{"objectId": ADELE, "objectTypeName": "User"}, {"objectId": ALEX, "objectTypeName": "User"}]}})
        body = ProvisionOnDemandPostRequestBody(parameters=[SynchronizationJobApplicationParameters(rule_id="USER_INBOUND_USER", subjects=[subject])])
        answer = await job_builder(source, config.sp_id, config.job_id).provision_on_demand.post(body)
        return answer, await target_groups(target)

    answer, groups = asyncio.run(scenario())
    assert json.loads(answer.key) == {"result": "Success", "details": {}} and answer.value == "{}"
    assert groups == {"Sales": ["Adele Vance", "Alex Wilber"]}

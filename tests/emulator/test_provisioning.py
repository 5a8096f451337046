"""The provisioning cycle (docs/graph-notes.md#schema, #scope, #target-users): what the seed promises, driven through the
real SDK and `POST /_emulator/sync/run`."""
from __future__ import annotations

import asyncio

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.reference_create import ReferenceCreate
from msgraph.generated.models.synchronization_job_application_parameters import SynchronizationJobApplicationParameters
from msgraph.generated.models.synchronization_job_restart_criteria import SynchronizationJobRestartCriteria
from msgraph.generated.models.synchronization_job_subject import SynchronizationJobSubject
from msgraph.generated.models.user import User
from msgraph.generated.service_principals.item.synchronization.jobs.item.provision_on_demand.provision_on_demand_post_request_body import (
    ProvisionOnDemandPostRequestBody,
)
from msgraph.generated.service_principals.item.synchronization.jobs.item.restart.restart_post_request_body import (
    RestartPostRequestBody,
)
from msgraph.generated.users.users_request_builder import UsersRequestBuilder

from .flows import (
    ADELE,
    ALEX,
    CONTOSO,
    FABRIKAM,
    MEGAN,
    SALES,
    assign,
    get_schema,
    job_builder,
    patch_identity_sync,
    put_schema,
    ready_pair,
    user_mapping,
)

TARGET_FIELDS = ["displayName", "userPrincipalName", "userType", "externalUserState", "accountEnabled", "department", "companyName", "mail", "showInAddressList", "identities"]


async def target_users(client) -> dict[str, User]:
    """Fabrikam's users by display name, with the properties sync writes."""
    query = UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(select=TARGET_FIELDS)
    users = await client.users.get(RequestConfiguration(query_parameters=query))
    return {user.display_name: user for user in users.value}


async def set_scope(client, config, *clauses: tuple[str, str, list[str]]) -> None:
    """PUT the schema back with one scoping-filter group of (attribute, operator, values) clauses."""
    schema = await get_schema(client, config.sp_id, config.job_id)
    user_mapping(schema)["scope"] = {"groups": [{"name": "test filter", "clauses": [
        {"operatorName": operator, "sourceOperandName": attribute, "targetOperand": {"values": values}}
        for attribute, operator, values in clauses
    ]}]}
    await put_schema(client, config.sp_id, config.job_id, schema)


async def sales_synced(emulator, graph_client, first_cycle: bool = True):
    """Contoso -> Fabrikam ready and started, the Sales group assigned, and (by default) one cycle run."""
    source, target = graph_client(CONTOSO), graph_client(FABRIKAM)
    config = await ready_pair(source, target)
    await assign(source, config, SALES)
    if first_cycle:
        emulator.admin.run_sync()
    return source, target, config


def only(summaries: list[dict]) -> dict:
    assert len(summaries) == 1
    return summaries[0]


def test_users_appear_as_external_members_with_no_redemption_step(seeded, graph_client):
    async def scenario():
        source, target, config = await sales_synced(seeded, graph_client, first_cycle=False)
        summary = only(seeded.admin.run_sync())
        return summary, await target_users(target), await job_builder(source, config.sp_id, config.job_id).get()

    summary, users, job = asyncio.run(scenario())
    assert (summary["status"], summary["created"]) == ("Succeeded", 2)
    assert set(users) == {"Adele Vance", "Alex Wilber"}
    adele = users["Adele Vance"]
    assert adele.user_type == "Member" and adele.external_user_state == "Accepted"  # no invitation to redeem
    assert adele.user_principal_name == "adele_contoso.onmicrosoft.com#EXT#@fabrikam.onmicrosoft.com"
    assert (adele.department, adele.account_enabled, adele.show_in_address_list) == ("Sales", True, True)
    # Signs in at home: a B2B identity (https://learn.microsoft.com/en-us/graph/api/resources/objectidentity).
    assert [(i.sign_in_type, i.issuer, i.issuer_assigned_id) for i in adele.identities] == [("federated", "ExternalAzureAD", None)]
    assert job.status.code.value == "Active"
    assert (job.status.last_execution.count_exported, job.status.last_execution.state.value) == (2, "Succeeded")
    assert job.status.steady_state_last_achieved_time.year > 1


def test_unchanged_users_cost_nothing_and_a_change_propagates_next_cycle(seeded, graph_client):
    async def scenario():
        source, target, config = await sales_synced(seeded, graph_client)
        quiet = only(seeded.admin.run_sync())
        await source.users.by_user_id(ADELE).patch(User(department="Sales Operations", job_title="Lead"))
        changed = only(seeded.admin.run_sync())
        return quiet, changed, await target_users(target), await source.audit_logs.provisioning.get()

    quiet, changed, users, logs = asyncio.run(scenario())
    assert (quiet["created"], quiet["updated"], quiet["skipped"]) == (0, 0, 2)
    assert (changed["updated"], changed["skipped"]) == (1, 1)
    assert users["Adele Vance"].department == "Sales Operations"
    latest = logs.value[0]  # newest first
    assert latest.provisioning_action.value == "update"
    assert {(p.display_name, p.old_value, p.new_value) for p in latest.modified_properties} >= {("department", "Sales", "Sales Operations")}


async def _remove_from_sales(source, user_id: str) -> None:
    await source.groups.by_group_id(SALES).members.by_directory_object_id(user_id).ref.delete()


# (case, scoping clauses put before the first cycle, change in the source that makes Adele leave)
LEAVING = [
    ("deleted in source", (), lambda source: source.users.by_user_id(ADELE).delete()),
    ("disabled, with accountEnabled IS TRUE filter", (("accountEnabled", "IS TRUE", []),),
     lambda source: source.users.by_user_id(ADELE).patch(User(account_enabled=False))),
    ("fails a scoping filter", (("department", "EQUALS", ["Sales"]),),
     lambda source: source.users.by_user_id(ADELE).patch(User(department="Marketing"))),
    ("removed from the assigned group", (), lambda source: _remove_from_sales(source, ADELE)),
]


@pytest.mark.parametrize("case, clauses, change", LEAVING, ids=[case for case, _, _ in LEAVING])
def test_users_leave_the_target_as_soft_deletes(seeded, graph_client, case, clauses, change):
    async def scenario():
        source, target = graph_client(CONTOSO), graph_client(FABRIKAM)
        config = await ready_pair(source, target)
        if clauses:
            await set_scope(source, config, *clauses)
        await assign(source, config, SALES)
        seeded.admin.run_sync()
        await change(source)
        summary = only(seeded.admin.run_sync())
        deleted = await target.directory.deleted_items.graph_user.get()
        return summary, await target_users(target), deleted, await target.audit_logs.provisioning.get()

    summary, users, deleted, logs = asyncio.run(scenario())
    assert summary["deleted"] == 1
    assert set(users) == {"Alex Wilber"}
    assert [item.display_name for item in deleted.value] == ["Adele Vance"]
    assert logs.value[0].provisioning_action.value == "delete"


def test_a_directly_assigned_user_joins_and_leaves_with_the_assignment(seeded, graph_client):
    async def scenario():
        source, target = graph_client(CONTOSO), graph_client(FABRIKAM)
        config = await ready_pair(source, target)
        assignment = await assign(source, config, MEGAN)  # the user herself, not a group she is in
        joined = only(seeded.admin.run_sync())
        while_assigned = await target_users(target)
        assigned_to = source.service_principals.by_service_principal_id(config.sp_id).app_role_assigned_to
        await assigned_to.by_app_role_assignment_id(assignment).delete()
        left = only(seeded.admin.run_sync())
        deleted = await target.directory.deleted_items.graph_user.get()
        return joined, while_assigned, left, await target_users(target), deleted

    joined, while_assigned, left, users, deleted = asyncio.run(scenario())
    assert joined["created"] == 1 and set(while_assigned) == {"Megan Bowen"}
    assert while_assigned["Megan Bowen"].user_type == "Member"
    assert left["deleted"] == 1 and users == {}
    assert [item.display_name for item in deleted.value] == ["Megan Bowen"]


def test_disabled_user_is_only_blocked_without_a_filter(seeded, graph_client):
    async def scenario():
        source, target, config = await sales_synced(seeded, graph_client)
        await source.users.by_user_id(ALEX).patch(User(account_enabled=False))
        return only(seeded.admin.run_sync()), await target_users(target)

    summary, users = asyncio.run(scenario())
    assert (summary["disabled"], summary["deleted"]) == (1, 0)
    assert users["Alex Wilber"].account_enabled is False


def test_group_membership_changes_scope(seeded, graph_client):
    async def scenario():
        source, target, config = await sales_synced(seeded, graph_client)
        members = source.groups.by_group_id(SALES).members
        await members.ref.post(ReferenceCreate(odata_id=f"https://graph.microsoft.com/v1.0/directoryObjects/{MEGAN}"))
        await _remove_from_sales(source, ALEX)
        return only(seeded.admin.run_sync()), await target_users(target)

    summary, users = asyncio.run(scenario())
    assert (summary["created"], summary["deleted"]) == (1, 1)
    assert set(users) == {"Adele Vance", "Megan Bowen"}


def test_both_tenants_log_each_action(seeded, graph_client):
    async def scenario():
        source, target, config = await sales_synced(seeded, graph_client)
        await source.users.by_user_id(ADELE).patch(User(department="Legal"))
        await _remove_from_sales(source, ALEX)
        seeded.admin.run_sync()
        return config, await source.audit_logs.provisioning.get(), await target.audit_logs.provisioning.get()

    config, source_log, target_log = asyncio.run(scenario())
    actions = lambda log: sorted((e.provisioning_action.value, e.source_identity.display_name) for e in log.value)  # noqa: E731
    expected = [("create", "Adele Vance"), ("create", "Alex Wilber"), ("delete", "Alex Wilber"), ("update", "Adele Vance")]
    assert actions(source_log) == actions(target_log) == expected
    assert {e.tenant_id for e in source_log.value} == {CONTOSO} and {e.tenant_id for e in target_log.value} == {FABRIKAM}
    assert {e.job_id for e in target_log.value} == {config.job_id}
    assert all(e.provisioning_status_info.status.value == "success" for e in target_log.value)


def test_schema_put_re_evaluates_everyone_with_constant_mappings(seeded, graph_client):
    async def scenario():
        source, target, config = await sales_synced(seeded, graph_client)
        schema = await get_schema(source, config.sp_id, config.job_id)
        user_mapping(schema)["attributeMappings"].append({
            "targetAttributeName": "companyName", "flowType": "Always", "matchingPriority": 0,
            "source": {"expression": '"Contoso"', "name": "Contoso", "parameters": [], "type": "Constant"},
        })
        await put_schema(source, config.sp_id, config.job_id, schema)
        return only(seeded.admin.run_sync()), await target_users(target)

    summary, users = asyncio.run(scenario())
    assert summary["updated"] == 2
    assert {user.company_name for user in users.values()} == {"Contoso"}


def test_too_many_deletes_quarantines_until_restart_with_force_deletes(seeded, graph_client):
    async def scenario():
        source, target = graph_client(CONTOSO), graph_client(FABRIKAM)
        config = await ready_pair(source, target, threshold=1)
        assignment = await assign(source, config, SALES)
        seeded.admin.run_sync()
        await source.service_principals.by_service_principal_id(config.sp_id).app_role_assigned_to.by_app_role_assignment_id(assignment).delete()
        held = only(seeded.admin.run_sync())
        still = only(seeded.admin.run_sync())
        job = job_builder(source, config.sp_id, config.job_id)
        quarantined = await job.get()
        await job.restart.post(RestartPostRequestBody(criteria=SynchronizationJobRestartCriteria(additional_data={"resetScope": "ForceDeletes"})))
        forced = only(seeded.admin.run_sync())
        return held, still, quarantined, forced, await target_users(target)

    held, still, quarantined, forced, users = asyncio.run(scenario())
    assert (held["status"], held["staged"], held["deleted"]) == ("Quarantined", 2, 0)
    assert still["status"] == "Quarantined"
    assert quarantined.status.code.value == "Quarantine"
    assert quarantined.status.quarantine.reason.value == "TooManyDeletes"
    assert (forced["status"], forced["deleted"]) == ("Succeeded", 2)
    assert users == {}


def test_sync_is_refused_while_the_target_does_not_allow_it(seeded, graph_client):
    async def scenario():
        source, target, config = await sales_synced(seeded, graph_client, first_cycle=False)
        await patch_identity_sync(target, CONTOSO, allowed=False)
        refused = only(seeded.admin.run_sync())
        job = await job_builder(source, config.sp_id, config.job_id).get()
        await patch_identity_sync(target, CONTOSO, allowed=True)
        waiting = only(seeded.admin.run_sync())
        seeded.admin.advance_clock(6 * 3600)  # the quarantine's first retry
        retried = only(seeded.admin.run_sync())
        return refused, job, waiting, retried, await target_users(target)

    refused, job, waiting, retried, users = asyncio.run(scenario())
    assert refused["status"] == "Failed" and refused["created"] == 0
    assert job.status.code.value == "Quarantine"
    assert job.status.quarantine.reason.value == "EncounteredQuarantineException"
    assert job.status.last_execution.error.code == "AzureActiveDirectoryCrossTenantSyncPolicyCheckFailure"
    assert "isSyncAllowed" in job.status.last_execution.error.message
    assert waiting["status"] == "Quarantined"
    assert (retried["status"], retried["created"]) == ("Succeeded", 2)
    assert len(users) == 2


def test_sync_all_scopes_every_internal_member(seeded, graph_client):
    async def scenario():
        source, target = graph_client(CONTOSO), graph_client(FABRIKAM)
        await ready_pair(source, target, sync_all=True)
        return only(seeded.admin.run_sync()), await target_users(target)

    summary, users = asyncio.run(scenario())
    assert summary["created"] == 4 and len(users) == 4


def test_provision_on_demand_works_on_a_paused_job(seeded, graph_client):
    async def scenario():
        source, target, config = await sales_synced(seeded, graph_client, first_cycle=False)
        job = job_builder(source, config.sp_id, config.job_id)
        await job.pause.post()
        body = ProvisionOnDemandPostRequestBody(parameters=[SynchronizationJobApplicationParameters(
            rule_id="USER_INBOUND_USER", subjects=[SynchronizationJobSubject(object_id=ADELE, object_type_name="User")])])
        first = await job.provision_on_demand.post(body)
        second = await job.provision_on_demand.post(body)
        return first, second, await target_users(target), seeded.admin.run_sync()

    first, second, users, summaries = asyncio.run(scenario())
    assert '"result": "Success"' in first.key and '"Create"' in first.value
    assert "RedundantExport" in second.key
    assert set(users) == {"Adele Vance"}
    assert summaries == []  # paused: no cycle runs


def test_provision_on_demand_is_logged_in_both_tenants_skips_included(seeded, graph_client):
    """Graph logs on-demand provisioning in the provisioning logs like a cycle's actions
    (https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-provisionondemand,
    https://learn.microsoft.com/en-us/graph/api/provisioningobjectsummary-list)."""
    async def scenario():
        source, target, config = await sales_synced(seeded, graph_client, first_cycle=False)
        job = job_builder(source, config.sp_id, config.job_id)
        for user in (ADELE, ADELE, MEGAN):  # a create, a redundant one, one out of scope
            await job.provision_on_demand.post(ProvisionOnDemandPostRequestBody(parameters=[SynchronizationJobApplicationParameters(
                rule_id="USER_INBOUND_USER", subjects=[SynchronizationJobSubject(object_id=user, object_type_name="User")])]))
        return [await source.audit_logs.provisioning.get(), await target.audit_logs.provisioning.get()]

    for log in asyncio.run(scenario()):
        entries = [(e.source_identity.id, e.provisioning_action.value, e.provisioning_status_info.status.value,
                    e.provisioning_status_info.error_information.error_code if e.provisioning_status_info.error_information else None)
                   for e in reversed(log.value)]
        assert entries == [(ADELE, "create", "success", None), (ADELE, "other", "skipped", "RedundantExport"),
                           (MEGAN, "other", "skipped", "NotEffectivelyEntitled")]


def test_deleting_the_job_leaves_synced_users_as_they_are(seeded, graph_client):
    async def scenario():
        source, target, config = await sales_synced(seeded, graph_client)
        await job_builder(source, config.sp_id, config.job_id).delete()
        await source.users.by_user_id(ADELE).delete()
        return seeded.admin.run_sync(), await target_users(target)

    summaries, users = asyncio.run(scenario())
    assert summaries == [] and set(users) == {"Adele Vance", "Alex Wilber"}


def test_flow_types_without_delete_keep_users_that_leave(seeded, graph_client):
    async def scenario():
        source, target, config = await sales_synced(seeded, graph_client)
        schema = await get_schema(source, config.sp_id, config.job_id)
        user_mapping(schema)["flowTypes"] = "Add, Update"
        await put_schema(source, config.sp_id, config.job_id, schema)
        await _remove_from_sales(source, ALEX)
        return only(seeded.admin.run_sync()), await target_users(target)

    summary, users = asyncio.run(scenario())
    assert summary["deleted"] == 0 and set(users) == {"Adele Vance", "Alex Wilber"}

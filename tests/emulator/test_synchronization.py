"""`servicePrincipals/{id}/synchronization` endpoints (docs/graph-notes.md#jobs to #on-demand) through the real SDK."""
from __future__ import annotations

import asyncio
import copy

import pytest
from msgraph.generated.models.synchronization_job import SynchronizationJob
from msgraph.generated.models.synchronization_job_restart_criteria import SynchronizationJobRestartCriteria
from msgraph.generated.models.synchronization_schema import SynchronizationSchema
from msgraph.generated.models.synchronization_secret import SynchronizationSecret
from msgraph.generated.models.synchronization_secret_key_string_value_pair import SynchronizationSecretKeyStringValuePair
from msgraph.generated.service_principals.item.synchronization.jobs.item.restart.restart_post_request_body import (
    RestartPostRequestBody,
)
from msgraph.generated.service_principals.item.synchronization.jobs.validate_credentials.validate_credentials_post_request_body import (
    ValidateCredentialsPostRequestBody,
)
from msgraph.generated.service_principals.item.synchronization.secrets.secrets_put_request_body import SecretsPutRequestBody

from .flows import (
    CONTOSO,
    FABRIKAM,
    allow_inbound,
    allow_outbound,
    configure_job,
    get_schema,
    get_secrets,
    job_builder,
    odata_error,
    patch_identity_sync,
    put_schema,
    user_mapping,
)


def _credentials(target_id: str) -> ValidateCredentialsPostRequestBody:
    pairs = [(SynchronizationSecret.CompanyId, target_id), (SynchronizationSecret.AuthenticationType, "SyncPolicy")]
    return ValidateCredentialsPostRequestBody(
        use_saved_credentials=False, template_id="Azure2Azure",
        credentials=[SynchronizationSecretKeyStringValuePair(key=k, value=v) for k, v in pairs],
    )


def test_templates_and_job_lifecycle(seeded, graph_client):
    async def scenario():
        client = graph_client(CONTOSO)
        config = await configure_job(client, FABRIKAM)
        sync = client.service_principals.by_service_principal_id(config.sp_id).synchronization
        templates = await sync.templates.get()
        second = await odata_error(sync.jobs.post(SynchronizationJob(template_id="Azure2Azure")))
        created = await sync.jobs.by_synchronization_job_id(config.job_id).get()
        job = job_builder(client, config.sp_id, config.job_id)
        await job.start.post()
        started = await job.get()
        await job.pause.post()
        paused = await job.get()
        await job.restart.post(RestartPostRequestBody(criteria=SynchronizationJobRestartCriteria(additional_data={"resetScope": "Watermark, Escrows, QuarantineState"})))
        restarted = await job.get()
        listed = await sync.jobs.get()
        await job.delete()
        return config, templates, second, created, started, paused, restarted, listed, await odata_error(job.get()), await sync.jobs.get()

    config, templates, second, created, started, paused, restarted, listed, gone, after = asyncio.run(scenario())
    assert [t.id for t in templates.value] == ["Azure2Azure"]
    assert second.response_status_code == 409
    prefix, tenant_hex, guid = config.job_id.split(".")
    assert prefix == "Azure2Azure" and len(tenant_hex) == 32 and len(guid) == 36
    assert (created.schedule.state.value, created.status.code.value) == ("Disabled", "Paused")
    assert created.schedule.interval.total_seconds() == 2400
    assert (started.schedule.state.value, started.status.code.value) == ("Active", "NotRun")
    assert (paused.schedule.state.value, paused.status.code.value) == ("Disabled", "Paused")
    assert restarted.schedule.state.value == "Active"
    assert [j.id for j in listed.value] == [config.job_id]
    assert gone.response_status_code == 404 and after.value == []


def test_a_template_is_read_by_id_with_its_schema(seeded, graph_client):
    """As https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationtemplate-get shows:
    200 with the template and its schema; the list carries the schema too; an unknown id is 404."""
    async def scenario():
        client = graph_client(CONTOSO)
        config = await configure_job(client, FABRIKAM)
        templates = client.service_principals.by_service_principal_id(config.sp_id).synchronization.templates
        return (await templates.by_synchronization_template_id("Azure2Azure").get(), await templates.get(),
                await odata_error(templates.by_synchronization_template_id("Slack").get()))

    template, listed, unknown = asyncio.run(scenario())
    assert (template.id, template.factory_tag) == ("Azure2Azure", "Azure2Azure")
    assert [rule.name for rule in template.schema.synchronization_rules] == ["USER_INBOUND_USER"]
    assert [t.schema.synchronization_rules[0].name for t in listed.value] == ["USER_INBOUND_USER"]
    assert unknown.response_status_code == 404


# (what the target and source have configured, text the failure must contain)
MISSING = [
    ("nothing", "outboundAllowed"),
    ("source only", "inboundAllowed"),
    ("no inbound sync", "isSyncAllowed"),
]


@pytest.mark.parametrize("setup, named", MISSING, ids=[setup for setup, _ in MISSING])
def test_validate_credentials_names_what_is_missing(seeded, graph_client, setup, named):
    async def scenario():
        source, target = graph_client(CONTOSO), graph_client(FABRIKAM)
        if setup != "nothing":
            await allow_outbound(source, FABRIKAM)
        if setup == "no inbound sync":
            await allow_inbound(target, CONTOSO)
            await patch_identity_sync(target, CONTOSO, allowed=False)
        config = await configure_job(source, FABRIKAM)
        sync = source.service_principals.by_service_principal_id(config.sp_id).synchronization
        return (await odata_error(sync.jobs.validate_credentials.post(_credentials(FABRIKAM))),
                await odata_error(job_builder(source, config.sp_id, config.job_id).validate_credentials.post(_credentials(FABRIKAM))))

    for error in asyncio.run(scenario()):
        assert (error.response_status_code, error.error.code) == (400, "AzureActiveDirectoryCrossTenantSyncPolicyCheckFailure")
        assert named in error.error.message


def test_validate_credentials_passes_when_both_sides_allow(seeded, graph_client):
    async def scenario():
        source, target = graph_client(CONTOSO), graph_client(FABRIKAM)
        await allow_inbound(target, CONTOSO)
        await allow_outbound(source, FABRIKAM)
        config = await configure_job(source, FABRIKAM)
        sync = source.service_principals.by_service_principal_id(config.sp_id).synchronization
        saved = ValidateCredentialsPostRequestBody(use_saved_credentials=True, template_id="Azure2Azure")
        return (await sync.jobs.validate_credentials.post(_credentials(FABRIKAM)),
                await job_builder(source, config.sp_id, config.job_id).validate_credentials.post(saved))

    assert asyncio.run(scenario()) == (None, None)  # 204 both ways


def test_secrets_put_replaces_the_set_and_get_masks_sensitive_values(seeded, graph_client):
    async def scenario():
        client = graph_client(CONTOSO)
        config = await configure_job(client, FABRIKAM)
        secrets = client.service_principals.by_service_principal_id(config.sp_id).synchronization.secrets
        first = await get_secrets(client, config.sp_id)
        await secrets.put(SecretsPutRequestBody(value=[
            SynchronizationSecretKeyStringValuePair(key=SynchronizationSecret.CompanyId, value=FABRIKAM),
            SynchronizationSecretKeyStringValuePair(key=SynchronizationSecret.SecretToken, value="hunter2"),
        ]))
        return first, await get_secrets(client, config.sp_id)

    first, replaced = asyncio.run(scenario())
    assert set(first) == {"AuthenticationType", "CompanyId", "SyncNotificationSettings", "SyncAll"}
    assert first["CompanyId"] == FABRIKAM and first["SyncAll"] == "false"
    assert replaced == {"CompanyId": FABRIKAM, "SecretToken": "*"}


def test_schema_get_put_patch_and_filter_operators(seeded, graph_client):
    async def scenario():
        client = graph_client(CONTOSO)
        config = await configure_job(client, FABRIKAM)
        job = job_builder(client, config.sp_id, config.job_id)
        schema = await get_schema(client, config.sp_id, config.job_id)
        typed = await job.schema.get()
        mapping = user_mapping(schema)
        mapping["attributeMappings"] = [m for m in mapping["attributeMappings"] if m["targetAttributeName"] != "jobTitle"]
        await put_schema(client, config.sp_id, config.job_id, schema)
        replaced = await get_schema(client, config.sp_id, config.job_id)
        patched = await odata_error(job.schema.patch(SynchronizationSchema()))
        bad = copy.deepcopy(schema)
        user_mapping(bad)["attributeMappings"][0]["matchingPriority"] = 0
        invalid = await odata_error(put_schema(client, config.sp_id, config.job_id, bad))
        operators = await job.schema.filter_operators.get()
        return schema, typed, replaced, patched, invalid, operators

    schema, typed, replaced, patched, invalid, operators = asyncio.run(scenario())
    rule = schema["synchronizationRules"][0]
    assert (rule["id"], rule["name"]) == ("USER_INBOUND_USER", "USER_INBOUND_USER")
    assert [d["name"] for d in schema["directories"]] == ["Azure Active Directory", "Azure Active Directory (target tenant)"]
    mapping = rule["objectMappings"][0]
    assert (mapping["name"], mapping["flowTypes"]) == ("Provision Azure Active Directory Users", "Add, Update, Delete")
    targets = {m["targetAttributeName"]: m for m in mapping["attributeMappings"]}
    assert targets["userType"]["source"] == {"expression": '"Member"', "name": "Member", "parameters": [], "type": "Constant"}
    assert targets["alternativeSecurityIds"]["matchingPriority"] == 1
    assert {"accountEnabled", "displayName", "givenName", "surname", "mail", "userPrincipalName", "department", "showInAddressList"} <= set(targets)
    assert typed.synchronization_rules[0].object_mappings[0].name == "Provision Azure Active Directory Users"
    assert "jobTitle" not in {m["targetAttributeName"] for m in user_mapping(replaced)["attributeMappings"]}
    assert patched.response_status_code == 404 and "No HTTP resource was found that matches the request URI" in patched.error.message
    assert invalid.response_status_code == 400
    assert {"IS TRUE", "IS FALSE", "EQUALS", "NOT EQUALS", "IS NULL", "REGEX MATCH"} <= {o.additional_data["name"] for o in operators.value}  # the SDK model lacks `name`


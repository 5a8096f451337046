"""Graph calls the emulator tests share, made with the real msgraph-sdk: the setup flow (docs/graph-notes.md#flow),
and hand-built requests for the four SDK gaps (docs/graph-notes.md#sdk-gaps)."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from uuid import UUID

import pytest
from kiota_abstractions.method import Method
from kiota_abstractions.request_information import RequestInformation
from msgraph import GraphServiceClient
from msgraph.generated.application_templates.item.instantiate.instantiate_post_request_body import InstantiatePostRequestBody
from msgraph.generated.models.app_role_assignment import AppRoleAssignment
from msgraph.generated.models.cross_tenant_access_policy_configuration_partner import CrossTenantAccessPolicyConfigurationPartner
from msgraph.generated.models.cross_tenant_identity_sync_policy_partner import CrossTenantIdentitySyncPolicyPartner
from msgraph.generated.models.cross_tenant_user_sync_inbound import CrossTenantUserSyncInbound
from msgraph.generated.models.inbound_outbound_policy_configuration import InboundOutboundPolicyConfiguration
from msgraph.generated.models.multi_tenant_organization import MultiTenantOrganization
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.synchronization_job import SynchronizationJob
from msgraph.generated.models.synchronization_schema import SynchronizationSchema
from msgraph.generated.models.synchronization_secret import SynchronizationSecret
from msgraph.generated.models.synchronization_secret_key_string_value_pair import SynchronizationSecretKeyStringValuePair
from msgraph.generated.service_principals.item.synchronization.secrets.secrets_put_request_body import SecretsPutRequestBody

CONTOSO = "11111111-1111-4111-8111-111111111111"
FABRIKAM = "22222222-2222-4222-8222-222222222222"
NORTHWIND = "33333333-3333-4333-8333-333333333333"
SALES = "aaaaaaaa-0000-4000-8000-000000000001"
CTS_TEMPLATE = "518e5f48-1fc8-4c48-9387-9fdf28b0dfe7"
ERRORS = {"XXX": ODataError}


def _user(number: int, name: str, department: str, **extra) -> dict:
    first, last = name.split()
    return {
        "id": f"c0000000-0000-4000-8000-{number:012d}",
        "userPrincipalName": f"{first.lower()}@contoso.onmicrosoft.com",
        "displayName": name, "givenName": first, "surname": last,
        "mail": f"{first.lower()}@contoso.onmicrosoft.com", "department": department, "jobTitle": "Specialist",
        **extra,
    }


ADELE, ALEX, MEGAN, LYNNE = (f"c0000000-0000-4000-8000-{n:012d}" for n in (1, 2, 3, 4))


def two_tenants() -> dict:
    """Contoso (source: Sales = Adele + Alex; Megan and Lynne outside) and an empty Fabrikam."""
    return {
        "tenants": [
            {
                "tenantId": CONTOSO, "displayName": "Contoso", "domains": ["contoso.onmicrosoft.com"],
                "users": [_user(1, "Adele Vance", "Sales"), _user(2, "Alex Wilber", "Sales"),
                          _user(3, "Megan Bowen", "Marketing"), _user(4, "Lynne Robbins", "Finance")],
                "groups": [{"id": SALES, "displayName": "Sales", "members": [ADELE, ALEX]}],
            },
            {"tenantId": FABRIKAM, "displayName": "Fabrikam", "domains": ["fabrikam.onmicrosoft.com"]},
            {"tenantId": NORTHWIND, "displayName": "Northwind", "domains": ["northwind.onmicrosoft.com"]},
        ]
    }


def raw(emulator, method: str, path: str, token: str | None = None, body: dict | None = None, version: str = "v1.0"):
    """(status, headers, json body) of one request, without the SDK in between."""
    url = f"{emulator.base_url}/{version}{path}"
    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode())
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    request.add_header("client-request-id", "test-client-request")
    try:
        with urllib.request.urlopen(request) as response:
            payload = response.read()
            return response.status, response.headers, json.loads(payload) if payload else None
    except urllib.error.HTTPError as err:
        return err.code, err.headers, json.loads(err.read())


async def odata_error(awaitable) -> ODataError:
    with pytest.raises(ODataError) as raised:
        await awaitable
    return raised.value


def partner_of(client: GraphServiceClient, tenant_id: str):
    return client.policies.cross_tenant_access_policy.partners.by_cross_tenant_access_policy_configuration_partner_tenant_id(tenant_id)


# -- the four SDK gaps (docs/graph-notes.md#sdk-gaps) -----------------------------------------------------
async def patch_identity_sync(client: GraphServiceClient, partner_id: str, allowed: bool) -> None:
    builder = partner_of(client, partner_id).identity_synchronization
    request = builder.to_put_request_information(
        CrossTenantIdentitySyncPolicyPartner(user_sync_inbound=CrossTenantUserSyncInbound(is_sync_allowed=allowed))
    )
    request.http_method = Method.PATCH
    await client.request_adapter.send_no_response_content_async(request, ERRORS)


async def put_mto(client: GraphServiceClient, name: str, description: str = "") -> MultiTenantOrganization:
    builder = client.tenant_relationships.multi_tenant_organization
    request = builder.to_patch_request_information(MultiTenantOrganization(display_name=name, description=description))
    request.http_method = Method.PUT
    return await client.request_adapter.send_async(request, MultiTenantOrganization, ERRORS)


def job_builder(client: GraphServiceClient, sp_id: str, job_id: str):
    return client.service_principals.by_service_principal_id(sp_id).synchronization.jobs.by_synchronization_job_id(job_id)


async def get_schema(client: GraphServiceClient, sp_id: str, job_id: str) -> dict:
    request = job_builder(client, sp_id, job_id).schema.to_get_request_information()
    return json.loads(await client.request_adapter.send_primitive_async(request, "bytes", ERRORS))


async def put_schema(client: GraphServiceClient, sp_id: str, job_id: str, schema: dict) -> None:
    request = job_builder(client, sp_id, job_id).schema.to_patch_request_information(SynchronizationSchema())
    request.http_method = Method.PUT
    request.content = json.dumps(schema).encode()
    await client.request_adapter.send_no_response_content_async(request, ERRORS)


async def get_secrets(client: GraphServiceClient, sp_id: str) -> dict[str, str]:
    secrets = client.service_principals.by_service_principal_id(sp_id).synchronization.secrets
    request = RequestInformation(Method.GET, secrets.url_template, secrets.path_parameters)
    request.headers.try_add("Accept", "application/json")
    body = json.loads(await client.request_adapter.send_primitive_async(request, "bytes", ERRORS))
    return {item["key"]: item["value"] for item in body["value"]}


def user_mapping(schema: dict) -> dict:
    return schema["synchronizationRules"][0]["objectMappings"][0]


# -- the setup flow (docs/graph-notes.md#flow) -------------------------------------------------------------------------
async def allow_inbound(target: GraphServiceClient, source_id: str, sync_allowed: bool = True, redeem: bool = True) -> None:
    partners = target.policies.cross_tenant_access_policy.partners
    await partners.post(CrossTenantAccessPolicyConfigurationPartner(tenant_id=source_id))
    await partner_of(target, source_id).identity_synchronization.put(
        CrossTenantIdentitySyncPolicyPartner(display_name="Source", user_sync_inbound=CrossTenantUserSyncInbound(is_sync_allowed=sync_allowed))
    )
    consent = InboundOutboundPolicyConfiguration(inbound_allowed=redeem)
    await partner_of(target, source_id).patch(CrossTenantAccessPolicyConfigurationPartner(automatic_user_consent_settings=consent))


async def allow_outbound(source: GraphServiceClient, target_id: str) -> None:
    consent = InboundOutboundPolicyConfiguration(outbound_allowed=True)
    await source.policies.cross_tenant_access_policy.partners.post(
        CrossTenantAccessPolicyConfigurationPartner(tenant_id=target_id, automatic_user_consent_settings=consent)
    )


@dataclass
class Configuration:
    sp_id: str
    app_id: str
    job_id: str
    role_id: UUID


def secrets_body(target_id: str, sync_all: bool = False, threshold: int | None = None) -> SecretsPutRequestBody:
    notifications = {"Enabled": False, "DeleteThresholdEnabled": threshold is not None}
    if threshold is not None:
        notifications["DeleteThresholdValue"] = threshold
    pairs = [
        (SynchronizationSecret.AuthenticationType, "SyncPolicy"),
        (SynchronizationSecret.CompanyId, target_id),
        (SynchronizationSecret.SyncNotificationSettings, json.dumps(notifications)),
        (SynchronizationSecret.SyncAll, "true" if sync_all else "false"),
    ]
    return SecretsPutRequestBody(value=[SynchronizationSecretKeyStringValuePair(key=k, value=v) for k, v in pairs])


async def configure_job(source: GraphServiceClient, target_id: str, sync_all: bool = False, threshold: int | None = None) -> Configuration:
    created = await source.application_templates.by_application_template_id(CTS_TEMPLATE).instantiate.post(
        InstantiatePostRequestBody(display_name="Fabrikam")
    )
    sp = created.service_principal
    sync = source.service_principals.by_service_principal_id(sp.id).synchronization
    job = await sync.jobs.post(SynchronizationJob(template_id="Azure2Azure"))
    await sync.secrets.put(secrets_body(target_id, sync_all, threshold))
    role_id = next(role.id for role in sp.app_roles if role.display_name == "msiam_access")
    return Configuration(sp.id, created.application.id, job.id, role_id)


async def assign(source: GraphServiceClient, config: Configuration, principal_id: str) -> str:
    assignment = await source.service_principals.by_service_principal_id(config.sp_id).app_role_assigned_to.post(
        AppRoleAssignment(principal_id=UUID(principal_id), resource_id=UUID(config.sp_id), app_role_id=config.role_id)
    )
    return assignment.id


async def ready_pair(source: GraphServiceClient, target: GraphServiceClient, **job_options) -> Configuration:
    """Target allows inbound, source allows outbound, a configured and started job."""
    await allow_inbound(target, CONTOSO)
    await allow_outbound(source, FABRIKAM)
    config = await configure_job(source, FABRIKAM, **job_options)
    await job_builder(source, config.sp_id, config.job_id).start.post()
    return config


# -- beta (groupSyncInbound only) ------------------------------------------------------------------
SYNC_POLICY = f"/policies/crossTenantAccessPolicy/partners/{CONTOSO}/identitySynchronization"


def beta(emulator, method: str, path: str, tenant: str, body: dict | None = None) -> tuple[int, dict | None]:
    status, _, answer = raw(emulator, method, path, emulator.admin.token(tenant), body, version="beta")
    return status, answer

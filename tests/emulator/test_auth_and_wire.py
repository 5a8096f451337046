"""Authentication, permissions and Graph's wire format, seen through the real msgraph-sdk and raw HTTP."""
from __future__ import annotations

import asyncio
import base64
import json
import time

import pytest
from msgraph.generated.application_templates.item.instantiate.instantiate_post_request_body import InstantiatePostRequestBody
from msgraph.generated.models.app_role_assignment import AppRoleAssignment
from msgraph.generated.models.cross_tenant_access_policy_configuration_partner import CrossTenantAccessPolicyConfigurationPartner
from msgraph.generated.models.cross_tenant_identity_sync_policy_partner import CrossTenantIdentitySyncPolicyPartner
from msgraph.generated.models.cross_tenant_user_sync_inbound import CrossTenantUserSyncInbound
from msgraph.generated.models.synchronization_job import SynchronizationJob

from .flows import CONTOSO, CTS_TEMPLATE, FABRIKAM, odata_error, partner_of, put_mto, raw

GRAPH = "https://graph.microsoft.com"


def _unsigned(claims: dict) -> str:
    encode = lambda part: base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{encode({'alg': 'none'})}.{encode(claims)}."


@pytest.mark.parametrize(
    "token, message",
    [
        (None, "Access token is empty."),
        ("not-a-jwt", "JWT is not well formed"),
        ("a.%%%.b", "Unable to decode the payload"),
        (_unsigned({"tid": CONTOSO, "roles": [], "aud": GRAPH, "exp": time.time() - 10}), "token is expired"),
        # Built when the tests are collected: valid for long enough however late in the session it runs.
        (_unsigned({"tid": "99999999-9999-4999-8999-999999999999", "roles": [], "aud": GRAPH, "exp": time.time() + 3600}),
         "is not hosted"),
        (_unsigned({"tid": CONTOSO, "roles": [], "aud": "https://management.azure.com", "exp": time.time() + 3600}),
         "Invalid audience"),
    ],
    ids=["missing", "garbled", "undecodable", "expired", "unknown-tenant", "not-for-graph"],
)
def test_bad_tokens_get_401_invalid_authentication_token(seeded, token, message):
    status, headers, body = raw(seeded, "GET", "/policies/crossTenantAccessPolicy/default", token)
    assert status == 401
    assert body["error"]["code"] == "InvalidAuthenticationToken"
    assert message in body["error"]["message"]
    assert headers["WWW-Authenticate"].startswith("Bearer")


def test_error_body_has_graph_shape_and_json_content_type(seeded):
    token = seeded.admin.token(CONTOSO)
    status, headers, body = raw(seeded, "GET", f"/policies/crossTenantAccessPolicy/partners/{FABRIKAM}", token)
    assert status == 404
    assert headers["Content-Type"] == "application/json"
    error = body["error"]
    assert error["code"] == "Request_ResourceNotFound"
    assert set(error["innerError"]) == {"date", "request-id", "client-request-id"}
    assert error["innerError"]["client-request-id"] == "test-client-request"
    assert headers["request-id"] == error["innerError"]["request-id"]


@pytest.mark.parametrize(
    "method, path, status, code",
    [
        ("GET", "/nonsense", 400, "BadRequest"),
        ("DELETE", "/policies/crossTenantAccessPolicy/default", 405, "Request_BadRequest"),
        ("GET", "/users?$filter=displayName zz 'x'", 400, "Request_UnsupportedQuery"),
    ],
)
def test_unknown_segments_methods_and_queries(seeded, method, path, status, code):
    got_status, _, body = raw(seeded, method, path.replace(" ", "%20"), seeded.admin.token(CONTOSO))
    assert (got_status, body["error"]["code"]) == (status, code)


# (what is called, SDK call on a Contoso client, roles granted, permission the 403 must name)
DENIED = [
    ("read-default-policy", lambda c: c.policies.cross_tenant_access_policy.default.get(), ["User.Read.All"], "Policy.Read.All"),
    ("create-partner", lambda c: c.policies.cross_tenant_access_policy.partners.post(CrossTenantAccessPolicyConfigurationPartner(tenant_id=FABRIKAM)),
     ["Policy.Read.All"], "Policy.ReadWrite.CrossTenantAccess"),
    ("put-identity-sync", lambda c: partner_of(c, FABRIKAM).identity_synchronization.put(
        CrossTenantIdentitySyncPolicyPartner(user_sync_inbound=CrossTenantUserSyncInbound(is_sync_allowed=True))),
     ["Policy.Read.All"], "Policy.ReadWrite.CrossTenantAccess"),
    ("read-mto", lambda c: c.tenant_relationships.multi_tenant_organization.get(), ["Policy.Read.All"], "MultiTenantOrganization.Read.All"),
    ("put-mto", lambda c: put_mto(c, "Contoso MTO"), ["MultiTenantOrganization.Read.All"], "MultiTenantOrganization.ReadWrite.All"),
    ("list-users", lambda c: c.users.get(), ["Group.Read.All"], "User.Read.All"),
    ("list-groups", lambda c: c.groups.get(), ["User.Read.All"], "GroupMember.Read.All"),
    ("list-applications", lambda c: c.applications.get(), ["User.Read.All"], "Application.Read.All"),
    ("instantiate-cts-app", lambda c: c.application_templates.by_application_template_id(CTS_TEMPLATE).instantiate.post(
        InstantiatePostRequestBody(display_name="Fabrikam")), ["Application.Read.All"], "Application.ReadWrite.OwnedBy"),
    ("list-jobs", lambda c: c.service_principals.by_service_principal_id(CONTOSO).synchronization.jobs.get(), ["Application.Read.All"], "Synchronization.Read.All"),
    ("create-job", lambda c: c.service_principals.by_service_principal_id(CONTOSO).synchronization.jobs.post(SynchronizationJob(template_id="Azure2Azure")),
     ["Synchronization.Read.All"], "Synchronization.ReadWrite.All"),
    ("assign-principal", lambda c: c.service_principals.by_service_principal_id(CONTOSO).app_role_assigned_to.post(AppRoleAssignment()), ["Application.Read.All"], "AppRoleAssignment.ReadWrite.All"),
    ("read-provisioning-logs", lambda c: c.audit_logs.provisioning.get(), ["Directory.ReadWrite.All"], "AuditLog.Read.All"),
]


@pytest.mark.parametrize("call, roles, named", [row[1:] for row in DENIED], ids=[row[0] for row in DENIED])
def test_missing_permission_gets_403_naming_it(seeded, graph_client, call, roles, named):
    async def scenario():
        return await odata_error(call(graph_client(CONTOSO, roles)))

    error = asyncio.run(scenario())
    assert error.response_status_code == 403
    assert error.error.code == "Authorization_RequestDenied"
    assert named in error.error.message


def test_a_higher_permission_implies_the_read(seeded, graph_client):
    async def scenario():
        client = graph_client(CONTOSO, ["Policy.ReadWrite.CrossTenantAccess"])
        return await client.policies.cross_tenant_access_policy.default.get()

    assert asyncio.run(scenario()).is_service_default is True


def test_token_without_roles_carries_every_permission(seeded, graph_client):
    async def scenario():
        client = graph_client(CONTOSO)
        return await client.audit_logs.provisioning.get(), await client.users.get()

    logs, users = asyncio.run(scenario())
    assert logs.value == [] and len(users.value) == 4


def test_requests_are_logged_with_tenant_status_and_masked_secrets(seeded):
    token = seeded.admin.token(CONTOSO)
    raw(seeded, "GET", "/users", token)
    raw(seeded, "GET", "/users")
    raw(seeded, "PUT", f"/servicePrincipals/{CONTOSO}/synchronization/secrets", token,
        {"value": [{"key": "SecretToken", "value": "s3cret"}, {"key": "CompanyId", "value": FABRIKAM}]})
    log = seeded.admin.requests()
    assert [(entry["method"], entry["path"], entry["tenantId"], entry["status"]) for entry in log] == [
        ("GET", "/v1.0/users", CONTOSO, 200),
        ("GET", "/v1.0/users", None, 401),
        ("PUT", f"/v1.0/servicePrincipals/{CONTOSO}/synchronization/secrets", CONTOSO, 404),
    ]
    assert "s3cret" not in json.dumps(log)
    assert log[2]["body"]["value"] == [{"key": "SecretToken", "value": "*"}, {"key": "CompanyId", "value": FABRIKAM}]
    assert all(entry["time"].endswith("Z") for entry in log)
    seeded.admin.clear_requests()
    assert seeded.admin.requests() == []


def test_the_body_of_a_request_no_route_serves_is_not_logged(seeded):
    """The route table says how each body is logged (secrets masked); an unknown path gets a 400
    and its body, whatever it holds, stays out of the log."""
    token = seeded.admin.token(CONTOSO)
    status, _, _ = raw(seeded, "PUT", f"/servicePrincipals/{CONTOSO}/synchronization/secretz", token,
                       {"value": [{"key": "SecretToken", "value": "s3cret"}]})
    credentials = {"credentials": [{"key": "ClientSecret", "value": "s3cret"}, {"key": "CompanyId", "value": FABRIKAM}]}
    raw(seeded, "POST", f"/servicePrincipals/{CONTOSO}/synchronization/jobs/validateCredentials", token, credentials)
    unrouted, validated = seeded.admin.requests()
    assert status == 400 and unrouted["body"] is None
    assert validated["body"]["credentials"] == [{"key": "ClientSecret", "value": "*"}, {"key": "CompanyId", "value": FABRIKAM}]
    assert "s3cret" not in json.dumps(seeded.admin.requests())

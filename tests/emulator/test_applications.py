"""The configuration app (docs/graph-notes.md#configuration-app) and app role assignments (#scope)."""
from __future__ import annotations

import asyncio
from uuid import UUID

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.application_templates.item.instantiate.instantiate_post_request_body import InstantiatePostRequestBody
from msgraph.generated.applications.applications_request_builder import ApplicationsRequestBuilder
from msgraph.generated.models.app_role_assignment import AppRoleAssignment
from msgraph.generated.models.application import Application
from msgraph.generated.service_principals.service_principals_request_builder import ServicePrincipalsRequestBuilder

from .flows import ADELE, CONTOSO, CTS_TEMPLATE, SALES, odata_error, raw


def _filter(query_parameters, expression: str):
    return RequestConfiguration(query_parameters=query_parameters(filter=expression))


def test_instantiate_creates_app_and_service_principal_with_msiam_access(seeded, graph_client):
    async def scenario():
        client = graph_client(CONTOSO)
        template = client.application_templates.by_application_template_id(CTS_TEMPLATE)
        first = await template.instantiate.post(InstantiatePostRequestBody(display_name="Fabrikam"))
        second = await template.instantiate.post(InstantiatePostRequestBody(display_name="Northwind"))
        unknown = await odata_error(client.application_templates.by_application_template_id(SALES).instantiate.post(
            InstantiatePostRequestBody(display_name="x")))
        return first, second, unknown

    first, second, unknown = asyncio.run(scenario())
    app, sp = first.application, first.service_principal
    assert app.application_template_id == CTS_TEMPLATE and app.sign_in_audience == "AzureADMyOrg"
    assert [role.display_name for role in app.app_roles] == ["msiam_access"]
    assert sp.app_id == app.app_id and sp.app_role_assignment_required is True
    assert sp.service_principal_type == "Application" and "WindowsAzureActiveDirectoryIntegratedApp" in sp.tags
    assert [role.id for role in sp.app_roles] == [role.id for role in app.app_roles]
    assert sp.app_roles[0].id != second.service_principal.app_roles[0].id  # fresh per instance
    assert unknown.response_status_code == 404


def test_applications_and_service_principals_get_list_filter_patch_delete(seeded, graph_client):
    async def scenario():
        client = graph_client(CONTOSO)
        created = await client.application_templates.by_application_template_id(CTS_TEMPLATE).instantiate.post(
            InstantiatePostRequestBody(display_name="Fabrikam"))
        await client.application_templates.by_application_template_id(CTS_TEMPLATE).instantiate.post(
            InstantiatePostRequestBody(display_name="Other"))
        app, sp = created.application, created.service_principal
        by_name = await client.applications.get(_filter(ApplicationsRequestBuilder.ApplicationsRequestBuilderGetQueryParameters, "displayName eq 'Fabrikam'"))
        by_app_id = await client.service_principals.get(_filter(ServicePrincipalsRequestBuilder.ServicePrincipalsRequestBuilderGetQueryParameters, f"appId eq '{app.app_id}'"))
        with_app_id = await client.service_principals_with_app_id(app.app_id).get()
        await client.applications.by_application_id(app.id).patch(Application(display_name="Fabrikam sync"))
        renamed = await client.applications.by_application_id(app.id).get()
        fetched_sp = await client.service_principals.by_service_principal_id(sp.id).get()
        await client.applications.by_application_id(app.id).delete()
        app_gone = await odata_error(client.applications.by_application_id(app.id).get())
        sp_gone = await odata_error(client.service_principals.by_service_principal_id(sp.id).get())
        deleted = await client.directory.deleted_items.graph_application.get()
        return app, sp, by_name, by_app_id, with_app_id, renamed, fetched_sp, app_gone, sp_gone, deleted

    app, sp, by_name, by_app_id, with_app_id, renamed, fetched_sp, app_gone, sp_gone, deleted = asyncio.run(scenario())
    assert [a.id for a in by_name.value] == [app.id]
    assert [s.id for s in by_app_id.value] == [sp.id] and with_app_id.id == sp.id
    assert renamed.display_name == "Fabrikam sync" and fetched_sp.display_name == "Fabrikam"
    assert app_gone.response_status_code == 404 and sp_gone.response_status_code == 404
    assert [item.id for item in deleted.value] == [app.id]


def test_app_role_assignments_post_get_delete_and_errors(seeded, graph_client):
    async def scenario():
        client = graph_client(CONTOSO)
        created = await client.application_templates.by_application_template_id(CTS_TEMPLATE).instantiate.post(
            InstantiatePostRequestBody(display_name="Fabrikam"))
        sp = created.service_principal
        assigned_to = client.service_principals.by_service_principal_id(sp.id).app_role_assigned_to

        def body(principal: str, role: UUID = sp.app_roles[0].id) -> AppRoleAssignment:
            return AppRoleAssignment(principal_id=UUID(principal), resource_id=UUID(sp.id), app_role_id=role)

        group = await assigned_to.post(body(SALES))
        user = await assigned_to.post(body(ADELE))
        duplicate = await odata_error(assigned_to.post(body(ADELE)))
        wrong_role = await odata_error(assigned_to.post(body(ADELE, UUID(CONTOSO))))
        unknown = await odata_error(assigned_to.post(body("99999999-9999-4999-8999-999999999999")))
        listed = await assigned_to.get()
        fetched = await assigned_to.by_app_role_assignment_id(user.id).get()
        await assigned_to.by_app_role_assignment_id(user.id).delete()
        gone = await odata_error(assigned_to.by_app_role_assignment_id(user.id).delete())
        return group, user, duplicate, wrong_role, unknown, listed, fetched, gone, await assigned_to.get()

    group, user, duplicate, wrong_role, unknown, listed, fetched, gone, after = asyncio.run(scenario())
    assert (group.principal_type, group.principal_display_name) == ("Group", "Sales")
    assert (user.principal_type, str(user.principal_id)) == ("User", ADELE)
    assert duplicate.response_status_code == 400 and "already exists" in duplicate.error.message
    assert wrong_role.response_status_code == 400
    assert unknown.response_status_code == 404
    assert {a.id for a in listed.value} == {group.id, user.id} and fetched.id == user.id
    assert gone.response_status_code == 404
    assert [a.id for a in after.value] == [group.id]


# The properties of the documented instantiate response
# (https://learn.microsoft.com/en-us/graph/api/applicationtemplate-instantiate, example).
DOCUMENTED_APPLICATION = {
    "id", "isFallbackPublicClient", "appId", "applicationTemplateId", "identifierUris", "createdDateTime", "displayName",
    "isDeviceOnlyAuthSupported", "groupMembershipClaims", "optionalClaims", "addIns", "publisherDomain", "signInAudience",
    "tags", "tokenEncryptionKeyId", "api", "appRoles", "publicClient", "info", "keyCredentials", "parentalControlSettings",
    "passwordCredentials", "requiredResourceAccess", "web",
}
DOCUMENTED_SERVICE_PRINCIPAL = {
    "accountEnabled", "addIns", "alternativeNames", "appDisplayName", "appId", "appOwnerOrganizationId",
    "appRoleAssignmentRequired", "appRoles", "displayName", "endpoints", "homepage", "id", "info", "keyCredentials",
    "logoutUrl", "oauth2PermissionScopes", "passwordCredentials", "publisherName", "replyUrls", "servicePrincipalNames",
    "servicePrincipalType", "tags", "tokenEncryptionKeyId",
}


def test_instantiate_answers_every_documented_property(seeded):
    token = seeded.admin.token(CONTOSO)
    status, _, body = raw(seeded, "POST", f"/applicationTemplates/{CTS_TEMPLATE}/instantiate", token, {"displayName": "Fabrikam"})
    assert status == 201
    assert DOCUMENTED_APPLICATION - set(body["application"]) == set()
    assert DOCUMENTED_SERVICE_PRINCIPAL - set(body["servicePrincipal"]) == set()
    assert body["application"]["groupMembershipClaims"] is None and body["application"]["api"]["oauth2PermissionScopes"] == []
    _, _, listed = raw(seeded, "GET", f"/servicePrincipals/{body['servicePrincipal']['id']}", token)
    assert listed["samlSingleSignOnSettings"] is None and listed["loginUrl"] is None


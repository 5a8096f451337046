"""Every Graph endpoint the emulator serves, called once through the real msgraph-sdk (its generated
request builders, or its request adapter for the four requests it does not generate:
docs/graph-notes.md#sdk-gaps). The request log then proves that no route was left out: a route added
to the emulator without a call here fails this test."""
from __future__ import annotations

import asyncio
import re
from uuid import UUID

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.application_templates.item.instantiate.instantiate_post_request_body import InstantiatePostRequestBody
from msgraph.generated.models.app_role_assignment import AppRoleAssignment
from msgraph.generated.models.application import Application
from msgraph.generated.models.cross_tenant_access_policy_configuration_default import CrossTenantAccessPolicyConfigurationDefault
from msgraph.generated.models.cross_tenant_access_policy_configuration_partner import CrossTenantAccessPolicyConfigurationPartner
from msgraph.generated.models.cross_tenant_identity_sync_policy_partner import CrossTenantIdentitySyncPolicyPartner
from msgraph.generated.models.cross_tenant_user_sync_inbound import CrossTenantUserSyncInbound
from msgraph.generated.models.group import Group
from msgraph.generated.models.multi_tenant_organization import MultiTenantOrganization
from msgraph.generated.models.multi_tenant_organization_identity_sync_policy_template import (
    MultiTenantOrganizationIdentitySyncPolicyTemplate,
)
from msgraph.generated.models.multi_tenant_organization_join_request_record import MultiTenantOrganizationJoinRequestRecord
from msgraph.generated.models.multi_tenant_organization_member import MultiTenantOrganizationMember
from msgraph.generated.models.multi_tenant_organization_member_role import MultiTenantOrganizationMemberRole
from msgraph.generated.models.multi_tenant_organization_partner_configuration_template import (
    MultiTenantOrganizationPartnerConfigurationTemplate,
)
from msgraph.generated.models.password_profile import PasswordProfile
from msgraph.generated.models.reference_create import ReferenceCreate
from msgraph.generated.models.reference_update import ReferenceUpdate
from msgraph.generated.models.synchronization_job import SynchronizationJob
from msgraph.generated.models.synchronization_job_application_parameters import SynchronizationJobApplicationParameters
from msgraph.generated.models.synchronization_job_subject import SynchronizationJobSubject
from msgraph.generated.models.synchronization_schema import SynchronizationSchema
from msgraph.generated.models.user import User
from msgraph.generated.service_principals.item.synchronization.jobs.item.provision_on_demand.provision_on_demand_post_request_body import (
    ProvisionOnDemandPostRequestBody,
)
from msgraph.generated.service_principals.item.synchronization.jobs.item.restart.restart_post_request_body import (
    RestartPostRequestBody,
)
from msgraph.generated.service_principals.item.synchronization.jobs.item.validate_credentials.validate_credentials_post_request_body import (
    ValidateCredentialsPostRequestBody as JobValidateCredentials,
)
from msgraph.generated.service_principals.item.synchronization.jobs.validate_credentials.validate_credentials_post_request_body import (
    ValidateCredentialsPostRequestBody,
)

from emulator import graph
from emulator.routing import Router
from emulator.wire import ErrorReply

from .flows import (
    ADELE,
    CONTOSO,
    CTS_TEMPLATE,
    ERRORS,
    FABRIKAM,
    SALES,
    allow_inbound,
    allow_outbound,
    get_schema,
    get_secrets,
    job_builder,
    odata_error,
    partner_of,
    patch_identity_sync,
    put_mto,
    put_schema,
    secrets_body,
)


async def _policies(contoso, fabrikam) -> None:
    policy = contoso.policies.cross_tenant_access_policy
    await policy.get()
    await policy.default.get()
    await policy.default.patch(CrossTenantAccessPolicyConfigurationDefault())
    await policy.default.reset_to_system_default.post()
    await policy.partners.post(CrossTenantAccessPolicyConfigurationPartner(tenant_id="33333333-3333-4333-8333-333333333333"))
    await policy.partners.get()
    partner = partner_of(contoso, "33333333-3333-4333-8333-333333333333")
    await partner.get()
    await partner.patch(CrossTenantAccessPolicyConfigurationPartner(is_service_provider=False))
    await partner.identity_synchronization.put(CrossTenantIdentitySyncPolicyPartner(
        display_name="Northwind", user_sync_inbound=CrossTenantUserSyncInbound(is_sync_allowed=False)))
    await partner.identity_synchronization.get()
    await patch_identity_sync(contoso, "33333333-3333-4333-8333-333333333333", True)
    await partner.identity_synchronization.delete()
    await partner.delete()
    templates = policy.templates
    await templates.multi_tenant_organization_partner_configuration.get()
    await templates.multi_tenant_organization_partner_configuration.patch(MultiTenantOrganizationPartnerConfigurationTemplate())
    await templates.multi_tenant_organization_partner_configuration.reset_to_default_settings.post()
    await templates.multi_tenant_organization_identity_synchronization.patch(MultiTenantOrganizationIdentitySyncPolicyTemplate())
    await allow_inbound(fabrikam, CONTOSO)
    await allow_outbound(contoso, FABRIKAM)


async def _mto(contoso, fabrikam) -> None:
    mto = contoso.tenant_relationships.multi_tenant_organization
    await put_mto(contoso, "Contoso group")
    await mto.get()
    await mto.patch(MultiTenantOrganization(description="all of us"))
    await mto.tenants.post(MultiTenantOrganizationMember(tenant_id=FABRIKAM, display_name="Fabrikam",
                                                         role=MultiTenantOrganizationMemberRole.Member))
    await mto.tenants.get()
    member = mto.tenants.by_multi_tenant_organization_member_id(FABRIKAM)
    await member.get()
    await member.patch(MultiTenantOrganizationMember(role=MultiTenantOrganizationMemberRole.Owner))
    joiner = fabrikam.tenant_relationships.multi_tenant_organization.join_request
    await joiner.patch(MultiTenantOrganizationJoinRequestRecord(added_by_tenant_id=CONTOSO))
    await joiner.get()
    await member.delete()


def _eventual() -> RequestConfiguration:
    """Counting directory objects is an advanced query: it needs `ConsistencyLevel: eventual`."""
    config: RequestConfiguration = RequestConfiguration()
    config.headers.add("ConsistencyLevel", "eventual")
    return config


async def _directory(contoso) -> str:
    created = await contoso.users.post(User(
        account_enabled=True, display_name="Pradeep Gupta", mail_nickname="pradeep", user_principal_name="pradeep@contoso.onmicrosoft.com",
        password_profile=PasswordProfile(password="Passw0rd!Passw0rd!")))
    await contoso.users.get()
    assert await contoso.users.count.get(request_configuration=_eventual()) >= 1
    await contoso.users.by_user_id(created.id).get()
    await contoso.users.by_user_id(created.id).patch(User(department="Sales"))
    manager = contoso.users.by_user_id(created.id).manager
    await manager.ref.put(ReferenceUpdate(odata_id=f"https://graph.microsoft.com/v1.0/users/{ADELE}"))
    assert (await manager.get()).id == ADELE
    await manager.ref.delete()
    group = await contoso.groups.post(Group(display_name="EMEA", mail_enabled=False, mail_nickname="emea", security_enabled=True))
    await contoso.groups.get()
    assert await contoso.groups.count.get(request_configuration=_eventual()) >= 1
    groups = contoso.groups.by_group_id(group.id)
    await groups.get()
    await groups.patch(Group(description="Europe"))
    await groups.members.ref.post(ReferenceCreate(odata_id=f"https://graph.microsoft.com/v1.0/directoryObjects/{created.id}"))
    await groups.members.get()
    assert await groups.members.count.get(request_configuration=_eventual()) == 1
    # A cast of a group's members is an advanced query (https://learn.microsoft.com/en-us/graph/api/group-list-members).
    as_users = groups.members.graph_user
    counted = _eventual()
    counted.query_parameters = as_users.GraphUserRequestBuilderGetQueryParameters(count=True, select=["displayName", "id"])
    assert [user.id for user in (await as_users.get(request_configuration=counted)).value] == [created.id]
    assert await as_users.count.get(request_configuration=_eventual()) == 1
    await groups.members.by_directory_object_id(created.id).ref.delete()
    await groups.delete()
    await contoso.users.by_user_id(created.id).delete()
    deleted = contoso.directory.deleted_items
    # Graph needs a type cast to list deleted items (https://learn.microsoft.com/en-us/graph/api/directory-deleteditems-list).
    assert (await odata_error(deleted.get())).response_status_code == 400
    await deleted.graph_user.get()
    await deleted.by_directory_object_id(created.id).get()
    await deleted.by_directory_object_id(created.id).restore.post()
    await contoso.users.by_user_id(created.id).delete()
    await deleted.by_directory_object_id(created.id).delete()
    return created.id


async def _configuration_app(contoso) -> tuple[str, str, UUID]:
    created = await contoso.application_templates.by_application_template_id(CTS_TEMPLATE).instantiate.post(
        InstantiatePostRequestBody(display_name="Fabrikam"))
    app, sp = created.application, created.service_principal
    await contoso.applications.get()
    assert await contoso.applications.count.get(request_configuration=_eventual()) >= 1
    await contoso.applications.by_application_id(app.id).get()
    await contoso.applications_with_app_id(app.app_id).get()
    await contoso.applications.by_application_id(app.id).patch(Application(notes="ctsync"))
    await contoso.service_principals.get()
    assert await contoso.service_principals.count.get(request_configuration=_eventual()) >= 1
    await contoso.service_principals.by_service_principal_id(sp.id).get()
    await contoso.service_principals_with_app_id(app.app_id).get()
    role = next(r.id for r in sp.app_roles if r.display_name == "msiam_access")
    return app.id, sp.id, role


async def _synchronization(contoso, sp_id: str, role: UUID) -> None:
    principal = contoso.service_principals.by_service_principal_id(sp_id)
    assignment = await principal.app_role_assigned_to.post(AppRoleAssignment(principal_id=UUID(SALES), resource_id=UUID(sp_id), app_role_id=role))
    await principal.app_role_assigned_to.get()
    await principal.app_role_assigned_to.by_app_role_assignment_id(assignment.id).get()
    sync = principal.synchronization
    await sync.templates.get()
    await sync.templates.by_synchronization_template_id("Azure2Azure").get()
    await sync.templates.by_synchronization_template_id("Azure2Azure").schema.get()
    job = await sync.jobs.post(SynchronizationJob(template_id="Azure2Azure"))
    await sync.jobs.get()
    await sync.secrets.put(secrets_body(FABRIKAM))
    await get_secrets(contoso, sp_id)
    await sync.jobs.validate_credentials.post(ValidateCredentialsPostRequestBody(use_saved_credentials=True))
    one = job_builder(contoso, sp_id, job.id)
    await one.get()
    await one.validate_credentials.post(JobValidateCredentials(use_saved_credentials=True))
    schema = await get_schema(contoso, sp_id, job.id)
    await put_schema(contoso, sp_id, job.id, schema)
    assert (await odata_error(one.schema.patch(SynchronizationSchema()))).response_status_code == 404
    await one.schema.filter_operators.get()
    await one.schema.functions.get()
    await one.start.post()
    await one.pause.post()
    await one.restart.post(RestartPostRequestBody())
    await one.provision_on_demand.post(ProvisionOnDemandPostRequestBody(parameters=[SynchronizationJobApplicationParameters(
        rule_id="USER_INBOUND_USER", subjects=[SynchronizationJobSubject(object_id=ADELE, object_type_name="User")])]))
    await contoso.audit_logs.provisioning.get()
    await contoso.audit_logs.directory_audits.get()
    await one.delete()
    await principal.app_role_assigned_to.by_app_role_assignment_id(assignment.id).delete()


async def _tenant_policies(client) -> None:
    """What `ctsync doctor` reads, and how an administrator sets it."""
    from kiota_abstractions.method import Method
    from msgraph.generated.models.allow_invites_from import AllowInvitesFrom
    from msgraph.generated.models.authorization_policy import AuthorizationPolicy
    from msgraph.generated.models.conditional_access_applications import ConditionalAccessApplications
    from msgraph.generated.models.conditional_access_condition_set import ConditionalAccessConditionSet
    from msgraph.generated.models.conditional_access_grant_control import ConditionalAccessGrantControl
    from msgraph.generated.models.conditional_access_grant_controls import ConditionalAccessGrantControls
    from msgraph.generated.models.conditional_access_policy import ConditionalAccessPolicy
    from msgraph.generated.models.conditional_access_policy_state import ConditionalAccessPolicyState
    from msgraph.generated.models.conditional_access_users import ConditionalAccessUsers

    await client.organization.get()
    await client.policies.authorization_policy.get()
    await client.policies.authorization_policy.patch(AuthorizationPolicy(allow_invites_from=AllowInvitesFrom.AdminsAndGuestInviters))
    policies = client.identity.conditional_access.policies
    await policies.post(ConditionalAccessPolicy(
        display_name="MFA for guests", state=ConditionalAccessPolicyState.Enabled,
        conditions=ConditionalAccessConditionSet(users=ConditionalAccessUsers(include_users=["GuestsOrExternalUsers"]),
                                                 applications=ConditionalAccessApplications(include_applications=["All"])),
        grant_controls=ConditionalAccessGrantControls(operator="OR", built_in_controls=[ConditionalAccessGrantControl.Mfa])))
    await policies.get()
    # externalIdentitiesPolicy is beta only: the v1.0 SDK's adapter, addressed to beta.
    beta = client.request_adapter.base_url.rstrip("/").rsplit("/", 1)[0] + "/beta/policies/externalIdentitiesPolicy"
    for method, body in ((Method.GET, None), (Method.PATCH, b'{"allowExternalIdentitiesToLeave": false}')):
        request = client.policies.to_get_request_information()
        request.url, request.http_method = beta, method
        if body:
            request.content = body
            request.headers.try_add("Content-Type", "application/json")
        await client.request_adapter.send_primitive_async(request, "bytes", ERRORS)


def test_every_route_answers_the_real_sdk(seeded, graph_client):
    async def scenario():
        contoso, fabrikam = graph_client(CONTOSO), graph_client(FABRIKAM)
        await _policies(contoso, fabrikam)
        await _mto(contoso, fabrikam)
        await _directory(contoso)
        app_id, sp_id, role = await _configuration_app(contoso)
        await _synchronization(contoso, sp_id, role)
        await contoso.applications.by_application_id(app_id).delete()
        await _tenant_policies(fabrikam)

    asyncio.run(scenario())
    router = Router(graph.ROUTES)
    served: set[tuple[str, str]] = set()
    for entry in seeded.admin.requests():
        relative = re.sub(r"^/(v1\.0|beta)", "", entry["path"])
        try:
            route, _ = router.match(entry["method"], relative)
        except ErrorReply:
            continue
        served.add((route.method, route.template))
    missing = sorted({(r.method, r.template) for r in graph.ROUTES} - served)
    assert missing == [], f"routes no SDK call reached: {missing}"
    failed = [(e["method"], e["path"].rsplit("/", 1)[-1], e["status"]) for e in seeded.admin.requests() if e["status"] >= 400]
    assert failed == [("GET", "deletedItems", 400), ("PATCH", "schema", 404)], "the two refusals Graph documents, no other"
    # Every collection answered has its query rules declared, and every query the SDK sent is Graph's.
    assert [entry["strict"] for entry in seeded.state.broken_queries] == []

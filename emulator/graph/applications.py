"""The cross-tenant synchronization gallery app
(https://learn.microsoft.com/en-us/graph/api/applicationtemplate-instantiate): instantiate, applications,
service principals, and app role assignments that put users and groups in scope
(https://learn.microsoft.com/en-us/graph/api/serviceprincipal-post-approleassignedto)."""
from __future__ import annotations

import base64
import copy
import uuid

from .. import permissions as perm
from ..odata import collection, count, project
from ..routing import route
from ..shapes import whole
from ..state import SyncConfig, Tenant, is_guid, new_id
from ..wire import GraphRequest, Reply, bad_request, no_content, resource_not_found
from .directory import soft_delete

CTS_TEMPLATE_ID = "518e5f48-1fc8-4c48-9387-9fdf28b0dfe7"
CTS_HOMEPAGE = "https://account.activedirectory.windowsazure.com:444/applications/default.aspx?metadata=aad2aadsync|ISV9.1|primary|z"


def _msiam_access_role() -> dict:
    return {
        "allowedMemberTypes": ["User"],
        "description": "msiam_access",
        "displayName": "msiam_access",
        "id": new_id(),
        "isEnabled": True,
        "origin": "Application",
        "value": None,
    }


# Every property of the documented instantiate response, null or empty when unset: Graph returns
# them all (https://learn.microsoft.com/en-us/graph/api/applicationtemplate-instantiate, example).
def _info() -> dict:
    return {"termsOfServiceUrl": None, "supportUrl": None, "privacyStatementUrl": None, "marketingUrl": None, "logoUrl": None}


def _application(tenant: Tenant, display_name: str, now: str) -> dict:
    return whole("application", {
        "id": new_id(),
        "appId": new_id(),
        "applicationTemplateId": CTS_TEMPLATE_ID,
        "displayName": display_name,
        "createdDateTime": now,
        "deletedDateTime": None,
        "description": None,
        "isFallbackPublicClient": None,
        "isDeviceOnlyAuthSupported": None,
        "groupMembershipClaims": None,
        "optionalClaims": None,
        "notes": None,
        "addIns": [],
        "signInAudience": "AzureADMyOrg",
        "publisherDomain": tenant.default_domain,
        "identifierUris": [],
        "tags": [],
        "tokenEncryptionKeyId": None,
        "api": {"requestedAccessTokenVersion": 2, "acceptMappedClaims": None, "knownClientApplications": [],
                "oauth2PermissionScopes": [], "preAuthorizedApplications": []},
        "appRoles": [_msiam_access_role()],
        "info": _info(),
        "keyCredentials": [],
        "passwordCredentials": [],
        "parentalControlSettings": {"countriesBlockedForMinors": [], "legalAgeGroupRule": "Allow"},
        "publicClient": {"redirectUris": []},
        "requiredResourceAccess": [],
        "verifiedPublisher": {"displayName": None, "verifiedPublisherId": None, "addedDateTime": None},
        "web": {"homePageUrl": CTS_HOMEPAGE, "redirectUris": [], "logoutUrl": None,
                "implicitGrantSettings": {"enableIdTokenIssuance": False, "enableAccessTokenIssuance": False}},
    })


def _service_principal(tenant: Tenant, app: dict) -> dict:
    return whole("servicePrincipal", {
        "id": new_id(),
        "appId": app["appId"],
        "applicationTemplateId": CTS_TEMPLATE_ID,
        "displayName": app["displayName"],
        "accountEnabled": True,
        "addIns": [],
        "alternativeNames": [],
        "appDisplayName": app["displayName"],
        "appOwnerOrganizationId": tenant.id,
        "appRoleAssignmentRequired": True,
        "appRoles": copy.deepcopy(app["appRoles"]),
        "deletedDateTime": None,
        "description": None,
        "endpoints": [],
        "homepage": CTS_HOMEPAGE,
        "info": _info(),
        "keyCredentials": [],
        "loginUrl": None,
        "logoutUrl": None,
        "notes": None,
        "oauth2PermissionScopes": [],
        "passwordCredentials": [],
        "preferredSingleSignOnMode": None,
        "publisherName": tenant.display_name,
        "replyUrls": [],
        "samlSingleSignOnSettings": None,
        "servicePrincipalNames": [app["appId"]],
        "servicePrincipalType": "Application",
        "signInAudience": "AzureADMyOrg",
        "tags": ["WindowsAzureActiveDirectoryIntegratedApp"],
        "tokenEncryptionKeyId": None,
    })


def instantiate(req: GraphRequest) -> Reply:
    if req.params["templateId"].lower() != CTS_TEMPLATE_ID:
        raise resource_not_found(req.params["templateId"])
    display_name = req.json_object().get("displayName")
    if not isinstance(display_name, str) or not display_name.strip():
        raise bad_request("Property 'displayName' is required.")
    tenant, faults = req.tenant, req.state.faults
    app = _application(tenant, display_name, req.state.clock.now_iso())
    sp = _service_principal(tenant, app)
    tenant.applications[app["id"]] = app
    tenant.service_principals[sp["id"]] = sp
    tenant.assignments[sp["id"]] = {}
    tenant.sync[sp["id"]] = SyncConfig()
    faults.note_created(tenant.id, f"/applications/{app['id']}")
    faults.note_created(tenant.id, f"/servicePrincipals/{sp['id']}")
    faults.note_service_principal(tenant.id, sp["id"])
    return req.singleton("microsoft.graph.applicationServicePrincipal", {"application": app, "servicePrincipal": sp}, 201)


# -- applications ---------------------------------------------------------------------------
def _app(req: GraphRequest) -> dict:
    return req.lookup(req.tenant.applications, "appObjectId")


def list_applications(req: GraphRequest) -> Reply:
    return collection(req, "applications", req.tenant.applications.values())


def get_application(req: GraphRequest) -> Reply:
    return req.entity("applications", project(_app(req), req.query, type_name="application"))


def _by_app_id(req: GraphRequest, objects: dict[str, dict]) -> dict:
    """The application or service principal of ``appId='{appId}'`` (an alternate key Graph documents)."""
    app_id = req.params["appId"].lower()
    found = next((item for item in objects.values() if item["appId"] == app_id), None)
    if found is None:
        raise resource_not_found(app_id)
    return found


def get_application_by_app_id(req: GraphRequest) -> Reply:
    """``GET /applications(appId='{appId}')``: https://learn.microsoft.com/en-us/graph/api/application-get"""
    return req.entity("applications", project(_by_app_id(req, req.tenant.applications), req.query, type_name="application"))


def patch_application(req: GraphRequest) -> Reply:
    app = _app(req)
    writable = {"displayName", "description", "tags", "notes", "identifierUris", "web"}
    body = {k: v for k, v in req.json_object().items() if not k.startswith("@odata.")}
    unknown = set(body) - writable
    if unknown:
        raise bad_request(f"Property '{sorted(unknown)[0]}' is read-only or not supported on type 'microsoft.graph.application'.")
    app.update(copy.deepcopy(body))
    return no_content()


def delete_application(req: GraphRequest) -> Reply:
    """Deleting the configuration app removes its service principal (and with it the jobs and
    assignments); both go to deletedItems. Users already synced stay as they are."""
    app, tenant = _app(req), req.tenant
    del tenant.applications[app["id"]]
    soft_delete(req.state, tenant, "application", app)
    for sp in [sp for sp in tenant.service_principals.values() if sp["appId"] == app["appId"]]:
        del tenant.service_principals[sp["id"]]
        tenant.assignments.pop(sp["id"], None)
        tenant.sync.pop(sp["id"], None)
        soft_delete(req.state, tenant, "servicePrincipal", sp)
    return no_content()


# -- service principals ---------------------------------------------------------------------
def service_principal(req: GraphRequest) -> dict:
    return req.lookup(req.tenant.service_principals, "sp")


def list_service_principals(req: GraphRequest) -> Reply:
    return collection(req, "servicePrincipals", req.tenant.service_principals.values())


def get_service_principal(req: GraphRequest) -> Reply:
    return req.entity("servicePrincipals", project(service_principal(req), req.query, type_name="servicePrincipal"))


def get_service_principal_by_app_id(req: GraphRequest) -> Reply:
    return req.entity("servicePrincipals", project(_by_app_id(req, req.tenant.service_principals), req.query, type_name="servicePrincipal"))


# -- appRoleAssignedTo ----------------------------------------------------------------------
def _assignment_id() -> str:
    # Graph's assignment ids are opaque url-safe base64 strings, not GUIDs.
    return base64.urlsafe_b64encode(uuid.uuid4().bytes + uuid.uuid4().bytes[:8]).decode().rstrip("=")


def list_assignments(req: GraphRequest) -> Reply:
    sp = service_principal(req)
    return collection(req, f"servicePrincipals('{sp['id']}')/appRoleAssignedTo", req.tenant.assignments[sp["id"]].values(),
                      type_name="appRoleAssignment")


def _validated_assignment(req: GraphRequest, sp: dict) -> tuple[str, dict, str]:
    body = req.json_object()
    principal_id, resource_id, role_id = (str(body.get(k, "")).lower() for k in ("principalId", "resourceId", "appRoleId"))
    if not all(is_guid(value) for value in (principal_id, resource_id, role_id)):
        raise bad_request("Properties 'principalId', 'resourceId' and 'appRoleId' are required GUIDs.")
    if resource_id != sp["id"]:
        raise bad_request("The resourceId must be the id of the service principal in the request URL.")
    if role_id not in {role["id"] for role in sp["appRoles"]}:
        raise bad_request("Permission being assigned was not found on application.")
    principal = req.tenant.principal(principal_id)
    if principal is None or principal[0] == "servicePrincipal":
        raise resource_not_found(principal_id)
    return principal[0], principal[1], role_id


def post_assignment(req: GraphRequest) -> Reply:
    sp = service_principal(req)
    kind, principal, role_id = _validated_assignment(req, sp)
    assignments = req.tenant.assignments[sp["id"]]
    if any(a["principalId"] == principal["id"] and a["appRoleId"] == role_id for a in assignments.values()):
        raise bad_request("Permission being assigned already exists on the object")
    assignment = {
        "id": _assignment_id(),
        "appRoleId": role_id,
        "createdDateTime": req.state.clock.now_iso(),
        "deletedDateTime": None,
        "principalDisplayName": principal.get("displayName"),
        "principalId": principal["id"],
        "principalType": "User" if kind == "user" else "Group",
        "resourceDisplayName": sp["displayName"],
        "resourceId": sp["id"],
    }
    assignments[assignment["id"]] = assignment
    req.state.faults.note_created(req.tenant.id, f"/servicePrincipals/{sp['id']}/appRoleAssignedTo/{assignment['id']}")
    return req.entity(f"servicePrincipals('{sp['id']}')/appRoleAssignedTo", assignment, 201)


def _assignment(req: GraphRequest) -> tuple[dict, dict]:
    assignments = req.tenant.assignments[service_principal(req)["id"]]
    assignment = assignments.get(req.params["assignmentId"])
    if assignment is None:
        raise resource_not_found(req.params["assignmentId"])
    return assignments, assignment


def get_assignment(req: GraphRequest) -> Reply:
    _, assignment = _assignment(req)
    return req.entity(f"servicePrincipals('{assignment['resourceId']}')/appRoleAssignedTo", assignment)


def delete_assignment(req: GraphRequest) -> Reply:
    assignments, assignment = _assignment(req)
    del assignments[assignment["id"]]
    return no_content()


ROUTES = [
    route("POST", "/applicationTemplates/{templateId}/instantiate", instantiate, perm.APP_WRITE),
    route("GET", "/applications", list_applications, perm.APP_READ),
    route("GET", "/applications/$count", lambda req: count(req, req.tenant.applications.values()), perm.APP_READ),
    route("GET", "/applications(appId='{appId:[^']+}')", get_application_by_app_id, perm.APP_READ),
    route("GET", "/applications/{appObjectId}", get_application, perm.APP_READ),
    route("PATCH", "/applications/{appObjectId}", patch_application, perm.APP_WRITE),
    route("DELETE", "/applications/{appObjectId}", delete_application, perm.APP_WRITE),
    route("GET", "/servicePrincipals", list_service_principals, perm.APP_READ),
    route("GET", "/servicePrincipals/$count", lambda req: count(req, req.tenant.service_principals.values()), perm.APP_READ),
    route("GET", "/servicePrincipals(appId='{appId:[^']+}')", get_service_principal_by_app_id, perm.APP_READ),
    route("GET", "/servicePrincipals/{sp}", get_service_principal, perm.APP_READ),
    route("GET", "/servicePrincipals/{sp}/appRoleAssignedTo", list_assignments, perm.ASSIGNMENT_READ),
    route("POST", "/servicePrincipals/{sp}/appRoleAssignedTo", post_assignment, perm.ASSIGNMENT_WRITE),
    route("GET", "/servicePrincipals/{sp}/appRoleAssignedTo/{assignmentId}", get_assignment, perm.ASSIGNMENT_READ),
    route("DELETE", "/servicePrincipals/{sp}/appRoleAssignedTo/{assignmentId}", delete_assignment, perm.ASSIGNMENT_WRITE),
]

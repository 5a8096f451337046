"""`auditLogs/provisioning`: one provisioningObjectSummary per provisioning action
(docs/graph-notes.md#provisioning-logs); `auditLogs/directoryAudits`: one directoryAudit per change
made through Graph, by whom (docs/graph-notes.md#directory-audits).

The emulator writes a directory audit for every successful write of the objects ctsync manages, in
Microsoft's documented shape (https://learn.microsoft.com/en-us/graph/api/resources/directoryaudit);
its categories and activity names are this model's, close to the admin center's, not a copy of them.
"""
from __future__ import annotations

import json
import uuid
from typing import Any

from .. import permissions as perm
from ..odata import collection
from ..routing import Route, route
from ..state import Tenant
from ..tokens import Caller
from ..wire import GraphRequest, Reply

# Route template prefix -> (category, the object's type, the path parameter naming it, its name).
_AUDITED = (
    ("/policies/crossTenantAccessPolicy/partners/{tenantId}/identitySynchronization", "CrossTenantAccessSettings",
     "CrossTenantIdentitySyncPolicyPartner", "tenantId", "partner cross-tenant identity sync setting"),
    ("/policies/crossTenantAccessPolicy/partners", "CrossTenantAccessSettings", "CrossTenantAccessPolicyConfigurationPartner",
     "tenantId", "partner cross-tenant access setting"),
    ("/policies/crossTenantAccessPolicy", "CrossTenantAccessSettings", "CrossTenantAccessPolicy", "", "cross-tenant access setting"),
    ("/servicePrincipals/{sp}/synchronization", "ApplicationManagement", "SynchronizationJob", "sp", "synchronization job"),
    ("/servicePrincipals/{sp}/appRoleAssignedTo", "ApplicationManagement", "ServicePrincipal", "sp", "app role assignment"),
    ("/applications", "ApplicationManagement", "Application", "appObjectId", "application"),
    ("/applicationTemplates", "ApplicationManagement", "Application", "", "application from the gallery"),
    ("/tenantRelationships/multiTenantOrganization", "MultiTenantOrganization", "MultiTenantOrganization", "tenantId",
     "multitenant organization"),
)
_VERBS = {"POST": ("Add", "Add"), "PUT": ("Update", "Update"), "PATCH": ("Update", "Update"), "DELETE": ("Delete", "Delete")}


def list_provisioning(req: GraphRequest) -> Reply:
    # Newest first, as the service lists them.
    # "The filters are all case sensitive" (https://learn.microsoft.com/en-us/graph/api/provisioningobjectsummary-list).
    return collection(req, "auditLogs/provisioning", reversed(req.tenant.provisioning_log), type_name="provisioningObjectSummary",
                      case_sensitive=True)


def list_directory_audits(req: GraphRequest) -> Reply:
    # Newest first, as the service lists them.
    return collection(req, "auditLogs/directoryAudits", reversed(req.tenant.directory_audits), type_name="directoryAudit")


def record(tenant: Tenant, caller: Caller, handler_route: Route, method: str, params: dict[str, str], body: Any, now: str) -> None:
    """The directory audit of a successful write, when it changes an object ctsync manages."""
    audited = next((entry for entry in _AUDITED if handler_route.template.startswith(entry[0])), None)
    if audited is None or method not in _VERBS:
        return
    _, category, kind, param, what = audited
    verb, operation = _VERBS[method]
    changed = sorted(body) if isinstance(body, dict) else []
    initiated = ({"user": {"id": None, "displayName": caller.user, "userPrincipalName": caller.user, "ipAddress": None}, "app": None}
                 if caller.user else
                 {"user": None, "app": {"appId": caller.app_id, "displayName": None, "servicePrincipalId": None,
                                        "servicePrincipalName": None}})
    tenant.directory_audits.append({
        "id": f"Directory_{uuid.uuid4()}", "category": category, "correlationId": str(uuid.uuid4()), "result": "success",
        "resultReason": "", "activityDisplayName": f"{verb} {what}", "activityDateTime": now,
        "loggedByService": "Core Directory", "operationType": operation, "initiatedBy": initiated,
        "targetResources": [{"id": params.get(param) if param else None, "displayName": None, "type": kind,
                             "userPrincipalName": None, "groupType": None,
                             "modifiedProperties": [{"displayName": key, "oldValue": None, "newValue": json.dumps(body[key])}
                                                    for key in changed if not key.startswith("@")]}],
        "additionalDetails": [],
    })


ROUTES = [
    route("GET", "/auditLogs/provisioning", list_provisioning, perm.AUDIT_READ),
    route("GET", "/auditLogs/directoryAudits", list_directory_audits, perm.AUDIT_READ),
]

"""`--portal-made`: a cross-tenant synchronization set up as the Entra admin center leaves it, made
through the emulator's own Graph API the way an administrator's clicks make it, so that the brownfield
path (docs/brownfield.md: `python -m ctsync export`, then `pulumi up` taking it over) can be tried
end to end without a real tenant.

Contoso -> Fabrikam of the local fixture: Fabrikam's partner entry for Contoso (inbound sync and
automatic redemption allowed, Contoso's MFA trusted), Contoso's for Fabrikam (outbound redemption),
a configuration app from the gallery template with its job, credentials, a deletion threshold of 25
and a notification address, companyName mapped to the constant "Contoso", the Sales group assigned,
the job started and one provisioning cycle run, so Sales' users exist in Fabrikam.
"""
from __future__ import annotations

import json
import urllib.request
from typing import Any

from .admin_client import AdminClient
from .graph.applications import CTS_TEMPLATE_ID

CONTOSO = "11111111-1111-4111-8111-111111111111"
FABRIKAM = "22222222-2222-4222-8222-222222222222"
SALES = "aaaaaaaa-0000-4000-8000-000000000001"
APP_NAME = "Contoso to Fabrikam (made in the portal)"
POLICY = "/policies/crossTenantAccessPolicy/partners"


class PortalSession:
    """One tenant's administrator, calling Graph v1.0 with JSON."""

    def __init__(self, base_url: str, admin: AdminClient, tenant_id: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = admin.token(tenant_id)
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def call(self, method: str, path: str, body: Any = None) -> Any:
        request = urllib.request.Request(f"{self.base_url}/v1.0{path}", method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Content-Type", "application/json")
        with self._opener.open(request, timeout=60) as response:
            payload = response.read()
        return json.loads(payload) if payload else None


def make_portal_setup(base_url: str) -> dict[str, str]:
    """Makes it; returns the ids an administrator would see (application, service principal, job)."""
    admin = AdminClient(base_url)
    contoso, fabrikam = PortalSession(base_url, admin, CONTOSO), PortalSession(base_url, admin, FABRIKAM)
    # Fabrikam: External Identities > Cross-tenant access settings > Contoso (inbound).
    fabrikam.call("POST", POLICY, {"tenantId": CONTOSO})
    fabrikam.call("PUT", f"{POLICY}/{CONTOSO}/identitySynchronization",
                  {"displayName": "Contoso", "userSyncInbound": {"isSyncAllowed": True}})
    fabrikam.call("PATCH", f"{POLICY}/{CONTOSO}", {"automaticUserConsentSettings": {"inboundAllowed": True},
                                                   "inboundTrust": {"isMfaAccepted": True}})
    # Contoso: its entry for Fabrikam (outbound redemption), then Cross-tenant synchronization > New configuration.
    contoso.call("POST", POLICY, {"tenantId": FABRIKAM})
    contoso.call("PATCH", f"{POLICY}/{FABRIKAM}", {"automaticUserConsentSettings": {"outboundAllowed": True}})
    made = contoso.call("POST", f"/applicationTemplates/{CTS_TEMPLATE_ID}/instantiate", {"displayName": APP_NAME})
    sp = made["servicePrincipal"]
    sync = f"/servicePrincipals/{sp['id']}/synchronization"
    job = contoso.call("POST", f"{sync}/jobs", {"templateId": "Azure2Azure"})
    notifications = {"Enabled": True, "Recipients": "ops@contoso.com", "DeleteThresholdEnabled": True, "DeleteThresholdValue": 25}
    secrets = {"AuthenticationType": "SyncPolicy", "CompanyId": FABRIKAM, "SyncAll": "false",
               "SyncNotificationSettings": json.dumps(notifications)}
    contoso.call("PUT", f"{sync}/secrets", {"value": [{"key": key, "value": value} for key, value in secrets.items()]})
    # Provisioning > Mappings: companyName becomes the constant "Contoso".
    schema = contoso.call("GET", f"{sync}/jobs/{job['id']}/schema")
    for rule in schema["synchronizationRules"]:
        for mapping in rule["objectMappings"]:
            for attribute in mapping["attributeMappings"] if mapping["sourceObjectName"] == "User" else []:
                if attribute["targetAttributeName"] == "companyName":
                    attribute["source"] = {"expression": '"Contoso"', "name": "Contoso", "parameters": [], "type": "Constant"}
    contoso.call("PUT", f"{sync}/jobs/{job['id']}/schema", schema)
    # Users and groups > Add: the Sales group, with the app's one role.
    role = sp["appRoles"][0]["id"]
    contoso.call("POST", f"/servicePrincipals/{sp['id']}/appRoleAssignedTo",
                 {"principalId": SALES, "resourceId": sp["id"], "appRoleId": role})
    contoso.call("POST", f"{sync}/jobs/{job['id']}/start")
    admin.run_sync()
    return {"application": made["application"]["id"], "servicePrincipal": sp["id"], "job": job["id"]}

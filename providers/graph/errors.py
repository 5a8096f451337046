"""Graph errors as the resources see them: status, Graph error code, and a message that says what to do."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError

# Least-privilege application permission per endpoint family (each endpoint's "Permissions" table on
# learn.microsoft.com/graph/api), so a 403 names what to grant instead of only "Insufficient privileges".
_PERMISSIONS = (
    (re.compile(r"/policies/crossTenantAccessPolicy"), "Policy.ReadWrite.CrossTenantAccess"),
    (re.compile(r"/tenantRelationships/multiTenantOrganization"), "MultiTenantOrganization.ReadWrite.All"),
    (re.compile(r"/applicationTemplates/"), "Application.ReadWrite.OwnedBy (or Application.ReadWrite.All)"),
    (re.compile(r"/synchronization"), "Synchronization.ReadWrite.All"),
    (re.compile(r"/appRoleAssignedTo"), "AppRoleAssignment.ReadWrite.All and Application.Read.All"),
    (re.compile(r"/(applications|servicePrincipals)"), "Application.ReadWrite.OwnedBy (or Application.ReadWrite.All)"),
    (re.compile(r"/auditLogs/"), "AuditLog.Read.All"),
)


class GraphError(Exception):
    """A Graph call that failed; ``str()`` is safe to show (no tokens, no secrets)."""

    def __init__(self, status: int, code: str, message: str, operation: str = ""):
        self.status = status
        self.code = code
        self.message = message
        self.operation = operation
        super().__init__(self._describe())

    def _describe(self) -> str:
        text = f"{self.operation}: " if self.operation else ""
        text += (f"Graph answered {self.status} {self.code}" if self.status else f"no usable answer from Graph ({self.code})")
        text += f": {self.message}"
        if self.status == 403:
            permission = required_permission(self.operation)
            if permission:
                text += f" (grant the application permission {permission} in this tenant and admin-consent it)"
        return text

    @property
    def not_found(self) -> bool:
        return self.status == 404 or self.code in ("Request_ResourceNotFound", "Directory_ObjectNotFound")

    @property
    def already_exists(self) -> bool:
        return self.status == 409 or self.code == "Request_MultipleObjectsWithSameKeyValue"


def required_permission(operation: str) -> str | None:
    for pattern, permission in _PERMISSIONS:
        if pattern.search(operation):
            return permission
    return None


def from_odata(error: ODataError, operation: str) -> GraphError:
    main = error.error
    return GraphError(
        status=error.response_status_code or 0,
        code=(main.code if main else None) or "UnknownError",
        message=(main.message if main else None) or str(error),
        operation=operation,
    )


# What to check per auth method when sign-in fails (the keys are those of ctsync:tenants.<alias>.auth).
_SIGN_IN_ADVICE = {
    "clientSecret": "check auth.clientId and auth.clientSecret (the secret's value, not its id) and that the "
                    "secret has not expired",
    "certificate": "check auth.clientId and auth.certificatePath (a PEM file with the private key and the "
                   "certificate) and that the certificate is uploaded to the app registration",
    "oidc": "check auth.clientId, the token file (auth.tokenFile or AZURE_FEDERATED_TOKEN_FILE) and the app "
            "registration's federated credential (issuer, subject, audience api://AzureADTokenExchange)",
    "emulator": "check that the Graph emulator runs at graphEndpoint",
}


class SignInFailed(GraphError):
    """No token for a tenant: nothing was sent to its Graph."""

    def __init__(self, tenant: str, method: str, alias: str, reason: str, operation: str = ""):
        self.tenant, self.method, self.alias, self.reason = tenant, method, alias, reason
        super().__init__(401, "SignInFailed", reason, operation)

    def _describe(self) -> str:
        where = f"ctsync:tenants.{self.alias}." if self.alias else ""
        advice = _SIGN_IN_ADVICE.get(self.method, "check the tenant's auth settings")
        text = f"{self.operation}: " if self.operation else ""
        return (f"{text}{self.tenant}: sign-in with auth method {self.method} failed: {self.reason} "
                f"({advice.replace('auth.', where + 'auth.')})")

    def at(self, operation: str) -> SignInFailed:
        return SignInFailed(self.tenant, self.method, self.alias, self.reason, operation)

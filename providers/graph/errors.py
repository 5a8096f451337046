"""Graph errors as the resources see them: status, Graph error code, and a message that says what to do."""
from __future__ import annotations

import re

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

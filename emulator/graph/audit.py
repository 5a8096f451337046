"""`auditLogs/provisioning`: one provisioningObjectSummary per provisioning action (docs/graph-notes.md#provisioning-logs)."""
from __future__ import annotations

from .. import permissions as perm
from ..odata import collection
from ..routing import route
from ..wire import GraphRequest, Reply


def list_provisioning(req: GraphRequest) -> Reply:
    # Newest first, as the service lists them.
    return collection(req, "auditLogs/provisioning", reversed(req.tenant.provisioning_log))


ROUTES = [route("GET", "/auditLogs/provisioning", list_provisioning, perm.AUDIT_READ)]

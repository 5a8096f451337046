"""Adding tenants: each starts with the service-default cross-tenant access policy."""
from __future__ import annotations

import re

from .graph.policies import system_default_policy
from .state import EmulatorState, Tenant, is_guid
from .wire import ErrorReply


def default_domain(display_name: str, tenant_id: str) -> str:
    slug = re.sub(r"[^a-z0-9]", "", display_name.lower()) or f"tenant{tenant_id[:8]}"
    return f"{slug}.onmicrosoft.com"


def add_tenant(state: EmulatorState, tenant_id: object, display_name: object, domains: object = None) -> Tenant:
    if not is_guid(tenant_id):
        raise ErrorReply(400, "BadRequest", "tenantId must be a GUID.")
    if not isinstance(display_name, str) or not display_name.strip():
        raise ErrorReply(400, "BadRequest", "displayName is required.")
    if domains is not None and (not isinstance(domains, list) or not all(isinstance(d, str) and d for d in domains)):
        raise ErrorReply(400, "BadRequest", "domains must be a list of domain names.")
    tenant_id = tenant_id.lower()
    if tenant_id in state.tenants:
        raise ErrorReply(409, "Conflict", f"Tenant {tenant_id} already exists.")
    tenant = Tenant(tenant_id, display_name, list(domains or [default_domain(display_name, tenant_id)]))
    tenant.default_policy = system_default_policy()
    state.tenants[tenant_id] = tenant
    return tenant


def describe(tenant: Tenant) -> dict:
    return {"tenantId": tenant.id, "displayName": tenant.display_name, "domains": tenant.domains}

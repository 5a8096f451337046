"""Graph v1.0 endpoints, one module per area; `ROUTES` is the whole table."""
from . import applications, audit, directory, mto, policies, synchronization, tenant_policies

ROUTES = [
    *policies.ROUTES,
    *mto.ROUTES,
    *applications.ROUTES,
    *synchronization.ROUTES,
    *directory.ROUTES,
    *audit.ROUTES,
    *tenant_policies.ROUTES,
]

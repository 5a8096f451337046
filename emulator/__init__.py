"""A Microsoft Graph emulator for cross-tenant synchronization: several tenants on loopback
behind one base URL, Graph's wire format, the provisioning cycle, and fault injection.

    from emulator import EmulatorServer
    with EmulatorServer(port=0, fixture="emulator/fixtures/local.yaml") as srv:
        token = srv.admin.token("11111111-1111-4111-8111-111111111111")
        ...  # Graph v1.0 at srv.graph_url

This package imports nothing from the rest of the project.
"""
from .admin_client import AdminClient, AdminError
from .server import DEFAULT_HOST, DEFAULT_PORT, EmulatorServer

__all__ = ["AdminClient", "AdminError", "EmulatorServer", "DEFAULT_HOST", "DEFAULT_PORT"]

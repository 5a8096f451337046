"""The Microsoft Graph client used by every resource: one msgraph-sdk client per tenant."""
from providers.graph.connection import TenantConnection, connections_from_stack_config
from providers.graph.counter import REQUESTS, RequestRecord
from providers.graph.errors import GraphError
from providers.graph.session import GraphSession

__all__ = [
    "TenantConnection",
    "connections_from_stack_config",
    "GraphError",
    "REQUESTS",
    "RequestRecord",
    "GraphSession",
]

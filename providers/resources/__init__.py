"""Graph objects of cross-tenant synchronization, one module each; importing this fills the registry."""
from providers.resources import partner_access  # noqa: F401

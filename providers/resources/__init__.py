"""Graph objects of cross-tenant synchronization, one module each; importing this fills the registry."""
from providers.resources import partner_access  # noqa: F401
from providers.resources import identity_sync  # noqa: F401
from providers.resources import mto  # noqa: F401
from providers.resources import configuration_app  # noqa: F401
from providers.resources import sync_secrets  # noqa: F401
from providers.resources import sync_job  # noqa: F401
from providers.resources import sync_job_schedule  # noqa: F401
from providers.resources import sync_schema  # noqa: F401
from providers.resources import scope_assignment  # noqa: F401

"""Graph objects of cross-tenant synchronization, one module each, and the catalogue the
composition roots (the provider plugin, the code generator) hand to the framework."""
from providers.resources.configuration_app import ConfigurationAppResource
from providers.resources.identity_sync import IdentitySyncPolicyResource
from providers.resources.mto import MtoJoinRequestResource, MtoTenantResource, MultiTenantOrganizationResource
from providers.resources.mto_templates import MtoIdentitySyncTemplateResource, MtoPartnerTemplateResource
from providers.resources.partner_access import PartnerAccessResource
from providers.resources.scope_assignment import ScopeAssignmentResource
from providers.resources.sync_job import SynchronizationJobResource
from providers.resources.sync_job_schedule import SynchronizationJobScheduleResource
from providers.resources.sync_schema import SynchronizationSchemaResource
from providers.resources.sync_secrets import SynchronizationSecretsResource

CATALOGUE = (
    PartnerAccessResource,
    IdentitySyncPolicyResource,
    MultiTenantOrganizationResource,
    MtoTenantResource,
    MtoJoinRequestResource,
    MtoPartnerTemplateResource,
    MtoIdentitySyncTemplateResource,
    ConfigurationAppResource,
    SynchronizationSecretsResource,
    SynchronizationJobResource,
    SynchronizationSchemaResource,
    ScopeAssignmentResource,
    SynchronizationJobScheduleResource,
)

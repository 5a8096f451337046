"""Every Graph path ctsync addresses, as msgraph-sdk request builders, declared once.

Resources and the ``python -m ctsync`` commands both reach Graph objects through these; a request
names its path only here (``TenantGraph.call`` derives ``METHOD /path`` from the builder for errors
and logs).
"""
from __future__ import annotations

from typing import Any

from providers.graph.session import TenantGraph

# Request builders are msgraph-sdk's generated classes, one per path; they are typed as Any here so
# that a module using a builder does not load msgraph-sdk's client stack (providers/graph/models.py).
Builder = Any


def partner_builder(graph: TenantGraph, partner_tenant_id: str) -> Builder:
    """``/policies/crossTenantAccessPolicy/partners/{tenantId}``: a partner entry."""
    partners = graph.sdk.policies.cross_tenant_access_policy.partners
    return partners.by_cross_tenant_access_policy_configuration_partner_tenant_id(partner_tenant_id)


def policy_builder(graph: TenantGraph, source_tenant_id: str) -> Builder:
    """``.../partners/{tenantId}/identitySynchronization``: a partner's identity-sync policy."""
    return partner_builder(graph, source_tenant_id).identity_synchronization


def mto_builder(graph: TenantGraph) -> Builder:
    """``/tenantRelationships/multiTenantOrganization``."""
    return graph.sdk.tenant_relationships.multi_tenant_organization


def member_builder(graph: TenantGraph, tenant_id: str) -> Builder:
    """``/tenantRelationships/multiTenantOrganization/tenants/{tenantId}``."""
    return mto_builder(graph).tenants.by_multi_tenant_organization_member_id(tenant_id)


def application_builder(graph: TenantGraph, application_object_id: str) -> Builder:
    """``/applications/{id}``."""
    return graph.sdk.applications.by_application_id(application_object_id)


def assigned_to(graph: TenantGraph, service_principal_id: str) -> Builder:
    """``/servicePrincipals/{id}/appRoleAssignedTo``: who is assigned to the app (the scope)."""
    return graph.sdk.service_principals.by_service_principal_id(service_principal_id).app_role_assigned_to


def group_members_builder(graph: TenantGraph, group_id: str) -> Builder:
    """``/groups/{id}/members``: a group's direct members."""
    return graph.sdk.groups.by_group_id(group_id).members


def principal_builder(graph: TenantGraph, principal_type: str, object_id: str) -> Builder:
    """``/groups/{id}`` or ``/users/{id}``: a user or group that can be assigned as scope."""
    if principal_type == "Group":
        return graph.sdk.groups.by_group_id(object_id)
    return graph.sdk.users.by_user_id(object_id)


def synchronization_builder(graph: TenantGraph, service_principal_id: str) -> Builder:
    """``/servicePrincipals/{id}/synchronization``: its secrets, templates and jobs."""
    return graph.sdk.service_principals.by_service_principal_id(service_principal_id).synchronization


def jobs_builder(graph: TenantGraph, service_principal_id: str) -> Builder:
    """``/servicePrincipals/{id}/synchronization/jobs``."""
    return synchronization_builder(graph, service_principal_id).jobs


def job_builder(graph: TenantGraph, service_principal_id: str, job_id: str) -> Builder:
    """``/servicePrincipals/{id}/synchronization/jobs/{jobId}``: its schema, start, pause, restart..."""
    return jobs_builder(graph, service_principal_id).by_synchronization_job_id(job_id)


def template_schema_builder(graph: TenantGraph, service_principal_id: str, template_id: str) -> Builder:
    """``/servicePrincipals/{id}/synchronization/templates/{templateId}/schema``: a template's defaults."""
    return synchronization_builder(graph, service_principal_id).templates.by_synchronization_template_id(template_id).schema


def authorization_policy_builder(graph: TenantGraph) -> Builder:
    """``/policies/authorizationPolicy``: who may invite guests (``allowInvitesFrom``)."""
    return graph.sdk.policies.authorization_policy


def external_identities_policy_builder(graph: TenantGraph) -> Builder:
    """beta ``/policies/externalIdentitiesPolicy``: whether external users may leave (no v1.0 resource)."""
    base = graph.sdk.request_adapter.base_url.rstrip("/")
    return graph.on_beta(graph.sdk.policies.with_url(f"{base}/policies/externalIdentitiesPolicy"))


def conditional_access_policies_builder(graph: TenantGraph) -> Builder:
    """``/identity/conditionalAccess/policies``."""
    return graph.sdk.identity.conditional_access.policies


def organization_builder(graph: TenantGraph) -> Builder:
    """``/organization``: the tenant's organization, with its verified domains."""
    return graph.sdk.organization


def users_builder(graph: TenantGraph) -> Builder:
    """``/users``."""
    return graph.sdk.users


def directory_audits_builder(graph: TenantGraph) -> Builder:
    """``/auditLogs/directoryAudits``: who changed what in the directory."""
    return graph.sdk.audit_logs.directory_audits

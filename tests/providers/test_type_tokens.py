"""Type tokens are part of every URN in every stack: changing one replaces the objects in the tenants
(or needs `pulumi.Alias(type_=old)`). This pins them; change it only together with an alias."""
from __future__ import annotations

import importlib

import providers.resources  # noqa: F401  (imports every resource module)
from providers.framework import GraphDynamicResource

RESOURCE_TOKENS = {
    "PartnerAccess": "pulumi-python:dynamic/crossTenantAccess:PartnerAccess",
    "IdentitySyncPolicy": "pulumi-python:dynamic/crossTenantAccess:IdentitySyncPolicy",
    "MultiTenantOrganization": "pulumi-python:dynamic/multiTenantOrganization:MultiTenantOrganization",
    "MtoTenant": "pulumi-python:dynamic/multiTenantOrganization:MtoTenant",
    "MtoJoinRequest": "pulumi-python:dynamic/multiTenantOrganization:MtoJoinRequest",
    "ConfigurationApp": "pulumi-python:dynamic/synchronization:ConfigurationApp",
    "SynchronizationSecrets": "pulumi-python:dynamic/synchronization:SynchronizationSecrets",
    "SynchronizationJob": "pulumi-python:dynamic/synchronization:SynchronizationJob",
    "SynchronizationSchema": "pulumi-python:dynamic/synchronization:SynchronizationSchema",
    "ScopeAssignment": "pulumi-python:dynamic/synchronization:ScopeAssignment",
    "SynchronizationJobSchedule": "pulumi-python:dynamic/synchronization:SynchronizationJobSchedule",
}
COMPONENT_TOKENS = {
    "components.pair": "ctsync:pair:TenantPair",
    "components.provisioning": "ctsync:provisioning:ProvisioningJob",
    "components.mto": "ctsync:mto:MtoMembership",
    "components.scoping": "ctsync:scoping:ManagedGroups",
    "components.diagnostics": "ctsync:diagnostics:LogRouting",
}


def test_every_graph_resource_keeps_its_type_token():
    tokens = {
        cls.definition.type_name: f"pulumi-python:{cls._resource_type_name}"
        for cls in GraphDynamicResource.__subclasses__()
        if cls.__module__.startswith("providers.resources.")
    }
    assert tokens == RESOURCE_TOKENS


def test_every_component_keeps_its_type_token():
    assert {module: importlib.import_module(module).TYPE for module in COMPONENT_TOKENS} == COMPONENT_TOKENS

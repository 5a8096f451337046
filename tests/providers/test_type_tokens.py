"""Type tokens are part of every URN in every stack: changing one replaces the objects in the tenants
(or needs `pulumi.Alias(type_=old)`). This pins them, and the aliases from the tokens of the
dynamic-provider versions; change them only together with an alias."""
from __future__ import annotations

import importlib
from pathlib import Path

from providers import sdk
from providers.resources import CATALOGUE

RESOURCE_TOKENS = {
    "PartnerAccess": "ctsync:crossTenantAccess:PartnerAccess",
    "IdentitySyncPolicy": "ctsync:crossTenantAccess:IdentitySyncPolicy",
    "MultiTenantOrganization": "ctsync:multiTenantOrganization:MultiTenantOrganization",
    "MtoTenant": "ctsync:multiTenantOrganization:MtoTenant",
    "MtoJoinRequest": "ctsync:multiTenantOrganization:MtoJoinRequest",
    "ConfigurationApp": "ctsync:synchronization:ConfigurationApp",
    "SynchronizationSecrets": "ctsync:synchronization:SynchronizationSecrets",
    "SynchronizationJob": "ctsync:synchronization:SynchronizationJob",
    "SynchronizationSchema": "ctsync:synchronization:SynchronizationSchema",
    "ScopeAssignment": "ctsync:synchronization:ScopeAssignment",
    "SynchronizationJobSchedule": "ctsync:synchronization:SynchronizationJobSchedule",
    "MtoPartnerTemplate": "ctsync:multiTenantOrganization:MtoPartnerTemplate",
    "MtoIdentitySyncTemplate": "ctsync:multiTenantOrganization:MtoIdentitySyncTemplate",
}
# The types the dynamic-provider versions had; types added since have no alias.
LEGACY_TOKENS = {
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
    assert {definition.type_name: definition.token() for definition in CATALOGUE} == RESOURCE_TOKENS


def test_every_graph_resource_answers_to_its_dynamic_provider_token():
    assert {d.type_name: token for d in CATALOGUE for token in d.aliases()} == LEGACY_TOKENS


def test_the_program_side_classes_register_the_provider_tokens():
    source = Path(sdk.__file__).read_text()
    for name, token in RESOURCE_TOKENS.items():
        assert hasattr(sdk, name) and hasattr(sdk, f"{name}Args")
        assert f'register(self, "{token}"' in source
        assert name not in LEGACY_TOKENS or LEGACY_TOKENS[name] in source


def test_every_component_keeps_its_type_token():
    assert {module: importlib.import_module(module).TYPE for module in COMPONENT_TOKENS} == COMPONENT_TOKENS

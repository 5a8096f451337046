"""The ctsync stack configuration contract: `ctsync:*` config parsed, validated and expanded into a typed model.

Pure Python (no Pulumi import) so that the program, the provider plugin, the CLI and tests share one reading of it.
"""
from .errors import ConfigError, Problem
from .loader import load_component_inputs, load_stack_config
from .model import (
    AUTH_METHODS,
    DIAGNOSTIC_CATEGORIES,
    FILTER_OPERATORS,
    MTO_MAX_TENANTS,
    NAMESPACE,
    VALUELESS_FILTER_OPERATORS,
    AttributeMapping,
    Auth,
    Diagnostics,
    DirectionalSync,
    IdentitySyncTemplate,
    ManagedGroup,
    Mto,
    PartnerSettings,
    PartnerTemplate,
    Scope,
    ScopeFilter,
    Secret,
    StackConfig,
    TargetObjectActions,
    Tenant,
    TenantPair,
    Trust,
)
from .topology import pair_up
from .values import USER_TYPES

__all__ = [
    "AUTH_METHODS",
    "DIAGNOSTIC_CATEGORIES",
    "FILTER_OPERATORS",
    "MTO_MAX_TENANTS",
    "NAMESPACE",
    "USER_TYPES",
    "VALUELESS_FILTER_OPERATORS",
    "AttributeMapping",
    "Auth",
    "ConfigError",
    "Diagnostics",
    "DirectionalSync",
    "ManagedGroup",
    "IdentitySyncTemplate",
    "Mto",
    "PartnerTemplate",
    "PartnerSettings",
    "Problem",
    "Scope",
    "ScopeFilter",
    "Secret",
    "StackConfig",
    "Tenant",
    "TenantPair",
    "TargetObjectActions",
    "Trust",
    "load_component_inputs",
    "load_stack_config",
    "pair_up",
]

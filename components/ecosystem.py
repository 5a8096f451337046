"""The ecosystem's own providers (pulumi-azuread, pulumi-azure-native), one per tenant that needs one.

They are created only for a tenant whose configuration turns on a feature built on them, so a stack
with no extras registers neither provider and needs neither plugin. Each is an explicit provider
signed in to exactly one tenant with that tenant's `auth` settings, the same way the Graph resources
sign in (providers/graph/connection.py), so one `pulumi up` reaches every tenant with its own
credentials.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pulumi

from components import names
from stackconfig import Auth, Problem, StackConfig, Tenant
from stackconfig.reader import child_path

AZUREAD = "azuread"
AZURE_NATIVE = "azure-native"

# The SDK packages are imported only by a stack that uses an extra: importing them costs every
# `pulumi up` a quarter of a second before the first resource is registered.
_SDK_MODULES: Mapping[str, str] = {AZUREAD: "pulumi_azuread", AZURE_NATIVE: "pulumi_azure_native"}

# (auth method, package) -> the provider's switch for it. Methods not listed need no switch: their
# settings are the client id / secret / certificate below, or the provider's own default chain.
_SWITCHES: Mapping[tuple[str, str], dict[str, bool]] = {
    ("oidc", AZUREAD): {"use_oidc": True},
    ("oidc", AZURE_NATIVE): {"use_oidc": True},
    ("managedIdentity", AZUREAD): {"use_msi": True},
    ("managedIdentity", AZURE_NATIVE): {"use_msi": True},
    ("azureCli", AZUREAD): {"use_cli": True},
    # azure-native has no CLI switch: the Azure CLI is its fallback when nothing else is configured.
    ("default", AZURE_NATIVE): {"use_default_azure_credential": True},
}

FEATURES = {AZUREAD: "managed scoping groups (pulumi-azuread)", AZURE_NATIVE: "log routing (pulumi-azure-native)"}


def provider_credentials(auth: Auth, package: str) -> dict[str, Any]:
    """Provider arguments (besides tenant_id) for one tenant's auth settings."""
    arguments: dict[str, Any] = dict(_SWITCHES.get((auth.method, package), {}))
    if auth.client_id:
        arguments["client_id"] = auth.client_id
    if auth.client_secret is not None:
        # A provider's inputs are stored in state: the secret goes there encrypted, never in plain text.
        arguments["client_secret"] = pulumi.Output.secret(auth.client_secret.reveal())
    if auth.certificate_path:
        arguments["client_certificate_path"] = auth.certificate_path
    return arguments


def tenants_needing(config: StackConfig) -> dict[str, list[Tenant]]:
    """package -> the tenants (sorted by alias) whose configuration uses a feature built on it."""
    group_sources = {sync.source for sync in config.syncs if sync.scope.managed_group is not None}
    return {
        AZUREAD: [config.tenants[alias] for alias in sorted(group_sources)],
        AZURE_NATIVE: [tenant for _, tenant in sorted(config.tenants.items()) if tenant.diagnostics is not None],
    }


def unsupported(config: StackConfig) -> list[Problem]:
    """Extras on tenants signed in with the emulator method: those providers cannot reach an emulator."""
    return [
        Problem(
            child_path(child_path(child_path("ctsync:tenants", tenant.alias), "auth"), "method"),
            f"emulator cannot serve {FEATURES[package]}, which this tenant uses",
            "turn the feature off for this tenant, or sign in to a real tenant",
        )
        for package, tenants in tenants_needing(config).items()
        for tenant in tenants
        if tenant.auth.method == "emulator"
    ]


def sdk_module(package: str) -> Any:
    """The ecosystem SDK of ``package`` (imported on first use, see ``_SDK_MODULES``)."""
    return importlib.import_module(_SDK_MODULES[package])


def tenant_providers(tenants: Iterable[Tenant], package: str) -> dict[str, pulumi.ProviderResource]:
    """tenant id -> an explicit `package` provider signed in to that tenant."""
    tenants = list(tenants)
    if not tenants:
        return {}  # and no import of the package's SDK
    make: Callable[..., pulumi.ProviderResource] = sdk_module(package).Provider
    return {
        tenant.tenant_id: make(
            names.tenant_provider(tenant.tenant_id, package),
            tenant_id=tenant.tenant_id,
            **provider_credentials(tenant.auth, package),
        )
        for tenant in tenants
    }

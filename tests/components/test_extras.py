"""The extras on the ecosystem's providers: off by default, and one provider per tenant that uses them when on."""
import pytest
from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret

from components.ecosystem import AZURE_NATIVE, AZUREAD, provider_credentials
from stackconfig import Auth
from tests.components import stacks
from tests.components.harness import run_program
from tests.components.stacks import SALES_RULE, WORKSPACE, tenant_id

CONTOSO, FABRIKAM, NORTHWIND = tenant_id(0), tenant_id(1), tenant_id(2)
TENANT_IDS = {"contoso": CONTOSO, "fabrikam": FABRIKAM, "northwind": NORTHWIND}
AZUREAD_PROVIDER, AZURE_NATIVE_PROVIDER = "pulumi:providers:azuread", "pulumi:providers:azure-native"


def providers(monitor, typ: str) -> dict[str, str]:
    """tenant id -> provider reference (`<urn>::<id>`) of the registered providers of one package."""
    return {r.inputs["tenantId"]: f"{r.urn}::{r.name}-id" for r in monitor.registrations if r.typ == typ}


@pytest.mark.parametrize(
    "values",
    [stacks.pair_stack(), stacks.hub_and_spoke_stack(5), stacks.mesh_with_mto_stack(4), stacks.extras_stack()],
    ids=["pair", "hub-and-spoke", "mesh-with-mto", "extras-off"],
)
def test_no_extra_no_provider_of_another_package(monitor, values):
    run_program(values)
    assert [r.typ for r in monitor.registrations if r.typ.startswith("pulumi:providers:")] == []
    assert [r.typ for r in monitor.registrations if r.custom and not r.typ.startswith("ctsync:")] == []


@pytest.mark.parametrize(
    "group_sources, provider_tenants",
    [(("contoso",), {CONTOSO}), (("contoso", "fabrikam"), {CONTOSO, FABRIKAM})],
)
def test_one_azuread_provider_per_source_tenant_with_a_managed_group(monitor, group_sources, provider_tenants):
    run_program(stacks.extras_stack(group_sources=group_sources))
    assert set(providers(monitor, AZUREAD_PROVIDER)) == provider_tenants
    assert providers(monitor, AZURE_NATIVE_PROVIDER) == {}


@pytest.mark.parametrize(
    "target, membership",
    [
        ("fabrikam", {}),
        ("northwind", {"types": ["DynamicMembership"], "dynamicMembership": {"enabled": True, "rule": SALES_RULE}}),
    ],
    ids=["static", "dynamic"],
)
def test_managed_group_is_a_security_group_in_the_source_tenant_assigned_as_scope(monitor, target, membership):
    run_program(stacks.extras_stack(group_sources=("contoso",)))
    group = monitor.named(f"{CONTOSO}-group-ctsync contoso to {target}")
    assert group.provider == providers(monitor, AZUREAD_PROVIDER)[CONTOSO]
    assert group.parent == monitor.named("contoso").urn  # the source tenant's ManagedGroups
    expected = {"securityEnabled": True, "mailEnabled": False, "preventDuplicateNames": True, **membership}
    assert {key: group.inputs.get(key) for key in expected} == expected
    assert ("dynamicMembership" in group.inputs) == bool(membership)
    assignment = monitor.named(f"{CONTOSO}-to-{TENANT_IDS[target]}-scope-managed-group")
    assert (assignment.inputs["principal_id"], assignment.inputs["principal_type"]) == (f"{group.name}:objectId", "Group")
    assert group.urn in assignment.dependencies


def test_a_group_named_by_several_directions_is_one_group_of_the_source_tenant(monitor):
    values = stacks.hub_and_spoke_stack(4, "hubToSpokes")
    values["ctsync:topology"]["defaults"]["scope"] = {"managedGroup": {"displayName": "Everyone in scope"}}
    run_program(values)
    [group] = monitor.of_kind("Group")
    hub = tenant_id(0)
    assignments = [monitor.named(f"{hub}-to-{tenant_id(spoke)}-scope-managed-group") for spoke in (1, 2, 3)]
    assert {a.inputs["principal_id"] for a in assignments} == {f"{hub}-group-Everyone in scope:objectId"}
    assert group.name == f"{hub}-group-Everyone in scope"


def test_log_routing_sends_audit_and_provisioning_logs_through_the_tenants_own_provider(monitor):
    outputs = run_program(stacks.extras_stack(diagnostics=("fabrikam", "northwind")))
    native = providers(monitor, AZURE_NATIVE_PROVIDER)
    assert set(native) == {FABRIKAM, NORTHWIND}
    for tenant in (FABRIKAM, NORTHWIND):
        setting = monitor.named(f"{tenant}-entra-logs")
        assert setting.provider == native[tenant]
        assert setting.inputs["workspaceId"] == WORKSPACE
        assert setting.inputs["logs"] == [
            {"category": "AuditLogs", "enabled": True},
            {"category": "ProvisioningLogs", "enabled": True},
        ]
    assert providers(monitor, AZUREAD_PROVIDER) == {}
    assert outputs["log_routing"]["northwind"]["setting_id"] == f"{NORTHWIND}-entra-logs-id"


@pytest.mark.parametrize(
    "auth, package, expected",
    [
        (Auth(), AZUREAD, {}),
        (Auth(), AZURE_NATIVE, {"use_default_azure_credential": True}),
        (Auth("azureCli"), AZUREAD, {"use_cli": True}),
        (Auth("azureCli"), AZURE_NATIVE, {}),
        (Auth("oidc", client_id="c1"), AZUREAD, {"use_oidc": True, "client_id": "c1"}),
        (Auth("managedIdentity"), AZURE_NATIVE, {"use_msi": True}),
        (Auth("managedIdentity", client_id="c1"), AZUREAD, {"use_msi": True, "client_id": "c1"}),
        (Auth("certificate", client_id="c1", certificate_path="x.pfx"), AZUREAD,
         {"client_id": "c1", "client_certificate_path": "x.pfx"}),
    ],
)
def test_each_auth_method_signs_the_provider_in_the_same_way(auth, package, expected):
    assert provider_credentials(auth, package) == expected


def test_a_client_secret_reaches_the_provider_as_a_pulumi_secret(monitor):
    run_program(stacks.extras_stack(
        group_sources=("contoso",),
        auth={"method": "clientSecret", "clientId": stacks.CLIENT_ID, "clientSecret": stacks.CLIENT_SECRET},
    ), secret_keys=["ctsync:tenants"])
    provider = next(r for r in monitor.registrations if r.typ == AZUREAD_PROVIDER)
    assert is_rpc_secret(provider.inputs["clientSecret"])
    assert unwrap_rpc_secret(provider.inputs["clientSecret"]) == stacks.CLIENT_SECRET


def test_a_stack_with_no_extra_imports_no_ecosystem_sdk(monkeypatch):
    """Importing pulumi-azuread and pulumi-azure-native costs every `pulumi up` a quarter of a second."""
    from components import ecosystem

    def refuse(name):
        raise AssertionError(f"{name} imported by a stack that uses no extra")

    monkeypatch.setattr(ecosystem.importlib, "import_module", refuse)
    assert ecosystem.tenant_providers([], ecosystem.AZUREAD) == {}
    assert ecosystem.tenant_providers((), ecosystem.AZURE_NATIVE) == {}

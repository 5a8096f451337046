"""The stack files shipped in stacks/ satisfy the contract, and the local one matches the emulator fixture."""
from pathlib import Path

import pytest
import yaml

from stackconfig import Scope, Trust, load_stack_config
from stackconfig.secrecy import secure_paths

STACKS = Path(__file__).resolve().parents[2] / "stacks"


def load_stack(name):
    values = yaml.safe_load((STACKS / f"Pulumi.{name}.yaml").read_text())["config"]
    return load_stack_config(values, secret_paths=secure_paths(values))


def test_local_stack_targets_the_emulator_fixture():
    config = load_stack("local")
    assert {alias: tenant.tenant_id for alias, tenant in config.tenants.items()} == {
        "contoso": "11111111-1111-4111-8111-111111111111",
        "fabrikam": "22222222-2222-4222-8222-222222222222",
        "northwind": "33333333-3333-4333-8333-333333333333",
    }
    assert {(t.auth.method, t.graph_endpoint) for t in config.tenants.values()} == {("emulator", "http://127.0.0.1:18080")}
    scopes = {(sync.source, sync.target): sync.scope for sync in config.syncs}
    assert scopes == {
        ("contoso", "fabrikam"): Scope(groups=("aaaaaaaa-0000-4000-8000-000000000001",)),
        ("fabrikam", "northwind"): Scope(groups=("aaaaaaaa-0000-4000-8000-000000000002",)),
        ("northwind", "fabrikam"): Scope(groups=("aaaaaaaa-0000-4000-8000-000000000003",)),
    }
    assert config.syncs[0].trust == Trust(mfa=True)
    assert (config.mto.owner, config.mto.members) == ("contoso", ("fabrikam", "northwind"))


@pytest.mark.parametrize("name, syncs, pairs", [("dev", 4, 2), ("prod", 12, 6)])
def test_example_stacks_are_valid_and_reach_real_tenants(name, syncs, pairs):
    config = load_stack(name)
    assert (len(config.syncs), len(config.pairs)) == (syncs, pairs)
    assert all(tenant.auth.method in ("oidc", "azureCli") and tenant.graph_endpoint is None
               for tenant in config.tenants.values())

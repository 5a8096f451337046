"""Secrets stay secret: never a plain registered input; Graph resources carry no credential at all;
a credential that is not itself a Pulumi secret stops the program before anything is registered."""
import copy

import pulumi
import pytest
import yaml
from pulumi.runtime.rpc import is_rpc_secret

from tests.components import stacks
from tests.components.harness import STACK, run_program, walk

CLIENT_SECRET_AUTH = {"method": "clientSecret", "clientId": stacks.CLIENT_ID, "clientSecret": stacks.CLIENT_SECRET}
EVERY_FEATURE = stacks.extras_stack(group_sources=("contoso",), diagnostics=("fabrikam",), auth=CLIENT_SECRET_AUTH)


@pytest.fixture
def registered(monitor):
    run_program(EVERY_FEATURE, secret_keys=["ctsync:tenants"])
    return monitor.registrations


def test_the_client_secret_is_never_a_plain_input(registered):
    holders = set()
    for registration in registered:
        for path, leaf in walk(registration.inputs):
            if stacks.CLIENT_SECRET in repr(leaf):
                assert is_rpc_secret(leaf), f"{registration.name}{path} holds the client secret in plain text"
                holders.add((registration.typ, path))
    # Only the ecosystem's providers take credentials; each holds the secret once, wrapped.
    assert holders == {("pulumi:providers:azuread", ".clientSecret"), ("pulumi:providers:azure-native", ".clientSecret")}


def test_graph_resources_are_ctsync_custom_resources_with_no_provider_payload(registered):
    """What the provider needs to reach a tenant is its configuration (ctsync:tenants), never a
    resource input: no ``__provider`` (the dynamic versions' pickle), no credential."""
    graph = [r for r in registered if r.custom and r.typ.startswith("ctsync:")]
    assert len(graph) == 6 + 3 + 3 * 5 + 2  # 3 pairs: entries, policies, per-direction objects, 2 group scopes
    for registration in graph:
        assert "__provider" not in registration.inputs
        assert not [path for path, leaf in walk(registration.inputs) if stacks.CLIENT_ID in repr(leaf)]
        module, kind = registration.typ.split(":")[1:]
        assert registration.alias_types == (f"pulumi-python:dynamic/{module}:{kind}",)


def test_a_plain_client_secret_beside_an_encrypted_one_stops_the_program(monitor, tmp_path, monkeypatch):
    """Pulumi calls ctsync:tenants secret as a whole once one leaf is; the program reads the stack
    file (as the engine runs it, in the project's folder) and checks each clientSecret on its own."""
    values = stacks.extras_stack(auth=CLIENT_SECRET_AUTH)
    in_file = copy.deepcopy(values)
    in_file["ctsync:tenants"]["contoso"]["auth"] = {**CLIENT_SECRET_AUTH, "clientSecret": {"secure": "v1:c2FsdA==:ZW5j"}}
    (tmp_path / "Pulumi.yaml").write_text("name: ctsync\nruntime: python\nstackConfigDir: stacks\n")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / f"Pulumi.{STACK}.yaml").write_text(yaml.safe_dump({"config": in_file}))
    (tmp_path / "program").mkdir()
    monkeypatch.chdir(tmp_path / "program")  # the project file is looked for upwards, as Pulumi does
    with pytest.raises(pulumi.RunError) as raised:
        run_program(values, secret_keys=["ctsync:tenants"])
    message = str(raised.value)
    assert [line.split(": ", 1)[0] for line in message.splitlines()[1:]] == [
        "ctsync:tenants.fabrikam.auth.clientSecret", "ctsync:tenants.northwind.auth.clientSecret"]
    assert "pulumi config set --secret --path 'ctsync:tenants.fabrikam.auth.clientSecret' <value>" in message
    assert stacks.CLIENT_SECRET not in message
    assert monitor.registrations == []

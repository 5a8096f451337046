"""Secrets stay secret: never a plain registered input, never in `__provider`."""
import base64

import dill
import pytest
from pulumi.runtime.rpc import is_rpc_secret

from providers.framework.provider import GraphProvider
from tests.components import stacks
from tests.components.harness import run_program, walk

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


def test_provider_of_every_graph_resource_is_a_plain_type_name(registered):
    dynamic = [r for r in registered if r.typ.startswith("pulumi-python:dynamic/")]
    assert len(dynamic) == 6 + 3 + 3 * 5 + 2  # 3 pairs: entries, policies, per-direction objects, 2 group scopes
    for registration in dynamic:
        serialized = registration.inputs["__provider"]
        assert not is_rpc_secret(serialized), "__provider needs no secret wrapper when it holds nothing secret"
        pickled = base64.b64decode(serialized)
        assert stacks.CLIENT_SECRET.encode() not in pickled and stacks.CLIENT_ID.encode() not in pickled
        provider = dill.loads(pickled)
        assert isinstance(provider, GraphProvider) and vars(provider) == {"type_name": registration.kind}

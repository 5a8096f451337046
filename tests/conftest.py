"""Fixtures for every tier that talks to the bundled Graph emulator."""
from __future__ import annotations

import os
import time

import pytest
from azure.core.credentials import AccessToken

from emulator import EmulatorServer
from emulator.state import EmulatorState

GRAPH_SCOPES = ["https://graph.microsoft.com/.default"]

# Retries wait a twentieth of what Graph's Retry-After or the back-off asks, in this process and in
# every Pulumi CLI and provider plugin the tests start (providers/graph/backoff.py says why that
# loses nothing; tests/providers/test_graph_client.py checks the full wait).
os.environ.setdefault("CTSYNC_BACKOFF_SCALE", "0.05")


class StaticTokenCredential:
    """A duck-typed azure-core TokenCredential handing out one emulator token."""

    def __init__(self, token: str) -> None:
        self._token = token

    def get_token(self, *scopes: str, **kwargs) -> AccessToken:  # kiota passes claims=, enable_cae=
        return AccessToken(self._token, int(time.time()) + 3600)


@pytest.fixture
def emulator():
    """A fresh emulator (empty state) on an ephemeral loopback port, stopped after the test."""
    with EmulatorServer(port=0) as server:
        yield server


@pytest.fixture
def signin_emulator(tmp_path, monkeypatch):
    """A fresh emulator that also serves Entra ID's token endpoint over TLS (``authority_url``); the
    test's process trusts the CA it made, as a user behind a TLS-inspecting proxy trusts theirs
    (REQUESTS_CA_BUNDLE, which azure-identity's transport reads)."""
    ca_file = tmp_path / "emulator-ca.pem"
    with EmulatorServer(port=0, ca_file=ca_file, tls_port=0) as server:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca_file))
        yield server


def graph_client_for(emulator, tenant_id: str, roles: list[str] | None = None):
    """A msgraph GraphServiceClient for ``tenant_id`` on ``emulator``, as a portal or script would use.

    Build it inside the `asyncio.run(...)` that uses it: httpx pools connections per event loop, so a
    client must not outlive its loop."""
    from msgraph import GraphServiceClient

    credential = StaticTokenCredential(emulator.admin.token(tenant_id, roles))
    client = GraphServiceClient(credentials=credential, scopes=GRAPH_SCOPES)
    client.request_adapter.base_url = emulator.graph_url
    return client


@pytest.fixture
def graph_client(emulator):
    """`graph_client(tenant_id, roles=None)` -> ``graph_client_for`` on this test's emulator."""
    return lambda tenant_id, roles=None: graph_client_for(emulator, tenant_id, roles)


@pytest.fixture
def documented_queries_only(monkeypatch):
    """Fails the test when any emulator it started was sent a query Graph refuses (the emulator's
    query rules, docs/graph-notes.md#query-rules): ctsync sends only documented query forms. A strict
    emulator also answers such a query 400, but a caller could swallow that; this cannot be."""
    states: list[EmulatorState] = []
    created = EmulatorState.__init__

    def tracked(self: EmulatorState) -> None:
        created(self)
        states.append(self)

    monkeypatch.setattr(EmulatorState, "__init__", tracked)
    yield
    broken = [f"{e['method']} {e['path']}?{e['query']}: {e['strict']}" for state in states for e in state.broken_queries]
    assert not broken, "queries Graph would refuse:\n" + "\n".join(broken)

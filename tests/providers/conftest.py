"""Fixtures for provider tests against the emulator: the stack config that points a driver at it, and
the lifecycle's request counter over the emulator's request log (which both drivers' requests reach)."""
from __future__ import annotations

import asyncio
import json

import pytest

from tests.emulator.flows import CONTOSO, FABRIKAM, ready_pair, two_tenants
from tests.providers.drivers import close_all


class EmulatorRequests:
    """``Lifecycle``'s RequestCounter: counts what reached the emulator, retries included."""

    def __init__(self, admin) -> None:
        self._admin = admin

    def clear(self) -> None:
        self._admin.clear_requests()

    def log(self) -> list[dict]:
        """Entries of ``GET /_emulator/requests``: method, path, query, tenantId, status, retryAttempt, body."""
        return self._admin.requests()

    def count(self) -> dict[str, int]:
        log = self.log()
        return {"requests": len(log), "writes": sum(1 for entry in log if entry["method"] != "GET")}


@pytest.fixture
def graph_requests(emulator) -> EmulatorRequests:
    return EmulatorRequests(emulator.admin)


@pytest.fixture
def tenants_config(emulator):
    """``tenants_config(*tenant_ids)`` -> the stack config (``ctsync:tenants``) a driver is configured with."""

    def build(*tenant_ids: str) -> dict[str, str]:
        tenants = {
            f"tenant{index}": {"tenantId": tenant_id, "auth": {"method": "emulator"}, "graphEndpoint": emulator.base_url}
            for index, tenant_id in enumerate(tenant_ids)
        }
        return {"ctsync:tenants": json.dumps(tenants)}

    return build


@pytest.fixture(autouse=True)
def _close_drivers():
    """Every provider a test started is stopped after it."""
    yield
    close_all()


def in_tenant(graph_client, tenant_id: str, call):
    """Runs ``call(client)``, a coroutine of raw msgraph-sdk calls, with a client of ``tenant_id``."""

    async def run():
        return await call(graph_client(tenant_id))

    return asyncio.run(run())


def ready_source(emulator, graph_client):
    """Contoso -> Fabrikam ready to synchronize (tests/emulator/flows.py): policies on both sides, and a
    configuration app whose job has its secrets and is started. Returns its ``Configuration``."""
    emulator.admin.load_fixture(two_tenants())

    async def ready(client):
        return await ready_pair(client, graph_client(FABRIKAM))

    return in_tenant(graph_client, CONTOSO, ready)


@pytest.fixture
def sync_pair(emulator, graph_client):
    return ready_source(emulator, graph_client)


@pytest.fixture
def short_replication_deadline(monkeypatch):
    """Replication-lag retries give up after 10 s instead of 5 min (the emulator's lag is a few requests)."""
    monkeypatch.setenv("CTSYNC_REPLICATION_DEADLINE", "10")


@pytest.fixture(autouse=True)
def _only_documented_queries(documented_queries_only):
    """ctsync sends only queries Graph documents (tests/conftest.py says how it is checked)."""

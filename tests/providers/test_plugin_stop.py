"""How the plugin ends: the engine ends every command by interrupting its plugins (SIGINT; SIGKILL
after 5 s). The plugin lets the calls in flight finish, then exits 0 with nothing on stderr."""
from __future__ import annotations

import signal
import threading
import time

import pytest

from tests.emulator.flows import CONTOSO, FABRIKAM, NORTHWIND, partner_of, two_tenants
from tests.providers.conftest import in_tenant
from tests.providers.drivers import PluginDriver

TYPE = "PartnerAccess"


@pytest.fixture
def config(emulator, tenants_config, short_replication_deadline):
    emulator.admin.load_fixture(two_tenants())
    return tenants_config(FABRIKAM, CONTOSO, NORTHWIND)


def wait_for_first_answer(emulator, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not emulator.admin.requests():
        assert time.monotonic() < deadline, "the create sent no request"
        time.sleep(0.05)


def exit_code_after(plugin: PluginDriver, signum: int) -> int:
    plugin.process.send_signal(signum)
    return plugin.process.wait(timeout=10)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_idle_plugin_exits_0_and_quietly(config, signum):
    plugin = PluginDriver(TYPE, config)
    assert exit_code_after(plugin, signum) == 0
    assert plugin.process.stderr.read().decode() == "", "no traceback when the engine ends the plugin"


def test_a_create_in_flight_when_interrupted_finishes_before_the_plugin_exits(config, emulator, graph_client):
    plugin = PluginDriver(TYPE, config)
    emulator.admin.clear_requests()
    emulator.admin.set_faults(latencyMs=800, pathPattern="/partners")  # the create's GET, POST and GET
    created: dict = {}
    call = threading.Thread(target=lambda: created.update(outs=plugin.create(
        {"tenant_id": FABRIKAM, "partner_tenant_id": CONTOSO, "trust_mfa": True})[1]))
    call.start()
    wait_for_first_answer(emulator)  # the create's lookup is answered: its POST is under way
    code = exit_code_after(plugin, signal.SIGINT)
    call.join(timeout=10)
    assert code == 0
    assert created["outs"]["trust_mfa"] is True, "the engine got the create's answer"
    emulator.admin.clear_faults()
    entry = in_tenant(graph_client, FABRIKAM, lambda c: partner_of(c, CONTOSO).get())
    assert entry.inbound_trust.is_mfa_accepted

"""A tenant's clientSecret reaches the provider only through Configure (the default provider's
configuration, as a secret); it must never appear in outputs, state-bound inputs, exception text or
logs, in process or in the plugin started by its launcher."""
from __future__ import annotations

import base64
import json
import logging

import pytest

from providers.graph.connection import connections_from_stack_config
from tests.emulator.flows import CONTOSO, FABRIKAM, two_tenants
from tests.providers.drivers import GrpcDriver, PluginDriver, ProviderError

SECRET = "ctsync-TOP-SECRET-4b1d"
TYPE = "PartnerAccess"


@pytest.fixture
def config(emulator, short_replication_deadline):
    emulator.admin.load_fixture(two_tenants())
    tenants = {
        "contoso": {"tenantId": CONTOSO, "auth": {"method": "emulator"}, "graphEndpoint": emulator.base_url},
        # A real-credential tenant: its token request fails here (no network), which is the point.
        "fabrikam": {
            "tenantId": FABRIKAM,
            "auth": {"method": "clientSecret", "clientId": "0c0c0c0c-1111-4222-8333-444444444444", "clientSecret": SECRET},
        },
    }
    return {"ctsync:tenants": json.dumps(tenants)}


def assert_clean(*texts: object) -> None:
    for text in texts:
        assert SECRET not in str(text)
        assert base64.b64encode(SECRET.encode()).decode() not in str(text)


def test_through_the_plugin(config):
    plugin = PluginDriver(TYPE, config, secret_keys=("ctsync:tenants",))
    try:
        inputs, _ = plugin.check({}, {"tenant_id": CONTOSO, "partner_tenant_id": FABRIKAM})
        id, outs = plugin.create(inputs)
        read = plugin.read(id, outs)
        with pytest.raises(ProviderError) as failure:
            plugin.create({**inputs, "tenant_id": FABRIKAM, "partner_tenant_id": CONTOSO})
        assert "Authentication failed" in str(failure.value) or "ClientAuthentication" in str(failure.value)
    finally:
        plugin.close()
    assert_clean(inputs, outs, read, failure.value, plugin.stderr)


def test_in_process_logs_and_errors(config, caplog):
    with caplog.at_level(logging.DEBUG):
        driver = GrpcDriver(TYPE, config)
        with pytest.raises(Exception) as failure:
            driver.create({"tenant_id": FABRIKAM, "partner_tenant_id": CONTOSO})
    assert_clean(failure.value, repr(failure.value), caplog.text, repr(connections_from_stack_config(config)))

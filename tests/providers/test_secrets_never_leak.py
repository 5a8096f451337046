"""A tenant's clientSecret reaches the provider only through configure(); it must never appear in the
serialised provider, outputs, state-bound inputs, exception text or logs, in process or in the host."""
from __future__ import annotations

import base64
import json
import logging

import grpc
import pytest

from providers.graph.connection import connections_from_stack_config
from tests.emulator.flows import CONTOSO, FABRIKAM, two_tenants
from tests.providers.drivers import HostDriver, InProcessDriver

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


def test_through_the_dynamic_host(config):
    host = HostDriver(TYPE, config, secret_keys=("ctsync:tenants",))
    try:
        inputs, _ = host.check({}, {"tenant_id": CONTOSO, "partner_tenant_id": FABRIKAM})
        id, outs = host.create(inputs)
        read = host.read(id, outs)
        with pytest.raises(grpc.RpcError) as failure:
            host.create({**inputs, "tenant_id": FABRIKAM, "partner_tenant_id": CONTOSO})
        assert "Authentication failed" in failure.value.details() or "ClientAuthentication" in failure.value.details()
    finally:
        host.close()
    assert_clean(host.serialized, base64.b64decode(host.serialized), inputs, outs, read, failure.value.details(), host.stderr)


def test_in_process_logs_and_errors(config, caplog):
    with caplog.at_level(logging.DEBUG):
        driver = InProcessDriver(TYPE, config)
        with pytest.raises(Exception) as failure:
            driver.create({"tenant_id": FABRIKAM, "partner_tenant_id": CONTOSO})
    assert_clean(failure.value, repr(failure.value), caplog.text, repr(connections_from_stack_config(config)))

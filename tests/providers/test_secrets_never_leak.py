"""A tenant's clientSecret reaches the provider only through Configure (the default provider's
configuration, as a secret) and leaves it only in the token request to Entra ID (here the emulator's,
over TLS); it must never appear in outputs, state-bound inputs, exception text or logs, in process or
in the plugin started by its launcher, nor in the emulator's request log."""
from __future__ import annotations

import base64
import json
import logging

import pytest

from providers.graph.connection import connections_from_stack_config
from tests.emulator.flows import CONTOSO, FABRIKAM, two_tenants
from tests.providers.drivers import GrpcDriver, PluginDriver, ProviderError
from tests.signin import CLIENT_ID, registration, with_registrations

SECRET = "ctsync-TOP-SECRET-4b1d"
TYPE = "PartnerAccess"


def stack_config(emulator, secret: str) -> dict[str, str]:
    tenants = {
        "contoso": {"tenantId": CONTOSO, "auth": {"method": "emulator"}, "graphEndpoint": emulator.base_url},
        # A real-credential tenant, signing in at the emulator's token endpoint over TLS.
        "fabrikam": {
            "tenantId": FABRIKAM, "graphEndpoint": emulator.base_url, "authorityHost": emulator.authority_url,
            "auth": {"method": "clientSecret", "clientId": CLIENT_ID, "clientSecret": secret},
        },
    }
    return {"ctsync:tenants": json.dumps(tenants)}


@pytest.fixture
def seeded(signin_emulator, short_replication_deadline):
    signin_emulator.admin.load_fixture(with_registrations(two_tenants(), registration(secret=SECRET)))
    return signin_emulator


def assert_clean(*texts: object) -> None:
    for text in texts:
        assert SECRET not in str(text)
        assert base64.b64encode(SECRET.encode()).decode() not in str(text)


def test_through_the_plugin(seeded):
    plugin = PluginDriver(TYPE, stack_config(seeded, SECRET), secret_keys=("ctsync:tenants",))
    try:
        inputs, _ = plugin.check({}, {"tenant_id": CONTOSO, "partner_tenant_id": FABRIKAM})
        id, outs = plugin.create(inputs)
        read = plugin.read(id, outs)
        _, signed_in = plugin.create({**inputs, "tenant_id": FABRIKAM, "partner_tenant_id": CONTOSO})
    finally:
        plugin.close()
    assert signed_in["tenant_id"] == FABRIKAM
    sign_ins = [entry for entry in seeded.admin.requests() if entry["path"].endswith("/oauth2/v2.0/token")]
    assert [(e["tenantId"], e["status"], e["body"]["credential"]) for e in sign_ins] == [(FABRIKAM, 200, "clientSecret")]
    assert_clean(inputs, outs, read, signed_in, plugin.stderr, seeded.admin.requests())


def test_a_wrong_secret_fails_before_any_write_and_names_the_tenant(seeded, caplog):
    config = stack_config(seeded, "not-" + SECRET)
    seeded.admin.clear_requests()
    with caplog.at_level(logging.DEBUG):
        driver = GrpcDriver(TYPE, config)
        with pytest.raises(ProviderError) as failure:
            driver.create({"tenant_id": CONTOSO, "partner_tenant_id": FABRIKAM})
    message = str(failure.value)
    assert "tenant fabrikam (22222222-2222-4222-8222-222222222222): sign-in with auth method clientSecret failed" in message
    assert "AADSTS7000215: Invalid client secret provided" in message and "ctsync:tenants.fabrikam.auth.clientSecret" in message
    assert not [e for e in seeded.admin.requests() if e["path"].startswith("/v1.0")], "contoso's create sent nothing"
    assert_clean(failure.value, repr(failure.value), caplog.text, repr(connections_from_stack_config(config)),
                 seeded.admin.requests())

"""A token Graph refuses mid-run (revoked, or expired early): the client signs in afresh once and
carries on; with a claims challenge (a client that declares it handles them, as azure-identity does
under kiota) the SDK asks for a token with those claims; a token refused again ends in an error that
names the tenant and what to check."""
from __future__ import annotations

import json

import pytest

from tests.emulator.flows import CONTOSO, FABRIKAM, two_tenants
from tests.providers.drivers import GrpcDriver, ProviderError
from tests.signin import CLIENT_ID, registration, with_registrations

SECRET = "token-refusal-secret"
PARTNER = f"/v1.0/policies/crossTenantAccessPolicy/partners/{CONTOSO}"


def tenants(emulator, fabrikam_auth: dict, **fabrikam) -> dict[str, str]:
    entries = {
        "contoso": {"tenantId": CONTOSO, "auth": {"method": "emulator"}, "graphEndpoint": emulator.base_url},
        "fabrikam": {"tenantId": FABRIKAM, "auth": fabrikam_auth, "graphEndpoint": emulator.base_url, **fabrikam},
    }
    return {"ctsync:tenants": json.dumps(entries)}


@pytest.fixture
def seeded(signin_emulator):
    signin_emulator.admin.load_fixture(with_registrations(two_tenants(), registration(secret=SECRET)))
    return signin_emulator


def signing_in_with_a_secret(emulator, **fabrikam) -> dict[str, str]:
    auth = {"method": "clientSecret", "clientId": CLIENT_ID, "clientSecret": SECRET}
    return tenants(emulator, auth, authorityHost=emulator.authority_url, **fabrikam)


def partner(config) -> tuple[GrpcDriver, str, dict]:
    driver = GrpcDriver("PartnerAccess", config)
    inputs, _ = driver.check({}, {"tenant_id": FABRIKAM, "partner_tenant_id": CONTOSO})
    return (driver, *driver.create(inputs))


def answers(emulator, path: str) -> list[int]:
    return [entry["status"] for entry in emulator.admin.requests() if entry["path"] == path]


def sign_ins(emulator) -> int:
    return sum(1 for entry in emulator.admin.requests() if entry["path"].endswith("/oauth2/v2.0/token"))


def test_a_revoked_token_is_replaced_once_and_the_read_carries_on(seeded):
    driver, id, outs = partner(tenants(seeded, {"method": "emulator"}))
    seeded.admin.revoke_tokens(FABRIKAM)
    seeded.admin.clear_requests()
    assert driver.read(id, outs)[0] == id
    assert answers(seeded, PARTNER) == [401, 200]


def test_a_claims_challenge_gets_a_token_with_those_claims(seeded):
    driver, id, outs = partner(signing_in_with_a_secret(seeded))
    assert sign_ins(seeded) == 1
    seeded.admin.revoke_tokens(FABRIKAM)
    seeded.admin.clear_requests()
    assert driver.read(id, outs)[0] == id
    assert answers(seeded, PARTNER) == [401, 200] and sign_ins(seeded) == 1, "the SDK answered the challenge"


def test_a_token_refused_again_ends_in_an_error_naming_the_tenant(seeded):
    # A US Government tenant's token is for https://graph.microsoft.us: this Graph refuses every one.
    config = signing_in_with_a_secret(seeded, cloud="usGovernment")
    with pytest.raises(ProviderError) as failure:
        partner(config)
    message = str(failure.value)
    assert f"tenant fabrikam ({FABRIKAM}): Graph refused a freshly issued token too" in message
    assert "Invalid audience" in message and "ctsync:tenants.fabrikam.tenantId" in message
    assert "Traceback" not in message and SECRET not in message
    assert sign_ins(seeded) == 2, "one fresh sign-in, then it stops"

"""Entra ID's token endpoint as the emulator serves it over TLS, through azure-identity itself: each
credential kind of an app registration, Entra's refusals (AADSTS codes), tokens that carry the app's
permissions and Graph's audience, and revocation (a 401, with a claims challenge for a client that
handles them)."""
from __future__ import annotations

import base64
import json

import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import CertificateCredential, ClientAssertionCredential, ClientSecretCredential

from tests.emulator.flows import CONTOSO, FABRIKAM, raw, two_tenants
from tests.signin import CLIENT_ID, ISSUER, SUBJECT, client_certificate, registration, with_registrations

SCOPE = "https://graph.microsoft.com/.default"
SECRET = "emulator-test-secret"
PARTNERS = "/policies/crossTenantAccessPolicy/partners"


@pytest.fixture
def seeded(signin_emulator, tmp_path):
    pem = client_certificate(tmp_path)
    entry = registration(secret=SECRET, certificate=pem, federated=True, permissions=["Policy.Read.All"])
    signin_emulator.admin.load_fixture(with_registrations(two_tenants(), entry))
    signin_emulator.pem = pem
    return signin_emulator


def at(emulator) -> dict:
    return {"authority": emulator.authority_url, "disable_instance_discovery": True}


def claims(token: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))


def federated(emulator, subject: str = SUBJECT):
    return ClientAssertionCredential(CONTOSO, CLIENT_ID, lambda: emulator.admin.federated_token(ISSUER, subject), **at(emulator))


CREDENTIALS = {
    "client secret": lambda em: ClientSecretCredential(CONTOSO, CLIENT_ID, SECRET, **at(em)),
    "certificate": lambda em: CertificateCredential(CONTOSO, CLIENT_ID, certificate_path=str(em.pem), **at(em)),
    "federated token": federated,
}


@pytest.mark.parametrize("make", CREDENTIALS.values(), ids=CREDENTIALS.keys())
def test_each_credential_kind_gets_a_graph_token_with_the_apps_permissions(seeded, make):
    token = make(seeded).get_token(SCOPE).token
    assert {k: claims(token)[k] for k in ("tid", "aud", "appid", "roles")} == {
        "tid": CONTOSO, "aud": "https://graph.microsoft.com", "appid": CLIENT_ID, "roles": ["Policy.Read.All"]}
    assert raw(seeded, "GET", PARTNERS, token)[0] == 200, "Graph accepts it for what it grants"
    status, _, body = raw(seeded, "POST", PARTNERS, token, {"tenantId": FABRIKAM})
    assert status == 403 and "Policy.ReadWrite.CrossTenantAccess" in body["error"]["message"]


REFUSALS = {
    "wrong secret": (lambda em: ClientSecretCredential(CONTOSO, CLIENT_ID, "wrong", **at(em)), "AADSTS7000215"),
    "unknown client": (lambda em: ClientSecretCredential(CONTOSO, "99999999-1111-4222-8333-444444444444", SECRET, **at(em)),
                       "AADSTS700016"),
    # Entra answers the tenant's discovery document with AADSTS90002; MSAL reports it as this.
    "unknown tenant": (lambda em: ClientSecretCredential("99999999-9999-4999-8999-999999999999", CLIENT_ID, SECRET, **at(em)),
                       "Unable to get authority configuration"),
    "certificate not registered": (
        lambda em: CertificateCredential(CONTOSO, CLIENT_ID, certificate_path=str(client_certificate(em.pem.parent / "other")),
                                         **at(em)), "AADSTS700027"),
    "federated subject not trusted": (lambda em: federated(em, "repo:someone/else:ref:refs/heads/main"), "AADSTS70021"),
}


@pytest.mark.parametrize("make,code", REFUSALS.values(), ids=REFUSALS.keys())
def test_entra_refusals(seeded, make, code):
    (seeded.pem.parent / "other").mkdir(exist_ok=True)
    with pytest.raises(ClientAuthenticationError, match=code):
        make(seeded).get_token(SCOPE)


def test_a_scope_without_default_is_refused(seeded):
    with pytest.raises(ClientAuthenticationError, match="AADSTS1002012"):
        ClientSecretCredential(CONTOSO, CLIENT_ID, SECRET, **at(seeded)).get_token("https://graph.microsoft.com/User.Read")


def test_a_token_for_another_resource_is_refused_by_graph(seeded):
    token = ClientSecretCredential(CONTOSO, CLIENT_ID, SECRET, **at(seeded)).get_token("https://graph.microsoft.us/.default")
    status, _, body = raw(seeded, "GET", PARTNERS, token.token)
    assert status == 401 and "Invalid audience" in body["error"]["message"]


@pytest.mark.parametrize("cae, challenged", [(True, True), (False, False)], ids=["handles claims", "does not"])
def test_a_revoked_token_gets_401_with_a_claims_challenge_only_for_a_client_that_handles_them(seeded, cae, challenged):
    credential = ClientSecretCredential(CONTOSO, CLIENT_ID, SECRET, **at(seeded))
    token = credential.get_token(SCOPE, enable_cae=cae).token
    seeded.admin.revoke_tokens(CONTOSO)
    status, headers, body = raw(seeded, "GET", PARTNERS, token)
    assert status == 401 and body["error"]["message"] == "The access token has been revoked."
    assert ('claims="' in headers["WWW-Authenticate"]) is challenged
    fresh = credential.get_token(SCOPE, enable_cae=cae, claims=json.dumps({"access_token": {"nbf": {"essential": True}}}))
    assert raw(seeded, "GET", PARTNERS, fresh.token)[0] == 200


def test_the_request_log_keeps_who_signed_in_never_the_credential(seeded):
    for make in CREDENTIALS.values():
        make(seeded).get_token(SCOPE)
    sign_ins = [entry for entry in seeded.admin.requests() if entry["path"].endswith("/token")]
    assert [entry["body"] for entry in sign_ins] == [
        {"client_id": CLIENT_ID, "grant_type": "client_credentials", "credential": kind}
        for kind in ("clientSecret", "clientAssertion", "clientAssertion")]
    assert SECRET not in json.dumps(seeded.admin.requests())

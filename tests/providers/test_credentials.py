"""Each auth method of the config contract gets the azure-identity credential it names, for its tenant
and client, built offline (tokens are only asked for on the first Graph call)."""
from __future__ import annotations

import pytest
from azure import identity

from providers.graph.connection import EmulatorCredential, TenantConnection, TenantScoped, credential_for
from tests.signin import client_certificate

TENANT = "22222222-2222-4222-8222-222222222222"
CLIENT = "0c0c0c0c-1111-4222-8333-444444444444"


@pytest.fixture
def certificate(tmp_path) -> str:
    """A self-signed PEM (key + certificate), as CertificateCredential reads it at construction."""
    return str(client_certificate(tmp_path))


CASES = {
    "clientSecret": (dict(client_id=CLIENT, client_secret="s"), identity.ClientSecretCredential),
    "certificate": (dict(client_id=CLIENT), identity.CertificateCredential),
    "oidc": (dict(client_id=CLIENT), identity.WorkloadIdentityCredential),
    "managedIdentity": (dict(client_id=CLIENT), identity.ManagedIdentityCredential),
    "azureCli": ({}, identity.AzureCliCredential),
    "default": ({}, identity.DefaultAzureCredential),
    "emulator": (dict(endpoint="http://127.0.0.1:18080"), EmulatorCredential),
}


@pytest.mark.parametrize("method", CASES)
def test_each_auth_method_gets_its_credential(method, certificate, tmp_path, monkeypatch):
    token_file = tmp_path / "federated-token"
    token_file.write_text("header.payload.signature")
    monkeypatch.setenv("AZURE_FEDERATED_TOKEN_FILE", str(token_file))
    extra, expected = CASES[method]
    if method == "certificate":
        extra = {**extra, "certificate_path": certificate}
    credential = credential_for(TenantConnection(tenant_id=TENANT, method=method, **extra))

    if method in ("azureCli", "default"):
        # One sign-in, a token per tenant: the wrapper asks for this tenant's.
        assert isinstance(credential, TenantScoped) and credential._tenant_id == TENANT
        credential = credential._inner
    assert isinstance(credential, expected)
    if method in ("clientSecret", "certificate", "oidc"):
        # Private attributes of azure-identity 1.27 (pinned): the only way to see whom it signs in as.
        holder = credential._client if method == "oidc" else credential
        assert (holder._client_id, holder._tenant_id) == (CLIENT, TENANT)


def test_tenant_scoped_asks_for_its_own_tenant_whatever_the_caller_passes():
    seen = {}

    class Inner:
        def get_token(self, *scopes, **kwargs):
            seen.update(kwargs, scopes=scopes)
            return "token"

    assert TenantScoped(Inner(), TENANT).get_token("https://graph.microsoft.com/.default", tenant_id="other") == "token"
    assert seen["tenant_id"] == TENANT


MISSING_FILES = {
    "oidc without a token file": (dict(method="oidc", client_id=CLIENT), "Missing required arguments: 'token_file_path'",
                                  "ctsync:tenants.fabrikam.auth.tokenFile or AZURE_FEDERATED_TOKEN_FILE"),
    "certificate file missing": (dict(method="certificate", client_id=CLIENT, certificate_path="/nonexistent/deployer.pem"),
                                 "No such file or directory: '/nonexistent/deployer.pem'",
                                 "ctsync:tenants.fabrikam.auth.certificatePath"),
}


@pytest.mark.parametrize("settings,reason,advice", MISSING_FILES.values(), ids=MISSING_FILES.keys())
def test_a_credential_that_cannot_be_made_is_a_sign_in_failure_naming_the_tenant(settings, reason, advice, monkeypatch):
    from providers.graph.connection import TenantCredential
    from providers.graph.errors import SignInFailed

    monkeypatch.delenv("AZURE_FEDERATED_TOKEN_FILE", raising=False)
    credential = TenantCredential(TenantConnection(tenant_id=TENANT, alias="fabrikam", **settings))
    with pytest.raises(SignInFailed) as failure:
        credential.get_token("https://graph.microsoft.com/.default")
    message = str(failure.value)
    assert message.startswith(f"tenant fabrikam ({TENANT}): sign-in with auth method {settings['method']} failed")
    assert reason in message and advice in message

"""The local stack deployed by the real CLI with tenants that sign in through azure-identity, at the
emulator's Entra ID token endpoint over TLS: with a client secret, with a certificate, and with a
federated token file (oidc, as GitHub Actions gives one). The credential (secret, private key,
federated token) appears in no `pulumi stack export`, no engine log at its most verbose (the
provider's stderr included), no preview and no emulator request log. A wrong credential or an
unknown client stops `pulumi up` before anything is written, naming the tenant and the auth method."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import yaml

from emulator import EmulatorServer
from tests.engine.project import CLI, REPO, STACK, Project, needs_cli
from tests.signin import CLIENT_ID, ISSUER, SUBJECT, client_certificate, private_key_text, registration, with_registrations

pytestmark = needs_cli
SECRET = "ctsync-engine-SECRET-9f3e"
LOCAL_RESOURCES = 37  # what `pulumi up` of the local stack creates


def local_fixture() -> dict:
    return yaml.safe_load((REPO / "emulator" / "fixtures" / "local.yaml").read_text())


def signing_in(method: str, emulator: EmulatorServer, extra: dict | None = None) -> dict:
    """The local stack with every tenant signing in with ``method`` at the emulator's authority."""
    stack = yaml.safe_load((REPO / "stacks" / "Pulumi.local.yaml").read_text())
    for tenant in stack["config"]["ctsync:tenants"].values():
        tenant["authorityHost"] = emulator.authority_url
        tenant["auth"] = {"method": method, "clientId": CLIENT_ID, **(extra or {})}
    return stack


class Deployment:
    """The emulator (signing in over TLS) with the deployer app registered in every local tenant,
    and a project on it."""

    def __init__(self, emulator: EmulatorServer, tmp_path: Path, entry: dict):
        self.emulator, self.tmp_path = emulator, tmp_path
        emulator.admin.load_fixture(with_registrations(local_fixture(), entry))

    def project(self, stack: dict, secret: str | None = None) -> Project:
        project = Project.create(self.tmp_path / "project", self.emulator.base_url, CLI, stack=stack)
        project.init()
        for alias in stack["config"]["ctsync:tenants"] if secret else ():
            project.pulumi("config", "set", "--secret", "--path", f"ctsync:tenants.{alias}.auth.clientSecret", secret,
                           "-s", STACK)
        return project

    def sign_ins(self) -> list[tuple[int, str]]:
        return [(e["status"], e["body"]["credential"]) for e in self.emulator.admin.requests()
                if e["path"].endswith("/oauth2/v2.0/token")]

    def graph_writes(self) -> list[str]:
        return [f"{e['method']} {e['path']}" for e in self.emulator.admin.requests()
                if e["path"].startswith("/v1.0") and e["method"] != "GET"]


@pytest.fixture
def deployment(signin_emulator, tmp_path):
    """``deployment(app registration entry)`` -> a Deployment on this test's signing-in emulator."""
    return lambda entry: Deployment(signin_emulator, tmp_path, entry)


def _secret_method(deployment, tmp_path, monkeypatch):
    return deployment(registration(secret=SECRET)), {}, SECRET, [SECRET]


def _certificate_method(deployment, tmp_path, monkeypatch):
    pem = client_certificate(tmp_path)
    return deployment(registration(certificate=pem)), {"certificatePath": str(pem)}, None, [private_key_text(pem)]


def _oidc_method(deployment, tmp_path, monkeypatch):
    made = deployment(registration(federated=True))
    token = made.emulator.admin.federated_token(ISSUER, SUBJECT)
    token_file = tmp_path / "federated-token"
    token_file.write_text(token)
    monkeypatch.setenv("AZURE_FEDERATED_TOKEN_FILE", str(token_file))  # what CI's login step provides
    return made, {}, None, [token, token.split(".")[2]]


METHODS = {"clientSecret": _secret_method, "certificate": _certificate_method, "oidc": _oidc_method}


@pytest.mark.parametrize("method", METHODS)
def test_the_local_stack_deploys_signing_in_through_azure_identity(method, deployment, tmp_path, monkeypatch):
    made, extra, secret, credentials = METHODS[method](deployment, tmp_path, monkeypatch)
    project = made.project(signing_in(method, made.emulator, extra), secret=secret)

    up = project.pulumi("up", "--yes", "--skip-preview", "-s", STACK, "--logtostderr", "-v=9", "--logflow")
    assert f"{LOCAL_RESOURCES} created" in up.stdout
    kind = "clientSecret" if method == "clientSecret" else "clientAssertion"
    # One sign-in per tenant: every later request of the run uses the cached token.
    assert made.sign_ins() == [(200, kind)] * 3
    exported = project.pulumi("stack", "export", "-s", STACK).stdout
    preview = project.pulumi("preview", "--diff", "-s", STACK)
    texts = {"state": exported, "up output": up.stdout, "engine log": up.stderr, "preview": preview.stdout + preview.stderr,
             "stack file": (project.root / "stacks" / f"Pulumi.{STACK}.yaml").read_text(),
             "emulator's request log": json.dumps(made.emulator.admin.requests())}
    for credential in credentials:
        encoded = base64.b64encode(credential.encode()).decode()
        for where, text in texts.items():
            assert credential not in text and encoded not in text, f"the {method} credential is in the {where}"
    if secret:
        [provider] = [r for r in json.loads(exported)["deployment"]["resources"] if r["type"] == "pulumi:providers:ctsync"]
        assert "ciphertext" in provider["inputs"]["tenants"], "the provider's configuration is kept encrypted"


REFUSED = {
    "wrong secret": ("clientSecret", registration(secret="the-right-one"), {}, "ctsync-wrong-secret",
                     "AADSTS7000215: Invalid client secret provided"),
    "unknown client": ("clientSecret", {**registration(secret=SECRET), "clientId": "99999999-1111-4222-8333-444444444444"},
                       {}, SECRET, f"AADSTS700016: Application with identifier '{CLIENT_ID}' was not found"),
}


@pytest.mark.parametrize("method,entry,extra,secret,reason", REFUSED.values(), ids=REFUSED.keys())
def test_a_refused_sign_in_stops_up_before_anything_is_written(method, entry, extra, secret, reason, deployment):
    made = deployment(entry)
    project = made.project(signing_in(method, made.emulator, extra), secret=secret)
    up = project.pulumi("up", "--yes", "--skip-preview", "-s", STACK, check=False)
    assert up.returncode != 0
    output = up.stdout + up.stderr
    assert "sign-in with auth method clientSecret failed" in output and reason in output
    assert "tenant contoso (11111111-1111-4111-8111-111111111111)" in output
    assert "ctsync:tenants.contoso.auth.clientSecret" in output
    assert "Traceback" not in output
    assert made.graph_writes() == []
    assert secret not in output

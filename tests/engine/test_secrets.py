"""A clientSecret tenant's secret reaches the ctsync provider only as its configuration: it appears in
no `pulumi stack export`, no engine log (at the most verbose level, the provider's stderr included),
no CLI output, no request the emulator logged."""
from __future__ import annotations

import base64
import json

import yaml

from emulator import EmulatorServer
from tests.engine.project import CLI, Project, REPO, STACK, needs_cli

pytestmark = needs_cli
SECRET = "ctsync-engine-SECRET-9f3e"


def test_a_client_secret_never_reaches_state_or_logs(tmp_path):
    stack = yaml.safe_load((REPO / "stacks" / "Pulumi.local.yaml").read_text())
    # A fourth tenant signing in with a client secret; no sync uses it, so no token is asked for
    # (there is no network here), but the provider is configured with it like every tenant.
    stack["config"]["ctsync:tenants"]["litware"] = {
        "tenantId": "44444444-4444-4444-8444-444444444444",
        "auth": {"method": "clientSecret", "clientId": "0c0c0c0c-1111-4222-8333-444444444444"},
    }
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        project = Project.create(tmp_path / "project", emulator.base_url, CLI, stack=stack)
        project.init()
        project.pulumi("config", "set", "--secret", "--path", "ctsync:tenants.litware.auth.clientSecret", SECRET, "-s", STACK)
        up = project.pulumi("up", "--yes", "--skip-preview", "-s", STACK, "--logtostderr", "-v=9", "--logflow")
        exported = project.pulumi("stack", "export", "-s", STACK).stdout
        preview = project.pulumi("preview", "--diff", "-s", STACK)
        stack_file = (project.root / "stacks" / f"Pulumi.{STACK}.yaml").read_text()
        request_log = json.dumps(emulator.admin.requests())
    assert "37 created" in up.stdout
    encoded = base64.b64encode(SECRET.encode()).decode()
    for where, text in {"state": exported, "up output": up.stdout, "engine log": up.stderr,
                        "preview": preview.stdout + preview.stderr, "stack file": stack_file,
                        "emulator's request log": request_log}.items():
        assert SECRET not in text and encoded not in text, f"the client secret is in the {where}"
    [provider] = [r for r in json.loads(exported)["deployment"]["resources"] if r["type"] == "pulumi:providers:ctsync"]
    assert "ciphertext" in provider["inputs"]["tenants"], "the provider's configuration is kept encrypted"

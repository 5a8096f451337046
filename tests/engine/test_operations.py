"""Operating a deployed stack with the real CLI and the real commands, on the emulator:

`python -m ctsync status` gates on job health after `pulumi up`; a job Graph quarantines because a
setting was changed out of band is seen by a refreshing preview and restarted by `pulumi up --refresh`
once the setting is put back (a plain preview, which reads nothing, sees no change); the policy pack
stops a preview that breaks one of its rules.
"""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest
from msgraph.generated.models.cross_tenant_access_policy_configuration_partner import (
    CrossTenantAccessPolicyConfigurationPartner,
)
from msgraph.generated.models.inbound_outbound_policy_configuration import InboundOutboundPolicyConfiguration

from emulator import EmulatorServer
from tests.conftest import graph_client_for
from tests.engine.project import CLI, CONTOSO, FABRIKAM, NORTHWIND, REPO, STACK, Project, needs_cli

pytestmark = needs_cli
POLICY_PACK = REPO / "policy"
needs_policy_venv = pytest.mark.skipif(
    not (POLICY_PACK / ".venv" / "bin" / "python").exists(),
    reason="no policy/.venv: scripts/bootstrap.sh makes it (scripts/test.sh runs it first)",
)


def ctsync(project: Project, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ctsync", *args, "--stack", STACK], cwd=project.root, env=project.env,
                          capture_output=True, text=True, timeout=300)


def health(project: Project) -> tuple[int, dict[str, dict]]:
    done = ctsync(project, "status", "--json")
    return done.returncode, {d["direction"]: d for d in json.loads(done.stdout)["directions"]}


def set_inbound_redemption(emulator: EmulatorServer, allowed: bool) -> None:
    """Fabrikam's administrator changes its entry for Contoso in the portal."""
    async def patch():
        partner = graph_client_for(emulator, FABRIKAM).policies.cross_tenant_access_policy.partners
        await partner.by_cross_tenant_access_policy_configuration_partner_tenant_id(CONTOSO).patch(
            CrossTenantAccessPolicyConfigurationPartner(
                automatic_user_consent_settings=InboundOutboundPolicyConfiguration(inbound_allowed=allowed)))

    asyncio.run(patch())


def test_status_gates_and_up_restarts_a_quarantined_job_once_repaired(tmp_path):
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        project = Project.create(tmp_path / "project", emulator.base_url, CLI)
        project.init()
        project.up()
        emulator.admin.run_sync()
        code, directions = health(project)
        assert code == 0 and {d["verdict"] for d in directions.values()} == {"healthy"}, directions

        set_inbound_redemption(emulator, False)
        emulator.admin.run_sync()
        code, directions = health(project)
        assert code == 3, "a quarantined job fails the gate"
        quarantined = directions["contoso -> fabrikam"]
        assert quarantined["quarantine"]["reason"] == "EncounteredQuarantineException"
        assert f"set in tenant {FABRIKAM}, the cross-tenant access partner entry for {CONTOSO}" in quarantined["advice"][0]

        # Without a refresh the state knows nothing of it: no change, no Graph request.
        emulator.admin.clear_requests()
        project.pulumi("preview", "--expect-no-changes", "-s", STACK)
        assert emulator.admin.requests() == []
        # A refreshing preview shows the partner entry's drift and the quarantined job.
        preview = project.pulumi("preview", "--refresh", "--diff", "-s", STACK)
        shown = preview.stdout + preview.stderr
        assert "is quarantined (EncounteredQuarantineException); up restarts it if validateCredentials now passes" in shown
        assert "~ inbound_auto_redeem" in shown or "inbound_auto_redeem" in shown
        # up --refresh puts the partner entry back as declared first, then restarts the job.
        up = project.up("--refresh")
        assert "validateCredentials passes again" in up.stdout + up.stderr
        emulator.admin.run_sync()
        code, directions = health(project)
        assert code == 0, directions
        project.pulumi("preview", "--expect-no-changes", "-s", STACK)


@needs_policy_venv
def test_the_policy_pack_stops_a_preview_that_breaks_a_rule(tmp_path):
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        project = Project.create(tmp_path / "project", emulator.base_url, CLI)
        project.init()
        # The local stack: all three tenants in the MTO, but Fabrikam and Northwind trust no MFA of each other.
        blocked = project.pulumi("preview", "--policy-pack", str(POLICY_PACK), "-s", STACK, check=False)
        assert blocked.returncode != 0
        output = blocked.stdout + blocked.stderr
        assert "[mandatory]  mfa-trust-inside-mto" in output
        # Fabrikam and Northwind sync into each other: both entries must trust MFA; Contoso receives no sync.
        assert f"tenant {FABRIKAM} must trust MFA from {NORTHWIND}" in output
        assert f"tenant {NORTHWIND} must trust MFA from {FABRIKAM}" in output
        assert f"tenant {CONTOSO} must trust MFA" not in output
        for rule in ("no-sync-all", "member-only-inside-mto", "deletion-threshold"):
            assert rule not in output, f"{rule} holds for the local stack, even before its first up"

        config = tmp_path / "policy-config.json"
        config.write_text(json.dumps({"mfa-trust-inside-mto": "advisory",
                                      "deletion-threshold": {"maxDeletionThreshold": 100}}))
        capped = project.pulumi("preview", "--policy-pack", str(POLICY_PACK), "--policy-pack-config", str(config),
                                "-s", STACK, check=False)
        output = capped.stdout + capped.stderr
        assert capped.returncode != 0, "the threshold of 500 is above the configured maximum"
        assert "is 500: at most 100 allowed" in output
        assert emulator.admin.requests() == [] or all(e["method"] == "GET" for e in emulator.admin.requests())


@pytest.mark.parametrize("passphrase, fix", [
    ("not-the-passphrase", "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to this stack's passphrase"),
    (None, "PULUMI_CONFIG_PASSPHRASE_FILE) to the stack's passphrase"),
])
def test_status_with_a_wrong_passphrase_says_to_set_the_passphrase_not_to_init_the_stack(tmp_path, passphrase, fix):
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        project = Project.create(tmp_path / "project", emulator.base_url, CLI)
        project.init()
        project.pulumi("config", "set", "--secret", "ctsync:note", "a secret", "-s", STACK)
        env = {key: value for key, value in project.env.items() if key != "PULUMI_CONFIG_PASSPHRASE"}
        env.update({"PULUMI_CONFIG_PASSPHRASE": passphrase} if passphrase is not None else {})
        done = subprocess.run([sys.executable, "-m", "ctsync", "status", "--stack", STACK], cwd=project.root, env=env,
                              capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert fix in done.stderr and "pulumi stack init" not in done.stderr

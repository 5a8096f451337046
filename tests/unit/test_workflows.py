"""The GitHub workflows call what exists: the setup action they name, `python -m ctsync status`
with arguments its parser accepts, the policy pack directory; `pulumi up` is always followed by the
health gate, and health.yml runs hourly with drift as a failure."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ctsync.cli import _parser

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"


def workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def steps(job: dict) -> list[dict]:
    return job["steps"]


def pulumi_step(job: dict, command: str) -> dict:
    return next(s for s in steps(job) if s.get("uses", "").startswith("pulumi/actions") and s["with"]["command"] == command)


def ctsync_commands(job: dict) -> list[list[str]]:
    runs = [s["run"] for s in steps(job) if "python -m ctsync" in s.get("run", "")]
    return [run.split("python -m ctsync", 1)[1].replace("${{ matrix.stack }}", "dev").split() for run in runs]


@pytest.mark.parametrize("name", ["pulumi.yml", "health.yml"])
def test_every_job_sets_up_with_the_shared_action(name):
    for job in workflow(name)["jobs"].values():
        [setup] = [s for s in steps(job) if s.get("uses") == "./.github/actions/setup"]
        assert (ROOT / ".github" / "actions" / "setup" / "action.yml").is_file()
        assert setup["id"] == "setup"


def test_up_is_gated_on_job_health_and_the_policy_pack():
    up = workflow("pulumi.yml")["jobs"]["up"]
    names = [s.get("name") or s.get("uses") for s in steps(up)]
    assert names.index("Job health") > names.index("pulumi/actions@v6"), "status runs after up"
    assert ctsync_commands(up) == [["status", "--stack", "dev"]]
    assert pulumi_step(up, "up")["with"]["policyPacks"] == "policy"
    assert pulumi_step(workflow("pulumi.yml")["jobs"]["preview"], "preview")["with"]["policyPacks"] == "policy"
    assert (ROOT / "policy" / "PulumiPolicy.yaml").is_file()


def test_health_runs_hourly_and_fails_on_drift_or_ill_health():
    health = workflow("health.yml")
    [schedule] = health[True]["schedule"]  # YAML 1.1 reads the key `on` as True
    minute, hour, *_ = schedule["cron"].split()
    assert minute.isdigit() and hour == "*", "hourly"
    job = health["jobs"]["check"]
    drift = pulumi_step(job, "preview")["with"]
    assert drift["refresh"] is True and drift["expect-no-changes"] is True
    assert ctsync_commands(job) == [["status", "--stack", "dev"]]


@pytest.mark.parametrize("name", ["pulumi.yml", "health.yml"])
def test_the_ctsync_commands_they_run_parse(name):
    for job in workflow(name)["jobs"].values():
        for command in ctsync_commands(job):
            assert _parser().parse_args(command).command == command[0]


def test_the_hourly_check_runs_where_no_approval_gate_waits():
    """health.yml reads only: its environment is not the deploying one, whose reviewers gate `up`."""
    check = workflow("health.yml")["jobs"]["check"]
    up = workflow("pulumi.yml")["jobs"]["up"]
    assert check["environment"] == "${{ matrix.stack }}-read" != up["environment"]
    assert "environment:dev-read, ...:prod-read" in (WORKFLOWS / "pulumi.yml").read_text()


def test_a_workflow_runs_the_readmes_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "bash scripts/test.sh" in readme
    job = workflow("test.yml")["jobs"]["test"]
    assert [s["run"] for s in steps(job) if "run" in s] == ["bash scripts/test.sh -q"]
    assert set(workflow("test.yml")[True]) == {"pull_request", "push"}


def test_the_oidc_comment_matches_the_contract():
    """An `oidc` tenant names its own clientId (stackconfig refuses one without)."""
    text = (WORKFLOWS / "pulumi.yml").read_text()
    assert "the tenant's clientId (required)" in text and "name no clientId" not in text


def test_the_extras_plugins_are_installed_at_the_pinned_sdk_versions():
    import subprocess

    printed = subprocess.run(["bash", str(ROOT / "scripts" / "install-extras.sh"), "--print"],
                             capture_output=True, text=True, check=True).stdout.split("\n")
    pins = dict(line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines() if "==" in line)
    assert printed[:2] == [f"pulumi plugin install resource azuread v{pins['pulumi-azuread']}",
                           f"pulumi plugin install resource azure-native v{pins['pulumi-azure-native']}"]
    assert "bash scripts/install-extras.sh" in (ROOT / "docs" / "configuration.md").read_text()

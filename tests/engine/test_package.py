"""ctsync adopted as a package, from a directory that is not a checkout, with only what
scripts/package.sh writes (docs/installation-configuration.md): the plugin archive installed with
`pulumi plugin install`, the wheel installed into a program's own virtualenv. A Python program and a
YAML program each deploy a TenantPair between two emulator tenants; a second `up` writes nothing;
`destroy` removes what they made; a bad `syncs` entry is refused with its path, nothing written.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from emulator import EmulatorServer
from providers.version import VERSION
from tests.engine.project import CLI, CONTOSO, FABRIKAM, PASSPHRASE, REPO, needs_cli

pytestmark = needs_cli
SALES = "aaaaaaaa-0000-4000-8000-000000000001"
# @TO@ and @GROUP@ are filled in by write_program; the bad values are of the types the schema says, so
# what refuses them is ctsync's own check (a YAML program's types are checked by the YAML host first).
PYTHON_PROGRAM = """
import pulumi
import pulumi_ctsync as ctsync

pair = ctsync.pair.TenantPair("contoso-fabrikam", syncs=[{
    "from": "contoso", "to": "@TO@",
    "trust": {"mfa": True},
    "scope": {"groups": ["@GROUP@"]},
}])
pulumi.export("jobs", pair.summary["jobs"])
"""
YAML_PROGRAM = """
name: adopt-yaml
runtime: yaml
resources:
  pair:
    type: ctsync:pair:TenantPair
    name: contoso-fabrikam
    properties:
      syncs:
        - from: contoso
          to: "@TO@"
          trust: {mfa: true}
          scope: {groups: ["@GROUP@"]}
outputs:
  jobs: ${pair.summary["jobs"]}
"""


def tenants_config(url: str) -> str:
    return "config:\n  ctsync:tenants:\n" + "".join(
        f"    {alias}: {{tenantId: {tenant}, auth: {{method: emulator}}, graphEndpoint: '{url}'}}\n"
        for alias, tenant in (("contoso", CONTOSO), ("fabrikam", FABRIKAM))
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict[str, str]:
    """dist/ made by scripts/package.sh, and the plugin archive installed into a PULUMI_HOME of its own."""
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(["bash", str(REPO / "scripts" / "package.sh"), str(dist)], check=True, capture_output=True)
    home = tmp_path_factory.mktemp("pulumi-home")
    env = {
        **os.environ, "PATH": f"{Path(CLI).parent}:{os.environ['PATH']}", "PULUMI_HOME": str(home),
        "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE, "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
    }
    archive = dist / f"pulumi-resource-ctsync-v{VERSION}-linux-amd64.tar.gz"
    subprocess.run([CLI, "plugin", "install", "resource", "ctsync", VERSION, "-f", str(archive)],
                   check=True, capture_output=True, env=env)
    return {**env, "DIST": str(dist)}


def pulumi(env: dict[str, str], cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([CLI, *args, "--non-interactive"], cwd=cwd, env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"pulumi {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


def writes(emulator: EmulatorServer) -> list[str]:
    return [f"{e['method']} {e['path']}" for e in emulator.admin.requests()
            if e["method"] != "GET" and e["path"].startswith("/v1.0")]


def python_project(root: Path, env: dict[str, str]) -> None:
    (root / "Pulumi.yaml").write_text(
        "name: adopt-python\nruntime:\n  name: python\n  options:\n    toolchain: pip\n    virtualenv: venv\n")
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True)
    wheel = next(Path(env["DIST"]).glob("pulumi_ctsync-*-py3-none-any.whl"))
    subprocess.run([str(root / "venv" / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", str(wheel)],
                   check=True, capture_output=True)


def write_program(root: Path, language: str, to: str = "fabrikam", group: str = SALES) -> None:
    program, path = (PYTHON_PROGRAM, "__main__.py") if language == "python" else (YAML_PROGRAM, "Pulumi.yaml")
    (root / path).write_text(program.replace("@TO@", to).replace("@GROUP@", group))


@pytest.mark.parametrize("language", ["python", "yaml"])
def test_a_program_outside_the_repository_deploys_a_tenant_pair_from_the_package(installed, tmp_path, language):
    root = tmp_path / language
    root.mkdir()
    assert not (root / ".git").exists() and REPO not in root.parents
    env = {**installed, "PULUMI_BACKEND_URL": f"file://{tmp_path / 'state'}"}
    (tmp_path / "state").mkdir()
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        if language == "python":
            python_project(root, env)
        write_program(root, language)
        (root / "Pulumi.dev.yaml").write_text(tenants_config(emulator.base_url))
        pulumi(env, root, "stack", "init", "dev")

        pulumi(env, root, "up", "--yes", "--skip-preview")
        tenants = emulator.state.tenants
        assert [p for p in tenants[CONTOSO].partners] == [FABRIKAM]
        assert [p for p in tenants[FABRIKAM].partners] == [CONTOSO]
        assert tenants[FABRIKAM].partners[CONTOSO]["inboundTrust"]["isMfaAccepted"] is True
        jobs = [job for sync in tenants[CONTOSO].sync.values() for job in sync.jobs.values()]
        assert [job.schedule_state for job in jobs] == ["Active"]

        emulator.admin.clear_requests()
        again = pulumi(env, root, "up", "--yes")
        assert writes(emulator) == [], again.stdout

        write_program(root, language, to="fabrikan", group="sales")
        refused = pulumi(env, root, "up", "--yes", check=False)
        said = " ".join((refused.stdout + refused.stderr).split())
        assert refused.returncode != 0
        assert "syncs[0].to: \"fabrikan\" is not a tenant declared in ctsync:tenants; did you mean 'fabrikam'?" in said
        assert "syncs[0].scope.groups[0]: " in said and "use the group's object id from Entra ID" in said
        assert "TenantPair contoso-fabrikam has 2 problems; nothing was deployed" in said
        assert writes(emulator) == []

        write_program(root, language)
        pulumi(env, root, "destroy", "--yes")
        assert tenants[CONTOSO].partners == {} and tenants[FABRIKAM].partners == {}
        assert tenants[CONTOSO].applications == {}


def test_the_estate_template_scaffolds_a_program_that_deploys_the_stack_config(installed, tmp_path):
    """`pulumi new templates/ctsync-estate`: the user's own project, the package from dist/, the estate
    in its stack config (here a hub-and-spoke topology), deployed and destroyed."""
    root = tmp_path / "estate"
    root.mkdir()
    (tmp_path / "state").mkdir()
    env = {**installed, "PULUMI_BACKEND_URL": f"file://{tmp_path / 'state'}", "PIP_FIND_LINKS": installed["DIST"]}
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        pulumi(env, root, "new", str(REPO / "templates" / "ctsync-estate"), "--yes", "--name", "estate-demo",
               "--stack", "dev")
        assert (root / "venv").is_dir() and not (root / "components").exists()
        stack_file = root / "Pulumi.dev.yaml"
        stack_file.write_text(stack_file.read_text() + tenants_config(emulator.base_url).replace("config:\n", "config:\n  ctsync:topology: {kind: hubAndSpoke, hub: fabrikam, members: [contoso], direction: spokesToHub, defaults: {scope: {allUsers: true}}}\n"))
        pulumi(env, root, "up", "--yes", "--skip-preview")
        tenants = emulator.state.tenants
        assert list(tenants[FABRIKAM].partners) == [CONTOSO] and list(tenants[FABRIKAM].identity_sync) == [CONTOSO]
        emulator.admin.clear_requests()
        pulumi(env, root, "up", "--yes")
        assert writes(emulator) == []
        pulumi(env, root, "destroy", "--yes")
        assert tenants[FABRIKAM].partners == {} and tenants[CONTOSO].applications == {}

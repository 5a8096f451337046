"""The embedded default backend (Pulumi.yaml `file://./.pulumi-state?metadata=skip`) writes no `.attrs`
sidecar files, so a run killed while writing one cannot leave an empty sidecar that fails every
later command with "failed to load checkpoint: EOF"; one left by an earlier version is recovered
from by deleting the sidecars, as docs/development.md says."""
from __future__ import annotations

import os
import subprocess

import yaml

from emulator import EmulatorServer
from tests.engine.project import CLI, REPO, STACK, Project, needs_cli

pytestmark = needs_cli


def test_the_embedded_backend_writes_no_sidecars_and_ignores_an_empty_one(tmp_path):
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        project = Project.create(tmp_path / "project", emulator.base_url, CLI)
        # The repository's own backend setting, not the test's PULUMI_BACKEND_URL.
        settings = yaml.safe_load((project.root / "Pulumi.yaml").read_text())
        settings["backend"] = yaml.safe_load((REPO / "Pulumi.yaml").read_text())["backend"]
        (project.root / "Pulumi.yaml").write_text(yaml.safe_dump(settings))
        env = {k: v for k, v in project.env.items() if k != "PULUMI_BACKEND_URL"}

        def pulumi(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run([CLI, *args, "--non-interactive"], cwd=project.root, env=env, capture_output=True,
                                  text=True, timeout=600)

        (project.root / ".pulumi-state").mkdir()  # as scripts/run-local.sh makes it
        assert pulumi("stack", "init", STACK).returncode == 0
        assert pulumi("up", "--yes", "--skip-preview", "-s", STACK).returncode == 0
        state = project.root / ".pulumi-state"
        files = [p for p in state.rglob("*") if p.is_file()]
        assert files and not [p for p in files if p.name.endswith(".attrs")]
        # What a kill during an older version's sidecar write left behind, and the recovery
        # docs/development.md gives: the sidecars are not needed any more, so they can all go.
        (state / ".pulumi" / "stacks" / "ctsync" / f"{STACK}.json.attrs").write_text("")
        assert "failed to load checkpoint: EOF" in pulumi("stack", "export", "-s", STACK).stderr
        subprocess.run(["find", str(state), "-name", "*.attrs", "-delete"], check=True)
        exported = pulumi("stack", "export", "-s", STACK)
        assert exported.returncode == 0, exported.stderr
        assert os.path.getsize(state / ".pulumi" / "stacks" / "ctsync" / f"{STACK}.json") > 0

"""Two `pulumi up` at once on one stack: the second stops at once on the stack's lock, saying how to
proceed, and touches nothing; the first completes, and the next up finds nothing to change."""
from __future__ import annotations

import subprocess
import time

from emulator import EmulatorServer
from tests.engine.project import CLI, REPO, STACK, Project, needs_cli

pytestmark = needs_cli


def test_a_second_up_while_one_runs_fails_cleanly(tmp_path):
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        project = Project.create(tmp_path / "project", emulator.base_url, CLI)
        project.init()
        emulator.admin.set_faults(latencyMs=300)  # keep the first up running for a while
        first = subprocess.Popen([CLI, "up", "--yes", "--skip-preview", "-s", STACK, "--non-interactive"],
                                 cwd=project.root, env=project.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            locks = project.root / "state" / ".pulumi" / "locks"
            deadline = time.monotonic() + 60
            while not any(locks.rglob("*.json")) and time.monotonic() < deadline:
                time.sleep(0.2)
            second = project.pulumi("up", "--yes", "--skip-preview", "-s", STACK, check=False)
            out, err = first.communicate(timeout=600)
        finally:
            if first.poll() is None:
                first.kill()
        assert second.returncode != 0
        assert "the stack is currently locked" in second.stderr and "pulumi cancel" in second.stderr
        assert first.returncode == 0, out + err
        emulator.admin.clear_faults()
        apps = emulator.admin.requests()
        assert sum(1 for e in apps if e["method"] == "POST" and e["path"].endswith("/instantiate")) == 3, "one app per direction"
        project.pulumi("up", "--yes", "--expect-no-changes", "-s", STACK)

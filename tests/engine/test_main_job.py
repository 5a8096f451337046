"""The README's main command, as a newcomer runs it: the local stack deployed by the real CLI on the
bundled emulator, one provisioning cycle, and a report of users per tenant and of the job states.
Its state goes to a temporary backend (PULUMI_BACKEND_URL wins over Pulumi.yaml's backend.url)."""
from __future__ import annotations

import os
import socket
import subprocess

import pytest

from tests.engine.project import REPO, needs_cli

LOCAL_PORT = 18080  # the local stack's graphEndpoint


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


pytestmark = [
    needs_cli,
    pytest.mark.skipif(port_in_use(LOCAL_PORT), reason=f"port {LOCAL_PORT} of the local stack is taken"),
]


def test_run_local_deploys_syncs_and_reports(tmp_path):
    env = {**os.environ, "PULUMI_BACKEND_URL": f"file://{tmp_path}?metadata=skip", "PULUMI_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        ["bash", "scripts/run-local.sh"], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = done.stdout[done.stdout.index("Provisioning cycle"):]
    # Contoso's Sales group (Adele, Alex) into Fabrikam; Fabrikam's Engineering into Northwind.
    for line in ("Adele Vance", "Alex Wilber", "Diego Siciliani"):
        assert any(line in row and "B2B, no redemption step" in row for row in report.splitlines()), line
    for job in ("contoso->fabrikam", "fabrikam->northwind", "northwind->fabrikam"):
        assert any(row.strip().startswith(job) and "Active" in row for row in report.splitlines()), job


def test_run_local_refuses_a_port_another_process_holds_and_deploys_nothing(tmp_path):
    """Never a deployment into a process run-local did not start: it stops before the emulator, naming
    the port and both ways out."""
    env = {**os.environ, "PULUMI_BACKEND_URL": f"file://{tmp_path}?metadata=skip", "PULUMI_HOME": str(tmp_path / "home")}
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", LOCAL_PORT))
        squatter.listen()
        done = subprocess.run(["bash", "scripts/run-local.sh"], cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=600)
    assert done.returncode == 1
    assert f"127.0.0.1:{LOCAL_PORT} is already in use by another process" in done.stderr
    assert "set graphEndpoint in stacks/Pulumi.local.yaml to a free port; nothing was deployed" in done.stderr
    assert not list(tmp_path.glob("**/*.json"))  # no stack state was written

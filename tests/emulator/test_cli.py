"""`python -m emulator serve`: prints its URL when ready, serves the fixture, stops on SIGTERM."""
from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from emulator import AdminClient

ROOT = Path(__file__).resolve().parents[2]
LOCAL_FIXTURE = ROOT / "emulator" / "fixtures" / "local.yaml"


def test_serve_prints_url_serves_the_local_fixture_and_stops_on_sigterm():
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "serve", "--port", "0", "--fixture", str(LOCAL_FIXTURE)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = process.stdout.readline().strip()
        assert line.startswith("Graph emulator listening on http://127.0.0.1:")
        state = AdminClient(line.rsplit(" ", 1)[1]).state()
        tenants = {tenant["displayName"]: tenant for tenant in state["tenants"]}
        assert set(tenants) == {"Contoso", "Fabrikam", "Northwind"}
        assert all(tenant["groups"] == 1 and tenant["users"] >= 4 for tenant in tenants.values())
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.wait()


def test_serve_refuses_a_broken_fixture(tmp_path):
    fixture = tmp_path / "broken.yaml"
    fixture.write_text("tenants:\n  - tenantId: not-a-guid\n    displayName: X\n")
    result = subprocess.run([sys.executable, "-m", "emulator", "serve", "--port", "0", "--fixture", str(fixture)],
                            cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1 and "tenantId must be a GUID" in result.stderr


def test_portal_made_serves_a_sync_as_the_admin_center_leaves_it():
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "serve", "--port", "0", "--fixture", str(LOCAL_FIXTURE), "--portal-made"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        made = process.stdout.readline().strip()
        assert made.startswith("portal-made setup: contoso -> fabrikam, app ")
        line = process.stdout.readline().strip()
        state = AdminClient(line.rsplit(" ", 1)[1]).state()
        tenants = {tenant["displayName"]: tenant for tenant in state["tenants"]}
        assert len(tenants["Contoso"]["jobs"]) == 1 and tenants["Contoso"]["partners"] == [tenants["Fabrikam"]["tenantId"]]
        assert tenants["Fabrikam"]["partners"] == [tenants["Contoso"]["tenantId"]]
        assert tenants["Fabrikam"]["users"] > 5, "the job's first cycle brought Contoso's Sales users"
    finally:
        process.kill()
        process.wait()

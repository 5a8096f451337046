"""A `pulumi up` killed half-way, under throttling, latency and replication lag, loses nothing and
duplicates nothing: after `pulumi cancel` (the DIY backend's lock), the next `up` adopts what the
killed run had already made, and the one after it has no changes."""
from __future__ import annotations

from emulator import EmulatorServer
from tests.emulator.flows import raw
from tests.engine.project import CLI, LOCAL_OBJECTS, REPO, STACK, Project, needs_cli

pytestmark = needs_cli
FAULTS = {"seed": 5, "latencyMs": 300, "throttleRate": 0.1, "retryAfterSeconds": 1, "replicationLagReads": 1}


def test_an_interrupted_up_converges_with_no_duplicate(tmp_path):
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        project = Project.create(tmp_path / "project", emulator.base_url, CLI)
        project.init()
        emulator.admin.set_faults(**FAULTS)
        killed = project.kill_at_writes(emulator, 6, "up", "--yes", "--skip-preview", "-s", STACK)
        assert killed is not None and killed >= 6, "the up finished before it could be interrupted"

        project.pulumi("cancel", "--yes", "-s", STACK)
        run = project.up()
        said = run.stdout + run.stderr
        assert "took over the existing" in said or "adopted existing" in said, "the rerun takes over what the killed run made"
        emulator.admin.clear_faults()

        tenants = {t["tenantId"]: t for t in emulator.admin.state()["tenants"]}
        made = {tid: {key: len(tenants[tid][key]) for key in expected} for tid, expected in LOCAL_OBJECTS.items()}
        assert made == LOCAL_OBJECTS
        for tenant_id in LOCAL_OBJECTS:
            _, _, apps = raw(emulator, "GET", "/applications", emulator.admin.token(tenant_id))
            assert len(apps["value"]) == 1, f"one configuration app in {tenant_id}"
        project.pulumi("up", "--yes", "--expect-no-changes", "-s", STACK)

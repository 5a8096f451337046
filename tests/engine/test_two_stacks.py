"""Two stacks declaring the same directions do not fight: the second one's `pulumi up` stops in its
preview, before any write, naming the stack that owns the configuration apps; told to
(ctsync:takeOverFrom), it takes them over, and the first stack's destroy then leaves them to it."""
from __future__ import annotations

import shutil

from emulator import EmulatorServer
from tests.engine.project import CLI, REPO, STACK, Project, needs_cli

pytestmark = needs_cli
SECOND = "staging"


def writes(emulator: EmulatorServer) -> list[str]:
    return [f"{e['method']} {e['path']}" for e in emulator.admin.requests()
            if e["method"] != "GET" and e["path"].startswith("/v1.0")]


def owner_tags(emulator: EmulatorServer) -> list[tuple[str, ...]]:
    """The tags of every application in every tenant: one configuration app per direction."""
    return [tuple(app["tags"]) for tenant in emulator.state.tenants.values() for app in tenant.applications.values()]


def test_a_second_stack_is_refused_before_any_write_unless_told_to_take_over(tmp_path):
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        project = Project.create(tmp_path / "project", emulator.base_url, CLI)
        project.init()
        project.up()
        assert owner_tags(emulator) == [("ctsync:stack=ctsync/engine",)] * 3
        stacks = project.root / "stacks"
        shutil.copy(stacks / f"Pulumi.{STACK}.yaml", stacks / f"Pulumi.{SECOND}.yaml")
        project.pulumi("stack", "init", SECOND)
        emulator.admin.clear_requests()

        refused = project.pulumi("up", "--yes", "-s", SECOND, check=False)
        assert refused.returncode != 0
        said = " ".join((refused.stdout + refused.stderr).split())
        assert "is managed by the ctsync stack ctsync/engine" in said and "not by this stack (ctsync/staging)" in said
        assert 'set ctsync:takeOverFrom to ["ctsync/engine"]' in said
        assert writes(emulator) == [], "refused in the preview: nothing written"

        project.pulumi("config", "set", "--path", "ctsync:takeOverFrom[0]", "ctsync/engine", "-s", SECOND)
        project.pulumi("up", "--yes", "-s", SECOND)
        assert owner_tags(emulator) == [("ctsync:stack=ctsync/staging",)] * 3

        destroyed = project.pulumi("destroy", "--yes", "--skip-preview", "-s", STACK)
        assert "has taken it over since" in destroyed.stdout + destroyed.stderr
        assert owner_tags(emulator) == [("ctsync:stack=ctsync/staging",)] * 3, "left to their new owner"

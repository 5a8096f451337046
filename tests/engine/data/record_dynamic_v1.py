"""Records what tests/engine/test_migration.py starts from: the local stack deployed by the
dynamic-provider version of ctsync (main at commit 986f0ebd), as `pulumi stack export` wrote it, and
the emulated world behind it.

It was run once, from a checkout of that commit with this file and emulator/snapshot.py copied in:
    . scripts/bootstrap.sh && python -m tests.engine.data.record_dynamic_v1
Re-running it on a later version would record that version instead, which is not the point.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from emulator import EmulatorServer
from emulator.snapshot import save_world
from tests.engine.project import REPO, STACK, Project, pulumi_cli

HERE = Path(__file__).resolve().parent
STATE = HERE / "dynamic-v1-state.json"
WORLD = HERE / "dynamic-v1-world.pickle"
# The emulator port the state's stack config names; the test serves the world on it again.
PORT = 18097
# MTO joins take 2 hours on the emulator clock; let them finish so no clock event is pending.
SETTLE_SECONDS = 3 * 3600


def record() -> None:
    with EmulatorServer(port=PORT, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        project = Project.create(Path(tempfile.mkdtemp()) / "project", emulator.base_url, pulumi_cli())
        project.init()
        project.up()
        emulator.admin.advance_clock(SETTLE_SECONDS)
        project.up("--refresh")
        exported = project.pulumi("stack", "export", "-s", STACK).json()
        stack_file = (project.root / "stacks" / f"Pulumi.{STACK}.yaml").read_text()
        STATE.write_text(json.dumps({"stackFile": stack_file, "deployment": exported}, indent=1) + "\n")
        WORLD.write_bytes(save_world(emulator.state))


if __name__ == "__main__":
    record()

"""A stack deployed by the dynamic-provider version of ctsync (main at commit 986f0ebd: every Graph
object a `pulumi-python:dynamic/...` resource with a pickled `__provider`) moves to the native
provider with no replacement and no Graph write: aliases from the old type tokens, `__provider`
dropped, an update that changes nothing in Graph sending nothing. The old state and the emulated
world behind it were recorded by tests/engine/data/record_dynamic_v1.py at that commit."""
from __future__ import annotations

import json

import yaml

from emulator import EmulatorServer
from emulator.snapshot import load_world
from tests.engine.data.record_dynamic_v1 import STATE, WORLD
from tests.engine.project import CLI, STACK, Project, needs_cli

pytestmark = needs_cli
LEGACY = "pulumi-python:dynamic/"


def writes(emulator: EmulatorServer) -> list[str]:
    return [f"{e['method']} {e['path']}" for e in emulator.admin.requests() if e["method"] != "GET"]


def with_template_manager(emulator: EmulatorServer) -> None:
    """The recorded jobs were made from the emulator's template before it mapped the manager, as
    Microsoft's did before 2024; give them that mapping, so that what is compared is the migration
    alone (a template change is drift, which tests/engine/test_drift.py covers)."""
    from emulator.provisioning.schema import MANAGER, compile_user_mapping, default_attribute_mappings

    manager = next(m for m in default_attribute_mappings() if m["targetAttributeName"] == MANAGER)
    for tenant in emulator.state.tenants.values():
        for sync in tenant.sync.values():
            for job in sync.jobs.values():
                for rule in job.schema["synchronizationRules"]:
                    for mapping in rule["objectMappings"]:
                        attributes = mapping["attributeMappings"]
                        if mapping["sourceObjectName"] == "User" and all(a["targetAttributeName"] != MANAGER for a in attributes):
                            attributes.append(manager)
                job.mapping = compile_user_mapping(job.schema)


def test_a_dynamic_provider_stack_moves_with_no_replacement_and_no_write(tmp_path):
    recorded = json.loads(STATE.read_text())
    old = recorded["deployment"]
    old_ids = {r["urn"].split("::")[-1]: r["id"] for r in old["deployment"]["resources"] if r["type"].startswith(LEGACY)}
    with EmulatorServer(port=0) as emulator:
        load_world(emulator.state, WORLD.read_bytes())
        with_template_manager(emulator)
        project = Project.create(tmp_path / "project", emulator.base_url, CLI, stack=yaml.safe_load(recorded["stackFile"]))
        project.init()
        (tmp_path / "old.json").write_text(json.dumps(old))
        project.pulumi("stack", "import", "--file", str(tmp_path / "old.json"), "-s", STACK)
        emulator.admin.clear_requests()

        preview = project.pulumi("preview", "--json", "-s", STACK).json()
        ops = {step["op"] for step in preview["steps"]}
        assert ops <= {"same", "update"}, f"the move must not create, delete or replace: {preview['changeSummary']}"
        assert writes(emulator) == []

        run = project.up()
        assert writes(emulator) == [], "taking the stack over sends no Graph write"
        assert "created" not in run.stdout and "deleted" not in run.stdout and "replaced" not in run.stdout

        state = project.pulumi("stack", "export", "-s", STACK).json()["deployment"]["resources"]
        graph = [r for r in state if r.get("custom") and r["type"].startswith("ctsync:")]
        assert len(graph) == len(old_ids) == 30
        assert {r["urn"].split("::")[-1]: r["id"] for r in graph} == old_ids, "every object keeps its id"
        assert not [r for r in state if r["type"].startswith(LEGACY) or r["type"] == "pulumi:providers:pulumi-python"]
        carrying = [(r["urn"].split("::")[-1], "__provider" in r.get("inputs", {}), "__provider" in r.get("outputs", {})) for r in graph if "__provider" in r.get("inputs", {}) or "__provider" in r.get("outputs", {})]
        assert not carrying, carrying

        # The moved stack is an ordinary one: a refresh finds every object, nothing is left to do.
        project.pulumi("up", "--yes", "--refresh", "--expect-no-changes", "-s", STACK)
        assert writes(emulator) == []

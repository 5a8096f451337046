"""Bringing an existing setup under ctsync, as a user would, on the real CLI and the emulator.

The world is built with plain Graph calls, as the Entra admin center would have made it: Fabrikam
trusts Contoso's MFA and accepts its users; Contoso has a configuration app named by hand, with
secrets (notification e-mail, threshold), the Sales group assigned, a companyName constant, the
job started and users synced. Then: `python -m ctsync export` -> `pulumi up` with no Graph write ->
refresh and preview show no change -> a cycle makes no duplicate user -> a new direction is added
and created -> destroy deletes only what ctsync made.
"""
from __future__ import annotations

import re
import subprocess
import sys

import yaml

from emulator import EmulatorServer
from emulator.portal import APP_NAME, make_portal_setup
from tests.emulator.flows import raw
from tests.engine.project import CLI, CONTOSO, FABRIKAM, NORTHWIND, REPO, STACK, Project, needs_cli

pytestmark = needs_cli
SALES = "aaaaaaaa-0000-4000-8000-000000000001"
ENGINEERING = "aaaaaaaa-0000-4000-8000-000000000002"


def tenants_only() -> dict:
    local = yaml.safe_load((REPO / "stacks" / "Pulumi.local.yaml").read_text())
    return {"config": {"ctsync:tenants": local["config"]["ctsync:tenants"]}}


def export(project: Project, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ctsync", "export", "--stack", STACK, *args],
                          cwd=project.root, env=project.env, capture_output=True, text=True, timeout=300)


def writes(emulator: EmulatorServer) -> list[str]:
    return [f"{e['method']} {e['path']}" for e in emulator.admin.requests() if e["method"] != "GET"]


def users_in(emulator: EmulatorServer, tenant_id: str) -> list[str]:
    _, _, users = raw(emulator, "GET", "/users?$top=999", emulator.admin.token(tenant_id))
    return sorted(u["userPrincipalName"] for u in users["value"])


def test_an_existing_setup_is_exported_taken_over_with_no_write_and_survives_destroy(tmp_path):
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        # As the Entra admin center leaves it: `python -m emulator serve --portal-made` (docs/brownfield.md).
        portal = make_portal_setup(emulator.base_url)
        synced = users_in(emulator, FABRIKAM)
        assert len([u for u in synced if "#EXT#" in u]) == 3, f"the portal's job synced Sales: {synced}"
        project = Project.create(tmp_path / "project", emulator.base_url, CLI, stack=tenants_only())
        project.init()
        stack_file = project.root / "stacks" / f"Pulumi.{STACK}.yaml"
        before = stack_file.read_text()
        emulator.admin.clear_requests()

        dry = export(project, "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert stack_file.read_text() == before, "--dry-run writes nothing"
        done = export(project)
        assert done.returncode == 0, done.stderr
        assert writes(emulator) == [], "an export only reads"
        written = stack_file.read_text()
        assert f"from job {portal['job']} of app '{APP_NAME}'" in written, "each entry says where it came from"
        config = yaml.safe_load(written)["config"]
        assert config["ctsync:sync"] == [{
            "from": "contoso", "to": "fabrikam", "trust": {"mfa": True}, "scope": {"groups": [SALES]},
            "removeDisabledUsers": False, "deletionThreshold": 25, "notificationEmail": "ops@contoso.com",
            "attributeMappings": [{"target": "companyName", "constant": "Contoso"}],
        }]
        assert config["ctsync:tenants"] == yaml.safe_load(before)["config"]["ctsync:tenants"], "tenants kept as they were"

        preview = project.pulumi("preview", "-s", STACK)
        said = preview.stdout + preview.stderr
        assert "will take over the existing" in said
        # Beside the engine's "+ 12 to create" (the stack and its component among them): none is new.
        assert re.search(r"\+ 12 to create", said)
        assert ("ctsync: of the 9 to create, 7 take over objects that already exist, 2 set properties of other "
                "objects (no write where they are as declared) and 0 make new objects") in said, said
        assert writes(emulator) == [], "a preview only reads"
        run = project.up()
        assert ("ctsync: of the 9 created, 7 took over objects that already existed, 2 set properties of other "
                "objects and 0 are new") in run.stdout
        assert writes(emulator) == [], "the first up after an export sends no Graph write"
        state = project.pulumi("stack", "export", "-s", STACK).json()["deployment"]["resources"]
        app = next(r for r in state if r["type"] == "ctsync:synchronization:ConfigurationApp")
        assert app["outputs"]["application_object_id"] == portal["application"] and app["outputs"]["taken_over"] is True

        project.pulumi("preview", "--refresh", "--expect-no-changes", "-s", STACK)
        assert writes(emulator) == []
        emulator.admin.run_sync()
        assert users_in(emulator, FABRIKAM) == synced, "a cycle after the take-over makes no duplicate user"

        # A new direction: Fabrikam's engineers into Northwind, made by ctsync.
        project.config_set_path("ctsync:sync[1].from", "fabrikam")
        project.config_set_path("ctsync:sync[1].to", "northwind")
        project.config_set_path("ctsync:sync[1].scope.groups[0]", ENGINEERING)
        project.up()
        emulator.admin.clear_requests()

        run = project.pulumi("destroy", "--yes", "--skip-preview", "-s", STACK)
        assert "left" in run.stdout + run.stderr and "in place" in run.stdout + run.stderr
        deleted = [w for w in writes(emulator) if w.startswith("DELETE")]
        assert all(CONTOSO not in w for w in deleted)
        contoso = exists(emulator, CONTOSO, f"/applications/{portal['application']}")
        assert contoso, "the app made in the portal is still there"
        assert exists(emulator, FABRIKAM, f"/policies/crossTenantAccessPolicy/partners/{CONTOSO}")
        assert not exists(emulator, NORTHWIND, f"/policies/crossTenantAccessPolicy/partners/{FABRIKAM}"), \
            "what ctsync made for the new direction is deleted"


def exists(emulator: EmulatorServer, tenant_id: str, path: str) -> bool:
    status, _, _ = raw(emulator, "GET", path, emulator.admin.token(tenant_id))
    return status == 200

"""Richer attribute mappings through the real CLI on the emulator: an expression shapes a target
attribute, a default mapping is removed, and a refreshing preview then shows no change (the
expression compares in Graph's own spelling, however it was written)."""
from __future__ import annotations

import yaml

from emulator import EmulatorServer
from tests.emulator.flows import raw
from tests.engine.project import CLI, CONTOSO, FABRIKAM, REPO, STACK, Project, needs_cli

pytestmark = needs_cli


def with_mappings() -> dict:
    stack = yaml.safe_load((REPO / "stacks" / "Pulumi.local.yaml").read_text())
    stack["config"]["ctsync:sync"][0]["attributeMappings"] = [
        {"target": "companyName", "constant": "Contoso"},
        {"target": "displayName", "expression": 'Join( ", ",[surname], [givenName] )'},  # spelt loosely on purpose
        {"target": "jobTitle", "source": "jobTitle", "flow": "objectAddOnly", "default": "Colleague"},
        {"target": "mobilePhone", "remove": True},
    ]
    return stack


def test_an_expression_mapping_shapes_the_target_attribute(tmp_path):
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        project = Project.create(tmp_path / "project", emulator.base_url, CLI, stack=with_mappings())
        project.init()
        project.up()
        emulator.admin.run_sync()
        _, _, users = raw(emulator, "GET", "/users?$select=displayName,userPrincipalName,jobTitle,companyName&$top=999",
                          emulator.admin.token(FABRIKAM))
        synced = {u["userPrincipalName"].split("#EXT#")[0]: u for u in users["value"] if "#EXT#" in u["userPrincipalName"]}
        adele = synced["adele.vance_contoso.onmicrosoft.com"]
        assert adele["displayName"] == "Vance, Adele" and adele["companyName"] == "Contoso"
        assert adele["jobTitle"] == "Account Executive"
        project.pulumi("preview", "--refresh", "--expect-no-changes", "-s", STACK)


ADELE, ALEX = "c0000000-0000-4000-8000-000000000001", "c0000000-0000-4000-8000-000000000002"


def synced_copy(emulator, upn_prefix: str) -> str:
    _, _, users = raw(emulator, "GET", "/users?$select=id,userPrincipalName&$top=999", emulator.admin.token(FABRIKAM))
    return next(u["id"] for u in users["value"] if u["userPrincipalName"].startswith(upn_prefix))


def test_a_users_manager_arrives_in_the_target_as_the_managers_synced_copy(tmp_path):
    """Adele's manager in Contoso is Alex; both are in scope. Declaring the manager mapping is said in the
    preview; the cycles then give Adele's copy in Fabrikam Alex's copy as her manager."""
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        contoso = emulator.admin.token(CONTOSO)
        status, _, _ = raw(emulator, "PUT", f"/users/{ADELE}/manager/$ref", contoso,
                           {"@odata.id": f"https://graph.microsoft.com/v1.0/users/{ALEX}"})
        assert status == 204
        project = Project.create(tmp_path / "project", emulator.base_url, CLI)
        project.init()
        project.up()
        project.config_set_path("ctsync:sync[0].attributeMappings[1].target", "manager")
        project.config_set_path("ctsync:sync[0].attributeMappings[1].source", "manager")
        preview = project.pulumi("preview", "-s", STACK)
        assert "adds the manager mapping" in " ".join((preview.stdout + preview.stderr).split())
        project.up()
        emulator.admin.run_sync()
        emulator.admin.run_sync()  # a manager provisioned after the user is written in a later cycle
        adele, alex = synced_copy(emulator, "adele.vance_contoso"), synced_copy(emulator, "alex.wilber_contoso")
        status, _, manager = raw(emulator, "GET", f"/users/{adele}/manager", emulator.admin.token(FABRIKAM))
        assert status == 200 and manager["id"] == alex
        # Removed in the source, it stays in the target (Microsoft documents this).
        raw(emulator, "DELETE", f"/users/{ADELE}/manager/$ref", contoso)
        emulator.admin.run_sync()
        assert raw(emulator, "GET", f"/users/{adele}/manager", emulator.admin.token(FABRIKAM))[2]["id"] == alex

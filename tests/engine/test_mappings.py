"""Richer attribute mappings through the real CLI on the emulator: an expression shapes a target
attribute, a default mapping is removed, and a refreshing preview then shows no change (the
expression compares in Graph's own spelling, however it was written)."""
from __future__ import annotations

import yaml

from emulator import EmulatorServer
from tests.emulator.flows import raw
from tests.engine.project import CLI, FABRIKAM, REPO, STACK, Project, needs_cli

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

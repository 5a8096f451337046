"""Group provisioning through the real CLI on the emulator: the local stack with `provisionGroups: true`
on contoso -> fabrikam. The Sales group arrives in Fabrikam with its synced members and follows a
membership change; a second preview shows no change; the beta endpoint carries only groupSyncInbound."""
from __future__ import annotations

import asyncio

import yaml
from msgraph.generated.models.reference_create import ReferenceCreate

from emulator import EmulatorServer
from tests.conftest import graph_client_for
from tests.engine.project import CLI, CONTOSO, FABRIKAM, REPO, STACK, Project, needs_cli

pytestmark = needs_cli
SALES = "aaaaaaaa-0000-4000-8000-000000000001"
LYNNE = "c0000000-0000-4000-8000-000000000004"  # a Contoso user outside Sales (emulator/fixtures/local.yaml)


def with_groups() -> dict:
    stack = yaml.safe_load((REPO / "stacks" / "Pulumi.local.yaml").read_text())
    stack["config"]["ctsync:sync"][0]["provisionGroups"] = True
    return stack


def groups_in(emulator: EmulatorServer, tenant_id: str) -> dict[str, list[str]]:
    async def read():
        client = graph_client_for(emulator, tenant_id)
        found = {}
        for group in (await client.groups.get()).value:
            members = (await client.groups.by_group_id(group.id).members.get()).value
            found[group.display_name] = sorted(m.display_name for m in members)
        return found

    return asyncio.run(read())


def test_a_group_in_scope_arrives_with_its_synced_members_and_follows_membership(tmp_path):
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        project = Project.create(tmp_path / "project", emulator.base_url, CLI, stack=with_groups())
        project.init()
        before = groups_in(emulator, FABRIKAM)
        project.up()
        beta = [(e["method"], e["path"].rsplit("/", 1)[-1]) for e in emulator.admin.requests() if e["path"].startswith("/beta/")]
        assert beta == [("PATCH", "identitySynchronization")], "exactly the group flag goes to beta"
        emulator.admin.run_sync()
        arrived = groups_in(emulator, FABRIKAM)
        new = {name: members for name, members in arrived.items() if name not in before}
        contoso_sales = groups_in(emulator, CONTOSO)["Sales"]
        assert list(new) == ["Sales"]
        synced = [name for name in contoso_sales if name != "Megan Bowen"]  # disabled: out of scope (removeDisabledUsers)
        assert new["Sales"] == sorted(synced)

        async def join_sales():
            client = graph_client_for(emulator, CONTOSO)
            await client.groups.by_group_id(SALES).members.ref.post(
                ReferenceCreate(odata_id=f"https://graph.microsoft.com/v1.0/directoryObjects/{LYNNE}"))

        asyncio.run(join_sales())
        emulator.admin.run_sync()
        assert "Lynne Robbins" in groups_in(emulator, FABRIKAM)["Sales"], "a new member reaches the target group"
        project.pulumi("preview", "--refresh", "--expect-no-changes", "-s", STACK)

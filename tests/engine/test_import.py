"""`pulumi import` and the `import_` resource option on the real CLI: an object made outside ctsync
(here a partner entry made with plain Graph calls, as the portal would) comes under management with
no write; an id that names nothing fails clearly and adds nothing to state."""
from __future__ import annotations

import asyncio
import re

import pytest
from msgraph.generated.models.cross_tenant_access_policy_configuration_partner import (
    CrossTenantAccessPolicyConfigurationPartner,
)
from msgraph.generated.models.cross_tenant_access_policy_inbound_trust import CrossTenantAccessPolicyInboundTrust

from emulator import EmulatorServer
from tests.conftest import graph_client_for
from tests.engine.project import CLI, CONTOSO, FABRIKAM, NORTHWIND, REPO, STACK, Project, needs_cli

pytestmark = needs_cli
TYPE = "ctsync:crossTenantAccess:PartnerAccess"
PROGRAM = f'''
import pulumi
from providers.sdk import PartnerAccess, PartnerAccessArgs

PartnerAccess(
    "fabrikam-trusts-contoso",
    PartnerAccessArgs(tenant_id="{FABRIKAM}", partner_tenant_id="{CONTOSO}", trust_mfa=True),
    pulumi.ResourceOptions(import_="{FABRIKAM}/partners/{CONTOSO}"),
)
'''


def made_in_the_portal(emulator: EmulatorServer) -> None:
    """Fabrikam's partner entry for Contoso, trusting its MFA, made with plain Graph calls."""

    async def post():
        client = graph_client_for(emulator, FABRIKAM)
        body = CrossTenantAccessPolicyConfigurationPartner(
            tenant_id=CONTOSO, inbound_trust=CrossTenantAccessPolicyInboundTrust(is_mfa_accepted=True)
        )
        await client.policies.cross_tenant_access_policy.partners.post(body)

    asyncio.run(post())


@pytest.fixture
def world():
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        made_in_the_portal(emulator)
        emulator.admin.clear_requests()
        yield emulator


def writes(emulator: EmulatorServer) -> list[dict]:
    return [e for e in emulator.admin.requests() if e["method"] != "GET"]


def graph_resources(project: Project) -> list[dict]:
    resources = project.pulumi("stack", "export", "-s", STACK).json()["deployment"].get("resources", [])
    return [r for r in resources if r.get("custom") and r["type"].startswith("ctsync:")]


def test_pulumi_import_takes_over_an_existing_object_and_refuses_a_missing_one(world, tmp_path):
    project = Project.create(tmp_path / "project", world.base_url, CLI)
    project.init()
    run = project.pulumi("import", TYPE, "fabrikam-trusts-contoso", f"{FABRIKAM}/partners/{CONTOSO}",
                         "--yes", "--generate-code=false", "-s", STACK)
    assert "1 imported" in run.stdout
    [imported] = graph_resources(project)
    assert imported["id"] == f"{FABRIKAM}/partners/{CONTOSO}" and imported["protect"] is True
    assert imported["inputs"]["trust_mfa"] is True and imported["outputs"]["taken_over"] is True
    assert writes(world) == []

    missing = project.pulumi("import", TYPE, "nothing-there", f"{FABRIKAM}/partners/{NORTHWIND}",
                             "--yes", "--generate-code=false", "-s", STACK, check=False)
    assert missing.returncode != 0
    assert "does not exist" in missing.stdout + missing.stderr
    assert [r["urn"] for r in graph_resources(project)] == [imported["urn"]], "nothing added to state"

    wrong = project.pulumi("import", TYPE, "wrong-id", "not-an-import-id", "--yes", "--generate-code=false",
                           "-s", STACK, check=False)
    assert wrong.returncode != 0
    assert "is not an import id of ctsync:crossTenantAccess:PartnerAccess" in wrong.stdout + wrong.stderr
    assert writes(world) == []


def test_the_import_option_takes_over_with_no_write_then_manages_it(world, tmp_path):
    project = Project.create(tmp_path / "project", world.base_url, CLI, program=PROGRAM)
    project.init()
    run = project.up()
    assert "1 imported" in run.stdout
    assert writes(world) == []
    project.pulumi("up", "--yes", "--expect-no-changes", "--refresh", "-s", STACK)
    assert writes(world) == []

    # A changed replace-on-change property: the provider's detailed diff names it.
    (project.root / "__main__.py").write_text(PROGRAM.replace(f'partner_tenant_id="{CONTOSO}"', f'partner_tenant_id="{NORTHWIND}"'))
    preview = project.pulumi("preview", "--diff", "-s", STACK).stdout
    print(preview)
    assert re.search(rf'\+-{TYPE}: \(replace\)', preview), preview
    assert re.search(rf'~ partner_tenant_id\s*: "{CONTOSO}" => "{NORTHWIND}"', preview), preview
    assert writes(world) == []

"""MTO templates, description and a co-owner through the real CLI on the emulator: the local stack's
organisation with templates is deployed, every one of its three tenants has both templates set
before any join, and a refreshing preview then shows no change."""
from __future__ import annotations

import json
import subprocess
import sys

import yaml

from emulator import EmulatorServer
from tests.emulator.flows import raw
from tests.engine.project import CLI, CONTOSO, FABRIKAM, NORTHWIND, REPO, STACK, Project, needs_cli

pytestmark = needs_cli
TEMPLATES = "/policies/crossTenantAccessPolicy/templates"


def with_templates() -> dict:
    stack = yaml.safe_load((REPO / "stacks" / "Pulumi.local.yaml").read_text())
    stack["config"]["ctsync:mto"].update(
        description="Contoso and its subsidiaries",
        members=["fabrikam", {"tenant": "northwind", "role": "owner"}],
        # As the Microsoft 365 admin center's MTO wizard sets them: redemption both ways, inbound sync.
        templates={"partnerConfiguration": {"automaticRedemption": {"inbound": True, "outbound": True}},
                   "identitySync": {"userSyncInbound": True}},
    )
    return stack


def test_templates_are_set_in_every_mto_tenant_and_a_second_preview_changes_nothing(tmp_path):
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        project = Project.create(tmp_path / "project", emulator.base_url, CLI, stack=with_templates())
        project.init()
        project.up()
        for tenant in (CONTOSO, FABRIKAM, NORTHWIND):
            token = emulator.admin.token(tenant)
            partner = raw(emulator, "GET", f"{TEMPLATES}/multiTenantOrganizationPartnerConfiguration", token)[2]
            sync = raw(emulator, "GET", f"{TEMPLATES}/multiTenantOrganizationIdentitySynchronization", token)[2]
            assert partner["automaticUserConsentSettings"] == {"inboundAllowed": True, "outboundAllowed": True}, tenant
            assert partner["inboundTrust"] is None, "no trust declared: a join leaves each entry's trust alone"
            assert sync["userSyncInbound"] == {"isSyncAllowed": True}, tenant
        organization = raw(emulator, "GET", "/tenantRelationships/multiTenantOrganization", emulator.admin.token(CONTOSO))[2]
        assert organization["description"] == "Contoso and its subsidiaries"
        member = raw(emulator, "GET", f"/tenantRelationships/multiTenantOrganization/tenants/{NORTHWIND}",
                     emulator.admin.token(CONTOSO))[2]
        assert member["transitionDetails"]["desiredRole"] == "owner" or member["role"] == "owner"
        project.pulumi("preview", "--refresh", "--expect-no-changes", "-s", STACK)


def mto_status(project: Project) -> tuple[int, dict]:
    done = subprocess.run([sys.executable, "-m", "ctsync", "mto-status", "--stack", STACK, "--json"], cwd=project.root,
                          env=project.env, capture_output=True, text=True, timeout=300)
    return done.returncode, json.loads(done.stdout)


def test_destroy_says_what_stays_and_mto_status_follows_the_removal_to_its_end(tmp_path):
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        project = Project.create(tmp_path / "project", emulator.base_url, CLI)
        project.init()
        project.up()
        code, joining = mto_status(project)
        assert code == 3 and {row["verdict"] for row in joining["tenants"]} >= {"in transit"}
        emulator.admin.advance_clock(8 * 3600)
        code, joined = mto_status(project)
        assert code == 0 and {row["verdict"] for row in joined["tenants"]} == {"settled"}, joined

        destroyed = project.pulumi("destroy", "--yes", "-s", STACK)
        said = " ".join((destroyed.stdout + destroyed.stderr).split())
        assert "the users it provisioned stay in tenant fabrikam (" in said
        assert "is pending: Graph completes the removal asynchronously" in said
        assert "python -m ctsync mto-status --stack <stack> follows it" in said.replace("`", "")
        emulator.admin.advance_clock(8 * 3600)
        code, gone = mto_status(project)
        assert code == 0 and gone["organisation"] is None

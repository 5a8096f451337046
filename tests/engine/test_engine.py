"""The real Pulumi CLI and engine, the ctsync provider plugin, against the emulator: what a user
runs. One journey through a module-scoped project, in order: up, a second up with no changes, a
config edit whose preview shows exactly that edit, up, refresh reporting out-of-band drift, destroy.
"""
from __future__ import annotations

import asyncio
import re

import pytest
from msgraph.generated.models.cross_tenant_access_policy_configuration_partner import (
    CrossTenantAccessPolicyConfigurationPartner,
)
from msgraph.generated.models.cross_tenant_access_policy_inbound_trust import CrossTenantAccessPolicyInboundTrust
from msgraph.generated.models.group import Group

from emulator import EmulatorServer
from tests.conftest import graph_client_for
from tests.engine.project import CLI, CONTOSO, FABRIKAM, REPO, Project, needs_cli, resource_type

pytestmark = needs_cli

PARTNER_IN_FABRIKAM = f"{FABRIKAM}-partner-{CONTOSO}"


class Journey:
    def __init__(self, project: Project, emulator: EmulatorServer):
        self.project = project
        self.emulator = emulator
        self.measured: dict[str, dict] = {}

    def measure(self, name: str, run) -> None:
        log = self.emulator.admin.requests()
        self.measured[name] = {
            "seconds": round(run.seconds, 2),
            "graph_requests": len(log),
            "graph_writes": sum(1 for entry in log if entry["method"] != "GET"),
        }
        self.emulator.admin.clear_requests()

    def graph_objects(self) -> int:
        """How many Graph objects the stack's state holds (its ctsync custom resources)."""
        resources = self.project.pulumi("stack", "export", "-s", "engine").json()["deployment"]["resources"]
        return sum(1 for resource in resources if resource.get("custom") and resource["type"].startswith("ctsync:"))

    def graph(self, tenant_id: str, call):
        async def run():
            return await call(graph_client_for(self.emulator, tenant_id))

        return asyncio.run(run())


@pytest.fixture(scope="module")
def journey(tmp_path_factory):
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        project = Project.create(tmp_path_factory.mktemp("engine") / "project", emulator.base_url, CLI)
        project.init()
        yield Journey(project, emulator)


def test_up_deploys_every_tenant_end(journey):
    journey.emulator.admin.clear_requests()
    run = journey.project.up()
    journey.measure("first up", run)
    assert "37 created" in run.stdout
    assert "took over" not in run.stdout, "nothing existed: the create tally has nothing to add"
    outputs = journey.project.pulumi("stack", "output", "--json", "-s", "engine").json()
    jobs = outputs["pairs"]["contoso<->fabrikam"]["jobs"]
    assert jobs["contoso->fabrikam"]["schedule_state"] == "Active"


def test_second_up_changes_nothing(journey):
    run = journey.project.pulumi("up", "--yes", "--expect-no-changes", "-s", "engine")
    journey.measure("second up (no change)", run)
    assert journey.measured["second up (no change)"]["graph_writes"] == 0


def test_preview_of_a_config_edit_shows_exactly_that_edit(journey):
    async def new_group(client):
        return await client.groups.post(Group(display_name="Sales EMEA", security_enabled=True, mail_enabled=False,
                                               mail_nickname="sales-emea"))

    group = journey.graph(CONTOSO, new_group)
    journey.project.config_set_path("ctsync:sync[0].scope.groups[1]", group.id)
    journey.project.config_set_path("ctsync:sync[0].trust.mfa", "false")
    journey.emulator.admin.clear_requests()
    steps = journey.project.changed_steps("preview")
    assert not [e for e in journey.emulator.admin.requests() if e["method"] != "GET"], "a preview must never write"
    assert sorted((step["op"], resource_type(step)) for step in steps) == [
        ("create", "ScopeAssignment"),
        ("update", "PartnerAccess"),
        # The schedule carries the scope the job runs with, so that a preview can count who leaves it.
        ("update", "SynchronizationJobSchedule"),
    ]
    changed = {resource_type(step): step for step in steps if step["op"] == "update"}
    assert changed["PartnerAccess"]["urn"].endswith(PARTNER_IN_FABRIKAM)
    for type_name, inputs in (("PartnerAccess", ["trust_mfa"]), ("SynchronizationJobSchedule", ["scope_groups"])):
        old, new = changed[type_name]["oldState"]["inputs"], changed[type_name]["newState"]["inputs"]
        assert sorted(k for k in new if old.get(k) != new[k]) == inputs
    create = next(step for step in steps if step["op"] == "create")
    assert create["newState"]["inputs"]["principal_id"] == group.id
    # What a reviewer reads: the provider's detailed diff, property by property.
    text = journey.project.pulumi("preview", "--diff", "-s", "engine").stdout
    assert re.search(r"~ ctsync:crossTenantAccess:PartnerAccess: \(update\)", text), text
    assert re.search(r"~ trust_mfa\s*: true => false", text), text
    assert re.search(r"\+ ctsync:synchronization:ScopeAssignment: \(create\)", text), text

    run = journey.project.up()
    writes = [f"{e['method']} {e['path']}" for e in journey.emulator.admin.requests() if e["method"] != "GET"]
    journey.measure("up of the edit", run)
    assert "1 created" in run.stdout and "2 updated" in run.stdout
    assert len(writes) == 2, f"the assignment and the partner entry; the schedule writes nothing: {writes}"


def test_refresh_reports_out_of_band_drift(journey):
    body = CrossTenantAccessPolicyConfigurationPartner(
        inbound_trust=CrossTenantAccessPolicyInboundTrust(is_compliant_device_accepted=True)
    )

    async def drift(client):
        partners = client.policies.cross_tenant_access_policy.partners
        await partners.by_cross_tenant_access_policy_configuration_partner_tenant_id(CONTOSO).patch(body)

    journey.graph(FABRIKAM, drift)
    journey.emulator.admin.clear_requests()
    refresh = journey.project.pulumi("refresh", "--preview-only", "--json", "-s", "engine").json()
    journey.measure("refresh (preview)", journey.project.runs[-1])
    changed = {op: count for op, count in refresh["changeSummary"].items() if op != "same"}
    assert changed == {"update": 1}, refresh["changeSummary"]
    refreshed = journey.measured["refresh (preview)"]
    assert refreshed["graph_writes"] == 0
    # One GET per Graph object, plus one: the organisation also reads its own membership, since
    # Graph removes tenants asynchronously (providers/resources/mto.py); plus two per direction (3):
    # its schedule reads every assignment to the app (the scope as a whole), and its schema the
    # template's default schema (what the stack does not declare is held to it).
    assert refreshed["graph_requests"] == journey.graph_objects() + 1 + 2 * 3
    steps = journey.project.changed_steps("preview", "--refresh")
    assert [(step["op"], step["urn"].split("::")[-1]) for step in steps] == [("update", PARTNER_IN_FABRIKAM)]
    old, new = steps[0]["oldState"]["outputs"], steps[0]["newState"]["inputs"]
    # The out-of-band PATCH turned compliant-device trust on; the stack says off (mfa is already off).
    assert sorted(k for k in new if k != "__provider" and old.get(k) != new[k]) == ["trust_compliant_device"]
    journey.project.up("--refresh")
    journey.project.pulumi("up", "--yes", "--expect-no-changes", "--refresh", "-s", "engine")


def test_destroy_leaves_each_tenant_as_graph_would(journey):
    cycle = journey.emulator.admin.run_sync()
    assert sum(run["created"] for run in cycle) > 0
    journey.emulator.admin.clear_requests()
    run = journey.project.pulumi("destroy", "--yes", "--skip-preview", "-s", "engine")
    journey.measure("destroy", run)

    async def state(client):
        partners = await client.policies.cross_tenant_access_policy.partners.get()
        users = await client.users.get()
        return partners.value, [u for u in users.value if "#EXT#" in (u.user_principal_name or "")]

    partners, b2b_users = journey.graph(FABRIKAM, state)
    assert partners == [], "every partner entry the stack made is gone"
    assert b2b_users, "synced users stay in the target, as Graph leaves them when a job is deleted"
    print("\nengine journey:", journey.measured)

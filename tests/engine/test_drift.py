"""The drift check (`pulumi preview --refresh --expect-no-changes`, the hourly health workflow) sees
everything a stack declares. Eight out-of-band changes (and two more: a template default the stack
leaves alone edited, the target object actions changed), each made with plain Graph calls as an admin
in the Entra admin center would make it, on the deployed local stack: the check fails with a diff
that names each of them, `pulumi up --refresh` restores exactly what the stack declares, and the
check passes again."""
from __future__ import annotations

import json

import pytest

from emulator import EmulatorServer
from tests.emulator.flows import raw
from tests.engine.project import CLI, CONTOSO, FABRIKAM, REPO, STACK, Project, needs_cli, resource_type

pytestmark = needs_cli

SALES = "aaaaaaaa-0000-4000-8000-000000000001"
ADELE = "c0000000-0000-4000-8000-000000000001"


class Admin:
    """Plain Graph calls in one tenant, with the emulator's token for it."""

    def __init__(self, emulator: EmulatorServer, tenant_id: str):
        self.emulator, self.token = emulator, emulator.admin.token(tenant_id)

    def __call__(self, method: str, path: str, body: dict | None = None, version: str = "v1.0"):
        status, _, answer = raw(self.emulator, method, path, self.token, body, version)
        assert status < 300, (method, path, status, answer)
        return answer


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        project = Project.create(tmp_path_factory.mktemp("drift") / "project", emulator.base_url, CLI)
        project.init()
        project.up()
        jobs = project.pulumi("stack", "output", "--json", "-s", STACK).json()["pairs"]["contoso<->fabrikam"]["jobs"]
        yield project, emulator, jobs["contoso->fabrikam"]


def portal_changes(emulator: EmulatorServer, direction: dict) -> str:
    """The eight changes; returns the id of the group assigned out of band."""
    contoso, fabrikam = Admin(emulator, CONTOSO), Admin(emulator, FABRIKAM)
    sp, job = direction["service_principal_id"], direction["job_id"]
    assignments = f"/servicePrincipals/{sp}/appRoleAssignedTo"
    # 1. the declared scope group unassigned
    sales = next(a for a in contoso("GET", assignments)["value"] if a["principalId"] == SALES)
    contoso("DELETE", f"{assignments}/{sales['id']}")
    # 2. the job paused
    contoso("POST", f"/servicePrincipals/{sp}/synchronization/jobs/{job}/pause")
    # 3. the deletion threshold turned off in the secrets
    secrets = {item["key"]: item["value"] for item in contoso("GET", f"/servicePrincipals/{sp}/synchronization/secrets")["value"]}
    secrets["SyncNotificationSettings"] = json.dumps({"Enabled": False, "Recipients": "", "DeleteThresholdEnabled": False,
                                                      "DeleteThresholdValue": 0})
    contoso("PUT", f"/servicePrincipals/{sp}/synchronization/secrets",
            {"value": [{"key": key, "value": value} for key, value in secrets.items() if value != "*"]})
    # 4. inbound user sync turned off in the target
    fabrikam("PATCH", f"/policies/crossTenantAccessPolicy/partners/{CONTOSO}/identitySynchronization",
             {"userSyncInbound": {"isSyncAllowed": False}})
    # 5. the target's MFA trust changed
    fabrikam("PATCH", f"/policies/crossTenantAccessPolicy/partners/{CONTOSO}", {"inboundTrust": {"isMfaAccepted": False}})
    # 6. outbound automatic redemption turned off in the source
    contoso("PATCH", f"/policies/crossTenantAccessPolicy/partners/{FABRIKAM}",
            {"automaticUserConsentSettings": {"outboundAllowed": False}})
    # 7. an extra group, "All Employees", assigned to the configuration app
    everyone = contoso("POST", "/groups", {"displayName": "All Employees", "securityEnabled": True, "mailEnabled": False,
                                           "mailNickname": "all-employees"})
    contoso("POST", f"/groups/{everyone['id']}/members/$ref",
            {"@odata.id": f"{emulator.graph_url}/directoryObjects/{ADELE}"})
    role = contoso("GET", f"/servicePrincipals/{sp}")["appRoles"][0]["id"]
    contoso("POST", assignments, {"principalId": everyone["id"], "resourceId": sp, "appRoleId": role})
    # 8. the declared companyName constant edited in the job's schema
    schema_path = f"/servicePrincipals/{sp}/synchronization/jobs/{job}/schema"
    schema = contoso("GET", schema_path)
    mapping = schema["synchronizationRules"][0]["objectMappings"][0]
    company = next(m for m in mapping["attributeMappings"] if m["targetAttributeName"] == "companyName")
    company["source"].update(name="Tailspin", expression='"Tailspin"')
    # 9. and a template default the stack does not declare: department from jobTitle
    department = next(m for m in mapping["attributeMappings"] if m["targetAttributeName"] == "department")
    department["source"] = {"expression": "[jobTitle]", "name": "jobTitle", "parameters": [], "type": "Attribute"}
    # 10. and the target object actions: Delete turned off on the user mapping
    mapping["flowTypes"] = "Add, Update"
    contoso("PUT", schema_path, schema)
    return everyone["id"]


def changed_inputs(step: dict) -> list[str]:
    old, new = step.get("oldState", {}).get("inputs", {}), step.get("newState", {}).get("inputs", {})
    return sorted(key for key in new if old.get(key) != new[key])


def test_each_out_of_band_change_fails_the_check_and_up_refresh_restores_the_stack(deployed):
    project, emulator, direction = deployed
    assert project.pulumi("preview", "--refresh", "--expect-no-changes", "-s", STACK, check=False).returncode == 0
    everyone = portal_changes(emulator, direction)

    check = project.pulumi("preview", "--refresh", "--expect-no-changes", "--diff", "-s", STACK, check=False)
    assert check.returncode != 0, "the drift check must fail"
    steps = project.changed_steps("preview", "--refresh")
    seen = sorted((step["op"], resource_type(step), *changed_inputs(step)) for step in steps)
    assert seen == [
        ("create", "ScopeAssignment", "app_role_id", "declared_at", "principal_id", "principal_type", "service_principal_id",
         "tenant_id"),
        ("update", "IdentitySyncPolicy", "user_sync_allowed"),
        ("update", "PartnerAccess", "outbound_auto_redeem"),
        ("update", "PartnerAccess", "trust_mfa"),
        ("update", "SynchronizationJobSchedule", "enabled", "scope_groups"),
        ("update", "SynchronizationSchema", "attribute_mappings", "flow_types", "template_drift"),
        ("update", "SynchronizationSecrets", "deletion_threshold"),
    ], seen
    text = check.stdout + check.stderr
    assert f"group 'All Employees' ({everyone}) is assigned to the configuration app" in text, text
    assert "Tailspin" in text
    assert "attribute mapping department: Attribute [jobTitle] (the template's: Attribute [department])" in text, text

    emulator.admin.clear_requests()
    project.up("--refresh")
    assert project.pulumi("preview", "--refresh", "--expect-no-changes", "-s", STACK, check=False).returncode == 0
    contoso = Admin(emulator, CONTOSO)
    sp, job = direction["service_principal_id"], direction["job_id"]
    assigned = sorted(a["principalId"] for a in contoso("GET", f"/servicePrincipals/{sp}/appRoleAssignedTo")["value"])
    assert assigned == [SALES], "the extra assignment is gone, the declared one back"
    mapping = contoso("GET", f"/servicePrincipals/{sp}/synchronization/jobs/{job}/schema")["synchronizationRules"][0]["objectMappings"][0]
    company = next(m for m in mapping["attributeMappings"] if m["targetAttributeName"] == "companyName")
    assert company["source"]["name"] == "Contoso", "the mapping is as declared again"
    department = next(m for m in mapping["attributeMappings"] if m["targetAttributeName"] == "department")
    assert department["source"]["name"] == "department", "the template's default is back"
    assert mapping["flowTypes"].replace(" ", "") == "Add,Update,Delete", "the declared target object actions are back"
    schema_puts = [e for e in emulator.admin.requests() if e["method"] == "PUT" and e["path"].endswith("/schema")]
    assert len(schema_puts) == 1, "one PUT writes the declared schema back"


def test_an_unmanaged_attribute_edited_in_the_portal_is_left_as_it_is(deployed):
    project, emulator, direction = deployed
    project.config_set_path("ctsync:sync[0].unmanagedAttributes[0]", "department")
    project.up()
    contoso = Admin(emulator, CONTOSO)
    schema_path = f"/servicePrincipals/{direction['service_principal_id']}/synchronization/jobs/{direction['job_id']}/schema"
    schema = contoso("GET", schema_path)
    mapping = schema["synchronizationRules"][0]["objectMappings"][0]
    department = next(m for m in mapping["attributeMappings"] if m["targetAttributeName"] == "department")
    department["source"] = {"expression": "[jobTitle]", "name": "jobTitle", "parameters": [], "type": "Attribute"}
    contoso("PUT", schema_path, schema)

    assert project.pulumi("preview", "--refresh", "--expect-no-changes", "-s", STACK, check=False).returncode == 0
    project.up("--refresh")
    mapping = contoso("GET", schema_path)["synchronizationRules"][0]["objectMappings"][0]
    department = next(m for m in mapping["attributeMappings"] if m["targetAttributeName"] == "department")
    assert department["source"]["name"] == "jobTitle", "the stack leaves it to the admin center"

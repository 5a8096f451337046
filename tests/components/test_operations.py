"""The operations commands (`python -m ctsync status | verify | logs | release-deletes`) in process,
against the emulator, through `cli.main` exactly as the command line calls it: job health as a CI gate
(healthy, missing, quarantined by a missing setting, holding deletions), one user provisioned on
demand, the provisioning logs of both tenants, a deletion hold released deliberately, and bad input."""
from __future__ import annotations

import asyncio
import json

import pytest
import yaml
from msgraph.generated.models.cross_tenant_access_policy_configuration_partner import (
    CrossTenantAccessPolicyConfigurationPartner,
)
from msgraph.generated.models.inbound_outbound_policy_configuration import InboundOutboundPolicyConfiguration

from ctsync import cli, provisioning_log
from tests.conftest import graph_client_for
from tests.emulator.flows import (
    ADELE,
    ALEX,
    CONTOSO,
    FABRIKAM,
    MEGAN,
    assign,
    partner_of,
    raw,
    ready_pair,
    two_tenants,
)

STACK = "ops"
SYNC = {"from": "contoso", "to": "fabrikam", "scope": {"groups": ["aaaaaaaa-0000-4000-8000-000000000001"]}}


@pytest.fixture
def root(emulator, tmp_path, monkeypatch):
    """A project root whose stack declares contoso -> fabrikam, on an emulator with both tenants."""
    emulator.admin.load_fixture(two_tenants())
    (tmp_path / "Pulumi.yaml").write_text("name: ctsync\nruntime: python\nstackConfigDir: stacks\n")
    (tmp_path / "stacks").mkdir()
    tenants = {alias: {"tenantId": tid, "auth": {"method": "emulator"}, "graphEndpoint": emulator.base_url}
               for alias, tid in (("contoso", CONTOSO), ("fabrikam", FABRIKAM))}
    config = {"config": {"ctsync:tenants": tenants, "ctsync:sync": [SYNC]}}
    (tmp_path / "stacks" / f"Pulumi.{STACK}.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def ctsync(*args: str) -> int:
    return cli.main(list(args))


def deployed(emulator, *users: str, threshold: int | None = None):
    """The direction as `pulumi up` leaves it (policies, a configured and started job), ``users`` assigned."""
    async def made():
        source, target = graph_client_for(emulator, CONTOSO), graph_client_for(emulator, FABRIKAM)
        config = await ready_pair(source, target, **({"threshold": threshold} if threshold is not None else {}))
        return config, [await assign(source, config, user) for user in users]

    return asyncio.run(made())


def set_inbound_redemption(emulator, allowed: bool) -> None:
    async def patch():
        consent = InboundOutboundPolicyConfiguration(inbound_allowed=allowed)
        await partner_of(graph_client_for(emulator, FABRIKAM), CONTOSO).patch(
            CrossTenantAccessPolicyConfigurationPartner(automatic_user_consent_settings=consent))

    asyncio.run(patch())


def graph_writes(emulator) -> list[str]:
    return [f"{e['method']} {e['path']}" for e in emulator.admin.requests() if e["method"] != "GET"]


# -- status -------------------------------------------------------------------------------------
def test_status_of_a_healthy_job_exits_0_and_writes_nothing(emulator, root, capsys):
    deployed(emulator, ADELE)
    emulator.admin.run_sync()
    emulator.admin.clear_requests()

    assert ctsync("status", "--stack", STACK, "--json") == cli.OK
    report = json.loads(capsys.readouterr().out)
    [direction] = report["directions"]
    assert (report["healthy"], direction["verdict"], direction["status"], direction["schedule"]) == (True, "healthy", "Active", "Active")
    assert direction["last_execution"]["state"] == "Succeeded" and direction["synchronized"] == {"User": 1}
    assert graph_writes(emulator) == [], "status only reads"

    assert ctsync("status", "--stack", STACK) == cli.OK
    table = capsys.readouterr().out
    assert table.splitlines()[0].split()[:2] == ["DIRECTION", "VERDICT"]
    assert "contoso -> fabrikam  healthy" in table


def test_status_of_a_direction_without_a_job_exits_4_naming_it(root, capsys):
    assert ctsync("status", "--stack", STACK) == cli.MISSING
    out = capsys.readouterr().out
    assert f"contoso -> fabrikam ({CONTOSO} -> {FABRIKAM}): no synchronization job" in out
    assert f"`pulumi up -s {STACK}` creates it" in out


def test_status_of_a_quarantined_job_names_the_missing_setting_and_tenant(emulator, root, capsys):
    deployed(emulator, ADELE)
    set_inbound_redemption(emulator, False)
    emulator.admin.run_sync()

    assert ctsync("status", "--stack", STACK, "--json") == cli.PROBLEM
    captured = capsys.readouterr()
    [direction] = json.loads(captured.out)["directions"]
    assert f"`python -m ctsync doctor --stack {STACK}` reads both tenants" in captured.err
    assert direction["quarantine"]["reason"] == "EncounteredQuarantineException"
    assert direction["quarantine"]["errorCode"] == "AzureActiveDirectoryCrossTenantSyncPolicyCheckFailure"
    assert direction["advice"][0] == (
        f"set in tenant {FABRIKAM}, the cross-tenant access partner entry for {CONTOSO} must allow inbound automatic "
        "redemption (automaticUserConsentSettings.inboundAllowed; PartnerAccess inbound_auto_redeem=True)"
    )
    assert "pulumi up --refresh -s ops` restarts the job" in direction["advice"][-1]


def test_status_of_a_job_holding_deletions_points_at_release_deletes(emulator, root, capsys):
    held(emulator)
    assert ctsync("status", "--stack", STACK) == cli.PROBLEM
    out = capsys.readouterr().out
    assert "reason TooManyDeletes" in out
    assert f"python -m ctsync release-deletes --stack {STACK} --from contoso --to fabrikam" in out


# -- verify -------------------------------------------------------------------------------------
def test_verify_provisions_one_user_and_shows_the_target_attributes(emulator, root, capsys):
    deployed(emulator, ADELE)
    assert ctsync("verify", "--stack", STACK, "--from", "contoso", "--to", "fabrikam", "--user", "adele@contoso.onmicrosoft.com") == cli.OK
    captured = capsys.readouterr()
    assert "now, for real" in captured.err
    assert "Success, action Create" in captured.out
    assert "displayName       -> 'Adele Vance'" in captured.out
    assert "userType          -> 'Member'" in captured.out
    assert "provisioning log: create success" in captured.out
    assert "step EntryExportCreate: Success: create User 'adele@contoso.onmicrosoft.com'" in captured.out
    assert target_users(emulator) == ["Adele Vance"], "that one user, no one else"


def test_verify_of_a_user_out_of_scope_exits_3_with_the_reason(emulator, root, capsys):
    deployed(emulator, ADELE)
    assert ctsync("verify", "--stack", STACK, "--from", "contoso", "--to", "fabrikam", "--user", MEGAN) == cli.PROBLEM
    captured = capsys.readouterr()
    assert "reason: NotEffectivelyEntitled: The user is not in scope for provisioning." in captured.out
    assert "was not provisioned: Skipped" in captured.err


def test_verify_of_a_user_already_in_sync_shows_each_mapped_attribute_side_by_side(emulator, root, capsys):
    deployed(emulator, ADELE)
    emulator.admin.run_sync()
    assert ctsync("verify", "--stack", STACK, "--from", "contoso", "--to", "fabrikam", "--user", ADELE) == cli.OK
    out = capsys.readouterr().out
    assert "RedundantExport" in out and "mapped attributes, side by side (read now):" in out
    rows = {line.split()[0]: line for line in out.splitlines()[out.splitlines().index("  mapped attributes, side by side (read now):") + 2:]
            if line.startswith("    ") and not line.startswith("     ")}
    assert rows["displayName"].split()[-1] == "yes" and "'Adele Vance'" in rows["displayName"]
    assert rows["jobTitle"].split()[-1] == "yes"


def test_verify_puts_an_edited_attribute_back_and_shows_it_agreeing(emulator, root, capsys):
    deployed(emulator, ADELE)
    emulator.admin.run_sync()
    fabrikam = emulator.state.tenants[FABRIKAM]
    [copy] = [user for user in fabrikam.users.values() if user.get("displayName") == "Adele Vance"]
    copy["jobTitle"] = "Edited in the target"
    assert ctsync("verify", "--stack", STACK, "--from", "contoso", "--to", "fabrikam", "--user", ADELE) == cli.OK
    out = capsys.readouterr().out
    # Provisioning the user again puts the mapping's value back, and the table, read after, agrees.
    assert "jobTitle -> 'Specialist' (was 'Edited in the target')" in out
    table = [line.split() for line in out.splitlines() if line.startswith("    ") and "  " in line.strip()]
    verdicts = {cells[0]: cells[-1] for cells in table}
    assert verdicts["jobTitle"] == verdicts["userPrincipalName"] == verdicts["showInAddressList"] == "yes"
    assert "NO" not in verdicts.values()


# -- logs ---------------------------------------------------------------------------------------
def test_logs_count_what_both_tenants_logged_across_pages(emulator, root, capsys, monkeypatch):
    deployed(emulator, ADELE, ALEX)
    emulator.admin.run_sync()
    monkeypatch.setattr(provisioning_log, "PAGE_SIZE", 1)  # one entry a page: the command must follow nextLink
    emulator.admin.clear_requests()

    assert ctsync("logs", "--stack", STACK, "--since", "1h", "--json") == cli.OK
    [direction] = json.loads(capsys.readouterr().out)["directions"]
    counts = {t["role"]: (t["entries"], t["counts"]) for t in direction["tenants"]}
    assert counts == {"source": (2, {"create success": 2}), "target": (2, {"create success": 2})}
    pages = [e for e in emulator.admin.requests() if e["path"].endswith("/auditLogs/provisioning")]
    assert len(pages) >= 4 and graph_writes(emulator) == []


def test_logs_of_a_direction_that_did_nothing(emulator, root, capsys):
    deployed(emulator, ADELE)
    assert ctsync("logs", "--stack", STACK, "--direction", "contoso:fabrikam") == cli.OK
    assert "contoso (source): 0 entries: nothing" in capsys.readouterr().out


# -- release-deletes ------------------------------------------------------------------------------
def held(emulator) -> None:
    """Two users synced, then both leave scope with a deletion threshold of 1: the job holds them back."""
    config, assignments = deployed(emulator, ADELE, ALEX, threshold=1)
    emulator.admin.run_sync()

    async def unassign():
        source = graph_client_for(emulator, CONTOSO)
        for assignment in assignments:
            await source.service_principals.by_service_principal_id(config.sp_id).app_role_assigned_to.by_app_role_assignment_id(assignment).delete()

    asyncio.run(unassign())
    emulator.admin.run_sync()


def target_users(emulator) -> list[str]:
    async def listed():
        return (await graph_client_for(emulator, FABRIKAM).users.get()).value

    return sorted(user.display_name for user in asyncio.run(listed()))


def test_release_deletes_lists_them_and_needs_a_confirmation(emulator, root, capsys):
    held(emulator)
    emulator.admin.clear_requests()
    assert ctsync("release-deletes", "--stack", STACK, "--from", "contoso", "--to", "fabrikam") == cli.DECLINED
    captured = capsys.readouterr()
    assert "holds back 2 deletion(s) in fabrikam" in captured.out
    assert "Adele Vance" in captured.out and "Alex Wilber" in captured.out
    assert "not confirmed: nothing was changed" in captured.err
    assert graph_writes(emulator) == []

    assert ctsync("release-deletes", "--stack", STACK, "--from", "contoso", "--to", "fabrikam", "--yes") == cli.OK
    assert [w.rsplit("/", 1)[-1] for w in graph_writes(emulator)] == ["restart"]
    emulator.admin.run_sync()
    assert target_users(emulator) == [], "the next cycle applied the held deletions"
    assert ctsync("release-deletes", "--stack", STACK, "--from", "contoso", "--to", "fabrikam", "--yes") == cli.OK
    assert "holds no deletions back" in capsys.readouterr().err


@pytest.mark.parametrize("scope, flags", [("watermark", "Watermark"), ("full", "Full"), ("escrows", "Escrows"),
                                          ("quarantine", "QuarantineState")])
def test_restart_says_it_writes_asks_first_and_sends_the_reset_scope(emulator, root, capsys, scope, flags):
    deployed(emulator, ADELE)
    emulator.admin.clear_requests()
    args = ("restart", "--stack", STACK, "--from", "contoso", "--to", "fabrikam", "--scope", scope)
    assert ctsync(*args) == cli.DECLINED, "no terminal and no --yes: nothing is done"
    assert f"resetScope {flags}, a write to tenant contoso" in capsys.readouterr().err
    assert graph_writes(emulator) == []

    assert ctsync(*args, "--yes") == cli.OK
    assert "restarted job" in capsys.readouterr().err
    [restarted] = [e for e in emulator.admin.requests() if e["method"] != "GET"]
    assert restarted["path"].endswith("/restart") and restarted["body"]["criteria"]["resetScope"] == flags


# -- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize("args, message", [
    (("status", "--stack", "nope"), "no stack file"),
    (("verify", "--stack", STACK, "--from", "contoso", "--to", "northwind", "--user", ADELE), "no tenant alias 'northwind'"),
    (("verify", "--stack", STACK, "--from", "fabrikam", "--to", "contoso", "--user", ADELE),
     "declares no sync direction fabrikam -> contoso (declared: contoso -> fabrikam)"),
    (("logs", "--stack", STACK, "--direction", "contoso"), "must be SOURCE:TARGET"),
    (("logs", "--stack", STACK, "--since", "yesterday"), "--since 'yesterday' must be"),
    (("release-deletes", "--stack", STACK, "--from", "contoso", "--to", "fabrikam-x", "--yes"), "no tenant alias"),
], ids=["unknown-stack", "unknown-alias", "undeclared-direction", "bad-direction", "bad-since", "release-unknown-alias"])
def test_bad_input_exits_2_naming_it_and_writes_nothing(emulator, root, capsys, args, message):
    deployed(emulator, ADELE)
    emulator.admin.clear_requests()
    assert ctsync(*args) == cli.BAD_INPUT
    assert message in capsys.readouterr().err
    assert graph_writes(emulator) == []


def test_verify_of_an_unknown_user_exits_2(emulator, root, capsys):
    deployed(emulator, ADELE)
    assert ctsync("verify", "--stack", STACK, "--from", "contoso", "--to", "fabrikam", "--user", "nobody@contoso.onmicrosoft.com") == cli.BAD_INPUT
    assert f"no user 'nobody@contoso.onmicrosoft.com' in tenant contoso ({CONTOSO})" in capsys.readouterr().err


def test_escrowed_failures_show_in_status_and_logs(emulator, root, capsys):
    """Fabrikam is at its directory quota: the create fails with the documented code, is escrowed and logged."""
    fixture = two_tenants()
    fixture["tenants"][1]["userQuota"] = 0
    emulator.admin.reset()
    emulator.admin.load_fixture(fixture)
    deployed(emulator, ADELE)
    emulator.admin.run_sync()

    assert ctsync("status", "--stack", STACK, "--json") == cli.PROBLEM
    [direction] = json.loads(capsys.readouterr().out)["directions"]
    assert (direction["last_execution"]["state"], direction["escrowed"]) == ("EntryLevelErrors", 1)
    assert "python -m ctsync logs --stack ops --direction contoso:fabrikam" in direction["advice"][0]

    assert ctsync("logs", "--stack", STACK) == cli.OK
    out = capsys.readouterr().out
    assert "contoso (source): 1 entries: create failure 1" in out
    assert "failed create of Adele Vance" in out and "AzureActiveDirectoryQuotaLimitExceeded" in out
    assert "what to do: Delete objects the target tenant no longer needs" in out


def test_status_of_a_job_running_other_than_declared_is_unhealthy(emulator, root, capsys):
    stack = root / "stacks" / f"Pulumi.{STACK}.yaml"
    config = yaml.safe_load(stack.read_text())
    config["config"]["ctsync:sync"][0]["start"] = False
    stack.write_text(yaml.safe_dump(config))
    deployed(emulator, ADELE)  # started, as a portal user might have left it
    assert ctsync("status", "--stack", STACK) == cli.PROBLEM
    out = capsys.readouterr().out
    assert "is started, the stack declares it paused (start: false)" in out
    assert f"`pulumi up -s {STACK}` sets it as declared" in out


def test_verify_of_a_direction_without_a_job_exits_4(root, capsys):
    assert ctsync("verify", "--stack", STACK, "--from", "contoso", "--to", "fabrikam", "--user", ADELE) == cli.MISSING
    assert "has no synchronization job yet: `pulumi up -s ops` creates it" in capsys.readouterr().err


# -- doctor -------------------------------------------------------------------------------------
def fabrikam_admin(emulator, method: str, path: str, body: dict | None = None, version: str = "v1.0"):
    status, _, answer = raw(emulator, method, path, emulator.admin.token(FABRIKAM), body, version)
    assert status < 300, answer
    return answer


def doctor_json(capsys) -> tuple[int, list[dict]]:
    code = ctsync("doctor", "--stack", STACK, "--json")
    return code, json.loads(capsys.readouterr().out)["findings"]


def test_doctor_of_a_sound_pair_finds_nothing_blocking_and_writes_nothing(emulator, root, capsys):
    deployed(emulator, ADELE)
    fabrikam_admin(emulator, "PATCH", "/policies/externalIdentitiesPolicy", {"allowExternalIdentitiesToLeave": False}, "beta")
    emulator.admin.clear_requests()
    code, findings = doctor_json(capsys)
    assert (code, findings) == (cli.OK, [])
    assert graph_writes(emulator) == []


def test_doctor_names_a_target_that_forbids_invitations_and_a_policy_requiring_untrusted_mfa(emulator, root, capsys):
    deployed(emulator, ADELE)
    fabrikam_admin(emulator, "PATCH", "/policies/authorizationPolicy", {"allowInvitesFrom": "none"})
    policy = fabrikam_admin(emulator, "POST", "/identity/conditionalAccess/policies", {
        "displayName": "MFA for guests", "state": "enabled",
        "conditions": {"users": {"includeUsers": ["GuestsOrExternalUsers"]}, "applications": {"includeApplications": ["All"]}},
        "grantControls": {"operator": "OR", "builtInControls": ["mfa"]}})
    code, findings = doctor_json(capsys)
    assert code == cli.PROBLEM
    by_object = {finding["object"]: finding for finding in findings}
    invites = by_object["authorizationPolicy.allowInvitesFrom"]
    assert invites["severity"] == "blocking" and invites["tenant"] == f"tenant fabrikam ({FABRIKAM})"
    assert "AzureActiveDirectoryForbidden" in invites["problem"] and "adminsAndGuestInviters" in invites["fix"]
    mfa = by_object[f"Conditional Access policy 'MFA for guests' ({policy['id']})"]
    assert mfa["severity"] == "warning" and "requires mfa" in mfa["problem"]
    assert "trust.mfa: true on the sync contoso -> fabrikam" in mfa["fix"]
    leave = by_object["externalIdentitiesPolicy.allowExternalIdentitiesToLeave (beta)"]
    assert leave["severity"] == "warning" and "provisions them again" in leave["problem"]


def test_doctor_names_a_missing_scope_group_by_its_config_path_and_an_unredeemed_invited_guest(emulator, root, capsys):
    deployed(emulator)
    stack_file = root / "stacks" / f"Pulumi.{STACK}.yaml"
    config = yaml.safe_load(stack_file.read_text())
    config["config"]["ctsync:sync"][0]["scope"]["groups"].append("aaaaaaaa-0000-4000-8000-0000000000ff")
    stack_file.write_text(yaml.safe_dump(config, sort_keys=False))
    # Invited by e-mail before the sync existed, never redeemed (Graph sets externalUserState itself).
    invited = fabrikam_admin(emulator, "POST", "/users", {
        "accountEnabled": True, "displayName": "Adele (invited)", "mailNickname": "adele_invited", "userType": "Guest",
        "userPrincipalName": "adele_contoso.onmicrosoft.com#EXT#@fabrikam.onmicrosoft.com",
        "mail": "adele@contoso.onmicrosoft.com", "passwordProfile": {"password": "x-Not-used-1"}})
    emulator.state.tenants[FABRIKAM].users[invited["id"]]["externalUserState"] = "PendingAcceptance"
    code, findings = doctor_json(capsys)
    assert code == cli.PROBLEM
    [missing] = [f for f in findings if f["severity"] == "blocking"]
    assert missing["object"] == "group aaaaaaaa-0000-4000-8000-0000000000ff (ctsync:sync[0].scope.groups[1])"
    assert missing["tenant"] == f"tenant contoso ({CONTOSO})"
    [guest] = [f for f in findings if f["object"].startswith("guest adele@contoso.onmicrosoft.com")]
    assert "PendingAcceptance" in guest["problem"] and "ctsync verify --from contoso --to fabrikam" in guest["fix"]


# -- logs --audit -------------------------------------------------------------------------------
def test_logs_audit_shows_a_partner_entry_changed_by_hand_beside_the_apps_changes(emulator, root, capsys):
    deployed(emulator, ADELE)
    # Fabrikam's administrator turns Contoso's MFA trust on in the admin center.
    token = emulator.admin.token(FABRIKAM, user="admin@fabrikam.onmicrosoft.com")
    status, _, _ = raw(emulator, "PATCH", f"/policies/crossTenantAccessPolicy/partners/{CONTOSO}", token,
                       {"inboundTrust": {"isMfaAccepted": True}})
    assert status == 204
    # An audit log of a tenant outside the stack's objects is left out: Northwind's own change.
    raw(emulator, "POST", "/policies/crossTenantAccessPolicy/partners", emulator.admin.token("33333333-3333-4333-8333-333333333333"),
        {"tenantId": "44444444-4444-4444-8444-444444444444"})
    emulator.admin.clear_requests()

    assert ctsync("logs", "--stack", STACK, "--audit", "--json") == cli.OK
    changes = json.loads(capsys.readouterr().out)["changes"]
    by_hand = [c for c in changes if c["by"] == "user admin@fabrikam.onmicrosoft.com"]
    assert [(c["tenant"], c["activity"], c["target"]) for c in by_hand] == [
        ("fabrikam", "Update partner cross-tenant access setting", f"CrossTenantAccessPolicyConfigurationPartner {CONTOSO}")]
    assert by_hand[0]["changed"] == ['inboundTrust: {"isMfaAccepted": true}']
    assert any(c["by"].startswith("app ") and c["tenant"] == "contoso" for c in changes), "the setup's own writes are listed too"
    assert all("44444444" not in c["target"] for c in changes)
    assert graph_writes(emulator) == []


def test_doctor_names_an_application_permission_the_source_sign_in_lacks(emulator, root, capsys, monkeypatch):
    from emulator.permissions import ALL_PERMISSIONS
    from providers.graph import connection

    deployed(emulator, ADELE)
    original = connection.EmulatorCredential.__init__

    def without_synchronization(self, endpoint, tenant_id, roles=None):
        granted = [role for role in ALL_PERMISSIONS if role != "Synchronization.ReadWrite.All"]
        original(self, endpoint, tenant_id, granted if tenant_id == CONTOSO else roles)

    monkeypatch.setattr(connection.EmulatorCredential, "__init__", without_synchronization)
    code, findings = doctor_json(capsys)
    assert code == cli.PROBLEM
    [missing] = [f for f in findings if f["object"].startswith("application permission")]
    assert missing == {"severity": "blocking", "tenant": f"tenant contoso ({CONTOSO})",
                       "object": "application permission Synchronization.ReadWrite.All",
                       "problem": "is not granted to the identity ctsync signs in with, which the source of contoso -> fabrikam needs",
                       "fix": "grant it in the app registration's API permissions (Microsoft Graph, Application) and give admin consent"}

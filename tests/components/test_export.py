"""`python -m ctsync export` in process against the emulator: what cannot be expressed, tenants
outside the stack, and bad input (unknown stack, missing permission, unreachable tenant) leaving the
stack file untouched."""
from __future__ import annotations

import asyncio

import pytest
import yaml

from ctsync import cli
from emulator import EmulatorServer
from tests.conftest import graph_client_for
from tests.emulator.flows import (
    CONTOSO,
    FABRIKAM,
    NORTHWIND,
    allow_inbound,
    allow_outbound,
    configure_job,
    get_schema,
    put_mto,
    put_schema,
    raw,
    two_tenants,
)

STACK = "brown"


def write_stack(root, emulator_url: str, tenants=(("contoso", CONTOSO), ("fabrikam", FABRIKAM))) -> str:
    (root / "Pulumi.yaml").write_text("name: ctsync\nruntime: python\nstackConfigDir: stacks\n")
    (root / "stacks").mkdir(exist_ok=True)
    config = {"ctsync:tenants": {alias: {"tenantId": tid, "auth": {"method": "emulator"}, "graphEndpoint": emulator_url}
                                 for alias, tid in tenants}}
    text = "# my tenants\n" + yaml.safe_dump({"config": config}, sort_keys=False)
    (root / "stacks" / f"Pulumi.{STACK}.yaml").write_text(text)
    return text


@pytest.fixture
def world(emulator):
    emulator.admin.load_fixture(two_tenants())
    return emulator


def run(root, *args: str) -> int:
    return cli.run_export(STACK, "--dry-run" in args, "--allow-partial" in args, root)


def portal_pair(emulator: EmulatorServer, redeem_inbound: bool = True) -> None:
    async def made():
        contoso, fabrikam = graph_client_for(emulator, CONTOSO), graph_client_for(emulator, FABRIKAM)
        await allow_inbound(fabrikam, CONTOSO, redeem=redeem_inbound)
        await allow_outbound(contoso, FABRIKAM)
        await configure_job(contoso, FABRIKAM, sync_all=True)

    asyncio.run(made())


def test_a_setup_the_config_expresses_is_written_with_the_file_kept(world, tmp_path, capsys):
    original = write_stack(tmp_path, world.base_url)
    portal_pair(world)
    assert run(tmp_path) == cli.OK, capsys.readouterr().err
    written = (tmp_path / "stacks" / f"Pulumi.{STACK}.yaml").read_text()
    assert written.startswith("# my tenants"), "the file's own comments stay"
    assert yaml.safe_load(written)["config"]["ctsync:sync"] == [
        {"from": "contoso", "to": "fabrikam", "scope": {"allUsers": True}, "removeDisabledUsers": False,
         "deletionThreshold": 0, "allowUnlimitedDeletions": True, "start": False}
    ]
    assert yaml.safe_load(written)["config"]["ctsync:tenants"] == yaml.safe_load(original)["config"]["ctsync:tenants"]


def test_what_the_config_cannot_express_is_listed_and_nothing_is_written(world, tmp_path, capsys):
    original = write_stack(tmp_path, world.base_url)
    portal_pair(world, redeem_inbound=False)  # a job into a tenant that does not auto-redeem
    assert run(tmp_path) == cli.PARTIAL
    err = capsys.readouterr().err
    assert "cannot express: fabrikam: partner entry for contoso: inbound automatic redemption is off" in err
    assert (tmp_path / "stacks" / f"Pulumi.{STACK}.yaml").read_text() == original
    assert run(tmp_path, "--allow-partial") == cli.OK
    assert "ctsync:sync" in (tmp_path / "stacks" / f"Pulumi.{STACK}.yaml").read_text()


def test_a_tenant_outside_the_stack_is_reported_not_written(world, tmp_path, capsys):
    write_stack(tmp_path, world.base_url, tenants=(("contoso", CONTOSO),))
    portal_pair(world)
    assert run(tmp_path) == cli.OK
    err = capsys.readouterr().err
    assert f"provisions into {FABRIKAM}, a tenant outside the stack: not written" in err
    assert yaml.safe_load((tmp_path / "stacks" / f"Pulumi.{STACK}.yaml").read_text())["config"]["ctsync:sync"] == []


def test_deletes_turned_off_in_the_portal_are_written_as_target_object_actions(world, tmp_path, capsys):
    """The most common portal change to a job (Microsoft's answer to scope changes soft-deleting
    people): without it in the config, the take-over would turn deletes back on."""
    write_stack(tmp_path, world.base_url)

    async def made():
        contoso, fabrikam = graph_client_for(world, CONTOSO), graph_client_for(world, FABRIKAM)
        await allow_inbound(fabrikam, CONTOSO)
        await allow_outbound(contoso, FABRIKAM)
        config = await configure_job(contoso, FABRIKAM, sync_all=True)
        schema = await get_schema(contoso, config.sp_id, config.job_id)
        schema["synchronizationRules"][0]["objectMappings"][0]["flowTypes"] = "Add, Update"
        await put_schema(contoso, config.sp_id, config.job_id, schema)

    asyncio.run(made())
    assert run(tmp_path, "--dry-run") == cli.OK, capsys.readouterr().err
    [entry] = yaml.safe_load(capsys.readouterr().out)["config"]["ctsync:sync"]
    assert entry["targetObjectActions"] == {"delete": False}


BAD_INPUT = {
    "unknown stack": (lambda root, url: None, "no stack file"),
    "unreachable tenant": (lambda root, url: write_stack(root, "http://127.0.0.1:9"),
                           "tenant contoso (11111111-1111-4111-8111-111111111111): Graph could not be reached"),
}


@pytest.mark.parametrize("setup,message", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_fails_clearly_and_writes_nothing(setup, message, world, tmp_path, capsys):
    (tmp_path / "Pulumi.yaml").write_text("name: ctsync\n")
    (tmp_path / "stacks").mkdir(exist_ok=True)
    if setup(tmp_path, world.base_url) is None:
        (tmp_path / "stacks").rmdir()
        (tmp_path / "stacks").mkdir()
    before = {p.name: p.read_text() for p in (tmp_path / "stacks").glob("*")}
    assert run(tmp_path) == cli.BAD_INPUT
    assert message in capsys.readouterr().err
    assert {p.name: p.read_text() for p in (tmp_path / "stacks").glob("*")} == before


def test_a_missing_permission_names_the_tenant_and_the_permission(world, tmp_path, capsys, monkeypatch):
    from providers.graph import connection

    original = write_stack(tmp_path, world.base_url)
    monkeypatch.setattr(connection, "credential_for",
                        lambda conn: connection.EmulatorCredential(conn.endpoint, conn.tenant_id, roles=["Application.Read.All"]))
    assert run(tmp_path) == cli.BAD_INPUT
    err = capsys.readouterr().err
    assert "tenant contoso (11111111-1111-4111-8111-111111111111)" in err or "tenant fabrikam" in err
    assert "GET /policies/crossTenantAccessPolicy/partners" in err and "grant the application permission" in err
    assert (tmp_path / "stacks" / f"Pulumi.{STACK}.yaml").read_text() == original


def test_the_mto_is_written_from_its_owner_with_its_description_and_further_owners(emulator, tmp_path, capsys):
    from msgraph.generated.models.multi_tenant_organization import MultiTenantOrganization
    from msgraph.generated.models.multi_tenant_organization_member import MultiTenantOrganizationMember
    from msgraph.generated.models.multi_tenant_organization_member_role import MultiTenantOrganizationMemberRole

    emulator.admin.load_fixture({**two_tenants(), "settings": {"mtoActivationSeconds": 0}})
    write_stack(tmp_path, emulator.base_url, tenants=(("contoso", CONTOSO), ("fabrikam", FABRIKAM), ("northwind", NORTHWIND)))

    async def made(description: str):
        contoso = graph_client_for(emulator, CONTOSO)
        await put_mto(contoso, "Contoso group", description)
        await contoso.tenant_relationships.multi_tenant_organization.get()  # the emulator activates it on a read
        await contoso.tenant_relationships.multi_tenant_organization.tenants.post(
            MultiTenantOrganizationMember(tenant_id=FABRIKAM, display_name="Fabrikam"))

    asyncio.run(made(""))
    assert run(tmp_path, "--dry-run") == cli.OK, capsys.readouterr().err
    printed = yaml.safe_load(capsys.readouterr().out)["config"]
    assert printed["ctsync:mto"] == {"displayName": "Contoso group", "owner": "contoso", "members": ["fabrikam"]}

    async def described_and_promoted():
        mto = graph_client_for(emulator, CONTOSO).tenant_relationships.multi_tenant_organization
        await mto.patch(MultiTenantOrganization(description="made in the wizard"))
        await mto.tenants.by_multi_tenant_organization_member_id(FABRIKAM).patch(
            MultiTenantOrganizationMember(role=MultiTenantOrganizationMemberRole.Owner))

    asyncio.run(described_and_promoted())
    assert run(tmp_path, "--dry-run") == cli.OK, capsys.readouterr().err
    printed = yaml.safe_load(capsys.readouterr().out)["config"]
    assert printed["ctsync:mto"] == {"displayName": "Contoso group", "owner": "contoso", "description": "made in the wizard",
                                     "members": [{"tenant": "fabrikam", "role": "owner"}]}


def test_mto_templates_are_written_when_every_tenant_has_the_same(emulator, tmp_path, capsys):
    from msgraph.generated.models.multi_tenant_organization_member import MultiTenantOrganizationMember

    emulator.admin.load_fixture(two_tenants())
    write_stack(tmp_path, emulator.base_url)
    templates = "/policies/crossTenantAccessPolicy/templates"
    partner = {"automaticUserConsentSettings": {"inboundAllowed": True, "outboundAllowed": True}}
    sync = {"userSyncInbound": {"isSyncAllowed": True}, "templateApplicationLevel": "newPartners"}

    async def made():
        contoso = graph_client_for(emulator, CONTOSO)
        await put_mto(contoso, "Contoso group")
        await contoso.tenant_relationships.multi_tenant_organization.tenants.post(
            MultiTenantOrganizationMember(tenant_id=FABRIKAM, display_name="Fabrikam"))

    asyncio.run(made())
    emulator.admin.advance_clock(3 * 3600)  # nothing joins: only the owner reads the MTO
    for tenant in (CONTOSO,):
        token = emulator.admin.token(tenant)
        raw(emulator, "PATCH", f"{templates}/multiTenantOrganizationPartnerConfiguration", token, partner)
        raw(emulator, "PATCH", f"{templates}/multiTenantOrganizationIdentitySynchronization", token, sync)
    assert run(tmp_path, "--dry-run") == cli.OK, capsys.readouterr().err
    printed = yaml.safe_load(capsys.readouterr().out)["config"]["ctsync:mto"]
    assert printed["templates"] == {
        "partnerConfiguration": {"automaticRedemption": {"inbound": True, "outbound": True}},
        "identitySync": {"userSyncInbound": True, "applyTo": ["newPartners"]},
    }


def test_templates_that_differ_between_mto_tenants_are_a_gap():
    from ctsync.discovery import Organization
    from ctsync.export import Exported, _templates

    both = {"templateApplicationLevel": "newPartners,existingPartners"}
    on = {"userSyncInbound": {"isSyncAllowed": True}, **both}
    organizations = [Organization(CONTOSO, "G", "", (), partner_template=both, identity_sync_template=on),
                     Organization(FABRIKAM, "G", "", (), partner_template=both, identity_sync_template={"userSyncInbound": None, **both})]
    result = Exported()
    assert _templates(organizations, "G", result) == {}
    assert result.gaps == ["MTO 'G': the identitySync template differs between its tenants; the config sets one for all"]

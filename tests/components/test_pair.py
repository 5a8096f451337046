"""The resource graph of one bidirectional tenant pair: which resources, in which tenant, with which inputs, in which order."""
import json

import pytest

from components.diagram import topology_mermaid
from stackconfig import load_stack_config
from tests.components import stacks
from tests.components.harness import RecordingMonitor, install, run_program
from tests.components.stacks import AUDITOR_USER, ENGINEERING_GROUP, SALES_FILTER, SALES_GROUP, tenant_id

C, F = tenant_id(0), tenant_id(1)  # contoso, fabrikam
CF, FC = f"{C}-to-{F}", f"{F}-to-{C}"  # name prefixes of each direction's resources
PAIR, C_TO_F, F_TO_C = "contoso<->fabrikam", "contoso->fabrikam", "fabrikam->contoso"

# (kind, name, parent component, tenant the object lives in)
GRAPH_RESOURCES = {
    ("PartnerAccess", f"{C}-partner-{F}", PAIR, C),
    ("PartnerAccess", f"{F}-partner-{C}", PAIR, F),
    ("IdentitySyncPolicy", f"{F}-sync-from-{C}", PAIR, F),
    ("IdentitySyncPolicy", f"{C}-sync-from-{F}", PAIR, C),
    *(
        (kind, f"{prefix}-{suffix}", component, source)
        for prefix, component, source in ((CF, C_TO_F, C), (FC, F_TO_C, F))
        for kind, suffix in (
            ("ConfigurationApp", "app"),
            ("SynchronizationSecrets", "secrets"),
            ("SynchronizationJob", "job"),
            ("SynchronizationSchema", "schema"),
            ("SynchronizationJobSchedule", "schedule"),
        )
    ),
    *(("ScopeAssignment", f"{CF}-scope-{p}", C_TO_F, C) for p in (SALES_GROUP, ENGINEERING_GROUP, AUDITOR_USER)),
}
COMPONENTS = {("TenantPair", PAIR, "ctsync-test"), ("ProvisioningJob", C_TO_F, PAIR), ("ProvisioningJob", F_TO_C, PAIR)}


def short(value) -> str:
    """Test ids with C / F in place of the tenant ids."""
    return value.replace(C, "C").replace(F, "F") if isinstance(value, str) else ""


def parent_name(registration) -> str:
    return registration.parent.rsplit("::", 1)[-1]


def test_each_graph_object_is_registered_once_in_its_tenant(monitor):
    run_program(stacks.pair_stack())
    graph = {(r.kind, r.name, parent_name(r), r.inputs["tenant_id"]) for r in monitor.registrations if r.custom}
    assert graph == GRAPH_RESOURCES
    assert len([r for r in monitor.registrations if r.custom]) == len(GRAPH_RESOURCES)
    assert {(r.kind, r.name, parent_name(r)) for r in monitor.registrations if not r.custom} == COMPONENTS


@pytest.mark.parametrize(
    "name, expected",
    [
        # contoso's entry for fabrikam: trust what fabrikam -> contoso asks, redeem both ways.
        (f"{C}-partner-{F}", dict(partner_tenant_id=F, trust_mfa=False, trust_compliant_device=True,
                                  trust_hybrid_joined_device=True, inbound_auto_redeem=True, outbound_auto_redeem=True)),
        (f"{F}-partner-{C}", dict(partner_tenant_id=C, trust_mfa=True, trust_compliant_device=False,
                                  trust_hybrid_joined_device=False, inbound_auto_redeem=True, outbound_auto_redeem=True)),
        (f"{F}-sync-from-{C}", dict(source_tenant_id=C, user_sync_allowed=True, display_name=f"ctsync from {C}")),
        (f"{CF}-app", dict(display_name=f"ctsync to {F}")),
        (f"{CF}-secrets", dict(service_principal_id=f"{CF}-app:service_principal_id", target_tenant_id=F,
                               deletion_threshold=50, notification_email="ops@contoso.example", sync_all=False)),
        # Scoped by filters alone: every source user that matches, so SyncAll.
        (f"{FC}-secrets", dict(target_tenant_id=C, deletion_threshold=500, sync_all=True)),
        (f"{CF}-job", dict(service_principal_id=f"{CF}-app:service_principal_id")),
        (f"{CF}-schema", dict(job_id=f"{CF}-job:job_id", user_type="Member", remove_disabled_users=True, scope_filters=[],
                              attribute_mappings=[{"target": "companyName", "constant": "Contoso"}])),
        (f"{FC}-schema", dict(job_id=f"{FC}-job:job_id", user_type="Guest", remove_disabled_users=False,
                              scope_filters=[SALES_FILTER], attribute_mappings=[])),
        (f"{CF}-scope-{SALES_GROUP}", dict(principal_id=SALES_GROUP, principal_type="Group",
                                           app_role_id=f"{CF}-app:app_role_id")),
        (f"{CF}-scope-{AUDITOR_USER}", dict(principal_id=AUDITOR_USER, principal_type="User")),
        (f"{CF}-schedule", dict(job_id=f"{CF}-job:job_id", enabled=True)),
        (f"{FC}-schedule", dict(job_id=f"{FC}-job:job_id", enabled=False)),
    ],
    ids=short,
)
def test_inputs(monitor, name, expected):
    run_program(stacks.pair_stack())
    inputs = monitor.named(name).inputs
    assert {key: inputs.get(key) for key in expected} == expected


def test_provision_groups_reaches_the_schema_and_the_targets_policy_of_that_direction_only(monitor):
    stack = stacks.pair_stack()
    stack["ctsync:sync"][0]["provisionGroups"] = True
    run_program(stack)
    assert monitor.named(f"{CF}-schema").inputs["provision_groups"] is True
    assert monitor.named(f"{F}-sync-from-{C}").inputs["group_sync_allowed"] is True
    assert monitor.named(f"{FC}-schema").inputs["provision_groups"] is False
    assert monitor.named(f"{C}-sync-from-{F}").inputs["group_sync_allowed"] is False


def test_unset_optional_inputs_are_left_out(monitor):
    run_program(stacks.pair_stack())
    assert "notification_email" not in monitor.named(f"{FC}-secrets").inputs


TARGET_READY = {
    CF: (f"{F}-partner-{C}", f"{F}-sync-from-{C}", f"{C}-partner-{F}"),
    FC: (f"{C}-partner-{F}", f"{C}-sync-from-{F}", f"{F}-partner-{C}"),
}


@pytest.mark.parametrize(
    "dependent, dependencies",
    [
        # The credential check in the secrets needs the target's entry and policy and the source's entry.
        *((f"{p}-secrets", (*ready, f"{p}-app")) for p, ready in TARGET_READY.items()),
        *((f"{p}-app", ready) for p, ready in TARGET_READY.items()),
        (f"{CF}-job", (f"{CF}-secrets", f"{CF}-app")),
        (f"{CF}-schema", (f"{CF}-job", f"{CF}-app")),
        *((f"{CF}-scope-{p}", (f"{CF}-schema", f"{CF}-app")) for p in (SALES_GROUP, ENGINEERING_GROUP, AUDITOR_USER)),
        (f"{CF}-schedule", (f"{CF}-schema", f"{CF}-job", *(f"{CF}-scope-{p}" for p in (SALES_GROUP, ENGINEERING_GROUP, AUDITOR_USER)))),
        (f"{FC}-schedule", (f"{FC}-schema", f"{FC}-job")),
        (f"{F}-sync-from-{C}", (f"{F}-partner-{C}",)),
        (f"{C}-sync-from-{F}", (f"{C}-partner-{F}",)),
    ],
    ids=short,
)
def test_dependencies_encode_graph_order(monitor, dependent, dependencies):
    run_program(stacks.pair_stack())
    expected = {monitor.named(name).urn for name in dependencies}
    assert expected <= monitor.named(dependent).dependencies


def test_partner_entries_depend_on_nothing_so_both_directions_cannot_form_a_cycle(monitor):
    run_program(stacks.pair_stack())
    assert [r.dependencies for r in monitor.of_kind("PartnerAccess")] == [frozenset(), frozenset()]


def renamed(values: dict, renames: dict[str, str]) -> dict:
    text = json.dumps(values)
    for old, new in renames.items():
        text = text.replace(f'"{old}"', f'"{new}"')
    return json.loads(text)


def test_renaming_aliases_keeps_every_graph_resource_as_it_is(monitor):
    """Only the components are renamed: each Graph resource keeps its URN and its inputs."""
    run_program(stacks.pair_stack())
    before = {r.urn: r.inputs for r in monitor.registrations if r.custom}
    again = RecordingMonitor()
    install(again)
    # zeta now sorts after alpha: the pair's sides swap too.
    run_program(renamed(stacks.pair_stack(), {"contoso": "zeta", "fabrikam": "alpha"}))
    assert {r.urn: r.inputs for r in again.registrations if r.custom} == before
    assert {r.name for r in again.registrations if not r.custom} == {"alpha<->zeta", "zeta->alpha", "alpha->zeta"}


def test_stack_outputs_say_what_each_tenant_gets_and_the_jobs(monitor):
    outputs = run_program(stacks.pair_stack())
    pair = outputs["pairs"][PAIR]
    assert pair["contoso"] == {
        "tenant_id": C,
        "partner": "fabrikam",
        "partner_tenant_id": F,
        "inbound_trust": {"mfa": False, "compliant_device": True, "hybrid_joined_device": True},
        "inbound_auto_redeem": True,
        "outbound_auto_redeem": True,
        "inbound_sync_allowed": True,
        "taken_over": False,
    }
    assert pair["fabrikam"]["inbound_trust"] == {"mfa": True, "compliant_device": False, "hybrid_joined_device": False}
    assert {direction: (job["job_id"], job["enabled"], job["schedule_state"]) for direction, job in pair["jobs"].items()} == {
        C_TO_F: (f"{CF}-job:job_id", True, f"{CF}-schedule:schedule_state"),
        F_TO_C: (f"{FC}-job:job_id", False, f"{FC}-schedule:schedule_state"),
    }
    assert outputs["tenants"] == {"contoso": C, "fabrikam": F}
    assert outputs["topology_mermaid"] == topology_mermaid(load_stack_config(stacks.pair_stack()))
    assert "mto" not in outputs and "log_routing" not in outputs

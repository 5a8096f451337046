"""The components as any program uses them (what the plugin constructs for Python and YAML programs):
inputs in the stack file's shapes, checked by the stack config's own reader with the component's
input names as paths, registering exactly what the stack-config program registers for the same
declaration."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from components.estate import Estate, EstateArgs
from components.mto import MtoMembership, MtoMembershipArgs
from components.package import COMPONENTS
from components.pair import TenantPair, TenantPairArgs
from stackconfig.shapes import TYPES
from stackconfig.syncs import DIRECTION_KEYS, SETTINGS
from tests.components import stacks
from tests.components.harness import RecordingMonitor, install, run_program, set_stack_config


def registrations(build: Callable[[], Any]) -> list[tuple[str, str, str]]:
    """(type, name, inputs) of everything `build` registers under the mocks, stack excluded."""
    monitor = RecordingMonitor()
    install(monitor)
    pulumi.runtime.test(lambda: pulumi.Output.from_input(build()).apply(lambda _: None))()
    return sorted((r.typ, r.name, json.dumps(r.inputs, sort_keys=True))
                  for r in monitor.registrations if r.typ != "pulumi:pulumi:Stack")


def program_registrations(values: dict[str, Any]) -> list[tuple[str, str, str]]:
    monitor = RecordingMonitor()
    install(monitor)
    run_program(values)
    return sorted((r.typ, r.name, json.dumps(r.inputs, sort_keys=True))
                  for r in monitor.registrations if r.typ != "pulumi:pulumi:Stack")


def test_a_tenant_pair_from_syncs_registers_what_the_program_registers_for_the_same_entries():
    values = stacks.pair_stack()
    expected = program_registrations(values)
    set_stack_config({"ctsync:tenants": values["ctsync:tenants"]})
    made = registrations(lambda: TenantPair("contoso<->fabrikam", TenantPairArgs(syncs=values["ctsync:sync"])).urn)
    # Only where a scope principal is declared differs: the component's own input path.
    assert made == [(typ, name, inputs.replace('"ctsync:sync[', '"syncs[')) for typ, name, inputs in expected]
    assert len(made) == 20  # 17 Graph resources, the pair, a job per direction


def test_an_mto_membership_from_its_inputs_registers_what_the_program_registers():
    values = stacks.mesh_with_mto_stack(3)
    values.pop("ctsync:topology")
    mto = values["ctsync:mto"]
    expected = program_registrations(values)
    set_stack_config({"ctsync:tenants": values["ctsync:tenants"]})
    args = MtoMembershipArgs(display_name=mto["displayName"], owner=mto["owner"], members=mto["members"],
                             description=mto.get("description"), templates=mto.get("templates"))
    assert registrations(lambda: MtoMembership("mto", args).urn) == expected


def test_an_estate_registers_what_the_program_registers_for_the_same_sections_under_itself():
    values = stacks.hub_and_spoke_stack(3)
    values["ctsync:mto"] = {"displayName": "Group", "owner": "t0", "members": ["t1", "t2"]}
    expected = program_registrations(values)
    set_stack_config({"ctsync:tenants": values["ctsync:tenants"]})
    args = EstateArgs(topology=values["ctsync:topology"], mto=values["ctsync:mto"])
    made = registrations(lambda: Estate("estate", args).urn)
    assert made == sorted([*expected, ("ctsync:index:Estate", "estate", "{}")])
    # The estate; per pair 1 + 2 jobs + 2 partner entries + 2 policies + 2 x 5 job resources; the MTO 1 + 1 + 2 x 2.
    assert len(made) == 1 + 2 * 17 + 6


GOOD = {"from": "contoso", "to": "fabrikam", "scope": {"allUsers": True}}
# (syncs, the path and words of each problem)
REFUSED = {
    "bad values": (
        [{**GOOD, "to": "fabrikm", "trust": {"mfa": "yes"}, "scope": {"groups": ["sales"]}}],
        ['syncs[0].to: "fabrikm" is not a tenant declared in ctsync:tenants; did you mean \'fabrikam\'?',
         "syncs[0].trust.mfa: must be true or false", "syncs[0].scope.groups[0]: "],
    ),
    "unknown key": ([{**GOOD, "scopes": {}}], ["syncs[0].scopes: unknown key; did you mean 'scope'?"]),
    "three tenants": (
        [GOOD, {**GOOD, "from": "fabrikam", "to": "northwind"}],
        ["syncs: syncs between 3 tenants (contoso, fabrikam, northwind); a TenantPair is two"],
    ),
    "a direction twice": ([GOOD, GOOD], ["syncs[1]: contoso -> fabrikam is already declared by syncs[0]"]),
    "managed group": (
        [{**GOOD, "scope": {"managedGroup": {"displayName": "Sales"}}}],
        ["syncs[0].scope.managedGroup: is available in the stack-config program only; create the group in your program"],
    ),
    "not a list": ({"from": "contoso"}, ["syncs: "]),
}


@pytest.mark.parametrize("syncs, said", REFUSED.values(), ids=REFUSED.keys())
def test_bad_syncs_are_refused_with_their_input_paths_before_anything_is_registered(syncs, said):
    set_stack_config({"ctsync:tenants": stacks.tenants(["contoso", "fabrikam", "northwind"])})
    monitor = RecordingMonitor()
    install(monitor)
    with pytest.raises(pulumi.RunError) as refused:
        TenantPair("pair", TenantPairArgs(syncs=syncs))
    assert "TenantPair pair has" in str(refused.value) and "nothing was deployed" in str(refused.value)
    for words in said:
        assert words in str(refused.value)
    assert monitor.registrations == []


def test_an_mto_membership_names_its_problems_by_its_own_input_names():
    set_stack_config({"ctsync:tenants": stacks.tenants(["contoso", "fabrikam"])})
    with pytest.raises(pulumi.RunError) as refused:
        MtoMembership("mto", MtoMembershipArgs(display_name="Group", owner="nobody", members=["fabrikam", {"tenant": "x"}]))
    assert "\nowner: " in str(refused.value) and "\nmembers[1].tenant: " in str(refused.value)


def test_without_tenants_the_component_says_where_they_come_from():
    set_stack_config({})
    with pytest.raises(pulumi.RunError, match=r"ctsync:tenants: "):
        TenantPair("pair", TenantPairArgs(syncs=[GOOD]))


def test_the_sync_shape_has_exactly_the_keys_the_reader_accepts():
    assert list(TYPES["Sync"]["properties"]) == [*DIRECTION_KEYS, *SETTINGS]
    assert {component.token for component in COMPONENTS} == {"ctsync:index:Estate", "ctsync:pair:TenantPair",
                                                              "ctsync:mto:MtoMembership"}

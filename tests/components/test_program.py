"""The program as the CLI runs it: config read, checked before anything is registered, then composed."""
import runpy
from pathlib import Path

import pulumi
import pytest

from components.program import main, read_ctsync_config
from providers.sdk.runtime import all_registered
from tests.components import stacks
from tests.components.harness import run_program, set_stack_config
from tests.components.stacks import tenant_id

REPO = Path(__file__).resolve().parents[2]


def edited(values: dict, *edits) -> dict:
    """`values` with each (path of keys, value) set."""
    for path, value in edits:
        node = values
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return values


def emulated(values: dict) -> dict:
    """Every tenant signed in to the bundled emulator."""
    for tenant in values["ctsync:tenants"].values():
        tenant.update(auth={"method": "emulator"}, graphEndpoint="http://127.0.0.1:18080")
    return values


# (stack, the config path of every problem it has)
INVALID_STACKS = {
    "five problems": (
        edited(
            stacks.pair_stack(),
            (("ctsync:tenants", "contoso", "tenantId"), "not-a-guid"),
            (("ctsync:sync", 0, "to"), "fabrikm"),
            (("ctsync:sync", 1, "to"), "fabrikam"),
            (("ctsync:sync", 1, "deletionThreshold"), -1),
            (("ctsync:mto",), {"displayName": "Group", "owner": "nobody", "members": ["contoso"]}),
        ),
        ["ctsync:tenants.contoso.tenantId", "ctsync:sync[0].to", "ctsync:sync[1].deletionThreshold",
         "ctsync:sync[1].to", "ctsync:mto.owner"],
    ),
    "plain client secret and a typo": (
        edited(
            stacks.hub_and_spoke_stack(3),
            (("ctsync:tenants", "t1", "auth"), {"method": "clientSecret", "clientId": stacks.CLIENT_ID,
                                                "clientSecret": stacks.CLIENT_SECRET}),
            (("ctsync:topolgy",), {}),
        ),
        ["ctsync:topolgy", "ctsync:tenants.t1.auth.clientSecret"],
    ),
    "extras on emulator tenants": (
        emulated(stacks.extras_stack(group_sources=("contoso",), diagnostics=("northwind",))),
        ["ctsync:tenants.contoso.auth.method", "ctsync:tenants.northwind.auth.method"],
    ),
    "one group name with two rules": (
        edited(
            stacks.extras_stack(group_sources=("contoso",)),
            (("ctsync:sync", 0, "scope", "managedGroup", "displayName"), "Sales"),
            (("ctsync:sync", 1, "scope", "managedGroup", "displayName"), "Sales"),
        ),
        ["ctsync:tenants.contoso"],
    ),
}


@pytest.mark.parametrize("values, paths", INVALID_STACKS.values(), ids=INVALID_STACKS.keys())
def test_an_invalid_stack_registers_nothing_and_lists_every_problem(monitor, values, paths):
    with pytest.raises(pulumi.RunError) as raised:
        run_program(values)
    message = str(raised.value)
    header = message.splitlines()[0]
    assert header.startswith(f"the ctsync stack configuration has {len(paths)} problem")
    assert header.endswith("; nothing was deployed:")
    assert [line.split(": ", 1)[0] for line in message.splitlines()[1:]] == paths
    assert stacks.CLIENT_SECRET not in message
    assert monitor.registrations == []


def test_reads_every_ctsync_key_and_which_are_secret(monitor):
    set_stack_config(
        {"ctsync:tenants": {"a": {"tenantId": tenant_id(0)}}, "ctsync:sync": [], "azure-native:location": "westeurope"},
        secret_keys=["ctsync:tenants"],
    )
    values, secret_keys = read_ctsync_config()
    assert values == {"ctsync:sync": "[]", "ctsync:tenants": '{"a": {"tenantId": "%s"}}' % tenant_id(0)}
    assert secret_keys == ["ctsync:tenants"]


def test_main_module_is_the_program(monitor, monkeypatch):
    # The mocks' root stack refuses pulumi.run (pulumi 3.272: its registration is closed at once);
    # what the program hands it is recorded instead.
    ends = []
    monkeypatch.setattr(pulumi, "run", ends.append)
    set_stack_config(stacks.pair_stack())
    pulumi.runtime.test(lambda: runpy.run_path(str(REPO / "__main__.py"), run_name="__main__"))()
    assert len([r for r in monitor.registrations if r.kind == "PartnerAccess"]) == 2
    assert ends == [all_registered]


def test_the_program_ends_once_every_registration_is_answered(monitor):
    """``all_registered`` (the program's asynchronous end) returns only after the engine has answered
    every ctsync registration, before the SDK's own end-of-program wait starts."""
    set_stack_config(stacks.pair_stack())

    async def program() -> int:
        main()
        await all_registered()
        return len([r for r in monitor.registrations if r.kind == "PartnerAccess"])

    answered: list[int] = []
    pulumi.runtime.test(lambda: pulumi.Output.from_input(program()).apply(answered.append))()
    assert answered == [2]

"""The program as the CLI runs it: config read, checked before anything is registered, then composed."""
import asyncio
import gc
import runpy
from pathlib import Path

import pulumi
import pytest

from components.program import GC_THRESHOLD, checked_config, collect_garbage_rarely, deploy, program, read_ctsync_config
from providers.sdk import runtime
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
    values, secrets = read_ctsync_config()
    assert values == {"ctsync:sync": "[]", "ctsync:tenants": f'{{"a": {{"tenantId": "{tenant_id(0)}"}}}}'}
    # No stack file declares the key here (the test stack has none): the whole key counts as secret.
    assert secrets == {"ctsync:tenants"}


@pytest.fixture
def collector():
    """The collector's settings as they were before the test: running __main__.py changes them for
    the whole process."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def _collections_during(run) -> int:
    collections: list[int] = []

    def counted(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(counted)
    try:
        run()
    finally:
        gc.callbacks.remove(counted)
    return len(collections)


def test_the_collector_runs_a_few_times_per_program_not_hundreds(monitor, collector):
    """What __main__.py sets up before the program: on a 10-tenant hub-and-spoke, CPython's default
    collector runs about a hundred times (107 when written); with it, a handful."""
    values = stacks.hub_and_spoke_stack(10)
    by_default = _collections_during(lambda: run_program(values))
    collect_garbage_rarely()
    rarely = _collections_during(lambda: run_program(values))
    assert gc.get_threshold()[0] == GC_THRESHOLD
    assert by_default >= 50 and rarely <= 5, (by_default, rarely)


def _program_handed_to_pulumi_run(monkeypatch):
    """What __main__.py hands pulumi.run (the mocks' root stack refuses pulumi.run: pulumi 3.272
    closes its registration at once)."""
    handed = []
    monkeypatch.setattr(pulumi, "run", handed.append)
    runpy.run_path(str(REPO / "__main__.py"), run_name="__main__")
    assert len(handed) == 1
    return handed[0]


def test_main_module_runs_the_program_in_a_task_of_its_own(monitor, monkeypatch, collector):
    """Each resource's recorded stack trace starts at the event loop, below the program's own frames:
    none of the runner's frames (runpy, the SDK's stack runner), which were half of every resource's
    state."""
    entry = _program_handed_to_pulumi_run(monkeypatch)
    set_stack_config(stacks.pair_stack())
    outputs: dict = {}

    async def as_pulumi_run_awaits_it() -> None:  # pulumi 3.272 runtime/stack.py run_in_stack
        outputs.update(await entry())

    pulumi.runtime.test(lambda: pulumi.Output.from_input(as_pulumi_run_awaits_it()))()
    assert set(outputs) >= {"tenants", "pairs", "topology_mermaid"}
    custom = [r for r in monitor.registrations if r.custom and r.typ.startswith("ctsync:")]
    assert len(custom) > 10
    program_files = (REPO / "components").as_uri() + "/"
    for registration in custom:
        files = registration.stack_files
        outermost = max(index for index, file in enumerate(files) if file.startswith(program_files))
        assert all(file.startswith(program_files) for file in files[:outermost]), "\n".join(files)
        assert files[outermost + 1].endswith("/asyncio/events.py"), f"{registration.name}: {files[outermost + 1]}"


def test_the_program_ends_once_every_registration_is_answered(monitor):
    """The program returns its outputs only after the engine has answered every ctsync
    registration, before the SDK's own end-of-program wait starts (``all_registered`` says why)."""
    set_stack_config(stacks.pair_stack())
    answered: list[int] = []

    async def counted() -> None:
        await program()
        answered.append(len([r for r in monitor.registrations if r.kind == "PartnerAccess"]))

    pulumi.runtime.test(lambda: pulumi.Output.from_input(counted()))()
    assert answered == [2]


def test_the_pairs_are_registered_one_step_at_a_time(monitor):
    """The event loop runs after each pair is built, so the first pairs' registrations go out (and
    the engine starts the provider plugin) while the others are still being built."""
    set_stack_config(stacks.hub_and_spoke_stack(4))
    config = checked_config(*read_ctsync_config())
    steps: list[int] = []

    earlier = set(runtime._REGISTERED)  # still alive from earlier tests

    async def stepped() -> None:
        task = asyncio.ensure_future(deploy(config))
        while not task.done():
            steps.append(len([r for r in set(runtime._REGISTERED) - earlier if type(r).__name__ == "PartnerAccess"]))
            await asyncio.sleep(0)
        await task
        await runtime.all_registered()

    pulumi.runtime.test(lambda: pulumi.Output.from_input(stepped()))()
    # Nothing is built before the first turn; then two partner entries more with each of the 3 pairs.
    assert steps[0] == 0
    assert sorted(set(steps)) == [0, 2, 4, 6]

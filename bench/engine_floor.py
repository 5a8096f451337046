#!/usr/bin/env python3
"""ctsync on the real CLI against the engine's own floor, in the same run.

A 30-tenant hub-and-spoke synced both ways (about 500 resources) is deployed on the emulator by the
ctsync program and provider plugin: `pulumi up` from scratch, then a no-change `pulumi up`. The floor
is a program of as many plain ComponentResources (no provider, no Graph) run by the same CLI. Prints
seconds, the ratio to the floor, resources, and Graph requests and writes.

    python bench/engine_floor.py              # 30 tenants, one round
    python bench/engine_floor.py 10           # another size
    python bench/engine_floor.py --rounds 3   # medians of 3 alternating rounds (the machine is noisy)
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from emulator import EmulatorServer  # noqa: E402
from tests.components.stacks import hub_and_spoke_stack, tenant_id  # noqa: E402
from tests.engine.project import STACK, Project, pulumi_cli  # noqa: E402

FLOOR_PROGRAM = """
import pulumi

class Plain(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("floor:index:Plain", name, None, opts)
        self.register_outputs({{}})

for index in range({count}):
    Plain(f"plain-{{index}}")
"""


def ctsync_stack(tenants: int) -> dict:
    config = hub_and_spoke_stack(tenants, "both")
    for tenant in config["ctsync:tenants"].values():
        tenant["auth"] = {"method": "emulator"}
    return {"config": config}


def measure(project: Project, emulator: EmulatorServer | None) -> dict[str, dict]:
    project.init()
    figures = {}
    for name, args in (("up (create)", ("up", "--yes", "--skip-preview")),
                       ("up (no change)", ("up", "--yes", "--skip-preview", "--expect-no-changes"))):
        if emulator:
            emulator.admin.clear_requests()
        run = project.pulumi(*args, "-s", STACK)
        log = emulator.admin.requests() if emulator else []
        figures[name] = {"seconds": run.seconds, "requests": len(log), "writes": sum(e["method"] != "GET" for e in log)}
    return figures


def resources(project: Project) -> int:
    state = project.pulumi("stack", "export", "-s", STACK).json()["deployment"]["resources"]
    return sum(1 for r in state if r["type"] != "pulumi:pulumi:Stack" and not r["type"].startswith("pulumi:providers:"))


def one_round(cli: str, tenants: int) -> tuple[int, dict[str, dict], dict[str, dict]]:
    """ctsync then the floor, each on a fresh stack: (resources, ctsync figures, floor figures)."""
    root = Path(tempfile.mkdtemp())
    with EmulatorServer(port=0) as emulator:
        for index in range(tenants):
            emulator.admin.add_tenant(tenant_id(index), f"Tenant {index}", [f"t{index}.example"])
        ctsync = Project.create(root / "ctsync", emulator.base_url, cli, stack=ctsync_stack(tenants))
        measured = measure(ctsync, emulator)
        count = resources(ctsync)
    floor = Project.create(root / "floor", "http://unused", cli, stack=ctsync_stack(tenants),
                           program=FLOOR_PROGRAM.format(count=count))
    return count, measured, measure(floor, None)


def main(tenants: int, rounds: int) -> None:
    cli = pulumi_cli()
    if cli is None:
        sys.exit("no Pulumi CLI: run scripts/install-pulumi.sh first")
    # Rounds alternate ctsync and the floor, so that a machine slowing down or speeding up part-way
    # (seen here: the floor's no-change up took 2.7 s in one run and 4.3 s in another) moves both.
    results = [one_round(cli, tenants) for _ in range(rounds)]
    count = results[0][0]
    print(f"{tenants}-tenant hub-and-spoke, both directions: {count} resources (floor: {count} ComponentResources); "
          f"{rounds} round{'s' if rounds != 1 else ''}, medians (ratio range)")
    print(f"{'operation':<16}{'ctsync s':>10}{'floor s':>10}{'ratio':>8}{'range':>13}{'requests':>10}{'writes':>8}")
    for name, figures in results[0][1].items():
        ctsync = statistics.median(r[1][name]["seconds"] for r in results)
        floor = statistics.median(r[2][name]["seconds"] for r in results)
        ratios = [r[1][name]["seconds"] / r[2][name]["seconds"] for r in results]
        print(f"{name:<16}{ctsync:>10.2f}{floor:>10.2f}{statistics.median(ratios):>8.2f}"
              f"{min(ratios):>6.2f}-{max(ratios):<6.2f}{figures['requests']:>10}{figures['writes']:>8}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tenants", nargs="?", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=1, help="alternate ctsync and the floor this many times")
    arguments = parser.parse_args()
    main(arguments.tenants, arguments.rounds)

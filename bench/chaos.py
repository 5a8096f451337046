"""Interrupted runs under faults: `pulumi up` (from scratch), an update and `pulumi destroy` of the
local stack, each SIGKILLed (the whole process group, plugins included) after 1, 3, ... successful
Graph writes, under throttling, 5xx answers, latency and replication lag; then `pulumi cancel` and the
same command again until it succeeds, as a user would. Each point is checked against the emulator:
what the stack declares exists exactly once (up, update), nothing is left behind (destroy), and a
further `up --refresh` finds Graph as the stack declares it.

Prints per operation: points tried, runs killed, converged, duplicates or leftovers found (must be 0),
the reruns each needed (mean, max), seconds.

    python bench/chaos.py                 # ten points per operation, twice (different fault seeds)
    python bench/chaos.py --points 3 --rounds 1
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from emulator import EmulatorServer  # noqa: E402
from emulator.fixture_loader import read_fixture  # noqa: E402
from tests.engine.project import LOCAL_OBJECTS, REPO, STACK, Project, pulumi_cli  # noqa: E402

FIXTURE = REPO / "emulator" / "fixtures" / "local.yaml"
NOTHING = {tenant: {kind: 0 for kind in counts} for tenant, counts in LOCAL_OBJECTS.items()}
MAX_RERUNS = 4
MTO_REMOVAL_SECONDS = 3 * 3600  # past the emulator's 2-hour transitions


def faults(seed: int) -> dict:
    return {"seed": seed, "latencyMs": 50, "throttleRate": 0.08, "serverErrorRate": 0.04, "retryAfterSeconds": 1,
            "replicationLagReads": 1}


@dataclass
class Outcome:
    killed: int = 0
    finished_first: int = 0
    converged: int = 0
    wrong: int = 0
    reruns: list[int] = field(default_factory=list)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


def counts(emulator: EmulatorServer) -> tuple[dict, int, int]:
    """Per tenant: partners, identity-sync policies, jobs; and the applications and MTOs in all."""
    state = emulator.admin.state()
    made = {t["tenantId"]: {"partners": len(t["partners"]), "identitySynchronization": len(t["identitySynchronization"]),
                            "jobs": len(t["jobs"])} for t in state["tenants"]}
    apps = sum(len(tenant.applications) for tenant in emulator.state.tenants.values())
    return made, apps, len(state["multiTenantOrganizations"])


def edited(stack: dict) -> dict:
    """The update every point applies, to every direction: its trust, its deletion threshold and a
    new attribute mapping (a partner entry, the secrets and the schema to write per direction)."""
    for index, sync in enumerate(stack["config"]["ctsync:sync"]):
        sync["trust"] = {"mfa": False, "compliantDevice": True}
        sync["deletionThreshold"] = 50 + index
        sync["attributeMappings"] = [{"target": "department", "constant": f"Synced {index}"}]
    return stack


class Chaos:
    def __init__(self, cli: str, emulator: EmulatorServer, root: Path):
        self.cli, self.emulator, self.root = cli, emulator, root
        self.local = yaml.safe_load((REPO / "stacks" / "Pulumi.local.yaml").read_text())
        self.fixture = read_fixture(str(FIXTURE))
        self._made = 0

    def project(self) -> Project:
        """A fresh project and state, on a fresh emulated world."""
        self.emulator.admin.reset()
        self.emulator.admin.load_fixture(self.fixture)
        self._made += 1
        project = Project.create(self.root / f"p{self._made}", self.emulator.base_url, self.cli,
                                 stack=yaml.safe_load(yaml.safe_dump(self.local)))
        project.init()
        return project

    def point(self, operation: str, writes: int, seed: int, outcome: Outcome) -> None:
        project = self.project()
        command = {"up": ("up", "--yes", "--skip-preview", "-s", STACK),
                   "update": ("up", "--yes", "--skip-preview", "-s", STACK),
                   "destroy": ("destroy", "--yes", "--skip-preview", "-s", STACK)}[operation]
        if operation != "up":
            project.up()
        if operation == "update":
            stack_file = project.root / "stacks" / f"Pulumi.{STACK}.yaml"
            stack_file.write_text(yaml.safe_dump(edited(yaml.safe_load(stack_file.read_text())), sort_keys=False))
        self.emulator.admin.set_faults(**faults(seed))
        self.emulator.admin.clear_requests()
        if project.kill_at_writes(self.emulator, writes, *command) is None:
            outcome.finished_first += 1
            return
        outcome.killed += 1
        project.pulumi("cancel", "--yes", "-s", STACK)
        reruns = self._rerun(project, command)
        self.emulator.admin.clear_faults()
        if reruns is None:
            outcome.problems.append(f"{operation} killed at {writes} writes: no rerun succeeded in {MAX_RERUNS}")
            return
        outcome.reruns.append(reruns)
        if operation == "destroy":
            # Graph removes tenants from an organisation over hours; the last one leaving deletes it.
            self.emulator.admin.advance_clock(MTO_REMOVAL_SECONDS)
        expected = NOTHING if operation == "destroy" else LOCAL_OBJECTS
        made, apps, mtos = counts(self.emulator)
        wanted_apps, wanted_mtos = (0, 0) if operation == "destroy" else (3, 1)
        if made != expected or apps != wanted_apps or mtos != wanted_mtos:
            outcome.wrong += 1
            outcome.problems.append(f"{operation} killed at {writes} writes: found {made}, {apps} apps, {mtos} MTOs")
            return
        if operation != "destroy":
            # What Graph holds now is what the stack declares (refresh reads every object back).
            settled = project.pulumi("up", "--yes", "--refresh", "--expect-no-changes", "-s", STACK, check=False)
            if settled.returncode != 0:
                outcome.wrong += 1
                outcome.problems.append(f"{operation} killed at {writes} writes: Graph differs from the stack after the rerun")
                return
        outcome.converged += 1

    @staticmethod
    def _rerun(project: Project, command: tuple[str, ...]) -> int | None:
        """How many runs of the command it took to succeed (faults still on), or None."""
        for attempt in range(1, MAX_RERUNS + 1):
            if project.pulumi(*command, check=False).returncode == 0:
                return attempt
            project.pulumi("cancel", "--yes", "-s", STACK, check=False)
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=10, help="kill points per operation: after 1, 3, 5, ... writes")
    parser.add_argument("--rounds", type=int, default=2, help="each point again with another fault seed")
    parser.add_argument("--operations", default="up,update,destroy")
    args = parser.parse_args()
    cli = pulumi_cli()
    if cli is None:
        sys.exit("no Pulumi CLI: run scripts/install-pulumi.sh first")
    outcomes: dict[str, Outcome] = {}
    with EmulatorServer(port=0) as emulator, tempfile.TemporaryDirectory(prefix="ctsync-chaos-") as root:
        chaos = Chaos(cli, emulator, Path(root))
        for operation in args.operations.split(","):
            outcome = outcomes.setdefault(operation, Outcome())
            began = time.perf_counter()
            for round_ in range(args.rounds):
                for index in range(args.points):
                    chaos.point(operation, 1 + 2 * index, seed=100 * round_ + index, outcome=outcome)
                    print(f"  {operation}: point {index + 1}/{args.points}, round {round_ + 1}", file=sys.stderr, flush=True)
            outcome.seconds = time.perf_counter() - began
    report(outcomes)


def report(outcomes: dict[str, Outcome]) -> None:
    print(f"{'operation':<10}{'points':>8}{'killed':>8}{'finished':>10}{'converged':>11}{'wrong':>7}"
          f"{'reruns mean':>13}{'max':>5}{'seconds':>9}")
    for name, o in outcomes.items():
        points = o.killed + o.finished_first
        mean = sum(o.reruns) / len(o.reruns) if o.reruns else 0.0
        print(f"{name:<10}{points:>8}{o.killed:>8}{o.finished_first:>10}{o.converged:>11}{o.wrong:>7}"
              f"{mean:>13.2f}{max(o.reruns, default=0):>5}{o.seconds:>9.1f}")
    print("finished: the command ended before its kill point (fewer writes than that); wrong: duplicates or "
          "leftovers found (must be 0); reruns: runs after the kill until one succeeded (1 = the first)")
    for problem in (p for o in outcomes.values() for p in o.problems):
        print("  " + problem)


if __name__ == "__main__":
    main()

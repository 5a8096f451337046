#!/usr/bin/env python3
"""How long the ctsync program takes under Pulumi mocks, for hub-and-spoke stacks (both directions).

    python bench/program_mocks.py                 # 10, 25, 50 and 100 tenants
    python bench/program_mocks.py 10 200          # other sizes

Each size runs in a fresh process (Pulumi's runtime settings are process-global, and a fresh
interpreter keeps one size's garbage out of the next one's time). The time covers what the CLI's
language host would run: reading and checking the config, registering every resource with the
mock monitor, and waiting for every output. Imports are excluded. Growth is linear when the time
per registered resource stays flat from size to size; the CPU time of the process is printed too,
as it varies less than wall time on a busy machine.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SIZES = (10, 25, 50, 100)


def measure(tenants: int) -> dict[str, float]:
    """One size, in this process."""
    sys.path.insert(0, str(REPO))
    from tests.components.harness import RecordingMonitor, install, run_program
    from tests.components.stacks import hub_and_spoke_stack

    values = hub_and_spoke_stack(tenants, "both")
    monitor = RecordingMonitor()
    install(monitor)
    started, cpu_started = time.perf_counter(), time.process_time()
    run_program(values)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    return {"tenants": tenants, "resources": len(monitor.registrations), "seconds": seconds, "cpu_seconds": cpu_seconds}


def measure_in_fresh_process(tenants: int) -> dict[str, float]:
    child = subprocess.run(
        [sys.executable, __file__, "--one", str(tenants)], cwd=REPO, capture_output=True, text=True, check=False
    )
    if child.returncode != 0:
        raise SystemExit(f"{tenants} tenants failed:\n{child.stderr}")
    return json.loads(child.stdout.splitlines()[-1])


def report(sizes: list[int]) -> None:
    print(f"{'tenants':>7} {'directions':>10} {'resources':>9} {'seconds':>8} {'ms/resource':>11} {'cpu s':>6} {'cpu ms/resource':>15}")
    for tenants in sizes:
        result = measure_in_fresh_process(tenants)
        resources, seconds, cpu = result["resources"], result["seconds"], result["cpu_seconds"]
        print(
            f"{tenants:>7} {2 * (tenants - 1):>10} {resources:>9} {seconds:>8.2f} {1000 * seconds / resources:>11.2f}"
            f" {cpu:>6.2f} {1000 * cpu / resources:>15.2f}"
        )


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(measure(int(argv[1]))))
        return
    report([int(size) for size in argv] or list(SIZES))


if __name__ == "__main__":
    main(sys.argv[1:])

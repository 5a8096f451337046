#!/usr/bin/env python3
"""`python -m ctsync status` and `logs` on a large deployment: Graph requests per direction, log
pages, and seconds.

One source tenant syncs a group of U users into each of D target tenants (D configuration apps with
configured, started jobs, made with plain Graph calls on the emulator); one provisioning cycle then
creates U users in every target and logs each create in both tenants (2 x D x U entries). Prints,
for `status` over D directions and for `logs --since 1h`: requests (all reads), requests per
direction, log pages and entries, and seconds.

    python bench/operations_scale.py            # 50 directions, 100 users each: 10,000 log entries
    python bench/operations_scale.py 20 500     # other sizes
"""
from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ctsync import cli  # noqa: E402
from emulator import EmulatorServer  # noqa: E402
from tests.conftest import graph_client_for  # noqa: E402
from tests.emulator.flows import allow_inbound, allow_outbound, assign, configure_job, job_builder  # noqa: E402

SOURCE = "a0000000-0000-4000-8000-000000000000"
GROUP = "aaaaaaaa-0000-4000-8000-000000000001"


def tenant(index: int) -> str:
    return f"b{index:07d}-0000-4000-8000-000000000000"


def fixture(directions: int, users: int) -> dict:
    people = [{"id": f"c0000000-0000-4000-8000-{n:012d}", "userPrincipalName": f"user{n}@source.example",
               "displayName": f"User {n}"} for n in range(users)]
    source = {"tenantId": SOURCE, "displayName": "Source", "domains": ["source.example"], "users": people,
              "groups": [{"id": GROUP, "displayName": "Synced", "members": [p["id"] for p in people]}]}
    targets = [{"tenantId": tenant(i), "displayName": f"Target {i}", "domains": [f"t{i}.example"]} for i in range(directions)]
    return {"tenants": [source, *targets]}


async def deploy(emulator: EmulatorServer, directions: int) -> None:
    source = graph_client_for(emulator, SOURCE)
    for index in range(directions):
        await allow_inbound(graph_client_for(emulator, tenant(index)), SOURCE)
        await allow_outbound(source, tenant(index))
        config = await configure_job(source, tenant(index))
        await assign(source, config, GROUP)
        await job_builder(source, config.sp_id, config.job_id).start.post()


def stack(root: Path, emulator: EmulatorServer, directions: int) -> None:
    aliases = {"source": SOURCE, **{f"target{i}": tenant(i) for i in range(directions)}}
    config = {
        "ctsync:tenants": {alias: {"tenantId": tid, "auth": {"method": "emulator"}, "graphEndpoint": emulator.base_url}
                           for alias, tid in aliases.items()},
        "ctsync:sync": [{"from": "source", "to": f"target{i}", "scope": {"groups": [GROUP]}} for i in range(directions)],
    }
    (root / "Pulumi.yaml").write_text("name: ctsync\n")
    (root / "stacks").mkdir()
    (root / "stacks" / "Pulumi.bench.yaml").write_text(yaml.safe_dump({"config": config}))


def measure(emulator: EmulatorServer, *args: str) -> tuple[int, list[dict], float, str]:
    emulator.admin.clear_requests()
    out = io.StringIO()
    began = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = cli.main([*args, "--stack", "bench"])
    return code, emulator.admin.requests(), time.perf_counter() - began, out.getvalue()


def main(directions: int, users: int) -> None:
    root = Path(tempfile.mkdtemp())
    with EmulatorServer(port=0, fixture=fixture(directions, users)) as emulator:
        asyncio.run(deploy(emulator, directions))
        emulator.admin.run_sync()
        stack(root, emulator, directions)
        previous = Path.cwd()
        os.chdir(root)  # the commands run from a project root
        try:
            status = measure(emulator, "status", "--json")
            logs = measure(emulator, "logs", "--since", "1h", "--json")
        finally:
            os.chdir(previous)
    print(f"{directions} directions, {users} users each, one cycle: {2 * directions * users} provisioning log entries")
    for name, (code, log, seconds, _out) in (("status", status), ("logs", logs)):
        writes = sum(e["method"] != "GET" for e in log)
        print(f"{name:<7} exit {code}  requests {len(log):>5}  writes {writes}  per direction {len(log) / directions:.2f}"
              f"  seconds {seconds:.2f}")
    pages = [e for e in logs[1] if e["path"].split("?")[0].endswith("/auditLogs/provisioning")]
    entries = sum(t["entries"] for d in json.loads(logs[3])["directions"] for t in d["tenants"])
    print(f"logs    pages {len(pages)}  entries attributed {entries}  entries per page {entries / len(pages):.0f}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3])) if len(sys.argv) > 2 else main(50, 100)

#!/usr/bin/env python3
"""`python -m ctsync export` on a large existing setup: Graph requests per object and seconds.

Tenant A (the source) has 500 partner entries (49 of them tenants of the stack, the rest outside it)
and 50 cross-tenant synchronization apps with configured, started jobs into 50 tenants of the
stack, all made with plain Graph calls on the emulator. Prints the objects found, the requests sent
(by kind), requests per object, and seconds, for a dry run (which writes nothing).

    python bench/export_scale.py                # 500 partner entries, 50 jobs
    python bench/export_scale.py 200 20         # other sizes
"""
from __future__ import annotations

import asyncio
import collections
import sys
import tempfile
import time
import uuid
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ctsync import cli  # noqa: E402
from emulator import EmulatorServer  # noqa: E402
from tests.conftest import graph_client_for  # noqa: E402
from tests.emulator.flows import allow_inbound, allow_outbound, configure_job  # noqa: E402

SOURCE = "a0000000-0000-4000-8000-000000000000"


def tenant(index: int) -> str:
    return f"b{index:07d}-0000-4000-8000-000000000000"


async def build(emulator: EmulatorServer, partners: int, jobs: int) -> None:
    source = graph_client_for(emulator, SOURCE)
    for index in range(jobs):
        target = graph_client_for(emulator, tenant(index))
        await allow_inbound(target, SOURCE)
        await allow_outbound(source, tenant(index))
        await configure_job(source, tenant(index))
    from msgraph.generated.models.cross_tenant_access_policy_configuration_partner import (
        CrossTenantAccessPolicyConfigurationPartner,
    )
    for _ in range(partners - jobs):
        await source.policies.cross_tenant_access_policy.partners.post(
            CrossTenantAccessPolicyConfigurationPartner(tenant_id=str(uuid.uuid4())))


def main(partners: int, jobs: int) -> None:
    root = Path(tempfile.mkdtemp())
    with EmulatorServer(port=0) as emulator:
        emulator.admin.add_tenant(SOURCE, "Source", ["source.example"])
        for index in range(jobs):
            emulator.admin.add_tenant(tenant(index), f"Target {index}", [f"t{index}.example"])
        asyncio.run(build(emulator, partners, jobs))
        tenants = {"source": SOURCE, **{f"target{i}": tenant(i) for i in range(jobs)}}
        (root / "Pulumi.yaml").write_text("name: ctsync\n")
        (root / "stacks").mkdir()
        config = {"ctsync:tenants": {alias: {"tenantId": tid, "auth": {"method": "emulator"},
                                             "graphEndpoint": emulator.base_url} for alias, tid in tenants.items()}}
        (root / "stacks" / "Pulumi.bench.yaml").write_text(yaml.safe_dump({"config": config}))
        emulator.admin.clear_requests()
        began = time.perf_counter()
        code = cli.run_export("bench", True, True, root)
        seconds = time.perf_counter() - began
        log = emulator.admin.requests()
    kinds = collections.Counter(_kind(entry["path"]) for entry in log)
    # Objects read: every partner entry of every tenant, each job with its app, secrets, schema and assignments.
    objects = partners + jobs * 2 + jobs * 5
    print(f"export of {partners} partner entries in the source, {jobs} jobs into {jobs} targets (exit {code})")
    print(f"requests {len(log)}  writes {sum(e['method'] != 'GET' for e in log)}  seconds {seconds:.2f}")
    print(f"objects {objects}  requests per object {len(log) / objects:.2f}")
    for kind, count in kinds.most_common():
        print(f"  {count:>6}  {kind}")


def _kind(path: str) -> str:
    parts = [p for p in path.split("?")[0].split("/") if p][1:]
    return "/".join("{id}" if _is_id(p) else p for p in parts)


def _is_id(part: str) -> bool:
    return len(part) >= 32 or part.startswith("Azure2Azure.")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3])) if len(sys.argv) > 2 else main(500, 50)

"""Graph requests per operation for one full tenant pair (contoso -> fabrikam), measured on the real
Pulumi CLI and the ctsync provider plugin against the emulator's request log.

Prints, for `pulumi up` (create), a refresh of the unchanged pair, a second `up` with no change and
`pulumi destroy`: seconds, requests, writes, and the requests grouped by method and Graph object.
The manual sequence of Microsoft's configuration guide takes 12 writes for the same pair (steps 1-11, 13).

    python bench/pair_requests.py
"""
from __future__ import annotations

import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from emulator import EmulatorServer  # noqa: E402
from tests.engine.project import REPO, STACK, Project, pulumi_cli  # noqa: E402

CONTOSO = "11111111-1111-4111-8111-111111111111"
FABRIKAM = "22222222-2222-4222-8222-222222222222"
SALES = "aaaaaaaa-0000-4000-8000-000000000001"
REFERENCE_WRITES = 12
PAIR = {
    "config": {
        "ctsync:tenants": {
            alias: {"tenantId": tenant_id, "auth": {"method": "emulator"}}
            for alias, tenant_id in (("contoso", CONTOSO), ("fabrikam", FABRIKAM))
        },
        "ctsync:sync": [{"from": "contoso", "to": "fabrikam", "trust": {"mfa": True}, "scope": {"groups": [SALES]}}],
    }
}
# Ids in paths become placeholders so requests group by Graph object.
IDS = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|Azure2Azure\.[^/]+|(?<=appRoleAssignedTo/)[^/]+", re.I)


def main() -> None:
    cli = pulumi_cli()
    if cli is None:
        sys.exit("no Pulumi CLI: run scripts/install-pulumi.sh first")
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        project = Project.create(Path(tempfile.mkdtemp()) / "project", emulator.base_url, cli, stack=PAIR)
        project.init()
        steps = {
            "up (create)": lambda: project.up(),
            "refresh (unchanged)": lambda: project.pulumi("refresh", "--yes", "--skip-preview", "-s", STACK),
            "up (no change)": lambda: project.pulumi("up", "--yes", "--expect-no-changes", "-s", STACK),
            "destroy": lambda: project.pulumi("destroy", "--yes", "--skip-preview", "-s", STACK),
        }
        print(f"{'operation':<22}{'seconds':>8}{'requests':>10}{'writes':>8}")
        details = {}
        for name, step in steps.items():
            emulator.admin.clear_requests()
            run = step()
            log = emulator.admin.requests()
            writes = sum(1 for entry in log if entry["method"] != "GET")
            print(f"{name:<22}{run.seconds:>8.2f}{len(log):>10}{writes:>8}")
            details[name] = Counter(f"{e['method']} {IDS.sub('{id}', e['path'])}" for e in log)
        print(f"\nreference manual sequence: {REFERENCE_WRITES} writes for the pair")
        for name, counts in details.items():
            print(f"\n{name}:")
            for request, count in sorted(counts.items(), key=lambda item: item[0].split(" ", 1)[1]):
                print(f"  {count:>3}  {request}")


if __name__ == "__main__":
    main()

"""Seconds of one emulator provisioning cycle over 10,000 in-scope users.

Prints the first cycle (creates every user in the target), a second cycle with no change (the
incremental path), and a cycle after 1 % of the source users changed. Each figure is the wall time
of `POST /_emulator/sync/run`, HTTP round trip included. Target: under 5 s per cycle.

    python bench/emulator_cycle.py [--users 10000]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere in the checkout

from emulator import EmulatorServer  # noqa: E402

SOURCE = "11111111-1111-4111-8111-111111111111"
TARGET = "22222222-2222-4222-8222-222222222222"
GROUP = "aaaaaaaa-0000-4000-8000-000000000001"
CTS_TEMPLATE = "518e5f48-1fc8-4c48-9387-9fdf28b0dfe7"


def fixture(users: int) -> dict:
    people = [
        {"id": f"c0000000-0000-4000-8000-{n:012d}", "userPrincipalName": f"user{n}@contoso.onmicrosoft.com",
         "displayName": f"User {n}", "givenName": "User", "surname": str(n), "department": f"Dept {n % 50}",
         "jobTitle": "Engineer", "mail": f"user{n}@contoso.onmicrosoft.com"}
        for n in range(users)
    ]
    return {"tenants": [
        {"tenantId": SOURCE, "displayName": "Contoso", "users": people,
         "groups": [{"id": GROUP, "displayName": "All staff", "members": [p["id"] for p in people]}]},
        {"tenantId": TARGET, "displayName": "Fabrikam"},
    ]}


class Graph:
    def __init__(self, server: EmulatorServer, tenant_id: str) -> None:
        self.url = server.graph_url
        self.token = server.admin.token(tenant_id)

    def __call__(self, method: str, path: str, body: dict | None = None) -> dict | None:
        request = urllib.request.Request(self.url + path, method=method, data=None if body is None else json.dumps(body).encode())
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request) as response:
            payload = response.read()
        return json.loads(payload) if payload else None


def configure(server: EmulatorServer) -> None:
    """The setup flow (docs/graph-notes.md#flow), with the group assigned."""
    source, target = Graph(server, SOURCE), Graph(server, TARGET)
    partners = "/policies/crossTenantAccessPolicy/partners"
    target("POST", partners, {"tenantId": SOURCE, "automaticUserConsentSettings": {"inboundAllowed": True}})
    target("PUT", f"{partners}/{SOURCE}/identitySynchronization", {"userSyncInbound": {"isSyncAllowed": True}})
    source("POST", partners, {"tenantId": TARGET, "automaticUserConsentSettings": {"outboundAllowed": True}})
    created = source("POST", f"/applicationTemplates/{CTS_TEMPLATE}/instantiate", {"displayName": "Fabrikam"})
    sp = created["servicePrincipal"]
    sync = f"/servicePrincipals/{sp['id']}/synchronization"
    job = source("POST", f"{sync}/jobs", {"templateId": "Azure2Azure"})
    source("PUT", f"{sync}/secrets", {"value": [
        {"key": "AuthenticationType", "value": "SyncPolicy"}, {"key": "CompanyId", "value": TARGET},
        {"key": "SyncNotificationSettings", "value": json.dumps({"Enabled": False, "DeleteThresholdEnabled": False})},
        {"key": "SyncAll", "value": "false"},
    ]})
    source("POST", f"/servicePrincipals/{sp['id']}/appRoleAssignedTo",
           {"principalId": GROUP, "resourceId": sp["id"], "appRoleId": sp["appRoles"][0]["id"]})
    source("POST", f"{sync}/jobs/{job['id']}/start")


def timed_cycle(server: EmulatorServer) -> tuple[float, dict]:
    began = time.perf_counter()
    (summary,) = server.admin.run_sync()
    return time.perf_counter() - began, summary


def change_some(server: EmulatorServer, users: int) -> int:
    source = Graph(server, SOURCE)
    changed = range(0, users, 100)
    for n in changed:
        source("PATCH", f"/users/c0000000-0000-4000-8000-{n:012d}", {"jobTitle": "Senior Engineer"})
    return len(changed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    users = parser.parse_args().users
    with EmulatorServer(port=0, fixture=fixture(users)) as server:
        configure(server)
        first, created = timed_cycle(server)
        second, quiet = timed_cycle(server)
        changed = change_some(server, users)
        third, updated = timed_cycle(server)
    rows = [
        ("in-scope users", f"{users}"),
        ("first cycle (creates)", f"{first:.2f} s  (created {created['created']})"),
        ("second cycle (no change)", f"{second:.2f} s  (skipped {quiet['skipped']})"),
        (f"cycle after {changed} changes", f"{third:.2f} s  (updated {updated['updated']})"),
    ]
    for label, value in rows:
        print(f"{label + ':':33}{value}")


if __name__ == "__main__":
    main()

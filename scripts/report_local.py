"""After `pulumi up` of the local stack: run one provisioning cycle on the emulator, then ask Graph
(the real msgraph-sdk, through the project's client) which users exist in which tenant and what
state each synchronization job is in."""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from emulator.admin_client import AdminClient  # noqa: E402
from providers.graph import GraphSession, connections_from_stack_config  # noqa: E402
from stackconfig import load_stack_config  # noqa: E402

USER_FIELDS = ["displayName", "userPrincipalName", "userType", "externalUserState", "accountEnabled"]


def main() -> None:
    args = parse_args()
    values = yaml.safe_load(Path(args.stack).read_text())["config"]
    config = load_stack_config(values, secret_paths=("ctsync:tenants",))
    cycle = AdminClient(args.endpoint).run_sync()
    print(f"\nProvisioning cycle: {json.dumps(summarise(cycle))}\n")
    asyncio.run(report(GraphSession(connections_from_stack_config(values)), config, Path(args.outputs)))


async def report(session: GraphSession, config, outputs: Path) -> None:
    for alias, tenant in config.tenants.items():
        users = await list_users(session, tenant.tenant_id)
        print(f"{tenant.display_name or alias} ({tenant.tenant_id}): {len(users)} users")
        for user in users:
            kind = "B2B, no redemption step" if user.external_user_state == "Accepted" else "internal"
            enabled = "" if user.account_enabled is not False else ", sign-in blocked"
            print(f"  {user.display_name:<24} {user.user_type:<7} {kind}{enabled}")
    print("\nSynchronization jobs:")
    for name, job in jobs(json.loads(outputs.read_text())):
        print(f"  {name:<22} {await job_state(session, job)}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoint", required=True, help="the emulator's base URL")
    parser.add_argument("--stack", default="stacks/Pulumi.local.yaml")
    parser.add_argument("--outputs", required=True, help="`pulumi stack output --json` of the stack")
    return parser.parse_args()


def summarise(cycle: list[dict]) -> list[dict]:
    keep = ("created", "updated", "disabled", "deleted", "quarantine", "status")
    return [{k: v for k, v in run.items() if k in keep or k.endswith("Id")} for run in cycle]


async def list_users(session: GraphSession, tenant_id: str):
    from msgraph.generated.users.users_request_builder import UsersRequestBuilder

    graph = session.tenant(tenant_id)
    query = UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(select=USER_FIELDS)
    config = UsersRequestBuilder.UsersRequestBuilderGetRequestConfiguration(query_parameters=query)
    return (await graph.call("GET", graph.sdk.users, request_configuration=config)).value


def jobs(outputs: dict):
    for pair in outputs.get("pairs", {}).values():
        yield from pair.get("jobs", {}).items()


async def job_state(session: GraphSession, job: dict) -> str:
    graph = session.tenant(job["source_tenant_id"])
    sync = graph.sdk.service_principals.by_service_principal_id(job["service_principal_id"]).synchronization
    found = await graph.call("GET", sync.jobs.by_synchronization_job_id(job["job_id"]))
    status = found.status
    last = status.last_execution
    counts = f", last cycle {_text(last.state)}: {last.count_exported} exported" if last and last.state else ""
    quarantine = f", quarantined: {_text(status.quarantine.reason)}" if status.quarantine else ""
    return f"{_text(status.code)}{counts}{quarantine}"


def _text(value) -> str:
    """Graph enums as Graph spells them."""
    return getattr(value, "value", value)


if __name__ == "__main__":
    main()

"""The admin API under /_emulator: never authenticated, never faulted, not in the request log."""
from __future__ import annotations

from . import signin, tokens
from .faults import FaultConfig, admin_error
from .fixture_loader import FixtureError, load_fixture
from .provisioning.cycle import run_started_jobs
from .registrations import TOKEN_EXCHANGE_AUDIENCE
from .routing import route
from .state import EmulatorState
from .tenants import add_tenant, describe
from .wire import GraphRequest, Reply, no_content


def _body(req: GraphRequest) -> dict:
    if req.body is None:
        return {}
    if not isinstance(req.body, dict):
        raise admin_error("The body must be a JSON object.")
    return req.body


def post_tenant(req: GraphRequest) -> Reply:
    body = _body(req)
    tenant = add_tenant(req.state, body.get("tenantId"), body.get("displayName"), body.get("domains"))
    return Reply(201, describe(tenant))


def list_tenants(req: GraphRequest) -> Reply:
    return Reply(200, {"value": [describe(tenant) for tenant in req.state.tenants.values()]})


def post_token(req: GraphRequest) -> Reply:
    body = _body(req)
    tenant_id, roles, user = body.get("tenantId"), body.get("roles"), body.get("user")
    if not isinstance(tenant_id, str) or not tenant_id:
        raise admin_error("tenantId is required.")
    if roles is not None and (not isinstance(roles, list) or not all(isinstance(role, str) for role in roles)):
        raise admin_error("roles must be a list of permission names.")
    # Tokens can be minted for tenants the emulator doesn't host, so callers can see the 401.
    if user is not None and (not isinstance(user, str) or "@" not in user):
        raise admin_error("user must be a user principal name (a person signed in, e.g. in the admin center).")
    return Reply(200, tokens.mint(tenant_id.lower(), roles, epoch=req.state.token_epoch(tenant_id), user=user))


def post_revoke_tokens(req: GraphRequest) -> Reply:
    """Every token issued for the tenant so far is refused from now on: a client holding one gets a
    401 (with a claims challenge if its token says it handles them) and must sign in again."""
    tenant_id = _body(req).get("tenantId")
    if not isinstance(tenant_id, str) or req.state.tenant(tenant_id) is None:
        raise admin_error("tenantId must name a tenant the emulator hosts.")
    req.state.revoke_tokens(tenant_id)
    return no_content()


def post_federated_token(req: GraphRequest) -> Reply:
    """A token of an external identity provider, for a federated identity credential (workload identity)."""
    body = _body(req)
    issuer, subject, audience = body.get("issuer"), body.get("subject"), body.get("audience", TOKEN_EXCHANGE_AUDIENCE)
    if not (isinstance(issuer, str) and isinstance(subject, str) and isinstance(audience, str) and issuer and subject and audience):
        raise admin_error("issuer and subject are required (audience is optional) and must be strings.")
    return Reply(200, {"token": signin.federated_token(req.state.federation_key, issuer, subject, audience)})


def post_sync_run(req: GraphRequest) -> Reply:
    return Reply(200, {"jobs": run_started_jobs(req.state)})


def post_clock_advance(req: GraphRequest) -> Reply:
    seconds = _body(req).get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
        raise admin_error("seconds must be a non-negative number.")
    req.state.clock.advance(seconds)
    return get_clock(req)


def get_clock(req: GraphRequest) -> Reply:
    return Reply(200, {"now": req.state.clock.now_iso(), "offsetSeconds": req.state.clock.offset})


def post_faults(req: GraphRequest) -> Reply:
    req.state.faults.configure(FaultConfig.from_json(_body(req)))
    return get_faults(req)


def get_faults(req: GraphRequest) -> Reply:
    return Reply(200, req.state.faults.config.to_json())


def delete_faults(req: GraphRequest) -> Reply:
    req.state.faults.clear()
    return no_content()


def get_requests(req: GraphRequest) -> Reply:
    return Reply(200, list(req.state.request_log))


def delete_requests(req: GraphRequest) -> Reply:
    req.state.request_log.clear()
    return no_content()


def post_reset(req: GraphRequest) -> Reply:
    req.state.reset()
    return no_content()


def post_fixture(req: GraphRequest) -> Reply:
    try:
        added = load_fixture(req.state, _body(req))
    except FixtureError as exc:
        raise admin_error(str(exc)) from exc
    return Reply(201, {"value": [describe(tenant) for tenant in added]})


def _jobs(tenant) -> list[dict]:
    return [
        {"servicePrincipalId": sp_id, "jobId": job.id, "status": job.status_code(), "provisioned": len(job.provisioned)}
        for sp_id, sync in tenant.sync.items()
        for job in sync.jobs.values()
    ]


def state_summary(state: EmulatorState) -> dict:
    return {
        "now": state.clock.now_iso(),
        "tenants": [
            {
                **describe(tenant),
                "users": len(tenant.users),
                "groups": len(tenant.groups),
                "partners": sorted(tenant.partners),
                "identitySynchronization": sorted(tenant.identity_sync),
                "multiTenantOrganizationId": tenant.mto_id,
                "jobs": _jobs(tenant),
                "provisioningLogEntries": len(tenant.provisioning_log),
            }
            for tenant in state.tenants.values()
        ],
        "multiTenantOrganizations": [
            {"id": org.id, "displayName": org.display_name, "active": org.active,
             "members": {tenant_id: member["state"] for tenant_id, member in org.members.items()}}
            for org in state.mtos.values()
        ],
    }


def get_state(req: GraphRequest) -> Reply:
    return Reply(200, state_summary(req.state))


ROUTES = [
    route("POST", "/tenants", post_tenant, None),
    route("GET", "/tenants", list_tenants, None),
    route("POST", "/token", post_token, None),
    route("POST", "/tokens/revoke", post_revoke_tokens, None),
    route("POST", "/federated-token", post_federated_token, None),
    route("POST", "/sync/run", post_sync_run, None),
    route("GET", "/clock", get_clock, None),
    route("POST", "/clock/advance", post_clock_advance, None),
    route("GET", "/faults", get_faults, None),
    route("POST", "/faults", post_faults, None),
    route("DELETE", "/faults", delete_faults, None),
    route("GET", "/requests", get_requests, None),
    route("DELETE", "/requests", delete_requests, None),
    route("POST", "/reset", post_reset, None),
    route("POST", "/fixture", post_fixture, None),
    route("GET", "/state", get_state, None),
]

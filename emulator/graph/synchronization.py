"""`servicePrincipals/{id}/synchronization` (docs/graph-notes.md#jobs to #on-demand): templates, jobs and their
controls, credential validation, secrets, and the job schema."""
from __future__ import annotations

from collections.abc import Callable

from .. import permissions as perm
from ..odata import collection
from ..provisioning.cycle import provision_group_on_demand, provision_on_demand
from ..provisioning.jobs import Job, new_job_id, parse_reset_scope
from ..provisioning.policy import ERROR_CODE, policy_problems, problem_message
from ..provisioning.schema import TEMPLATE_ID, SchemaInvalid, compile_user_mapping, default_schema, functions, stored_schema
from ..provisioning.scoping import filter_operators
from ..routing import route
from ..state import SyncConfig
from ..wire import ErrorReply, GraphRequest, Reply, bad_request, no_content, resource_not_found
from .applications import CTS_TEMPLATE_ID, service_principal

SYNC = "/servicePrincipals/{sp}/synchronization"
JOB = f"{SYNC}/jobs/{{job}}"
# Secrets whose values Graph returns as they are; every other key reads back as "*".
NON_SENSITIVE_SECRETS = {"CompanyId", "AuthenticationType", "SyncAll", "SyncNotificationSettings"}
SECRET_KEYS = {
    "None", "UserName", "Password", "SecretToken", "AppKey", "BaseAddress", "ClientIdentifier", "ClientSecret",
    "SingleSignOnType", "Sandbox", "Url", "Domain", "ConsumerKey", "ConsumerSecret", "TokenKey", "TokenExpiration",
    "Oauth2AccessToken", "Oauth2AccessTokenCreationTime", "Oauth2RefreshToken", "SyncAll", "InstanceName",
    "Oauth2ClientId", "Oauth2ClientSecret", "CompanyId", "UpdateKeyOnSoftDelete", "SynchronizationSchedule",
    "SystemOfRecord", "SandboxName", "EnforceDomain", "SyncNotificationSettings", "SkipOutOfScopeDeletions",
    "Oauth2AuthorizationCode", "Oauth2RedirectUri", "ApplicationTemplateIdentifier", "Oauth2TokenExchangeUri",
    "Oauth2AuthorizationUri", "AuthenticationType", "Server", "PerformInboundEntitlementGrants",
    "HardDeletesEnabled", "SyncAgentCompatibilityKey", "SyncAgentADContainer", "ValidateDomain", "TestReferences",
    "ConnectionString",
}


def masked(key: str) -> Callable[[object], object]:
    """How a body whose ``key`` lists secrets is logged: every sensitive value as ``*``."""
    def redact(body: object) -> object:
        if not isinstance(body, dict) or not isinstance(body.get(key), list):
            return body
        return {**body, key: [{**item, "value": "*"} if isinstance(item, dict) and item.get("key") not in NON_SENSITIVE_SECRETS
                              else item for item in body[key]]}

    return redact


def _sync(req: GraphRequest) -> tuple[dict, SyncConfig]:
    sp = service_principal(req)
    return sp, req.tenant.sync.setdefault(sp["id"], SyncConfig())


def _job(req: GraphRequest) -> Job:
    _, sync = _sync(req)
    return req.lookup(sync.jobs, "job")


def _template(sp: dict) -> dict:
    return {
        "id": TEMPLATE_ID,
        "applicationId": sp["appId"],
        "default": True,
        "description": "Azure Active Directory to Azure Active Directory provisioning (cross-tenant synchronization)",
        "discoverable": True,
        "factoryTag": TEMPLATE_ID,
        "metadata": [{"key": "galleryApplicationIdentifier", "value": CTS_TEMPLATE_ID}],
    }


def _templates(sp: dict) -> list[dict]:
    # Only the cross-tenant synchronization gallery app offers the Azure2Azure template. A template
    # carries its default schema, as the documented GET shows
    # (https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationtemplate-get).
    if sp.get("applicationTemplateId") != CTS_TEMPLATE_ID:
        return []
    return [{**_template(sp), "schema": default_schema(TEMPLATE_ID)}]


def _named_template(req: GraphRequest) -> dict:
    sp, _ = _sync(req)
    template = next((t for t in _templates(sp) if t["id"].lower() == req.params["templateId"].lower()), None)
    if template is None:
        raise resource_not_found(req.params["templateId"])
    return template


def list_templates(req: GraphRequest) -> Reply:
    sp, _ = _sync(req)
    return collection(req, f"servicePrincipals('{sp['id']}')/synchronization/templates", _templates(sp),
                      type_name="synchronizationTemplate")


def get_template(req: GraphRequest) -> Reply:
    return req.entity(f"servicePrincipals('{req.params['sp']}')/synchronization/templates", _named_template(req))


# -- jobs -----------------------------------------------------------------------------------
def list_jobs(req: GraphRequest) -> Reply:
    sp, sync = _sync(req)
    return collection(req, f"servicePrincipals('{sp['id']}')/synchronization/jobs", [job.to_json() for job in sync.jobs.values()])


def create_job(req: GraphRequest) -> Reply:
    sp, sync = _sync(req)
    template_id = req.json_object().get("templateId")
    if template_id not in {template["id"] for template in _templates(sp)}:
        raise bad_request(f"The synchronization template '{template_id}' is not available for this service principal.")
    if sync.jobs:
        # One cross-tenant sync instance per configuration (and per source->target pair).
        raise ErrorReply(409, "Conflict", "A synchronization job for this template already exists on the service principal.")
    job = Job(new_job_id(req.tenant.id))
    sync.jobs[job.id.lower()] = job  # ids are case-insensitive, like every Graph key
    req.state.faults.note_created(req.tenant.id, f"/servicePrincipals/{sp['id']}/synchronization/jobs/{job.id}")
    return req.entity(f"servicePrincipals('{sp['id']}')/synchronization/jobs", job.to_json(), 201)


def get_job(req: GraphRequest) -> Reply:
    return req.entity(f"servicePrincipals('{req.params['sp']}')/synchronization/jobs", _job(req).to_json())


def delete_job(req: GraphRequest) -> Reply:
    """Stops the job and forgets its state; users it synced are left as they are."""
    _, sync = _sync(req)
    del sync.jobs[_job(req).id.lower()]
    return no_content()


def start_job(req: GraphRequest) -> Reply:
    _job(req).start()
    return no_content()


def pause_job(req: GraphRequest) -> Reply:
    _job(req).pause()
    return no_content()


def restart_job(req: GraphRequest) -> Reply:
    job = _job(req)
    criteria = (req.body or {}).get("criteria") if isinstance(req.body, dict) else None
    try:
        flags = parse_reset_scope((criteria or {}).get("resetScope"))
    except ValueError as exc:
        raise bad_request(str(exc)) from exc
    job.restart(flags)
    return no_content()


def _on_demand_subject(body: dict) -> dict:
    """One subject: a User, or a Group with the members to provision with it (`links.members`), as in
    https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-provisionondemand."""
    parameters = body.get("parameters") or []
    subjects = [subject for parameter in parameters for subject in (parameter or {}).get("subjects") or []]
    kinds = [str((subject or {}).get("objectTypeName", "")).lower() for subject in subjects]
    if len(subjects) != 1 or kinds[0] not in ("user", "group"):
        raise bad_request("provisionOnDemand takes exactly one subject of objectTypeName 'User' or 'Group'.")
    return subjects[0]


def on_demand(req: GraphRequest) -> Reply:
    job = _job(req)
    sp, _ = _sync(req)
    subject = _on_demand_subject(req.json_object())
    object_id = str(subject.get("objectId", ""))
    if str(subject.get("objectTypeName")).lower() == "group":
        members = [str(m.get("objectId", "")) for m in ((subject.get("links") or {}).get("members") or []) if isinstance(m, dict)]
        result = provision_group_on_demand(req.state, req.tenant, sp, job, object_id, members)
    else:
        result = provision_on_demand(req.state, req.tenant, sp, job, object_id)
    if result is None:
        raise resource_not_found(object_id)
    return req.singleton("microsoft.graph.stringKeyStringValuePair", result)


# -- credentials and secrets ----------------------------------------------------------------
def _credentials(req: GraphRequest, sync: SyncConfig) -> dict[str, str | None]:
    body = req.json_object()
    if body.get("useSavedCredentials"):
        return {item["key"]: item.get("value") for item in sync.secrets}
    return {str(item.get("key")): item.get("value") for item in body.get("credentials") or [] if isinstance(item, dict)}


def validate_credentials(req: GraphRequest) -> Reply:
    sp, sync = _sync(req)
    if "job" in req.params:
        _job(req)
    credentials = _credentials(req, sync)
    problems = policy_problems(req.state, req.tenant, credentials.get("CompanyId"), credentials.get("AuthenticationType"))
    if problems:
        raise ErrorReply(400, ERROR_CODE, problem_message(problems))
    return no_content()


def put_secrets(req: GraphRequest) -> Reply:
    _, sync = _sync(req)
    items = req.json_object().get("value")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise bad_request("The body must be {\"value\": [{\"key\", \"value\"}, ...]}.")
    unknown = sorted({str(item.get("key")) for item in items} - SECRET_KEYS)
    if unknown:
        raise bad_request(f"Unknown synchronization secret key(s): {', '.join(unknown)}.")
    # A PUT replaces the whole set (docs/graph-notes.md#secrets).
    sync.secrets = [{"key": item["key"], "value": None if item.get("value") is None else str(item["value"])} for item in items]
    return no_content()


def get_secrets(req: GraphRequest) -> Reply:
    sp, sync = _sync(req)
    shown = [
        {"key": item["key"], "value": item["value"] if item["key"] in NON_SENSITIVE_SECRETS else "*"}
        for item in sync.secrets
    ]
    return req.singleton(f"servicePrincipals('{sp['id']}')/synchronization/secrets", {"value": shown})


# -- schema ---------------------------------------------------------------------------------
def get_schema(req: GraphRequest) -> Reply:
    job = _job(req)
    return req.singleton(f"servicePrincipals('{req.params['sp']}')/synchronization/jobs('{job.id}')/schema", job.schema)


def put_schema(req: GraphRequest) -> Reply:
    job = _job(req)
    schema = stored_schema(req.json_object(), job.id)
    try:
        mapping = compile_user_mapping(schema)
    except SchemaInvalid as exc:
        raise bad_request(str(exc), code="schemaInvalid") from exc
    job.replace_schema(schema, mapping)
    return no_content()


def patch_schema(req: GraphRequest) -> Reply:
    """The SDK generates PATCH for the schema; the service only routes PUT (docs/graph-notes.md#sdk-gaps)."""
    uri = (
        f"https://syncfabric.windowsazure.com/api/servicePrincipals('{req.params['sp']}')"
        f"/synchronization/jobs('{req.params['job']}')/schema?api-version=2.0"
    )
    raise ErrorReply(404, "UnknownError", '{"Message":"No HTTP resource was found that matches the request URI \'' + uri + '\'."}')


def _schema_listing(type_name: str, rows: Callable[[], list[dict]]) -> Callable[[GraphRequest], Reply]:
    """`schema/filterOperators` and `schema/functions`: fixed lists, per existing job."""

    def handler(req: GraphRequest) -> Reply:
        _job(req)
        return collection(req, f"Collection(microsoft.graph.{type_name})", rows())

    return handler


get_filter_operators = _schema_listing("filterOperatorSchema", filter_operators)
get_functions = _schema_listing("attributeMappingFunctionSchema", functions)


def get_template_schema(req: GraphRequest) -> Reply:
    return req.singleton("microsoft.graph.synchronizationSchema", _named_template(req)["schema"])


_CALL = "{call:(?:\\(\\))?}"  # functions may be addressed with or without "()"

ROUTES = [
    route("GET", f"{SYNC}/templates", list_templates, perm.SYNC_READ, synchronization=True),
    route("GET", f"{SYNC}/templates/{{templateId}}", get_template, perm.SYNC_READ, synchronization=True),
    route("GET", f"{SYNC}/templates/{{templateId}}/schema", get_template_schema, perm.SYNC_READ, synchronization=True),
    route("GET", f"{SYNC}/jobs", list_jobs, perm.SYNC_READ, synchronization=True),
    route("POST", f"{SYNC}/jobs", create_job, perm.SYNC_WRITE, synchronization=True),
    route("POST", f"{SYNC}/jobs/validateCredentials", validate_credentials, perm.SYNC_WRITE, synchronization=True,
          logged=masked("credentials")),
    route("GET", JOB, get_job, perm.SYNC_READ, synchronization=True),
    route("DELETE", JOB, delete_job, perm.SYNC_WRITE, synchronization=True),
    route("POST", f"{JOB}/start", start_job, perm.SYNC_WRITE, synchronization=True),
    route("POST", f"{JOB}/pause", pause_job, perm.SYNC_WRITE, synchronization=True),
    route("POST", f"{JOB}/restart", restart_job, perm.SYNC_WRITE, synchronization=True),
    route("POST", f"{JOB}/provisionOnDemand", on_demand, perm.SYNC_WRITE, synchronization=True),
    route("POST", f"{JOB}/validateCredentials", validate_credentials, perm.SYNC_WRITE, synchronization=True,
          logged=masked("credentials")),
    route("GET", f"{JOB}/schema", get_schema, perm.SYNC_READ, synchronization=True),
    route("PUT", f"{JOB}/schema", put_schema, perm.SYNC_WRITE, synchronization=True),
    route("PATCH", f"{JOB}/schema", patch_schema, perm.SYNC_WRITE, synchronization=True),
    route("GET", f"{JOB}/schema/filterOperators{_CALL}", get_filter_operators, perm.SYNC_READ, synchronization=True),
    route("GET", f"{JOB}/schema/functions{_CALL}", get_functions, perm.SYNC_READ, synchronization=True),
    route("PUT", f"{SYNC}/secrets", put_secrets, perm.SYNC_WRITE, synchronization=True, logged=masked("value")),
    route("GET", f"{SYNC}/secrets", get_secrets, perm.SYNC_READ, synchronization=True),
]

"""Fault injection: throttling the SDK's RetryHandler honours, 5xx, latency, replication and
synchronization lag, all deterministic for a seed and limited by pathPattern."""
from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request

import pytest
from msgraph.generated.application_templates.item.instantiate.instantiate_post_request_body import InstantiatePostRequestBody
from msgraph.generated.models.cross_tenant_access_policy_configuration_partner import CrossTenantAccessPolicyConfigurationPartner

from emulator import AdminError

from .flows import CONTOSO, CTS_TEMPLATE, FABRIKAM, odata_error, partner_of, raw


def _statuses(emulator, token: str, count: int) -> list[int]:
    return [raw(emulator, "GET", "/users", token)[0] for _ in range(count)]


def test_throttling_is_answered_429_with_retry_after_and_the_sdk_retries(seeded, graph_client):
    seeded.admin.set_faults(seed=3, throttleRate=0.5, retryAfterSeconds=1, pathPattern=r"^/v1\.0/users$")

    async def scenario():
        client = graph_client(CONTOSO)
        return [len((await client.users.get()).value) for _ in range(3)]

    assert asyncio.run(scenario()) == [4, 4, 4]
    log = seeded.admin.requests()
    throttled = [entry for entry in log if entry["status"] == 429]
    assert throttled, "the seed should throttle at least one request"
    assert any(entry["retryAttempt"] >= 1 and entry["status"] == 200 for entry in log)
    seeded.admin.set_faults(throttleRate=1.0, retryAfterSeconds=2)
    status, headers, body = raw(seeded, "GET", "/users", seeded.admin.token(CONTOSO))
    assert (status, headers["Retry-After"], body["error"]["code"]) == (429, "2", "TooManyRequests")


def test_server_errors_are_503_or_504(seeded):
    seeded.admin.set_faults(serverErrorRate=1.0)
    statuses = _statuses(seeded, seeded.admin.token(CONTOSO), 8)
    assert set(statuses) <= {503, 504} and len(set(statuses)) == 2


def test_faults_are_deterministic_for_a_seed_and_respect_path_pattern(seeded):
    token = seeded.admin.token(CONTOSO)
    settings = {"seed": 7, "throttleRate": 0.3, "serverErrorRate": 0.2}
    seeded.admin.set_faults(**settings)
    first = _statuses(seeded, token, 20)
    seeded.admin.set_faults(**settings)
    assert _statuses(seeded, token, 20) == first
    assert {200, 429} <= set(first)
    seeded.admin.set_faults(throttleRate=1.0, pathPattern="/groups")
    assert raw(seeded, "GET", "/users", token)[0] == 200
    assert raw(seeded, "GET", "/groups", token)[0] == 429
    seeded.admin.clear_faults()
    assert raw(seeded, "GET", "/groups", token)[0] == 200


def test_latency_delays_answers(seeded):
    token = seeded.admin.token(CONTOSO)
    seeded.admin.set_faults(latencyMs=250)
    began = time.monotonic()
    assert raw(seeded, "GET", "/users", token)[0] == 200
    assert time.monotonic() - began >= 0.25


def test_new_objects_are_invisible_for_their_first_reads(seeded, graph_client):
    seeded.admin.set_faults(replicationLagReads=2)

    async def scenario():
        client = graph_client(CONTOSO)
        await client.policies.cross_tenant_access_policy.partners.post(CrossTenantAccessPolicyConfigurationPartner(tenant_id=FABRIKAM))
        misses = [await odata_error(partner_of(client, FABRIKAM).get()) for _ in range(2)]
        return misses, await partner_of(client, FABRIKAM).get()

    misses, found = asyncio.run(scenario())
    assert [(m.response_status_code, m.error.code) for m in misses] == [(404, "Request_ResourceNotFound")] * 2
    assert found.tenant_id == FABRIKAM


def test_synchronization_endpoints_answer_403_then_409_for_a_new_service_principal(seeded, graph_client):
    seeded.admin.set_faults(syncLagRequests=2)

    async def scenario():
        client = graph_client(CONTOSO)
        created = await client.application_templates.by_application_template_id(CTS_TEMPLATE).instantiate.post(
            InstantiatePostRequestBody(display_name="Fabrikam"))
        jobs = client.service_principals.by_service_principal_id(created.service_principal.id).synchronization.jobs
        lagging = [await odata_error(jobs.get()) for _ in range(2)]
        return lagging, await jobs.get()

    lagging, settled = asyncio.run(scenario())
    assert [error.response_status_code for error in lagging] == [403, 409]
    assert settled.value == []


@pytest.mark.parametrize("settings", [{"throttleRate": 2}, {"pathPattern": "("}, {"unknown": 1}, {"latencyMs": "slow"}])
def test_bad_fault_settings_are_refused(seeded, settings):
    with pytest.raises(AdminError) as refused:
        seeded.admin.set_faults(**settings)
    assert refused.value.status == 400


def _post_partner(seeded, token: str):
    """Fabrikam's POST of a partner entry for Contoso, read as bytes (a faulted answer is not JSON)."""
    request = urllib.request.Request(seeded.graph_url + "/policies/crossTenantAccessPolicy/partners", method="POST",
                                     data=json.dumps({"tenantId": CONTOSO}).encode())
    request.add_header("Authorization", f"Bearer {token}")
    return urllib.request.urlopen(request)


def test_a_gateway_page_is_html_and_nothing_is_done(seeded):
    token = seeded.admin.token(FABRIKAM)
    seeded.admin.set_faults(gatewayErrorRate=1.0, pathPattern="/partners")
    with pytest.raises(urllib.error.HTTPError) as answer:
        _post_partner(seeded, token)
    assert answer.value.code == 502 and answer.value.headers["Content-Type"] == "text/html"
    assert b"Bad Gateway" in answer.value.read()
    seeded.admin.clear_faults()
    assert raw(seeded, "GET", "/policies/crossTenantAccessPolicy/partners", token)[2]["value"] == [], "nothing was done"


def test_a_cut_off_answer_is_half_its_json_and_the_write_is_done(seeded):
    token = seeded.admin.token(FABRIKAM)
    seeded.admin.set_faults(truncateRate=1.0, pathPattern="/partners$")
    with _post_partner(seeded, token) as answer:
        body = answer.read()
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    seeded.admin.clear_faults()
    assert [p["tenantId"] for p in raw(seeded, "GET", "/policies/crossTenantAccessPolicy/partners", token)[2]["value"]] == [CONTOSO]


def test_rates_are_fractions(seeded):
    with pytest.raises(AdminError):
        seeded.admin.set_faults(truncateRate=1.5)



def test_incomplete_answers_lack_what_identifies_them_and_the_request_is_done(seeded):
    token = seeded.admin.token(FABRIKAM)
    seeded.admin.set_faults(incompleteRate=1.0, pathPattern="/partners")
    status, _, created = raw(seeded, "POST", "/policies/crossTenantAccessPolicy/partners", token, {"tenantId": CONTOSO})
    assert status == 201 and "tenantId" not in created
    assert raw(seeded, "GET", "/policies/crossTenantAccessPolicy/partners", token)[2]["value"] is None
    seeded.admin.clear_faults()
    assert [p["tenantId"] for p in raw(seeded, "GET", "/policies/crossTenantAccessPolicy/partners", token)[2]["value"]] == [CONTOSO]

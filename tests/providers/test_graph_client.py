"""The Graph client under the resources: the per-process request counter (retries included), and
errors that will not heal failing at once with a message that says what to do."""
from __future__ import annotations

import time

import pytest

from providers.graph import REQUESTS, connection
from providers.graph.errors import from_odata
from tests.emulator.flows import CONTOSO, FABRIKAM, two_tenants
from tests.providers.drivers import ProviderError
from tests.providers.source_side import create

PARTNERS = "/v1.0/policies/crossTenantAccessPolicy/partners"


@pytest.fixture
def config(emulator, tenants_config, short_replication_deadline):
    emulator.admin.load_fixture(two_tenants())
    return tenants_config(FABRIKAM, CONTOSO)


def test_counter_records_every_request_on_the_wire_with_its_retries(config, emulator):
    emulator.admin.set_faults(seed=3, throttleRate=0.5, retryAfterSeconds=1, pathPattern="partners")
    REQUESTS.clear()
    create(config, "PartnerAccess", tenant_id=FABRIKAM, partner_tenant_id=CONTOSO)
    records = REQUESTS.records()
    wire = [e for e in emulator.admin.requests() if e["path"].startswith(PARTNERS)]
    assert [(r.method, r.path, r.status) for r in records] == [(e["method"], e["path"], e["status"]) for e in wire]
    assert {r.tenant_id for r in records} == {FABRIKAM}
    throttled = [r for r in records if r.status == 429]
    assert throttled, "the seed was chosen to throttle at least once"
    assert REQUESTS.retries() == len(throttled), "each 429 was retried once by the SDK, marked Retry-Attempt"
    assert REQUESTS.by_method()["POST"] >= 1 and not [r for r in REQUESTS.writes() if r.method == "GET"]


@pytest.mark.parametrize("scale", ["1", "0.05"])
def test_a_429_waits_out_its_retry_after_scaled_only_where_a_test_says_so(config, emulator, monkeypatch, scale):
    """The product waits Graph's Retry-After in full; the test tiers' CTSYNC_BACKOFF_SCALE shortens it."""
    monkeypatch.setenv("CTSYNC_BACKOFF_SCALE", scale)
    emulator.admin.set_faults(seed=3, throttleRate=0.5, retryAfterSeconds=1, pathPattern="partners")
    began = time.perf_counter()
    create(config, "PartnerAccess", tenant_id=FABRIKAM, partner_tenant_id=CONTOSO)
    elapsed = time.perf_counter() - began
    throttled = len([e for e in emulator.admin.requests() if e["status"] == 429])
    assert throttled >= 2, "the seed was chosen to throttle more than once"
    waited = throttled * 1 * float(scale)
    assert waited <= elapsed < waited + 3


def test_a_missing_permission_fails_at_once_and_names_it(config, emulator, monkeypatch):
    def read_only(conn):
        return connection.EmulatorCredential(conn.endpoint, conn.tenant_id, roles=["Policy.Read.All"])

    monkeypatch.setattr(connection, "credential_for", read_only)
    emulator.admin.clear_requests()
    began = time.perf_counter()
    with pytest.raises(ProviderError) as failure:
        create(config, "PartnerAccess", tenant_id=FABRIKAM, partner_tenant_id=CONTOSO)
    assert time.perf_counter() - began < 3, "a 403 on a create does not heal: no retries"
    message = str(failure.value)
    assert "Graph answered 403" in message
    assert "POST /policies/crossTenantAccessPolicy/partners" in message
    assert "grant the application permission Policy.ReadWrite.CrossTenantAccess" in message
    # The GET that looks for an existing entry (allowed by Policy.Read.All), then the refused POST.
    assert [r["method"] for r in emulator.admin.requests()] == ["GET", "POST"]


def test_a_bad_request_keeps_graphs_words_naming_the_field():
    from msgraph.generated.models.o_data_errors.main_error import MainError
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError

    error = ODataError(error=MainError(code="Request_BadRequest", message="Invalid value specified for property 'role'."))
    error.response_status_code = 400
    text = str(from_odata(error, "PATCH /tenantRelationships/multiTenantOrganization/tenants/x"))
    assert "400 Request_BadRequest" in text and "'role'" in text and "grant" not in text


def test_a_missing_permission_on_synchronization_endpoints_fails_after_the_lag_window(
    config, emulator, monkeypatch
):
    """403 right after a service principal appears is lag and is retried, but only for SYNC_LAG_DEADLINE."""
    from providers.graph import retry
    from tests.providers.source_side import configuration_app

    app = configuration_app(config)

    def read_only(conn):
        return connection.EmulatorCredential(conn.endpoint, conn.tenant_id, roles=["Application.Read.All"])

    monkeypatch.setattr(connection, "credential_for", read_only)
    monkeypatch.setattr(retry, "SYNC_LAG_DEADLINE", 1.5)
    began = time.perf_counter()
    with pytest.raises(ProviderError) as failure:
        create(config, "SynchronizationJob", tenant_id=CONTOSO, service_principal_id=app["service_principal_id"])
    assert time.perf_counter() - began < 6
    assert "Graph answered 403" in str(failure.value) and "Synchronization.ReadWrite.All" in str(failure.value)


"""Graph's query rules (emulator/query_rules.py): a query Graph refuses is refused here with Graph's
400 `Request_UnsupportedQuery`, and with strictness off it is answered and marked in the request log."""
from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request

import pytest

from tests.conftest import graph_client_for

from .flows import CONTOSO, FABRIKAM, allow_inbound, two_tenants


def get(emulator, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(f"{emulator.base_url}/v1.0{path}")
    request.add_header("Authorization", f"Bearer {emulator.admin.token(CONTOSO)}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


EVENTUAL = {"ConsistencyLevel": "eventual"}
# (path, headers, answered) — Microsoft's advanced-query and list pages.
CASES = {
    "ne needs the advanced-query parameters": ("/users?$filter=department ne 'Sales'", {}, False),
    "ne with them": ("/users?$filter=department ne 'Sales'&$count=true", EVENTUAL, True),
    "not with the header only": ("/users?$filter=not(department eq 'Sales')", EVENTUAL, False),
    "endsWith needs them": ("/users?$filter=endswith(mail,'@contoso.onmicrosoft.com')", {}, False),
    "endsWith with them": ("/users?$filter=endswith(mail,'@contoso.onmicrosoft.com')&$count=true", EVENTUAL, True),
    "$count on a directory collection needs the header": ("/groups?$count=true", {}, False),
    "eq is a default query": ("/users?$filter=department eq 'Sales'", {}, True),
    "a string holding ne is no operator": ("/users?$filter=department eq 'ne'", {}, True),
    "provisioning logs: gt is documented": ("/auditLogs/provisioning?$filter=activityDateTime gt 2026-01-01T00:00:00Z", {}, True),
    "provisioning logs: ge is not": ("/auditLogs/provisioning?$filter=activityDateTime ge 2026-01-01T00:00:00Z", {}, False),
    "provisioning logs: an unlisted property": ("/auditLogs/provisioning?$filter=durationInMilliseconds eq 5", {}, False),
    "directory audits: ge is documented": ("/auditLogs/directoryAudits?$filter=activityDateTime ge 2026-01-01T00:00:00Z", {}, True),
}


@pytest.mark.parametrize("path, headers, answered", CASES.values(), ids=CASES.keys())
def test_graphs_query_rules(emulator, path, headers, answered):
    emulator.admin.load_fixture(two_tenants())
    status, body = get(emulator, path.replace(" ", "%20"), headers)
    if answered:
        assert status == 200, body
    else:
        assert status == 400 and body["error"]["code"] == "Request_UnsupportedQuery", body


def test_count_true_counts_every_match_not_the_page(emulator):
    emulator.admin.load_fixture(two_tenants())
    status, body = get(emulator, "/users?$count=true&$top=1&$filter=department%20ne%20'x'", EVENTUAL)
    assert status == 200 and body["@odata.count"] == 4 and len(body["value"]) == 1


def test_without_strictness_a_refused_query_is_answered_and_marked(emulator):
    emulator.admin.load_fixture({**two_tenants(), "settings": {"strictQueries": False}})
    emulator.admin.clear_requests()
    status, _ = get(emulator, "/users?$filter=department%20ne%20'Sales'")
    assert status == 200
    [entry] = emulator.admin.requests()
    assert entry["strict"].startswith("Operator 'ne' is not supported because the required parameters might be missing")


def test_select_keeps_what_expand_inlines_on_the_partner_list(emulator):
    """`$select` with `$expand=identitySynchronization` answers both, as Graph's partner list does."""
    emulator.admin.load_fixture(two_tenants())
    asyncio.run(allow_inbound(graph_client_for(emulator, FABRIKAM), CONTOSO))
    request = urllib.request.Request(f"{emulator.base_url}/v1.0/policies/crossTenantAccessPolicy/partners"
                                     "?$select=tenantId&$expand=identitySynchronization")
    request.add_header("Authorization", f"Bearer {emulator.admin.token(FABRIKAM)}")
    with urllib.request.urlopen(request) as response:
        [partner] = json.loads(response.read())["value"]
    assert partner["tenantId"] == CONTOSO and partner["identitySynchronization"]["userSyncInbound"]["isSyncAllowed"] is True
    assert "inboundTrust" not in partner

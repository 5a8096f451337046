"""Graph's query rules (emulator/query_rules.py): a query Graph refuses is refused here with Graph's
400 `Request_UnsupportedQuery`, and with strictness off it is answered and marked in the request log."""
from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request

import pytest

from graphtypes import structural_properties
from tests.conftest import graph_client_for

from .flows import CONTOSO, FABRIKAM, allow_inbound, configure_job, two_tenants


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
ADVANCED_PAGE = "https://learn.microsoft.com/en-us/graph/aad-advanced-queries"
PROVISIONING_HOWTO = ("https://learn.microsoft.com/en-us/entra/identity/multi-tenant-organizations/"
                      "cross-tenant-synchronization-configure-graph")
REFUSED = "Request_UnsupportedQuery"
# Microsoft's documented requests, replayed: (path, headers, status, error code or None). The pages:
# ADVANCED_PAGE (its examples and error examples), PROVISIONING_HOWTO (the monitoring query), the
# provisioningObjectSummary and directoryAudit resource pages (their "Supports $filter" lists).
DOCUMENTED = {
    "eq on accountEnabled works by default": ("/users?$filter=accountEnabled eq false", {}, 200, None),
    "ne needs the advanced parameters": ("/users?$filter=accountEnabled ne true", {}, 400, REFUSED),
    "ne with them": ("/users?$filter=accountEnabled ne true&$count=true", EVENTUAL, 200, None),
    "the $count segment with the header": ("/groups/$count", EVENTUAL, 200, None),
    "the $count segment without it": ("/users/$count", {}, 400, "Request_BadRequest"),
    "$count=true with the header": ("/servicePrincipals?$count=true", EVENTUAL, 200, None),
    "$count=true without it is ignored, not refused": ("/users?$count=true", {}, 200, None),
    "$search with the header": ('/applications?$search="displayName:Browser"', EVENTUAL, 200, None),
    "$search without it": ('/applications?$search="displayName:Browser"', {}, 400, REFUSED),
    "$orderby on an application's displayName is advanced": ("/applications?$orderby=displayName&$count=true", EVENTUAL, 200, None),
    "... and refused without the parameters": ("/applications?$orderby=displayName", {}, 400, REFUSED),
    "$orderby on a user's displayName is a default": ("/users?$orderby=displayName", {}, 200, None),
    "endsWith with the parameters": ("/users?$count=true&$filter=endsWith(mail,'@outlook.com')", EVENTUAL, 200, None),
    "endsWith without them": ("/users?$filter=endsWith(userPrincipalName,'%23EXT%23@contoso.com')", {}, 400, REFUSED),
    "$filter with $orderby is advanced": ("/applications?$orderby=displayName&$filter=startsWith(displayName, 'Box')&$count=true",
                                          EVENTUAL, 200, None),
    "... refused without the parameters": ("/users?$orderby=displayName&$filter=startsWith(displayName, 'A')", {}, 400, REFUSED),
    "startsWith on mobilePhone is advanced": ("/users?$filter=startsWith(mobilePhone, '25478') OR startsWith(mobilePhone, '25473')&$count=true",
                                              EVENTUAL, 200, None),
    "ne and not": ("/users?$filter=companyName ne null and NOT(companyName eq 'Microsoft')&$count=true", EVENTUAL, 200, None),
    "not and startsWith": ("/users?$filter=NOT startsWith(displayName, 'Conf')&$count=true", EVENTUAL, 200, None),
    "not with the header only": ("/users?$filter=not(department eq 'Sales')", EVENTUAL, 400, REFUSED),
    "$expand in an advanced query": ("/users?$filter=accountEnabled ne true&$count=true&$expand=manager", EVENTUAL, 400, REFUSED),
    "a property not indexed, even with the parameters": ("/groups?$filter=createdDateTime ge 2021-11-01&$count=true", EVENTUAL, 400, REFUSED),
    "a property that supports no $filter": ("/users?$filter=aboutMe eq 'x'", {}, 400, REFUSED),
    "in is a default wherever eq is": ("/users?$filter=department in ('Sales', 'Marketing')", {}, 200, None),
    "a string holding ne is no operator": ("/users?$filter=department eq 'ne'", {}, 200, None),
    "$top above 999": ("/users?$top=1000", {}, 400, REFUSED),
    "the cross-tenant sync monitoring query": (
        "/auditLogs/provisioning?$filter=((contains(tolower(servicePrincipal/id), 'x') or contains(tolower(servicePrincipal/displayName), 'x'))"
        " and activityDateTime gt 2022-12-10 and activityDateTime lt 2022-12-11)&$top=500&$orderby=activityDateTime desc", {}, 200, None),
    "provisioning logs: a status enum member": (
        "/auditLogs/provisioning?$filter=provisioningStatusInfo/status eq microsoft.graph.provisioningResult'failure'", {}, 200, None),
    "provisioning logs: ge is not documented": ("/auditLogs/provisioning?$filter=activityDateTime ge 2026-01-01T00:00:00Z", {}, 400, REFUSED),
    "provisioning logs: an unlisted property": ("/auditLogs/provisioning?$filter=durationInMilliseconds eq 5", {}, 400, REFUSED),
    "provisioning logs: $orderby on anything else": ("/auditLogs/provisioning?$orderby=jobId", {}, 400, REFUSED),
    "the partner list takes $select and $expand": ("/policies/crossTenantAccessPolicy/partners?$select=tenantId&"
                                                   "$expand=identitySynchronization", {}, 200, None),
    "... and no $filter": ("/policies/crossTenantAccessPolicy/partners?$filter=isServiceProvider eq true", {}, 400, "BadRequest"),
    "the job list takes no option": ("/servicePrincipals/00000000-0000-4000-8000-000000000000/synchronization/jobs?$top=1",
                                     {}, 400, "BadRequest"),
    "directory audits: ge and le": ("/auditLogs/directoryAudits?$filter=activityDateTime ge 2026-01-01T00:00:00Z and "
                                    "activityDateTime le 2026-12-31T00:00:00Z&$orderby=activityDateTime desc", {}, 200, None),
}


@pytest.mark.parametrize("path, headers, status, code", DOCUMENTED.values(), ids=DOCUMENTED.keys())
def test_microsofts_documented_requests_are_answered_as_graph_answers_them(emulator, path, headers, status, code):
    emulator.admin.load_fixture(two_tenants())
    answered, body = get(emulator, path.replace(" ", "%20").replace('"', "%22"), headers)
    assert answered == status, body
    if code is not None:
        assert body["error"]["code"] == code, body


def test_the_advanced_query_errors_carry_graphs_words(emulator):
    emulator.admin.load_fixture(two_tenants())
    _, body = get(emulator, "/users?$filter=endsWith(userPrincipalName,'x')")
    assert body["error"]["message"].startswith("Operator 'endswith' is not supported because the required parameters might be "
                                               "missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header.")
    _, body = get(emulator, "/groups?$filter=createdDateTime%20ge%202021-11-01&$count=true", EVENTUAL)
    assert body["error"]["message"] == ("Unsupported or invalid query filter clause specified for property 'createddatetime' "
                                        "of resource 'Group'.")
    _, body = get(emulator, "/users/$count")
    assert body["error"]["message"] == "$count is not currently supported."


def test_count_is_a_number_and_ignored_without_the_header(emulator):
    emulator.admin.load_fixture(two_tenants())
    request = urllib.request.Request(f"{emulator.base_url}/v1.0/users/$count?$filter=department%20eq%20'Sales'",
                                     headers={"Authorization": f"Bearer {emulator.admin.token(CONTOSO)}", **EVENTUAL})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Type"] == "text/plain" and int(response.read()) >= 1
    status, body = get(emulator, "/users?$count=true")
    assert status == 200 and "@odata.count" not in body


def test_orderby_sorts_ascending_and_descending(emulator):
    emulator.admin.load_fixture(two_tenants())
    _, ascending = get(emulator, "/users?$orderby=displayName")
    names = [user["displayName"] for user in ascending["value"]]
    assert names == sorted(names, key=str.lower) and len(names) == 4
    _, descending = get(emulator, "/users?$orderby=displayName%20desc")
    assert [user["displayName"] for user in descending["value"]] == names[::-1]


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


def test_select_applies_to_one_application_or_service_principal(emulator):
    emulator.admin.load_fixture(two_tenants())
    config = asyncio.run(configure_job(graph_client_for(emulator, CONTOSO), FABRIKAM))
    for path in (f"/applications/{config.app_id}", f"/servicePrincipals/{config.sp_id}"):
        status, body = get(emulator, f"{path}?$select=displayName,appId")
        assert status == 200 and {k for k in body if not k.startswith("@odata")} == {"id", "displayName", "appId"}, body


def test_a_users_identities_say_where_it_signs_in(emulator):
    emulator.admin.load_fixture(two_tenants())
    _, body = get(emulator, "/users?$select=userPrincipalName,identities&$filter=department%20eq%20'Sales'")
    for user in body["value"]:
        assert user["identities"] == [{"signInType": "userPrincipalName", "issuer": "contoso.onmicrosoft.com",
                                       "issuerAssignedId": user["userPrincipalName"]}]


def test_a_broken_query_is_kept_for_the_emulators_life(emulator):
    """What the other tiers' `documented_queries_only` check reads: clearing or resetting keeps it."""
    emulator.admin.load_fixture(two_tenants())
    get(emulator, "/users?$filter=department%20ne%20'Sales'")
    emulator.admin.clear_requests()
    emulator.admin.reset()
    [kept] = emulator.state.broken_queries
    assert (kept["path"], kept["status"]) == ("/v1.0/users", 400) and kept["strict"].startswith("Operator 'ne'")


def test_select_of_a_property_the_type_lacks_is_refused_and_an_unset_one_is_null(emulator):
    emulator.admin.load_fixture(two_tenants())
    status, body = get(emulator, "/users?$select=displayName,IsSoftDeleted")
    assert status == 400 and body["error"]["message"] == \
        "Could not find a property named 'IsSoftDeleted' on type 'microsoft.graph.user'."
    status, body = get(emulator, "/users?$select=displayName,manager")  # a navigation property: $expand's
    assert status == 400
    status, body = get(emulator, "/users?$select=displayName,faxNumber")
    assert status == 200 and all(user["faxNumber"] is None for user in body["value"])


def test_applications_and_service_principals_carry_every_documented_property(emulator):
    emulator.admin.load_fixture(two_tenants())
    config = asyncio.run(configure_job(graph_client_for(emulator, CONTOSO), FABRIKAM))
    for path, type_name in ((f"/applications/{config.app_id}", "application"), (f"/servicePrincipals/{config.sp_id}", "servicePrincipal")):
        _, body = get(emulator, path)
        missing = set(structural_properties(type_name)) - set(body)
        assert not missing, f"{type_name} lacks {sorted(missing)}"


def test_a_group_carries_its_default_properties_and_the_select_only_ones_on_select(emulator):
    emulator.admin.load_fixture(two_tenants())
    _, listed = get(emulator, "/groups")
    [sales] = listed["value"]
    assert sales["membershipRule"] is None and sales["securityIdentifier"] is None and "unseenCount" not in sales
    _, selected = get(emulator, f"/groups/{sales['id']}?$select=unseenCount")
    assert selected["unseenCount"] is None


@pytest.mark.parametrize(("search", "found"), [
    ('"displayName:adele"', ["Adele Vance"]),
    ('"displayName:vance" OR "displayName:wil"', ["Adele Vance", "Alex Wilber"]),
    ('"displayName:ad" AND "mail:adele"', ["Adele Vance"]),
    ('"displayName:dele"', []),  # words are matched from their start
])
def test_search_matches_the_start_of_words(emulator, search, found):
    emulator.admin.load_fixture(two_tenants())
    status, body = get(emulator, "/users?$search=" + search.replace(" ", "%20").replace('"', "%22"), EVENTUAL)
    assert status == 200 and sorted(user["displayName"] for user in body["value"]) == found


def test_a_search_that_is_not_property_value_clauses_is_refused(emulator):
    emulator.admin.load_fixture(two_tenants())
    status, body = get(emulator, "/users?$search=adele", EVENTUAL)
    assert status == 400 and "property:value" in body["error"]["message"]

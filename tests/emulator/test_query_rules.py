"""Graph's query rules (emulator/query_rules.py): a query Graph refuses is refused here with Graph's
400 `Request_UnsupportedQuery`, and with strictness off it is answered and marked in the request log."""
from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request

import pytest

from emulator import query_rules
from graphtypes import structural_properties
from tests.conftest import graph_client_for

from .flows import (
    ADELE,
    ALEX,
    CONTOSO,
    FABRIKAM,
    SALES,
    allow_inbound,
    assign,
    configure_job,
    put_mto,
    raw,
    ready_pair,
    two_tenants,
)


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
FILTER_PAGE = "https://learn.microsoft.com/en-us/graph/filter-query-parameter"
MEMBERS_PAGE = "https://learn.microsoft.com/en-us/graph/api/group-list-members"
DELETED_PAGE = "https://learn.microsoft.com/en-us/graph/api/directory-deleteditems-list"
PROVISIONING_HOWTO = ("https://learn.microsoft.com/en-us/entra/identity/multi-tenant-organizations/"
                      "cross-tenant-synchronization-configure-graph")
REFUSED = "Request_UnsupportedQuery"
NOBODY = "00000000-0000-4000-8000-000000000000"  # a service principal: the rules answer before the lookup
# Microsoft's documented requests, replayed: (path, headers, status, error code or None). The pages:
# ADVANCED_PAGE (its examples and error examples), FILTER_PAGE (its examples), MEMBERS_PAGE,
# DELETED_PAGE, PROVISIONING_HOWTO (the monitoring query), the provisioningObjectSummary,
# directoryAudit, appRoleAssignment and multiTenantOrganizationMember resource pages (their "Supports
# $filter" lists), and the list pages of partners, jobs, templates, MTO tenants and CA policies.
DOCUMENTED = {
    "eq on accountEnabled works by default": ("/users?$filter=accountEnabled eq false", {}, 200, None),
    "ne needs the advanced parameters": ("/users?$filter=accountEnabled ne true", {}, 400, REFUSED),
    "ne with them": ("/users?$filter=accountEnabled ne true&$count=true", EVENTUAL, 200, None),
    "the $count segment with the header": ("/groups/$count", EVENTUAL, 200, None),
    "the $count segment without it": ("/users/$count", {}, 400, "Request_BadRequest"),
    "the $count segment of groups": ("/groups/$count", EVENTUAL, 200, None),
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
    "the job list takes no option": (f"/servicePrincipals/{NOBODY}/synchronization/jobs?$top=1",
                                     {}, 400, "BadRequest"),
    "any on a string collection": ("/users?$filter=imAddresses/any(i:i eq 'admin@contoso.com')", {}, 200, None),
    "any on a complex collection": ("/users?$filter=assignedLicenses/any(s:s/skuId eq 184efa21-98c3-4e5d-95ab-d07053a96e67)",
                                    {}, 200, None),
    "not before any, advanced": ("/users?$filter=NOT(imAddresses/any(i:i eq 'admin@contoso.com'))&$count=true", EVENTUAL, 200, None),
    "not before any, without them": ("/users?$filter=NOT(imAddresses/any(i:i eq 'admin@contoso.com'))", {}, 400, REFUSED),
    "any with two clauses": ("/users?$filter=assignedPlans/any(a:a/servicePlanId eq 2e2ddb96-6af9-4b1d-a3f0-d6ecfd22edb2 and "
                             "a/capabilityStatus eq 'Suspended')&$count=true", EVENTUAL, 200, None),
    "groupTypes through any": ("/groups?$filter=groupTypes/any(c:c eq 'Unified')", {}, 200, None),
    "non-Microsoft 365 groups": ("/groups?$filter=NOT groupTypes/any(c:c eq 'Unified')&$count=true", EVENTUAL, 200, None),
    "startsWith in any on businessPhones is advanced": ("/users?$filter=businessPhones/any(p:startswith(p, '44'))&$count=true",
                                                        EVENTUAL, 200, None),
    "startsWith in any on businessPhones, without them": ("/users?$filter=businessPhones/any(p:startswith(p, '44'))", {}, 400, REFUSED),
    "endsWith in any on proxyAddresses": ("/users?$count=true&$filter=proxyAddresses/any (p:endsWith(p, 'OnMicrosoft.com'))"
                                          "&$select=id,displayName,proxyaddresses", EVENTUAL, 200, None),
    "the all lambda is not supported": ("/groups?$filter=groupTypes/all(c:c eq 'Unified')", {}, 400, REFUSED),
    "$count in $filter, advanced": ("/users?$filter=assignedLicenses/$count eq 0&$count=true", EVENTUAL, 200, None),
    "$count in $filter, without them": ("/users?$filter=assignedLicenses/$count ne 0", {}, 400, REFUSED),
    "in with null": ("/users?$filter=companyName in (null, 'Microsoft')&$count=true", EVENTUAL, 200, None),
    "not and in": ("/users?$filter=not(userType in ('Member'))&$count=true", EVENTUAL, 200, None),
    "a GUID unquoted": ("/servicePrincipals?$filter=appOwnerOrganizationId eq 72f988bf-86f1-41af-91ab-2d7cd011db47&$count=true",
                        EVENTUAL, 200, None),
    "isAssignableToRole": ("/groups?$filter=isAssignableToRole eq true", {}, 200, None),
    "$skip on directory objects": ("/groups?$skip=5", {}, 400, "Request_BadRequest"),
    "members: the $count segment": (f"/groups/{SALES}/members/$count", EVENTUAL, 200, None),
    "members: a cast's $count": (f"/groups/{SALES}/members/microsoft.graph.user/$count", EVENTUAL, 200, None),
    "members: $search, $orderby and a cast": (f'/groups/{SALES}/members/microsoft.graph.user?$count=true&$orderby=displayName'
                                              '&$search="displayName:Pr"&$select=displayName,id', EVENTUAL, 200, None),
    "members: $filter with the parameters": (f"/groups/{SALES}/members?$count=true&$filter=startswith(displayName, 'a')",
                                             EVENTUAL, 200, None),
    "members: $filter without them": (f"/groups/{SALES}/members?$filter=startswith(displayName, 'a')", {}, 400, REFUSED),
    "members: a cast without them": (f"/groups/{SALES}/members/microsoft.graph.user", {}, 400, REFUSED),
    "deleted groups": ("/directory/deletedItems/microsoft.graph.group", {}, 200, None),
    "deleted groups by deletedDateTime, counted": ("/directory/deletedItems/microsoft.graph.group?$count=true&$orderBy=deletedDateTime asc"
                                                   "&$select=id,DisplayName,deletedDateTime", EVENTUAL, 200, None),
    "deleted users by userPrincipalName": ("/directory/deletedItems/microsoft.graph.user?$orderBy=userPrincipalName", {}, 200, None),
    "deleted applications by displayName": ("/directory/deletedItems/microsoft.graph.application?$orderBy=displayName", {}, 200, None),
    "deleted groups by deletedDateTime without the parameters": (
        "/directory/deletedItems/microsoft.graph.group?$orderBy=deletedDateTime", {}, 400, REFUSED),
    "deleted users: a property with no $filter": ("/directory/deletedItems/microsoft.graph.user?$filter=aboutMe eq 'x'", {}, 400, REFUSED),
    "app role assignments: principalId is not filterable": (f"/servicePrincipals/{NOBODY}/appRoleAssignedTo?$filter="
                                                            f"principalId eq {NOBODY}", {}, 400, REFUSED),
    "MTO tenants: $filter on tenantId": (f"/tenantRelationships/multiTenantOrganization/tenants?$filter=tenantId eq '{CONTOSO}'",
                                         {}, 200, None),
    "MTO tenants: no $top": ("/tenantRelationships/multiTenantOrganization/tenants?$top=1", {}, 400, "BadRequest"),
    "MTO tenants: role is not filterable": ("/tenantRelationships/multiTenantOrganization/tenants?$filter=role eq 'owner'",
                                            {}, 400, REFUSED),
    "the template list takes no option": (f"/servicePrincipals/{NOBODY}/synchronization/templates?$top=1", {}, 400, "BadRequest"),
    "CA policies take $skip and $top": ("/identity/conditionalAccess/policies?$skip=1&$top=1", {}, 200, None),
    "... and no $expand": ("/identity/conditionalAccess/policies?$expand=conditions", {}, 400, "BadRequest"),
    "a $select of a property the partner type lacks": ("/policies/crossTenantAccessPolicy/partners?$select=tenantId,isFabrikam",
                                                        {}, 400, "Request_BadRequest"),
    "provisioning logs take no $select": ("/auditLogs/provisioning?$select=id,jobId", {}, 400, "BadRequest"),
    "provisioning logs: $top and $orderby": ("/auditLogs/provisioning?$top=5&$orderby=activityDateTime desc", {}, 200, None),
    "directory audits: the tip's $select": ("/auditLogs/directoryAudits?$select=activityDateTime,activityDisplayName", {}, 200, None),
    "directory audits: a $select of a property they lack": ("/auditLogs/directoryAudits?$select=id,userPrincipalName", {}, 400,
                                                            "Request_BadRequest"),
    "directory audits: initiatedBy/user/id": ("/auditLogs/directoryAudits?$filter=initiatedBy/user/id eq "
                                              "'00000000-0000-0000-0000-000000000000'", {}, 200, None),
    "organization: $select of its domains": ("/organization?$select=id,verifiedDomains", {}, 200, None),
    "users: a sign-in name through identities": ("/users?$select=displayName,id&$filter=identities/any(c:c/issuerAssignedId eq "
                                                 "'j.smith@yahoo.com' and c/issuer eq 'My B2C tenant')", {}, 200, None),
    "users: startswith, $orderby, $count and $top": ("/users?$filter=startswith(displayName,'a')&$orderby=displayName&$count=true"
                                                     "&$top=1", EVENTUAL, 200, None),
    "users: endswith ordered by userPrincipalName": ("/users?$filter=endswith(mail,'a@contoso.com')&$orderby=userPrincipalName"
                                                     "&$count=true", EVENTUAL, 200, None),
    "users: $search ordered": ('/users?$search="displayName:wa"&$orderby=displayName&$count=true', EVENTUAL, 200, None),
    "users: B2B users by their UPN": ("/users?$select=id,displayName,mail,identities&$filter=endsWith(userPrincipalName,"
                                     "'%23EXT%23@contoso.com')&$count=true", EVENTUAL, 200, None),
    "users: a licence by skuId": ("/users?$select=id,mail,assignedLicenses&$filter=assignedLicenses/any(u:u/skuId eq "
                                  "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46)", {}, 200, None),
    "users: a property of a single user only, on the collection": ("/users?$select=aboutMe", {}, 501, None),
    "groups: licence errors, counted": ("/groups?$count=true&$filter=hasMembersWithLicenseErrors eq true&$select=id,displayName",
                                        EVENTUAL, 200, None),
    "groups: startswith, $count, $top and $orderby": ("/groups?$filter=startswith(displayName, 'a')&$count=true&$top=1"
                                                      "&$orderby=displayName", EVENTUAL, 200, None),
    "groups: $search on displayName or description": ('/groups?$search="displayName:Video" OR "description:prod"'
                                                      "&$orderby=displayName&$count=true", EVENTUAL, 200, None),
    "groups: dynamic security groups": ("/groups?$filter=mailEnabled eq false and securityEnabled eq true and "
                                        "NOT(groupTypes/any(s:s eq 'Unified')) and membershipRuleProcessingState eq 'On'"
                                        "&$count=true&$select=id,membershipRule,membershipRuleProcessingState", EVENTUAL, 200, None),
    "groups: any() on licences": ("/groups?$select=id,assignedLicenses&$filter=assignedLicenses/any()", {}, 200, None),
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
    _, body = get(emulator, "/users?$filter=endsWith(userPrincipalName,'%23EXT%23@contoso.com')")
    assert body["error"]["message"].startswith("Operator 'endsWith' is not supported because the required parameters might be "
                                               "missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header.")
    _, body = get(emulator, "/groups?$filter=createdDateTime%20ge%202021-11-01&$count=true", EVENTUAL)
    assert body["error"]["message"] == ("Unsupported or invalid query filter clause specified for property 'createdDateTime' "
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


def test_any_holds_when_one_item_of_the_collection_matches(emulator):
    emulator.admin.load_fixture(two_tenants())
    _, body = get(emulator, "/users?$filter=identities/any(c:c/issuer%20eq%20'contoso.onmicrosoft.com'%20and%20"
                            "c/issuerAssignedId%20eq%20'adele@contoso.onmicrosoft.com')")
    assert [user["id"] for user in body["value"]] == [ADELE]
    _, body = get(emulator, "/groups?$filter=groupTypes/any(c:c%20eq%20'Unified')")
    assert body["value"] == []
    _, body = get(emulator, "/groups?$filter=NOT%20groupTypes/any(c:c%20eq%20'Unified')&$count=true", EVENTUAL)
    assert [group["id"] for group in body["value"]] == [SALES]
    status, body = get(emulator, "/users?$filter=identities/any(c:x/issuer%20eq%20'contoso.onmicrosoft.com')")
    assert status == 400, "a lambda's body speaks of its item"


def test_count_in_a_filter_counts_the_collection(emulator):
    emulator.admin.load_fixture(two_tenants())
    _, body = get(emulator, "/users?$filter=assignedLicenses/$count%20eq%200&$count=true", EVENTUAL)
    assert body["@odata.count"] == 4
    _, body = get(emulator, "/users?$filter=assignedLicenses/$count%20ne%200&$count=true", EVENTUAL)
    assert body["value"] == []
    status, _ = get(emulator, "/users?$filter=assignedLicenses/$count%20eq%202&$count=true", EVENTUAL)
    assert status == 400, "only empty and one-item collections are counted"


def test_a_cast_of_members_answers_only_that_type_as_its_entity_set(emulator):
    emulator.admin.load_fixture(two_tenants())
    _, users = get(emulator, f"/groups/{SALES}/members/microsoft.graph.user?$count=true&$orderby=displayName%20desc", EVENTUAL)
    assert [user["id"] for user in users["value"]] == [ALEX, ADELE] and users["@odata.count"] == 2
    assert users["@odata.context"].endswith("$metadata#users")
    _, groups = get(emulator, f"/groups/{SALES}/members/microsoft.graph.group?$count=true", EVENTUAL)
    assert groups["value"] == [] and groups["@odata.count"] == 0


def test_skip_pages_where_the_collection_takes_it(emulator):
    emulator.admin.load_fixture(two_tenants())
    token = emulator.admin.token(CONTOSO)
    for name in ("first", "second", "third"):
        raw(emulator, "POST", "/identity/conditionalAccess/policies", token,
            {"displayName": name, "state": "disabled", "conditions": {}})
    _, every = get(emulator, "/identity/conditionalAccess/policies")
    _, page = get(emulator, "/identity/conditionalAccess/policies?$skip=1&$top=1")
    assert [p["id"] for p in page["value"]] == [every["value"][1]["id"]]
    _, following = get(emulator, page["@odata.nextLink"].split("/v1.0", 1)[1])
    assert [p["id"] for p in following["value"]] == [every["value"][2]["id"]], "the next link does not skip twice"


def test_app_role_assignments_filter_on_their_documented_properties(emulator):
    emulator.admin.load_fixture(two_tenants())
    config = asyncio.run(configure_job(graph_client_for(emulator, CONTOSO), FABRIKAM))
    status, body = get(emulator, f"/servicePrincipals/{config.sp_id}/appRoleAssignedTo?$filter=resourceId%20eq%20{config.sp_id}")
    assert status == 200, body


def test_a_collection_answered_without_declared_rules_is_marked(emulator, monkeypatch):
    """What keeps a new list honest: the emulator answers it, and the other tiers fail on the mark."""
    emulator.admin.load_fixture(two_tenants())
    monkeypatch.setattr(query_rules, "_COMPILED", [entry for entry in query_rules._COMPILED if entry[0].pattern != "^/users(?P<count>/\\$count)?/?$"])
    status, _ = get(emulator, "/users")
    assert status == 200
    [kept] = emulator.state.broken_queries
    assert kept["path"] == "/v1.0/users" and "without declaring its query rules" in kept["strict"]


def test_query_option_names_are_read_without_regard_to_case(emulator):
    emulator.admin.load_fixture(two_tenants())
    status, body = get(emulator, "/users?$orderBy=displayName%20desc&$Select=displayName")
    names = [user["displayName"] for user in body["value"]]
    assert status == 200 and names == sorted(names, key=str.lower, reverse=True) and set(body["value"][0]) == {"id", "displayName"}


# Every resource type the emulator answers, where one answer of it is read: (type, path), with
# {sp} the configured job's service principal. Users and groups answer their default property sets
# (tested above).
SERVED_TYPES = {
    "crossTenantAccessPolicy": "/policies/crossTenantAccessPolicy",
    "organization": "/organization",
    "appRoleAssignment": "/servicePrincipals/{sp}/appRoleAssignedTo",
    "multiTenantOrganization": "/tenantRelationships/multiTenantOrganization",
    "multiTenantOrganizationJoinRequestRecord": "/tenantRelationships/multiTenantOrganization/joinRequest",
    "conditionalAccessPolicy": "/identity/conditionalAccess/policies",
    "synchronizationJob": "/servicePrincipals/{sp}/synchronization/jobs",
    "synchronizationTemplate": "/servicePrincipals/{sp}/synchronization/templates",
    "provisioningObjectSummary": "/auditLogs/provisioning",
    "directoryAudit": "/auditLogs/directoryAudits",
    "crossTenantAccessPolicyConfigurationDefault": "/policies/crossTenantAccessPolicy/default",
    "crossTenantAccessPolicyConfigurationPartner": f"/policies/crossTenantAccessPolicy/partners/{FABRIKAM}",
    "authorizationPolicy": "/policies/authorizationPolicy",
}
# The MTO member's page lists neither of these (its JSON representation is the Graph team's word;
# the SDK derives the type from directoryObject).
NOT_ON_THE_PAGE = {"multiTenantOrganizationMember": {"id", "deletedDateTime"}}


def test_every_type_the_emulator_serves_carries_every_property(emulator):
    emulator.admin.load_fixture(two_tenants())

    async def configured() -> str:
        source, target = graph_client_for(emulator, CONTOSO), graph_client_for(emulator, FABRIKAM)
        config = await ready_pair(source, target)
        await assign(source, config, SALES)
        await put_mto(source, "Contoso and Fabrikam")
        return config.sp_id

    sp = asyncio.run(configured())
    emulator.admin.run_sync()
    token = emulator.admin.token(CONTOSO)
    raw(emulator, "POST", "/identity/conditionalAccess/policies", token, {"displayName": "Block", "state": "disabled", "conditions": {}})
    paths = {**SERVED_TYPES, "multiTenantOrganizationMember": "/tenantRelationships/multiTenantOrganization/tenants"}
    lacking = {}
    for type_name, path in paths.items():
        status, _, body = raw(emulator, "GET", path.format(sp=sp), token)
        rows = body.get("value", [body])
        assert status == 200 and rows, (type_name, body)
        missing = set(structural_properties(type_name)) - set(rows[0]) - NOT_ON_THE_PAGE.get(type_name, set())
        if missing:
            lacking[type_name] = sorted(missing)
    assert lacking == {}


def test_provisioning_log_filters_compare_with_case_and_tolower_folds_it(emulator):
    """"The filters are all case sensitive" (the list page): hence tolower() in Microsoft's monitoring query."""
    emulator.admin.load_fixture(two_tenants())

    async def synced() -> None:
        source, target = graph_client_for(emulator, CONTOSO), graph_client_for(emulator, FABRIKAM)
        await assign(source, await ready_pair(source, target), SALES)

    asyncio.run(synced())
    emulator.admin.run_sync()
    _, every = get(emulator, "/auditLogs/provisioning")
    assert every["value"] and {entry["servicePrincipal"]["displayName"] for entry in every["value"]} == {"Fabrikam"}
    _, exact = get(emulator, "/auditLogs/provisioning?$filter=contains(servicePrincipal/displayName,%20'fabrikam')")
    _, folded = get(emulator, "/auditLogs/provisioning?$filter=contains(tolower(servicePrincipal/displayName),%20'fabrikam')")
    assert exact["value"] == [] and len(folded["value"]) == len(every["value"])


def test_select_applies_to_one_entity_of_any_type(emulator):
    """What a program reads beyond its `$select` is not there in Graph's answer, so not here either."""
    emulator.admin.load_fixture(two_tenants())
    asyncio.run(allow_inbound(graph_client_for(emulator, FABRIKAM), CONTOSO))
    token = emulator.admin.token(FABRIKAM)
    for path, selected in ((f"/policies/crossTenantAccessPolicy/partners/{CONTOSO}?$select=tenantId", {"tenantId"}),
                           ("/policies/crossTenantAccessPolicy/default?$select=inboundTrust", {"inboundTrust"}),
                           ("/policies/authorizationPolicy?$select=allowInvitesFrom", {"allowInvitesFrom"})):
        status, _, body = raw(emulator, "GET", path, token)
        assert status == 200 and {key for key in body if not key.startswith("@odata.")} - {"id"} == selected, (path, body)


def test_search_tokenizes_display_names_and_matches_other_properties_from_their_start(emulator):
    emulator.admin.load_fixture(two_tenants())
    _, body = get(emulator, '/users?$search="displayName:wil"', EVENTUAL)
    assert [user["id"] for user in body["value"]] == [ALEX], "a word of the display name"
    _, body = get(emulator, '/users?$search="mail:ale"', EVENTUAL)
    assert [user["id"] for user in body["value"]] == [ALEX], "the start of the mail"
    _, body = get(emulator, '/users?$search="mail:contoso"', EVENTUAL)
    assert body["value"] == [], "not a word inside it"


def test_expand_inlines_the_manager_and_refuses_what_the_type_lacks(emulator):
    emulator.admin.load_fixture(two_tenants())
    token = emulator.admin.token(CONTOSO)
    raw(emulator, "PUT", f"/users/{ALEX}/manager/$ref", token, {"@odata.id": f"https://graph.microsoft.com/v1.0/users/{ADELE}"})
    _, alex = get(emulator, f"/users/{ALEX}?$expand=manager($select=id,displayName)")
    assert alex["manager"] == {"@odata.type": "#microsoft.graph.user", "id": ADELE, "displayName": "Adele Vance"}
    assert alex["displayName"] == "Alex Wilber", "the user's own default properties come back beside it"
    _, listed = get(emulator, "/users?$select=id&$expand=manager")
    managers = {user["id"]: user.get("manager", {}).get("id") for user in listed["value"]}
    assert managers[ALEX] == ADELE and managers[ADELE] is None
    status, body = get(emulator, "/users?$expand=mangr")
    assert status == 400 and body["error"]["message"] == "Could not find a property named 'mangr' on type 'microsoft.graph.user'."
    status, body = get(emulator, "/users?$expand=memberOf")
    assert status == 400 and "does not expand 'memberOf'" in body["error"]["message"], "a relationship Graph has, not inlined here"

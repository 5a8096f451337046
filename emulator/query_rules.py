"""Graph's documented query rules, so that a query the emulator answers is one Graph answers
(docs/graph-notes.md#query-rules). Every collection the emulator serves is declared in COLLECTIONS
with its rules; a collection answered without a declaration is marked in the request log.

Directory objects (https://learn.microsoft.com/en-us/graph/aad-advanced-queries): each property of
users, groups, applications and service principals supports some `$filter` operators by default and
some only in advanced queries, which carry the header `ConsistencyLevel: eventual` and `$count=true`;
a property not listed supports none. `ne`, `not` and `endsWith` are advanced everywhere, `in` is
default wherever `eq` is, a `$count` inside `$filter` is advanced. `$search` needs the header, the
`/$count` segment needs the header, `$count=true` without it is silently ignored, `$orderby` works
on few properties, `$filter` with `$orderby` is advanced, and `$skip` is refused. A group's members
need the advanced parameters for any `$filter`, `$orderby`, `$search` or cast. `$top` is 1..999.

Other lists: the query options their list page names, and the operators each property's description
lists (provisioning logs, directory audits, multitenant organization members).

A strict emulator (the default) refuses a query that breaks a rule with the error Graph answers;
every request log entry says which rule a query broke (`strict`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .odata import filter_uses, order_keys
from .wire import ErrorReply

DEFAULT, ADVANCED = "default", "advanced"
Operators = dict[str, str]  # operator -> DEFAULT or ADVANCED
ADVANCED_PARAMETERS = ("is not supported because the required parameters might be missing. Try adding $count=true query "
                       "parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries "
                       "for more information")
MAX_TOP = 999


def _ops(default: str = "", advanced: str = "ne not") -> Operators:
    """`in` comes with a default `eq` (the advanced-queries page says so)."""
    names = default.split() + (["in"] if "eq" in default.split() else [])
    return {**{name: ADVANCED for name in advanced.split()}, **{name: DEFAULT for name in names}}


def _same(operators: Operators, *names: str) -> dict[str, Operators]:
    return {name: operators for name in names}


def _collection(default: str, advanced: str = "not") -> Operators:
    """A multi-valued property, filtered through `any` (`any()`: not empty); counting its items is advanced."""
    return {**_ops(default, advanced), "any": DEFAULT, "$count": ADVANCED}


@dataclass(frozen=True)
class DirectoryType:
    name: str  # as Graph names the resource in its messages
    filters: dict[str, Operators] | None  # None: no per-property rule documented, the operators' own hold
    orderby: dict[str, str]


# The advanced-queries page's tables (users), each resource page's "Supports $filter (...)", and the
# $filter page's examples for multi-valued properties (https://learn.microsoft.com/en-us/graph/filter-query-parameter).
USER = DirectoryType("User", {
    **_same(_ops("eq"), "accountenabled", "usertype", "externalusertype", "externaluserstate", "creationtype", "id"),
    **_same(_ops("eq ge le startswith"), "department", "country", "givenname", "surname", "mailnickname",
            "usagelocation", "state"),
    "jobtitle": _ops("eq ge le"),
    "city": _ops("eq ge startswith"),
    "displayname": _ops("eq startswith"),
    "userprincipalname": _ops("eq le startswith", "ne not endswith"),
    "mail": _ops("eq ge le startswith", "ne not endswith"),
    "createddatetime": _ops("eq ge le", "ne not in"),
    "employeeid": _ops("eq startswith", "ne le"),
    "onpremisessyncenabled": _ops("eq", "ne ge le"),
    **_same(_ops("", "eq ne not ge le in startswith"), "companyname", "officelocation", "mobilephone", "employeetype"),
    "identities": _collection("eq"),
    "imaddresses": _collection("eq ge le startswith"),
    "othermails": _collection("eq ge le startswith", "not endswith"),
    "proxyaddresses": _collection("eq ge le startswith", "not endswith"),
    "businessphones": _collection("eq", "not startswith"),
    **_same(_collection("eq"), "assignedlicenses", "assignedplans"),
}, {"displayname": DEFAULT, "userprincipalname": DEFAULT, "createddatetime": ADVANCED, "deleteddatetime": ADVANCED})
GROUP = DirectoryType("Group", {
    "id": _ops("eq"),
    **_same(_ops("eq ge le startswith"), "displayname", "mailnickname"),
    "mail": _ops("eq ge le startswith", "ne not endswith"),
    "description": _ops("eq ge le startswith"),
    **_same(_ops("eq"), "mailenabled", "securityenabled", "isassignabletorole", "hasmemberswithlicenseerrors",
            "membershipruleprocessingstate"),
    "grouptypes": _collection("eq"),
    "assignedlicenses": _collection("eq"),
    "proxyaddresses": _collection("eq startswith", "not endswith"),
}, {"displayname": DEFAULT, "deleteddatetime": ADVANCED})
_APPLICATION_FILTERS = {
    "id": _ops("eq"),
    "appid": _ops("eq startswith"),
    "applicationtemplateid": _ops("eq"),
    "displayname": _ops("eq ge le startswith"),
    "tags": _collection("eq ge le startswith"),
}
_APPLICATION_ORDER = {"displayname": ADVANCED, "createddatetime": ADVANCED, "deleteddatetime": ADVANCED}
APPLICATION = DirectoryType("Application", {
    **_APPLICATION_FILTERS,
    "createddatetime": _ops("eq ge le"),
    "publisherdomain": _ops("eq ge le startswith"),
    "signinaudience": _ops("eq"),
    "identifieruris": _collection("eq ge le startswith"),
}, _APPLICATION_ORDER)
SERVICE_PRINCIPAL = DirectoryType("ServicePrincipal", {
    **_APPLICATION_FILTERS,
    **_same(_ops("eq"), "accountenabled", "appownerorganizationid", "preferredsinglesignonmode"),
    "serviceprincipaltype": _ops("eq startswith"),
    "publishername": _ops("eq ge le startswith"),
    "serviceprincipalnames": _collection("eq ge le startswith"),
}, _APPLICATION_ORDER)
# https://learn.microsoft.com/en-us/graph/api/resources/approleassignment
APP_ROLE_ASSIGNMENT = DirectoryType("AppRoleAssignment", {
    "principaldisplayname": _ops("eq startswith"),
    "resourceid": _ops("eq"),
}, {})
# A group's members as directoryObjects: no per-property rule is documented.
DIRECTORY_OBJECT = DirectoryType("DirectoryObject", None, {"displayname": ADVANCED})
_GENERALLY_ADVANCED = {"ne", "not", "endswith", "$count"}
CASTS = {"user": USER, "group": GROUP, "application": APPLICATION, "serviceprincipal": SERVICE_PRINCIPAL}
# https://learn.microsoft.com/en-us/graph/api/directory-deleteditems-list: $orderby on displayName
# (and a user's userPrincipalName) by default, on deletedDateTime in advanced queries.
_DELETED_ORDER = {"displayname": DEFAULT, "deleteddatetime": ADVANCED}
DELETED = {name: DirectoryType(kind.name, kind.filters, _DELETED_ORDER | ({"userprincipalname": DEFAULT} if kind is USER else {}))
           for name, kind in CASTS.items()}


@dataclass(frozen=True)
class Directory:
    """A collection of directory objects. `kind` None: the type comes from the path's cast."""
    kind: DirectoryType | None
    casts: dict[str, DirectoryType] = field(default_factory=dict)
    everything_advanced: bool = False  # a group's members: every $filter, $orderby, $search and cast


@dataclass(frozen=True)
class Listed:
    """A list outside the directory: the options its page names (None: any) and, where its resource
    page says, the operators each property supports (None: no rule documented)."""
    options: frozenset[str] | None
    filters: dict[str, frozenset[str]] | None = None
    orderby: frozenset[str] | None = None


_LOG_TEXT = frozenset({"eq", "contains"})
# https://learn.microsoft.com/en-us/graph/api/provisioningobjectsummary-list: "$filter (eq, contains,
# gt, lt), $orderby, $top, $skiptoken".
PROVISIONING = Listed(frozenset({"$filter", "$orderby", "$top"}), {
    "activitydatetime": frozenset({"eq", "gt", "lt"}),
    **{name: _LOG_TEXT for name in (
        "id", "jobid", "changeid", "cycleid", "provisioningaction", "tenantid", "initiatedby/id", "initiatedby/displayname",
        "serviceprincipal/id", "serviceprincipal/displayname",
        *(f"{side}identity/{name}" for side in ("source", "target") for name in ("id", "displayname", "identitytype")))},
    **{name: frozenset({"eq"}) for name in (
        "provisioningstatusinfo/status", "sourcesystem/id", "sourcesystem/displayname", "targetsystem/id", "targetsystem/displayname")},
}, frozenset({"activitydatetime"}))
# https://learn.microsoft.com/en-us/graph/api/directoryaudit-list: "$filter (eq, ge, le, startswith),
# $top, $orderby, and skiptoken"; its example answer's tip suggests $select, so that is taken too.
DIRECTORY_AUDITS = Listed(frozenset({"$filter", "$orderby", "$top", "$select"}), {
    "activitydatetime": frozenset({"eq", "ge", "le"}),
    **{name: frozenset({"eq", "startswith"}) for name in (
        "activitydisplayname", "initiatedby/user/userprincipalname", "initiatedby/app/displayname")},
    **{name: frozenset({"eq"}) for name in (
        "category", "loggedbyservice", "result", "correlationid", "initiatedby/user/id", "initiatedby/user/displayname",
        "initiatedby/app/appid")},
}, frozenset({"activitydatetime"}))
_ID = "[^/]+"
_CAST = r"(?:microsoft\.)?graph\.(?P<cast>\w+)"
_COUNT = r"(?P<count>/\$count)?"
# Every collection the emulator serves, with the page its rules come from (docs/graph-notes.md#query-rules).
COLLECTIONS: list[tuple[str, Directory | Listed]] = [
    (f"/users{_COUNT}", Directory(USER)),
    (f"/groups{_COUNT}", Directory(GROUP)),
    (f"/applications{_COUNT}", Directory(APPLICATION)),
    (f"/servicePrincipals{_COUNT}", Directory(SERVICE_PRINCIPAL)),
    # https://learn.microsoft.com/en-us/graph/api/group-list-members
    (f"/groups/{_ID}/members{_COUNT}", Directory(DIRECTORY_OBJECT, everything_advanced=True)),
    (f"/groups/{_ID}/members/{_CAST}{_COUNT}", Directory(None, CASTS, everything_advanced=True)),
    (f"/directory/deletedItems/{_CAST}", Directory(None, DELETED)),
    (f"/servicePrincipals/{_ID}/appRoleAssignedTo", Directory(APP_ROLE_ASSIGNMENT)),
    ("/auditLogs/provisioning", PROVISIONING),
    ("/auditLogs/directoryAudits", DIRECTORY_AUDITS),
    # https://learn.microsoft.com/en-us/graph/api/crosstenantaccesspolicy-list-partners
    ("/policies/crossTenantAccessPolicy/partners", Listed(frozenset({"$select", "$expand"}))),
    # https://learn.microsoft.com/en-us/graph/api/synchronization-synchronization-list-jobs and -list-templates
    (f"/servicePrincipals/{_ID}/synchronization/(?:jobs|templates)", Listed(frozenset())),
    # https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationschema-filteroperators and -functions
    (rf"/servicePrincipals/{_ID}/synchronization/jobs/{_ID}/schema/(?:filterOperators|functions)(?:\(\))?", Listed(frozenset())),
    # The secrets the job signs in with (docs/graph-notes.md#secrets): no page documents an option.
    (f"/servicePrincipals/{_ID}/synchronization/secrets", Listed(frozenset())),
    # https://learn.microsoft.com/en-us/graph/api/multitenantorganization-list-tenants and the
    # multiTenantOrganizationMember page ("tenantId ... Supports $filter")
    ("/tenantRelationships/multiTenantOrganization/tenants",
     Listed(frozenset({"$select", "$filter"}), {"tenantid": frozenset({"eq"})})),
    # https://learn.microsoft.com/en-us/graph/api/conditionalaccessroot-list-policies
    ("/identity/conditionalAccess/policies",
     Listed(frozenset({"$skip", "$top", "$count", "$filter", "$orderby", "$select"}))),
    # https://learn.microsoft.com/en-us/graph/api/organization-list: "the OData query parameters"
    ("/organization", Listed(None)),
]
_COMPILED = [(re.compile(f"^{pattern}/?$", re.IGNORECASE), rules) for pattern, rules in COLLECTIONS]


def declared(path: str) -> bool:
    """Whether the collection at this path has its rules declared in COLLECTIONS."""
    return _rules(path) is not None


def _rules(path: str) -> tuple[re.Match[str], Directory | Listed] | None:
    return next(((found, rules) for pattern, rules in _COMPILED if (found := pattern.match(path))), None)


def refusal(path: str, query: dict[str, str], consistency_level: str | None) -> ErrorReply | None:
    """The error Graph answers this GET with, or None when Graph answers it."""
    matched = _rules(path)
    if matched is None:
        return None
    found, rules = matched
    try:
        if isinstance(rules, Listed):
            return _options(query, rules.options) or _listed(rules, query)
        return _directory(rules, found, query, _eventual(consistency_level))
    except ErrorReply as unparsable:  # a $filter or $orderby Graph cannot parse either
        return unparsable


def honoured(path: str, query: dict[str, str], consistency_level: str | None) -> dict[str, str]:
    """The query as Graph acts on it: on directory objects, `$count=true` without the header is ignored."""
    matched = _rules(path)
    if matched is not None and isinstance(matched[1], Directory) and not _eventual(consistency_level):
        return {name: value for name, value in query.items() if name != "$count"}
    return query


def _eventual(consistency_level: str | None) -> bool:
    return (consistency_level or "").lower() == "eventual"


def _options(query: dict[str, str], allowed: frozenset[str] | None) -> ErrorReply | None:
    """The OData library's 400 for an option the collection does not take. `$skiptoken` is the
    collection's own next link (https://learn.microsoft.com/en-us/graph/paging), taken everywhere."""
    for option in query:
        if allowed is not None and option.startswith("$") and option not in allowed | {"$skiptoken"}:
            return ErrorReply(400, "BadRequest", f"Query option '{option[1:].capitalize()}' is not allowed. To allow it, "
                              "set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.")
    return None


def _unsupported(message: str) -> ErrorReply:
    return ErrorReply(400, "Request_UnsupportedQuery", message)


def _directory(rules: Directory, found: re.Match[str], query: dict[str, str], eventual: bool) -> ErrorReply | None:
    cast, count_segment = found.groupdict().get("cast"), bool(found.groupdict().get("count"))
    kind = rules.kind or rules.casts.get((cast or "").lower())
    if kind is None:
        return ErrorReply(400, "Request_BadRequest", f"Unsupported type cast '{cast}'.")
    if "$skip" in query:  # https://learn.microsoft.com/en-us/graph/paging
        return ErrorReply(400, "Request_BadRequest", "'$skip' is not supported by the service.")
    if count_segment and not eventual:
        return ErrorReply(400, "Request_BadRequest", "$count is not currently supported.")
    if "$search" in query and not eventual:
        return _unsupported("Request with $search query parameter only works through MSGraph with a special request "
                            "header: 'ConsistencyLevel: eventual'")
    top = query.get("$top", "1")
    if not top.isdigit() or not 1 <= int(top) <= MAX_TOP:
        return _unsupported(f"Invalid page size specified: '{top}'. Must be between 1 and {MAX_TOP} inclusive.")
    advanced = eventual and (count_segment or query.get("$count", "").lower() == "true")
    if advanced and "$expand" in query:  # the advanced-queries page: "$expand is not currently supported"
        return _unsupported("$expand is not supported with advanced queries (ConsistencyLevel: eventual and $count=true).")
    if rules.everything_advanced and not advanced:
        used = [option for option in ("$filter", "$orderby", "$search") if option in query] + (["an OData cast"] if cast else [])
        if used:
            return _unsupported(f"{used[0]} on a group's members {ADVANCED_PARAMETERS}")
    return _filters(kind, query, advanced) or _order(kind, query, advanced)


def _filters(kind: DirectoryType, query: dict[str, str], advanced: bool) -> ErrorReply | None:
    for name, operator in filter_uses(query.get("$filter", "")):
        needs = _needs(kind, name.lower(), operator.lower())
        if needs is None:
            return _unsupported(f"Unsupported or invalid query filter clause specified for property '{name}' of resource "
                                f"'{kind.name}'.")
        if needs == ADVANCED and not advanced:
            return _unsupported(f"Operator '{operator}' {ADVANCED_PARAMETERS}")
    return None


def _order(kind: DirectoryType, query: dict[str, str], advanced: bool) -> ErrorReply | None:
    for name in order_keys(query.get("$orderby", "")):
        needs = kind.orderby.get(name)
        if needs is None:
            return _unsupported(f"Sorting by property '{name}' of resource '{kind.name}' is not supported.")
        if (needs == ADVANCED or query.get("$filter")) and not advanced:
            return _unsupported(f"$orderby on '{name}'{' with $filter' if query.get('$filter') else ''} {ADVANCED_PARAMETERS}")
    return None


def _needs(kind: DirectoryType, name: str, operator: str) -> str | None:
    """DEFAULT or ADVANCED for the operator on the property, or None when Graph supports it on neither."""
    if kind.filters is None:  # any property, the operator's own rule
        return ADVANCED if operator in _GENERALLY_ADVANCED else DEFAULT
    return kind.filters.get(name, {}).get(operator)


def _listed(rules: Listed, query: dict[str, str]) -> ErrorReply | None:
    if rules.filters is not None:
        for name, operator in filter_uses(query.get("$filter", "")):
            if name.lower() not in rules.filters:
                return _unsupported(f"Invalid filter clause: the property '{name}' is not supported in $filter.")
            if operator.lower() not in rules.filters[name.lower()]:
                return _unsupported(f"Invalid filter clause: the operator '{operator}' is not supported for '{name}'.")
    if rules.orderby is not None:
        for name in order_keys(query.get("$orderby", "")):
            if name not in rules.orderby:
                return _unsupported(f"Invalid $orderby clause: the property '{name}' is not supported in $orderby.")
    return None

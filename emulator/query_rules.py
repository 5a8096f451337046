"""Graph's documented query rules, so that a query the emulator answers is one Graph answers
(docs/graph-notes.md#query-rules).

Directory objects (https://learn.microsoft.com/en-us/graph/aad-advanced-queries): each property of
users, groups, applications and service principals supports some `$filter` operators by default and
some only in advanced queries, which carry the header `ConsistencyLevel: eventual` and `$count=true`;
a property not listed supports none. `ne`, `not` and `endsWith` are advanced everywhere, `in` is
default wherever `eq` is. `$search` needs the header, the `/$count` segment needs the header,
`$count=true` without it is silently ignored, `$orderby` works on few properties, and `$filter`
with `$orderby` is advanced. Relationship collections (a group's members...) get the operator
rules, not the per-property ones. `$top` is 1..999.

Provisioning logs (https://learn.microsoft.com/en-us/graph/api/resources/provisioningobjectsummary)
and directory audits (https://learn.microsoft.com/en-us/graph/api/resources/directoryaudit): the
operators each property's description lists, and `$orderby` on `activityDateTime`.

A strict emulator (the default) refuses a query that breaks a rule with the error Graph answers;
every request log entry says which rule a query broke (`strict`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

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


@dataclass(frozen=True)
class DirectoryType:
    name: str  # as Graph names the resource in its messages
    filters: dict[str, Operators]
    orderby: dict[str, str]


# The advanced-queries page's tables (users) and each resource page's "Supports $filter (...)".
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
}, {"displayname": DEFAULT, "userprincipalname": DEFAULT, "createddatetime": ADVANCED, "deleteddatetime": ADVANCED})
GROUP = DirectoryType("Group", {
    "id": _ops("eq"),
    **_same(_ops("eq ge le startswith"), "displayname", "mailnickname"),
    "mail": _ops("eq ge le startswith", "ne not endswith"),
    "description": _ops("eq ge le startswith"),
    **_same(_ops("eq"), "mailenabled", "securityenabled", "isassignabletorole"),
}, {"displayname": DEFAULT, "deleteddatetime": ADVANCED})
_APPLICATION_FILTERS = {
    "id": _ops("eq"),
    "appid": _ops("eq startswith"),
    "applicationtemplateid": _ops("eq"),
    "displayname": _ops("eq ge le startswith"),
}
_APPLICATION_ORDER = {"displayname": ADVANCED, "createddatetime": ADVANCED, "deleteddatetime": ADVANCED}
APPLICATION = DirectoryType("Application", {
    **_APPLICATION_FILTERS,
    "createddatetime": _ops("eq ge le"),
    "publisherdomain": _ops("eq ge le startswith"),
    "signinaudience": _ops("eq"),
}, _APPLICATION_ORDER)
SERVICE_PRINCIPAL = DirectoryType("ServicePrincipal", {
    **_APPLICATION_FILTERS,
    **_same(_ops("eq"), "accountenabled", "appownerorganizationid", "preferredsinglesignonmode"),
    "serviceprincipaltype": _ops("eq startswith"),
    "publishername": _ops("eq ge le startswith"),
}, _APPLICATION_ORDER)
DIRECTORY_TYPES = {"users": USER, "groups": GROUP, "applications": APPLICATION, "serviceprincipals": SERVICE_PRINCIPAL}
_DIRECTORY_PATH = re.compile(r"^/(users|groups|applications|servicePrincipals|devices|directoryObjects)"
                             r"(/[^/]+/(members|transitiveMembers|memberOf|transitiveMemberOf))?(/\$count)?$", re.IGNORECASE)
_GENERALLY_ADVANCED = {"ne", "not", "endswith"}


@dataclass(frozen=True)
class LogCollection:
    filters: dict[str, frozenset[str]]
    orderby: frozenset[str]


PROVISIONING = LogCollection({
    "activitydatetime": frozenset({"eq", "gt", "lt"}),
    **{name: frozenset({"eq", "contains"}) for name in (
        "id", "jobid", "changeid", "cycleid", "provisioningaction", "tenantid", "initiatedby/id", "initiatedby/displayname",
        "serviceprincipal/id", "serviceprincipal/displayname",
        *(f"{side}identity/{name}" for side in ("source", "target") for name in ("id", "displayname", "identitytype")))},
    **{name: frozenset({"eq"}) for name in (
        "provisioningstatusinfo/status", "sourcesystem/id", "sourcesystem/displayname", "targetsystem/id", "targetsystem/displayname")},
}, frozenset({"activitydatetime"}))
DIRECTORY_AUDITS = LogCollection({
    "activitydatetime": frozenset({"eq", "ge", "le"}),
    **{name: frozenset({"eq", "startswith"}) for name in (
        "activitydisplayname", "initiatedby/user/userprincipalname", "initiatedby/app/displayname")},
    **{name: frozenset({"eq"}) for name in (
        "category", "loggedbyservice", "result", "correlationid", "initiatedby/user/id", "initiatedby/user/displayname",
        "initiatedby/app/appid")},
}, frozenset({"activitydatetime"}))
LOG_COLLECTIONS = {"/auditlogs/provisioning": PROVISIONING, "/auditlogs/directoryaudits": DIRECTORY_AUDITS}
# Collections whose list page names the only query options they take: the partner list's "This
# method supports the $select and $expand OData query parameters"
# (https://learn.microsoft.com/en-us/graph/api/crosstenantaccesspolicy-list-partners); the job list's
# page documents none (https://learn.microsoft.com/en-us/graph/api/synchronization-synchronization-list-jobs).
OPTIONS_ONLY = {
    re.compile(r"^/policies/crossTenantAccessPolicy/partners/?$", re.IGNORECASE): frozenset({"$select", "$expand"}),
    re.compile(r"^/servicePrincipals/[^/]+/synchronization/jobs/?$", re.IGNORECASE): frozenset(),
}


def refusal(path: str, query: dict[str, str], consistency_level: str | None) -> ErrorReply | None:
    """The error Graph answers this GET with, or None when Graph answers it."""
    allowed = next((options for pattern, options in OPTIONS_ONLY.items() if pattern.match(path)), None)
    if allowed is not None:
        return _options(query, allowed)
    directory = _DIRECTORY_PATH.match(path)
    log = LOG_COLLECTIONS.get(path.lower())
    try:
        if directory:
            kind = None if directory.group(2) else DIRECTORY_TYPES.get(directory.group(1).lower())
            return _directory(kind, bool(directory.group(4)), query, _eventual(consistency_level))
        return _log(log, query) if log is not None else None
    except ErrorReply as unparsable:  # a $filter or $orderby Graph cannot parse either
        return unparsable


def honoured(path: str, query: dict[str, str], consistency_level: str | None) -> dict[str, str]:
    """The query as Graph acts on it: on directory objects, `$count=true` without the header is ignored."""
    if _DIRECTORY_PATH.match(path) and not _eventual(consistency_level):
        return {name: value for name, value in query.items() if name != "$count"}
    return query


def _eventual(consistency_level: str | None) -> bool:
    return (consistency_level or "").lower() == "eventual"


def _options(query: dict[str, str], allowed: frozenset[str]) -> ErrorReply | None:
    """The OData library's 400 for an option the collection does not take."""
    for option in query:
        if option.startswith("$") and option.lower() not in allowed:
            return ErrorReply(400, "BadRequest", f"Query option '{option[1:].capitalize()}' is not allowed. To allow it, "
                              "set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.")
    return None


def _unsupported(message: str) -> ErrorReply:
    return ErrorReply(400, "Request_UnsupportedQuery", message)


def _directory(kind: DirectoryType | None, count_segment: bool, query: dict[str, str], eventual: bool) -> ErrorReply | None:
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
    for name, operator in filter_uses(query.get("$filter", "")):
        needs = _needs(kind, name, operator)
        if needs is None:
            return _unsupported(f"Unsupported or invalid query filter clause specified for property '{name}' of resource "
                                f"'{kind.name if kind else 'DirectoryObject'}'.")
        if needs == ADVANCED and not advanced:
            return _unsupported(f"Operator '{operator}' {ADVANCED_PARAMETERS}")
    for name in order_keys(query.get("$orderby", "")):
        needs = kind.orderby.get(name) if kind else ADVANCED
        if needs is None:
            return _unsupported(f"Sorting by property '{name}' of resource '{kind.name if kind else ''}' is not supported.")
        if (needs == ADVANCED or query.get("$filter")) and not advanced:
            return _unsupported(f"$orderby on '{name}'{' with $filter' if query.get('$filter') else ''} {ADVANCED_PARAMETERS}")
    return None


def _needs(kind: DirectoryType | None, name: str, operator: str) -> str | None:
    """DEFAULT or ADVANCED for the operator on the property, or None when Graph supports it on neither."""
    if kind is None:  # a relationship: any property, the operators' own rule
        return ADVANCED if operator in _GENERALLY_ADVANCED else DEFAULT
    return kind.filters.get(name, {}).get(operator)


def _log(log: LogCollection, query: dict[str, str]) -> ErrorReply | None:
    for name, operator in filter_uses(query.get("$filter", "")):
        if name not in log.filters:
            return _unsupported(f"Invalid filter clause: the property '{name}' is not supported in $filter.")
        if operator not in log.filters[name]:
            return _unsupported(f"Invalid filter clause: the operator '{operator}' is not supported for '{name}'.")
    for name in order_keys(query.get("$orderby", "")):
        if name not in log.orderby:
            return _unsupported(f"Invalid $orderby clause: the property '{name}' is not supported in $orderby.")
    return None

"""Graph's documented query rules, so that a query the emulator answers is one Graph answers
(docs/graph-notes.md#query-rules).

Directory objects (users, groups, applications, service principals, their members): `ne`, `not` and
`endsWith` in `$filter`, `$search` and `$count` are advanced queries. Graph refuses them with 400
`Request_UnsupportedQuery` unless the request carries `ConsistencyLevel: eventual` and `$count=true`
(https://learn.microsoft.com/en-us/graph/aad-advanced-queries).

Provisioning logs filter `activityDateTime` with `eq`, `gt`, `lt` and `contains`, and the identities
and job with `eq` (https://learn.microsoft.com/en-us/graph/api/provisioningobjectsummary-list).
Directory audits filter `activityDateTime` with `ge` and `le`
(https://learn.microsoft.com/en-us/graph/api/directoryaudit-list).

Each request is checked against these; a strict emulator (the default) refuses a query that breaks
one as Graph would, and every request log entry says which rule a query broke (`strict`).
"""
from __future__ import annotations

import re

DIRECTORY_COLLECTIONS = re.compile(r"^/(users|groups|applications|servicePrincipals|devices|directoryObjects)(/[^/]+/(members|transitiveMembers|memberOf))?(/\$count)?$",
                                   re.IGNORECASE)
ADVANCED_OPERATORS = re.compile(r"(?<![\w/])(ne|not|endswith)(?![\w/])", re.IGNORECASE)
_STRING = re.compile(r"'(?:[^']|'')*'")
_COMPARISON = re.compile(r"([\w/]+)\s+(eq|ne|gt|ge|lt|le)\s", re.IGNORECASE)
_FUNCTION = re.compile(r"(contains|startswith|endswith)\(\s*([\w/]+)", re.IGNORECASE)
# Collection -> property -> the operators its $filter documents.
DOCUMENTED_FILTERS: dict[str, dict[str, frozenset[str]]] = {
    "/auditLogs/provisioning": {
        "activitydatetime": frozenset({"eq", "gt", "lt", "contains"}),
        **{name: frozenset({"eq"}) for name in (
            "id", "jobid", "changeid", "cycleid", "provisioningaction", "provisioningstatusinfo/status",
            "sourceidentity/id", "targetidentity/id", "sourceidentity/identitytype", "targetidentity/identitytype",
            "sourcesystem/displayname", "targetsystem/displayname", "serviceprincipal/id")},
        **{name: frozenset({"eq", "contains", "startswith"}) for name in ("sourceidentity/displayname", "targetidentity/displayname")},
    },
    "/auditLogs/directoryAudits": {
        "activitydatetime": frozenset({"ge", "le"}),
        **{name: frozenset({"eq"}) for name in ("category", "loggedbyservice", "activitydisplayname", "result",
                                                "initiatedby/user/id", "initiatedby/app/appid", "targetresources/any")},
    },
}


def broken_rule(path: str, query: dict[str, str], consistency_level: str | None) -> str | None:
    """The message Graph's 400 would carry for this GET, or None when Graph answers it."""
    if DIRECTORY_COLLECTIONS.match(path):
        return _advanced(path, query, (consistency_level or "").lower() == "eventual")
    documented = DOCUMENTED_FILTERS.get(path)
    if documented is not None and query.get("$filter"):
        return _undocumented(query["$filter"], documented)
    return None


def _advanced(path: str, query: dict[str, str], eventual: bool) -> str | None:
    text = _STRING.sub("''", query.get("$filter", ""))
    used = [f"operator '{m.group(1).lower()}'" for m in ADVANCED_OPERATORS.finditer(text)]
    used += ["$search"] if "$search" in query else []
    used += ["$count"] if "$count" in query or path.lower().endswith("/$count") else []
    if not used:
        return None
    counted = query.get("$count", "").lower() == "true" or path.lower().endswith("/$count")
    if eventual and counted:
        return None
    return (f"{used[0][0].upper()}{used[0][1:]} is not supported because the required parameters might be missing. "
            "Try adding $count with a value of true and the ConsistencyLevel header with a value of eventual.")


def _undocumented(expression: str, documented: dict[str, frozenset[str]]) -> str | None:
    text = _STRING.sub("''", expression)
    used = [(m.group(1).lower(), m.group(2).lower()) for m in _COMPARISON.finditer(text)]
    used += [(m.group(2).lower(), m.group(1).lower()) for m in _FUNCTION.finditer(text)]
    for name, operator in used:
        if name not in documented:
            return f"Invalid filter clause: the property '{name}' is not supported in $filter."
        if operator not in documented[name]:
            return f"Invalid filter clause: the operator '{operator}' is not supported for '{name}'."
    return None

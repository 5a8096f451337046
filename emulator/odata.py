"""The OData query options the emulator understands: $filter (a subset), $select, $top and paging.

$filter grammar supported (lookups by name or id, audit-log filters, Microsoft's documented examples):
    expr    := unary (("and" | "or") unary)*          -- left to right, "and" binds tighter
    unary   := "not" unary | "(" expr ")" | call | lambda | count | compare
    lambda  := path "/any(" [name ":" expr] ")"   -- in expr, the name is the collection's item; any() is "not empty"
    count   := path "/$count" ("eq"|"ne") (0|1)
    compare := path ("eq"|"ne"|"gt"|"ge"|"lt"|"le") literal | path "in" "(" literal ("," literal)* ")"
    call    := ("startswith"|"endswith"|"contains") "(" operand "," literal ")"
    operand := path | ("tolower"|"toupper") "(" path ")"
    path    := name ("/" name)*
    literal := 'string' | type'string' (an enum member) | true | false | null | number | date
Anything else answers 400, as Graph does for an unsupported query; so does the `all` lambda, which
Graph does not support (https://learn.microsoft.com/en-us/graph/filter-query-parameter#all-operator).
The parser also lists which operator each property is used with (``filter_uses``; what a lambda's
body uses is listed under the collection, a count as the operator ``$count``), for Graph's
per-property rules (query_rules.py).
$orderby: ``path [asc|desc]`` separated by commas.
"""
from __future__ import annotations

import base64
import functools
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from . import shapes
from .wire import ErrorReply, GraphRequest, Reply

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 999

Predicate = Callable[[dict], bool]

_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<punct>[(),])|(?P<word>[^\s(),']+))")
_COMPARATORS = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a is not None and b is not None and a > b,
    "ge": lambda a, b: a is not None and b is not None and a >= b,
    "lt": lambda a, b: a is not None and b is not None and a < b,
    "le": lambda a, b: a is not None and b is not None and a <= b,
}
_LAMBDA = re.compile(r"^(?P<collection>.+)/(?P<operator>any|all)$", re.IGNORECASE)
_COUNTED = re.compile(r"^(?P<collection>.+)/\$count$", re.IGNORECASE)
_RANGE_VARIABLE = re.compile(r"[A-Za-z_]\w*")
_FUNCTIONS: dict[str, Callable[[Any, Any], bool]] = {
    "startswith": lambda a, b: isinstance(a, str) and isinstance(b, str) and a.startswith(b),
    "endswith": lambda a, b: isinstance(a, str) and isinstance(b, str) and a.endswith(b),
    "contains": lambda a, b: isinstance(a, str) and isinstance(b, str) and b in a,
}
_CASE_FUNCTIONS: dict[str, Callable[[str], str]] = {"tolower": str.lower, "toupper": str.upper}


def unsupported(message: str = "Unsupported Query.") -> ErrorReply:
    return ErrorReply(400, "Request_UnsupportedQuery", message)


def _tokenize(text: str) -> list[str]:
    tokens, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            if text[pos:].strip():
                raise unsupported(f"Invalid filter clause: {text!r}")
            break
        tokens.append(match.group(match.lastgroup or 0))
        pos = match.end()
    return tokens


def _literal(token: str) -> Any:
    if token.startswith("'"):
        return token[1:-1].replace("''", "'")
    lowered = token.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    try:
        return float(token) if "." in token else int(token)
    except ValueError:
        # Graph accepts unquoted GUIDs in some filters; keep them as text.
        return token


def _resolve(obj: Any, path: list[str]) -> Any:
    for name in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(name)
    return obj


def _normalise(value: Any) -> Any:
    # Property names are case-insensitive in Graph, values compared case-insensitively for strings.
    return value.lower() if isinstance(value, str) else value


class _FilterParser:
    def __init__(self, text: str, case_sensitive: bool = False):
        self.tokens = _tokenize(text)
        self.pos = 0
        self.uses: list[tuple[str, str]] = []  # (property path, operator), as written, in order
        # Directory objects compare text without case; provisioning logs with it.
        self.fold: Callable[[Any], Any] = (lambda value: value) if case_sensitive else _normalise

    def parse(self) -> Predicate:
        predicate = self._or()
        if self.pos != len(self.tokens):
            raise unsupported(f"Invalid filter clause near {self.tokens[self.pos]!r}.")
        return predicate

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _take(self, expected: str | None = None) -> str:
        token = self._peek()
        if token is None or (expected is not None and token.lower() != expected):
            raise unsupported(f"Invalid filter clause: expected {expected or 'a term'}.")
        self.pos += 1
        return token

    def _chain(self, keyword: str, operand: Callable[[], Predicate]) -> Predicate:
        terms = [operand()]
        while (self._peek() or "").lower() == keyword:
            self._take()
            terms.append(operand())
        if len(terms) == 1:
            return terms[0]
        test = any if keyword == "or" else all
        return lambda o: test(term(o) for term in terms)

    def _or(self) -> Predicate:
        return self._chain("or", self._and)

    def _and(self) -> Predicate:
        return self._chain("and", self._unary)

    def _unary(self) -> Predicate:
        token = self._take()
        lowered = token.lower()
        if lowered == "not":
            first_use = len(self.uses)
            inner = self._unary()
            self.uses += [(name, token) for name, _ in self.uses[first_use:]]
            return lambda o: not inner(o)
        if token == "(":
            inner = self._or()
            self._take(")")
            return inner
        if lowered in _FUNCTIONS and self._peek() == "(":
            return self._call(token)
        lambda_ = _LAMBDA.match(token)
        if lambda_ and self._peek() == "(":
            return self._lambda(_property_path(lambda_["collection"]), lambda_["operator"].lower())
        counted = _COUNTED.match(token)
        if counted:
            return self._count(_property_path(counted["collection"]))
        return self._compare(token)

    def _lambda(self, collection: list[str], operator: str) -> Predicate:
        """``collection/any(x: body)``: true when the body holds for one item (x) of the collection."""
        if operator == "all":
            raise unsupported("The 'all' lambda operator is not supported.")
        self._take("(")
        if self._peek() == ")":  # any(): the collection has an item
            self._take(")")
            self._used(collection, "any")
            return lambda o: bool(_resolve(o, collection))
        variable, colon, rest = self._take().partition(":")
        if not colon or not _RANGE_VARIABLE.fullmatch(variable):
            raise unsupported(f"Invalid lambda expression on {'/'.join(collection)!r}: expected 'name:expression'.")
        if rest:
            self.tokens.insert(self.pos, rest)  # the body's first token, written against the colon
        first_use = len(self.uses)
        body = self._or()
        self._take(")")
        used = self.uses[first_use:]
        if any(name.split("/")[0].lower() != variable.lower() for name, _ in used):
            raise unsupported(f"Invalid lambda expression on {'/'.join(collection)!r}: use {variable!r} for the item.")
        self.uses[first_use:] = [("/".join(collection), used_operator) for _, used_operator in used]
        return lambda o: any(body({variable: item}) for item in _resolve(o, collection) or [])

    def _count(self, collection: list[str]) -> Predicate:
        """``collection/$count eq 0``: Graph counts only empty and one-item collections
        (https://learn.microsoft.com/en-us/graph/aad-advanced-queries#support-for-filter-by-properties-of-microsoft-entra-id-directory-objects)."""
        operator = self._take().lower()
        value = self._literal()
        if operator not in ("eq", "ne") or value not in (0, 1) or isinstance(value, bool):
            raise unsupported("Only '$count eq 0', '$count ne 0', '$count eq 1' and '$count ne 1' are supported.")
        self._used(collection, "$count")
        compare = _COMPARATORS[operator]
        return lambda o: compare(len(_resolve(o, collection) or []), value)

    def _call(self, name: str) -> Predicate:
        self._take("(")
        path, case = self._operand()
        self._take(",")
        value = self.fold(self._literal())
        self._take(")")
        function, fold = _FUNCTIONS[name.lower()], self.fold
        self._used(path, name)
        return lambda o: function(fold(case(_resolve(o, path))), value)

    def _operand(self) -> tuple[list[str], Callable[[Any], Any]]:
        """A property, or ``tolower(property)``: the path, and what to do to its value first."""
        token = self._take()
        change = _CASE_FUNCTIONS.get(token.lower())
        if change is not None and self._peek() == "(":
            self._take("(")
            path = _property_path(self._take())
            self._take(")")
            return path, lambda value: change(value) if isinstance(value, str) else value
        return _property_path(token), lambda value: value

    def _compare(self, path_token: str) -> Predicate:
        path = _property_path(path_token)
        written = self._take()
        self._used(path, written)
        operator, fold = written.lower(), self.fold
        if operator == "in":
            values = self._list()
            return lambda o: fold(_resolve(o, path)) in values
        if operator not in _COMPARATORS:
            raise unsupported(f"Unsupported filter operator {operator!r}.")
        value = fold(self._literal())
        compare = _COMPARATORS[operator]
        return lambda o: compare(fold(_resolve(o, path)), value)

    def _list(self) -> list[Any]:
        self._take("(")
        values = [self.fold(self._literal())]
        while self._peek() == ",":
            self._take()
            values.append(self.fold(self._literal()))
        self._take(")")
        return values

    def _literal(self) -> Any:
        token = self._take()
        following = self._peek()
        # An enum member is written with its type: microsoft.graph.provisioningResult'failure'.
        if not token.startswith("'") and "." in token and following is not None and following.startswith("'"):
            self._take()
            return _literal(following)
        return _literal(token)

    def _used(self, path: list[str], operator: str) -> None:
        self.uses.append(("/".join(path), operator))


def _property_path(token: str) -> list[str]:
    """``a/b`` as ["a", "b"], or Graph's 400 for what is not a property path ($filter and $orderby)."""
    if not re.fullmatch(r"[A-Za-z@.][\w@.]*(/[A-Za-z@.][\w@.]*)*", token):
        raise unsupported(f"Invalid property path {token!r} in filter.")
    return token.split("/")


def parse_filter(text: str, case_sensitive: bool = False) -> Predicate:
    return _FilterParser(text, case_sensitive).parse()


def filter_uses(text: str) -> list[tuple[str, str]]:
    """Each (property path, operator) the filter uses, as written (Graph's messages name them so);
    ``not`` is listed for every property under it. Raises Graph's 400 for a filter it cannot parse."""
    if not text.strip():
        return []
    parser = _FilterParser(text)
    parser.parse()
    return parser.uses


def _order_terms(text: str) -> list[tuple[list[str], bool]]:
    """``$orderby``: (property path, descending) per comma-separated term."""
    terms = []
    for term in filter(None, (part.strip() for part in text.split(","))):
        words = term.split()
        if len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise unsupported(f"Invalid $orderby clause {term!r}.")
        terms.append((_property_path(words[0]), len(words) == 2 and words[1].lower() == "desc"))
    return terms


def order_keys(text: str) -> list[str]:
    """The properties ``$orderby`` sorts by, in lower case."""
    return ["/".join(path).lower() for path, _ in _order_terms(text)]


def _ordered(rows: list[dict], text: str) -> list[dict]:
    """Rows sorted as ``$orderby`` says; a missing value sorts first ascending, last descending."""
    for path, descending in reversed(_order_terms(text)):
        rows = sorted(rows, key=functools.partial(_sort_key, path=path), reverse=descending)
    return rows


def _sort_key(row: dict, path: list[str]) -> tuple[bool, Any]:
    value = _normalise(_resolve(row, path))
    return value is not None, "" if value is None else value


def _page_bounds(query: dict[str, str]) -> tuple[int, int]:
    try:
        size = int(query.get("$top", DEFAULT_PAGE_SIZE))
        offset = int(base64.urlsafe_b64decode(query["$skiptoken"]).decode()) if "$skiptoken" in query else 0
        offset += int(query.get("$skip", 0))  # only where the collection takes it (query_rules.py)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ErrorReply(400, "Request_BadRequest", "Invalid $top, $skip or $skiptoken value.") from exc
    return max(1, min(size, MAX_PAGE_SIZE)), max(0, offset)


def _project(obj: dict, select: list[str] | None, type_name: str | None = None) -> dict:
    if type_name is not None:
        obj = shapes.whole(type_name, obj)  # a documented property the emulator leaves unset is null
    if select is None:
        return obj
    lowered = {key.lower(): key for key in obj}
    projected = {key: value for key, value in obj.items() if key.startswith("@odata.")}
    projected.update({lowered[name.lower()]: obj[lowered[name.lower()]] for name in select if name.lower() in lowered})
    return projected


def expansions(query: dict[str, str]) -> dict[str, dict[str, str]]:
    """`$expand`: each relationship named, with its own options (`manager($select=id,displayName)`)."""
    items, depth, start, text = [], 0, 0, query.get("$expand", "")
    for index, char in enumerate(text + ","):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            items.append(text[start:index].strip())
            start = index + 1
    expanded = {}
    for item in filter(None, items):
        name, _, options = item.partition("(")
        pairs = (option.partition("=") for option in options.rstrip(")").split(";") if option.strip())
        expanded[name.strip()] = {key.strip().lower(): value.strip() for key, _, value in pairs}
    return expanded


def selection(query: dict[str, str], default: Iterable[str] | None = None, type_name: str | None = None) -> list[str] | None:
    """The properties to return: `$select` if given, else the resource's default set (None = all).
    What `$expand` inlines comes back beside either, as Graph answers it. With the type known, a
    `$select` of a property the type does not have, or an `$expand` of a relationship it does not
    have, is Graph's 400."""
    expanded = list(expansions(query))
    if type_name is not None:
        shapes.check_expand(type_name, expanded)
    if "$select" in query:
        names = [name.strip() for name in query["$select"].split(",") if name.strip()]
        if type_name is not None:
            shapes.check_select(type_name, names, expanded)
        names += [name for name in expanded if name not in names]
        return ["id", *names] if "id" not in names else names
    return [*default, *(name for name in expanded if name not in default)] if default is not None else None


def project(obj: dict, query: dict[str, str], default: Iterable[str] | None = None, type_name: str | None = None) -> dict:
    return _project(obj, selection(query, default, type_name), type_name)


def _matching(query: dict[str, str], items: Iterable[dict], case_sensitive: bool = False) -> list[dict]:
    rows = list(items)
    if query.get("$filter"):
        predicate = parse_filter(query["$filter"], case_sensitive)
        rows = [row for row in rows if predicate(row)]
    if query.get("$search"):
        matches = parse_search(query["$search"])
        rows = [row for row in rows if matches(row)]
    return rows


_TOKENIZED = ("displayname", "description")
_SEARCH_CLAUSE = re.compile(r'"([A-Za-z]+):([^"]*)"')
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def parse_search(text: str) -> Predicate:
    """`$search` on directory objects: ``"property:value"`` clauses joined by AND or OR (AND binds
    tighter). On `displayName` and `description` a value matches when each of its words starts a word
    of the property, words being split at spaces, symbols and case changes
    (https://learn.microsoft.com/en-us/graph/search-query-parameter#using-search-on-directory-object-collections);
    other properties "default to `$filter` `startswith` behavior"
    (https://learn.microsoft.com/en-us/graph/api/group-list)."""
    def words(value: Any) -> list[str]:
        return [word.lower() for word in _WORD.findall(value)] if isinstance(value, str) else []

    alternatives = []  # of clauses: (property in lower case, value in lower case, the value's words)
    for part in re.split(r"\s+OR\s+", text.strip()):
        clauses = [(name.lower(), value.lower(), words(value)) for name, value in _SEARCH_CLAUSE.findall(part)]
        if not clauses or _SEARCH_CLAUSE.sub("", part).replace("AND", "").strip():
            raise unsupported(f"Syntax error: the $search value {text!r} is not \"property:value\" clauses joined by AND or OR.")
        alternatives.append(clauses)

    def clause(row: dict, name: str, value: str, wanted: list[str]) -> bool:
        held = next((held for key, held in row.items() if key.lower() == name), None)
        if name not in _TOKENIZED:
            return isinstance(held, str) and held.lower().startswith(value)
        return all(any(word.startswith(want) for word in words(held)) for want in wanted)

    return lambda row: any(all(clause(row, *terms) for terms in group) for group in alternatives)


def count(req: GraphRequest, items: Iterable[dict]) -> Reply:
    """``GET {collection}/$count``: the number of matches as text/plain
    (https://learn.microsoft.com/en-us/graph/query-parameters#count-parameter)."""
    return Reply(200, raw=str(len(_matching(req.query, items))).encode(), content_type="text/plain")


def collection(
    req: GraphRequest,
    context: str,
    items: Iterable[dict],
    default_select: Iterable[str] | None = None,
    type_name: str | None = None,
    case_sensitive: bool = False,
) -> Reply:
    """A paged collection reply: applies $filter, $select, $top, $skip and $skiptoken like Graph. The
    members' type (by default the entity set's) makes each whole and checks `$select` against it;
    `case_sensitive`: the list's `$filter` compares text with case (provisioning logs)."""
    query = req.query
    rows = _matching(query, items, case_sensitive)
    if query.get("$orderby"):
        rows = _ordered(rows, query["$orderby"])
    size, offset = _page_bounds(query)
    type_name = type_name or shapes.ENTITY_SETS.get(context)
    select = selection(query, default_select, type_name)
    if type_name is not None and "$select" in query:
        shapes.check_collection_select(type_name, select or [])
    page = [_project(row, select, type_name) for row in rows[offset : offset + size]]
    body: dict[str, Any] = {"@odata.context": f"{req.base_url}/$metadata#{context}"}
    if query.get("$count", "").lower() == "true":
        body["@odata.count"] = len(rows)  # every match, not this page's
    body["value"] = page
    if offset + size < len(rows):
        token = base64.urlsafe_b64encode(str(offset + size).encode()).decode()
        # The token holds the whole offset, $skip's included.
        next_query = {k: v for k, v in query.items() if k not in ("$skiptoken", "$skip")} | {"$skiptoken": token}
        body["@odata.nextLink"] = f"{req.base_url}{req.path}?{urlencode(next_query)}"
    return Reply(200, body)

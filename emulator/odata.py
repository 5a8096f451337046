"""The OData query options the emulator understands: $filter (a subset), $select, $top and paging.

$filter grammar supported (enough for lookups by name or id, and audit-log filters):
    expr    := unary (("and" | "or") unary)*          -- left to right, "and" binds tighter
    unary   := "not" unary | "(" expr ")" | call | compare
    compare := path ("eq"|"ne"|"gt"|"ge"|"lt"|"le") literal
    call    := ("startswith"|"endswith"|"contains") "(" path "," literal ")"
    path    := name ("/" name)*
    literal := 'string' | true | false | null | number
Anything else answers 400, as Graph does for an unsupported query.
"""
from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

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
_FUNCTIONS = {
    "startswith": lambda a, b: isinstance(a, str) and a.lower().startswith(b.lower()),
    "endswith": lambda a, b: isinstance(a, str) and a.lower().endswith(b.lower()),
    "contains": lambda a, b: isinstance(a, str) and b.lower() in a.lower(),
}


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
    def __init__(self, text: str):
        self.tokens = _tokenize(text)
        self.pos = 0

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
            inner = self._unary()
            return lambda o: not inner(o)
        if token == "(":
            inner = self._or()
            self._take(")")
            return inner
        if lowered in _FUNCTIONS and self._peek() == "(":
            return self._call(_FUNCTIONS[lowered])
        return self._compare(token)

    def _call(self, function: Callable[[Any, Any], bool]) -> Predicate:
        self._take("(")
        path = self._path(self._take())
        self._take(",")
        value = _literal(self._take())
        self._take(")")
        return lambda o: function(_resolve(o, path), value)

    def _compare(self, path_token: str) -> Predicate:
        path = self._path(path_token)
        operator = self._take().lower()
        if operator not in _COMPARATORS:
            raise unsupported(f"Unsupported filter operator {operator!r}.")
        value = _normalise(_literal(self._take()))
        compare = _COMPARATORS[operator]
        return lambda o: compare(_normalise(_resolve(o, path)), value)

    @staticmethod
    def _path(token: str) -> list[str]:
        if not re.fullmatch(r"[A-Za-z@.][\w@.]*(/[A-Za-z@.][\w@.]*)*", token):
            raise unsupported(f"Invalid property path {token!r} in filter.")
        return token.split("/")


def parse_filter(text: str) -> Predicate:
    return _FilterParser(text).parse()


def _page_bounds(query: dict[str, str]) -> tuple[int, int]:
    try:
        size = int(query.get("$top", DEFAULT_PAGE_SIZE))
        offset = int(base64.urlsafe_b64decode(query["$skiptoken"]).decode()) if "$skiptoken" in query else 0
    except (ValueError, UnicodeDecodeError) as exc:
        raise ErrorReply(400, "Request_BadRequest", "Invalid $top or $skiptoken value.") from exc
    return max(1, min(size, MAX_PAGE_SIZE)), max(0, offset)


def _project(obj: dict, select: list[str] | None) -> dict:
    if select is None:
        return obj
    lowered = {key.lower(): key for key in obj}
    projected = {key: value for key, value in obj.items() if key.startswith("@odata.")}
    projected.update({lowered[name.lower()]: obj[lowered[name.lower()]] for name in select if name.lower() in lowered})
    return projected


def selection(query: dict[str, str], default: Iterable[str] | None = None) -> list[str] | None:
    """The properties to return: `$select` if given, else the resource's default set (None = all).
    What `$expand` inlines comes back beside a `$select`, as Graph answers it."""
    if "$select" in query:
        names = [name.strip() for name in query["$select"].split(",") if name.strip()]
        names += [name.strip() for name in query.get("$expand", "").split(",") if name.strip() and name.strip() not in names]
        return ["id", *names] if "id" not in names else names
    return list(default) if default is not None else None


def project(obj: dict, query: dict[str, str], default: Iterable[str] | None = None) -> dict:
    return _project(obj, selection(query, default))


def collection(
    req: GraphRequest,
    context: str,
    items: Iterable[dict],
    default_select: Iterable[str] | None = None,
) -> Reply:
    """A paged collection reply: applies $filter, $select, $top and $skiptoken like Graph."""
    query = req.query
    rows = list(items)
    if query.get("$filter"):
        predicate = parse_filter(query["$filter"])
        rows = [row for row in rows if predicate(row)]
    size, offset = _page_bounds(query)
    select = selection(query, default_select)
    page = [_project(row, select) for row in rows[offset : offset + size]]
    body: dict[str, Any] = {"@odata.context": f"{req.base_url}/$metadata#{context}"}
    if query.get("$count", "").lower() == "true":
        body["@odata.count"] = len(rows)  # every match, not this page's
    body["value"] = page
    if offset + size < len(rows):
        token = base64.urlsafe_b64encode(str(offset + size).encode()).decode()
        next_query = {k: v for k, v in query.items() if k != "$skiptoken"} | {"$skiptoken": token}
        body["@odata.nextLink"] = f"{req.base_url}{req.path}?{urlencode(next_query)}"
    return Reply(200, body)

"""Route table: `METHOD /path/{param}` templates mapped to handlers and their permission."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .permissions import Requirement
from .wire import ErrorReply, GraphRequest, Reply

Handler = Callable[[GraphRequest], Reply]
Redaction = Callable[[Any], Any]


def as_sent(body: Any) -> Any:
    return body

# `{name}` matches one path segment; `{name:regex}` matches what the regex says.
_PARAM = re.compile(r"\{(\w+)(?::([^}]+))?\}")


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Handler
    requirement: Requirement | None
    pattern: re.Pattern
    # Synchronization endpoints of a service principal (param `sp`) are subject to sync lag.
    synchronization: bool
    # The request body as the request log keeps it: routes that carry secrets mask them here.
    logged: Redaction = as_sent
    # Also served under /beta (only where ctsync needs a beta-only property).
    beta: bool = False


def _part_regex(part: str) -> str:
    param = _PARAM.fullmatch(part)
    if param is None:
        return re.escape(part)
    return f"(?P<{param.group(1)}>{param.group(2) or '[^/]+'})"


def route(
    method: str, template: str, handler: Handler, requirement: Requirement | None, synchronization: bool = False,
    logged: Redaction = as_sent, beta: bool = False,
) -> Route:
    regex = "".join(_part_regex(part) for part in re.split(r"(\{\w+(?::[^}]+)?\})", template))
    return Route(method, template, handler, requirement, re.compile(f"^{regex}/?$", re.IGNORECASE), synchronization, logged, beta)


class Router:
    def __init__(self, routes: list[Route]):
        self.routes = routes

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        path_known = False
        for candidate in self.routes:
            found = candidate.pattern.match(path)
            if not found:
                continue
            if candidate.method == method:
                return candidate, found.groupdict()
            path_known = True
        if path_known:
            raise ErrorReply(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.")
        segment = path.rstrip("/").rsplit("/", 1)[-1]
        raise ErrorReply(400, "BadRequest", f"Resource not found for the segment '{segment}'.")

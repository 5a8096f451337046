"""Request dispatch, independent of the HTTP transport: admin API or Graph, and for Graph the
pipeline authentication -> route -> permission -> faults -> handler, with a request log entry."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

from . import admin, graph, signin
from .graph import audit
from .odata import project
from .query_rules import declared, honoured, refusal
from .routing import Route, Router
from .state import EmulatorState, new_id
from .tokens import Caller, authenticate, unknown_tenant
from .wire import ErrorReply, GraphRequest, Reply, error_body

# The API versions served: v1.0 whole; beta for the routes that declare it (docs/emulator.md).
GRAPH_ROOTS = {"/v1.0": "v1.0", "/beta": "beta"}
ADMIN_ROOT = "/_emulator"


def _parse_body(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ErrorReply(400, "BadRequest", "The request body is not valid JSON.") from exc


class Headers(Protocol):
    """A request's headers, read case-insensitively (http.server's message, or a test's own)."""

    def get(self, name: str, default: None = None) -> str | None: ...


@dataclass(frozen=True)
class Incoming:
    """One HTTP request as the transport received it, with the ids its answer and log entry carry."""

    method: str
    path: str
    raw_query: str
    query: dict[str, str]
    headers: Headers
    raw_body: bytes
    base_url: str
    request_id: str
    client_request_id: str

    @classmethod
    def parse(cls, method: str, target: str, headers: Headers, raw_body: bytes, base_url: str) -> Incoming:
        split = urlsplit(target)
        request_id = new_id()
        # OData's system query options are named without regard to case ($orderBy is $orderby).
        query = {name.lower() if name.startswith("$") else name: value
                 for name, value in parse_qsl(split.query, keep_blank_values=True)}
        return cls(method, unquote(split.path), split.query, query,
                   headers, raw_body, base_url, request_id, headers.get("client-request-id") or request_id)


class Emulator:
    def __init__(self, state: EmulatorState | None = None) -> None:
        self.state = state or EmulatorState()
        self.graph = Router(graph.ROUTES)
        self.admin = Router(admin.ROUTES)
        self.sign_in = Router(signin.ROUTES)

    def handle(self, method: str, target: str, headers: Headers, raw_body: bytes, base_url: str) -> Reply:
        incoming = Incoming.parse(method, target, headers, raw_body, base_url)
        root = next((r for r in GRAPH_ROOTS if incoming.path == r or incoming.path.startswith(r + "/")), None)
        if root is not None:
            reply = self._graph(incoming, root)
        elif incoming.path.startswith(ADMIN_ROOT + "/"):
            reply = self._admin(incoming)
        else:
            reply = self._sign_in(incoming)
        reply.headers.update({"request-id": incoming.request_id, "client-request-id": incoming.client_request_id})
        return reply

    def _error(self, err: ErrorReply, incoming: Incoming) -> Reply:
        body = error_body(err, incoming.request_id, incoming.client_request_id, self.state.clock.now_iso())
        return Reply(err.status, body, dict(err.headers))

    def _admin(self, incoming: Incoming) -> Reply:
        with self.state.lock:
            self.state.clock.run_due()
            try:
                relative = incoming.path[len(ADMIN_ROOT):]
                handler_route, params = self.admin.match(incoming.method, relative)
                request = GraphRequest(self.state, None, incoming.method, relative, params, incoming.query,
                                       _parse_body(incoming.raw_body), incoming.base_url)
                return handler_route.handler(request)
            except ErrorReply as err:
                return self._error(err, incoming)

    def _sign_in(self, incoming: Incoming) -> Reply:
        """Entra ID's sign-in endpoints (emulator/signin.py): logged without what the form carries."""
        with self.state.lock:
            try:
                handler_route, params = self.sign_in.match(incoming.method, incoming.path)
            except ErrorReply:
                return self._error(ErrorReply(404, "NotFound", "The emulator serves Graph under /v1.0, sign-in under "
                                              "/{tenant}/oauth2/v2.0 and its admin API under /_emulator."), incoming)
            form = dict(parse_qsl(incoming.raw_body.decode("utf-8", "replace"), keep_blank_values=True))
            request = GraphRequest(self.state, None, incoming.method, incoming.path, params, incoming.query, form,
                                   incoming.base_url)
            reply = handler_route.handler(request)
            self.state.request_log.append(
                self._log_entry(incoming, params["tenant"].lower(), reply, handler_route.logged(form)))
            return reply

    def _graph(self, incoming: Incoming, root: str) -> Reply:
        relative = incoming.path[len(root):] or "/"
        delay = self.state.faults.latency_seconds(relative)
        if delay:
            time.sleep(delay)  # outside the lock: slow answers must not stall other requests
        with self.state.lock:
            self.state.clock.run_due()
            tenant_id, body = None, None
            try:
                matched: tuple[Route, dict[str, str]] | ErrorReply = self.graph.match(incoming.method, relative)
            except ErrorReply as unrouted:
                matched = unrouted  # answered after authentication, as Graph orders its checks
            consistency = incoming.headers.get("consistencylevel")
            broken = refusal(relative, incoming.query, consistency) if incoming.method == "GET" else None
            try:
                caller = authenticate(incoming.headers.get("authorization"), self.state.token_epoch)
                tenant_id = caller.tenant_id
                if broken and self.state.strict_queries and not isinstance(matched, ErrorReply):
                    raise broken
                body = _parse_body(incoming.raw_body)
                if isinstance(matched, ErrorReply):
                    raise matched
                faults = self.state.faults
                # A gateway's page stands in for Graph: the request never reaches it, so nothing is done.
                reply = faults.gateway_page(relative) or faults.truncated(relative, faults.incomplete(
                    relative, faults.sent_elsewhere(relative, self._dispatch(incoming, root, relative, body, caller, *matched))))
            except ErrorReply as err:
                reply = self._error(err, incoming)
            if broken is None and incoming.method == "GET" and _is_collection(reply) and not declared(relative):
                broken = ErrorReply(500, "UndeclaredCollection", f"The emulator answered the collection {relative} "
                                    "without declaring its query rules in emulator/query_rules.py COLLECTIONS.")
            # The route says how its body is logged; without one, nothing says what it may hold.
            logged = None if isinstance(matched, ErrorReply) else matched[0].logged(body)
            entry = {**self._log_entry(incoming, tenant_id, reply, logged), "strict": broken.message if broken else None}
            self.state.request_log.append(entry)
            if broken:
                self.state.broken_queries.append(entry)
            return reply

    def _log_entry(self, incoming: Incoming, tenant_id: str | None, reply: Reply, logged: Any) -> dict:
        return {
            "method": incoming.method,
            "path": incoming.path,
            "query": incoming.raw_query,
            "tenantId": tenant_id,
            "status": reply.status,
            "time": self.state.clock.now_iso(),
            "retryAttempt": int(incoming.headers.get("retry-attempt") or 0),
            "body": logged,
        }

    def _dispatch(
        self, incoming: Incoming, root: str, relative: str, body: Any, caller: Caller, handler_route: Route,
        params: dict[str, str],
    ) -> Reply:
        state = self.state
        version = GRAPH_ROOTS[root]
        if version == "beta" and not handler_route.beta:
            raise ErrorReply(400, "BadRequest", f"The emulator serves {incoming.method} {relative} on v1.0 only (docs/emulator.md).")
        tenant = state.tenant(caller.tenant_id)
        if tenant is None:
            raise unknown_tenant(caller.tenant_id)
        if handler_route.requirement is not None:  # every Graph route has one (only admin routes have none)
            handler_route.requirement.check(caller.roles)
        faults = state.faults
        failure = faults.transient(relative)
        if failure is None and handler_route.synchronization:
            failure = faults.sync_lag(tenant.id, params["sp"].lower(), relative)
        if failure is None:
            failure = faults.replication_lag(tenant.id, incoming.method, relative, relative.rstrip("/").rsplit("/", 1)[-1])
        if failure is not None:
            raise failure
        query = honoured(relative, incoming.query, incoming.headers.get("consistencylevel"))
        request = GraphRequest(state, tenant, incoming.method, relative, params, query, body,
                               incoming.base_url + root, version)
        reply = handler_route.handler(request)
        if reply.status < 300:
            audit.record(tenant, caller, handler_route, incoming.method, params, body, state.clock.now_iso())
        return _selected(reply, query) if incoming.method == "GET" else reply


def _selected(reply: Reply, query: dict[str, str]) -> Reply:
    """`$select` on one entity, whatever its route: Graph answers only what was selected (collections
    and the directory types select, with their type's checks, where they are built)."""
    if "$select" not in query or reply.status != 200 or not isinstance(reply.body, dict) or "value" in reply.body:
        return reply
    return Reply(reply.status, project(reply.body, query), reply.headers, reply.raw, reply.content_type)


def _is_collection(reply: Reply) -> bool:
    return reply.status == 200 and isinstance(reply.body, dict) and isinstance(reply.body.get("value"), list)

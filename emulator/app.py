"""Request dispatch, independent of the HTTP transport: admin API or Graph, and for Graph the
pipeline authentication -> route -> permission -> faults -> handler, with a request log entry."""
from __future__ import annotations

import json
import time
from typing import Any, Mapping
from urllib.parse import parse_qsl, unquote, urlsplit

from . import admin, graph
from .graph.synchronization import NON_SENSITIVE_SECRETS
from .routing import Router
from .state import EmulatorState, new_id
from .tokens import authenticate, unknown_tenant
from .wire import GraphError, GraphRequest, Reply, error_body

GRAPH_ROOT = "/v1.0"
ADMIN_ROOT = "/_emulator"


def _parse_body(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise GraphError(400, "BadRequest", "The request body is not valid JSON.") from exc


def _masked(items: Any) -> Any:
    if not isinstance(items, list):
        return items
    return [
        {**item, "value": "*"} if isinstance(item, dict) and item.get("key") not in NON_SENSITIVE_SECRETS else item
        for item in items
    ]


def loggable_body(path: str, body: Any) -> Any:
    """Request bodies as logged: secret values never appear (they read back as `*`)."""
    if not isinstance(body, dict):
        return body
    lowered = path.lower()
    if lowered.endswith("/synchronization/secrets"):
        return {**body, "value": _masked(body.get("value"))}
    if lowered.endswith("/validatecredentials"):
        return {**body, "credentials": _masked(body.get("credentials"))}
    return body


class Emulator:
    def __init__(self, state: EmulatorState | None = None) -> None:
        self.state = state or EmulatorState()
        self.graph = Router(graph.ROUTES)
        self.admin = Router(admin.ROUTES)

    def handle(self, method: str, target: str, headers: Mapping[str, str], raw_body: bytes, base_url: str) -> Reply:
        split = urlsplit(target)
        path = unquote(split.path)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        request_id = new_id()
        client_request_id = headers.get("client-request-id") or request_id
        if path == GRAPH_ROOT or path.startswith(GRAPH_ROOT + "/"):
            reply = self._graph(method, path, split.query, query, headers, raw_body, base_url, request_id, client_request_id)
        else:
            reply = self._admin(method, path, query, raw_body, base_url, request_id, client_request_id)
        reply.headers.update({"request-id": request_id, "client-request-id": client_request_id})
        return reply

    def _error(self, err: GraphError, request_id: str, client_request_id: str) -> Reply:
        return Reply(err.status, error_body(err, request_id, client_request_id, self.state.clock.now_iso()), dict(err.headers))

    def _admin(self, method, path, query, raw_body, base_url, request_id, client_request_id) -> Reply:
        with self.state.lock:
            self.state.clock.run_due()
            try:
                if not path.startswith(ADMIN_ROOT + "/"):
                    raise GraphError(404, "NotFound", "The emulator serves Graph under /v1.0 and its admin API under /_emulator.")
                relative = path[len(ADMIN_ROOT):]
                handler_route, params = self.admin.match(method, relative)
                request = GraphRequest(self.state, None, method, relative, params, query, _parse_body(raw_body), base_url)
                return handler_route.handler(request)
            except GraphError as err:
                return self._error(err, request_id, client_request_id)

    def _graph(self, method, path, raw_query, query, headers, raw_body, base_url, request_id, client_request_id) -> Reply:
        relative = path[len(GRAPH_ROOT):] or "/"
        delay = self.state.faults.latency_seconds(relative)
        if delay:
            time.sleep(delay)  # outside the lock: slow answers must not stall other requests
        with self.state.lock:
            self.state.clock.run_due()
            tenant_id, body = None, None
            try:
                caller = authenticate(headers.get("authorization"))
                tenant_id = caller.tenant_id
                body = _parse_body(raw_body)
                reply = self._dispatch(method, relative, query, body, caller, base_url + GRAPH_ROOT)
            except GraphError as err:
                reply = self._error(err, request_id, client_request_id)
            self.state.request_log.append(
                {
                    "method": method,
                    "path": path,
                    "query": raw_query,
                    "tenantId": tenant_id,
                    "status": reply.status,
                    "time": self.state.clock.now_iso(),
                    "retryAttempt": int(headers.get("retry-attempt") or 0),
                    "body": loggable_body(path, body),
                }
            )
            return reply

    def _dispatch(self, method, relative, query, body, caller, graph_url) -> Reply:
        state = self.state
        tenant = state.tenant(caller.tenant_id)
        if tenant is None:
            raise unknown_tenant(caller.tenant_id)
        handler_route, params = self.graph.match(method, relative)
        handler_route.requirement.check(caller.roles)
        faults = state.faults
        failure = faults.transient(relative)
        if failure is None and handler_route.synchronization:
            failure = faults.sync_lag(tenant.id, params["sp"].lower(), relative)
        if failure is None:
            failure = faults.replication_lag(tenant.id, method, relative, relative.rstrip("/").rsplit("/", 1)[-1])
        if failure is not None:
            raise failure
        return handler_route.handler(GraphRequest(state, tenant, method, relative, params, query, body, graph_url))

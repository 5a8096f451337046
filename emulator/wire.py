"""Graph's wire format: error bodies, replies, and the request object handlers receive."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


class ErrorReply(Exception):
    """Raised by a handler: answered as Graph's `{"error": {...}}` with this status and code. (The
    providers' own ``providers.graph.GraphError`` is what a client makes of such an answer.)"""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def resource_not_found(resource_id: str) -> ErrorReply:
    return ErrorReply(
        404,
        "Request_ResourceNotFound",
        f"Resource '{resource_id}' does not exist or one of its queried reference-property objects are not present.",
    )


def object_not_found() -> ErrorReply:
    # The directory's answer for PATCH/GET on a policy object or MTO member that is absent.
    return ErrorReply(404, "Directory_ObjectNotFound", "Unable to read the company information from the directory.")


def bad_request(message: str, code: str = "Request_BadRequest") -> ErrorReply:
    return ErrorReply(400, code, message)


def same_key_conflict(message: str) -> ErrorReply:
    return ErrorReply(409, "Request_MultipleObjectsWithSameKeyValue", message)


def access_denied(message: str) -> ErrorReply:
    return ErrorReply(403, "Authorization_RequestDenied", message)


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    # Bytes sent as they are instead of the JSON body (fault answers: a gateway page, JSON cut off).
    raw: bytes | None = None
    content_type: str = "application/json"

    def encoded(self) -> bytes:
        if self.raw is not None:
            return self.raw
        if self.body is None:
            return b""
        return json.dumps(self.body, separators=(",", ":")).encode()


def no_content() -> Reply:
    return Reply(204)


def error_body(err: ErrorReply, request_id: str, client_request_id: str, date: str) -> dict:
    return {
        "error": {
            "code": err.code,
            "message": err.message,
            "innerError": {"date": date, "request-id": request_id, "client-request-id": client_request_id},
        }
    }


@dataclass
class GraphRequest:
    """What a Graph handler sees: the caller's tenant, the matched path parameters, the parsed body."""

    state: Any  # emulator.state.EmulatorState (kept loose to avoid an import cycle)
    tenant: Any  # emulator.state.Tenant
    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    base_url: str  # e.g. http://127.0.0.1:18080/v1.0
    version: str = "v1.0"  # or "beta", for the routes that serve it

    @property
    def beta(self) -> bool:
        return self.version == "beta"

    def json_object(self) -> dict:
        if not isinstance(self.body, dict):
            raise bad_request("The request body must be a JSON object.")
        return self.body

    def lookup(self, objects: dict, param: str) -> Any:
        """The object a (GUID-like, case-insensitive) path parameter names, or Graph's 404."""
        found = objects.get(self.params[param].lower())
        if found is None:
            raise resource_not_found(self.params[param])
        return found

    def entity(self, context: str, obj: dict, status: int = 200) -> Reply:
        return Reply(status, {"@odata.context": f"{self.base_url}/$metadata#{context}/$entity", **obj})

    def singleton(self, context: str, obj: dict, status: int = 200) -> Reply:
        """Entities addressed without a key (singletons, actions' results) have no `/$entity` suffix."""
        return Reply(status, {"@odata.context": f"{self.base_url}/$metadata#{context}", **obj})

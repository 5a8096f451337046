"""Fault injection, deterministic for a given seed and request sequence.

Shape of `POST /_emulator/faults` (every key optional; the whole configuration is replaced):
    seed                 int    seeds the random draws (default 0)
    throttleRate         float  fraction of requests answered 429 with Retry-After
    retryAfterSeconds    int    Retry-After on 429/503/504 answers (default 1)
    serverErrorRate      float  fraction of requests answered 503 or 504
    latencyMs            int    delay added before every faulted request is served
    replicationLagReads  int    a newly created object answers 404 to its first N GETs
    syncLagRequests      int    a new service principal's synchronization endpoints answer
                                403/409 to their first N requests
    gatewayErrorRate     float  fraction of requests answered 502 with a gateway's HTML page,
                                before they reach Graph (nothing is done)
    truncateRate         float  fraction of successful JSON answers cut off halfway (what the
                                request did is done)
    incompleteRate       float  fraction of successful JSON answers that lack what identifies
                                them: a collection's `value` is null, an object has no `id` or
                                `tenantId` (what the request did is done)
    nextLinkOrigin       str    scheme://host:port that every @odata.nextLink points to instead
                                of this emulator (a proxy or a hostile answer sending the client on)
    pathPattern          str    regex searched in the request path (`/v1.0/...`); only matching
                                requests are subject to any fault
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .wire import ErrorReply, Reply

GATEWAY_PAGE = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"

_FIELDS = {
    "seed": ("seed", int),
    "throttleRate": ("throttle_rate", float),
    "retryAfterSeconds": ("retry_after_seconds", int),
    "serverErrorRate": ("server_error_rate", float),
    "latencyMs": ("latency_ms", int),
    "replicationLagReads": ("replication_lag_reads", int),
    "syncLagRequests": ("sync_lag_requests", int),
    "gatewayErrorRate": ("gateway_error_rate", float),
    "truncateRate": ("truncate_rate", float),
    "incompleteRate": ("incomplete_rate", float),
    "nextLinkOrigin": ("next_link_origin", str),
    "pathPattern": ("path_pattern", str),
}


def admin_error(message: str) -> ErrorReply:
    return ErrorReply(400, "BadRequest", message)


@dataclass
class FaultConfig:
    seed: int = 0
    throttle_rate: float = 0.0
    retry_after_seconds: int = 1
    server_error_rate: float = 0.0
    latency_ms: int = 0
    replication_lag_reads: int = 0
    sync_lag_requests: int = 0
    gateway_error_rate: float = 0.0
    truncate_rate: float = 0.0
    incomplete_rate: float = 0.0
    next_link_origin: str | None = None
    path_pattern: str | None = None

    @classmethod
    def from_json(cls, body: Any) -> FaultConfig:
        if not isinstance(body, dict):
            raise admin_error("The faults body must be a JSON object.")
        unknown = set(body) - set(_FIELDS)
        if unknown:
            raise admin_error(f"Unknown fault settings: {', '.join(sorted(unknown))}.")
        values = {}
        for key, value in body.items():
            attribute, kind = _FIELDS[key]
            values[attribute] = cls._coerce(key, value, kind)
        config = cls(**values)
        config._validate()
        return config

    @staticmethod
    def _coerce(key: str, value: Any, kind: type) -> Any:
        if value is None and key in ("pathPattern", "nextLinkOrigin"):
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float) if kind is not str else str):
            raise admin_error(f"Fault setting {key} must be a {kind.__name__}.")
        return kind(value)

    def _validate(self) -> None:
        if not all(0 <= rate <= 1 for rate in (self.gateway_error_rate, self.truncate_rate, self.incomplete_rate)):
            raise admin_error("gatewayErrorRate, truncateRate and incompleteRate must be fractions between 0 and 1.")
        if not 0 <= self.throttle_rate + self.server_error_rate <= 1 or min(self.throttle_rate, self.server_error_rate) < 0:
            raise admin_error("throttleRate and serverErrorRate must be fractions summing to at most 1.")
        if min(self.retry_after_seconds, self.latency_ms, self.replication_lag_reads, self.sync_lag_requests) < 0:
            raise admin_error("Counts and durations must not be negative.")
        if self.path_pattern is not None:
            try:
                re.compile(self.path_pattern)
            except re.error as exc:
                raise admin_error(f"pathPattern is not a valid regular expression: {exc}.") from exc

    def to_json(self) -> dict:
        return {key: getattr(self, attribute) for key, (attribute, _) in _FIELDS.items()}


class Faults:
    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.config = FaultConfig()
        self._rng = random.Random(0)
        self._pattern: re.Pattern | None = None
        self._lagging_reads: dict[tuple[str, str], int] = {}
        self._lagging_sync: dict[tuple[str, str], int] = {}

    def configure(self, config: FaultConfig) -> None:
        self.clear()
        self.config = config
        self._rng = random.Random(config.seed)
        self._pattern = re.compile(config.path_pattern) if config.path_pattern else None

    def applies(self, path: str) -> bool:
        """`path` is relative to the Graph root; the pattern sees it as `/v1.0/...`."""
        return self._pattern is None or bool(self._pattern.search("/v1.0" + path))

    def latency_seconds(self, path: str) -> float:
        return self.config.latency_ms / 1000 if self.config.latency_ms and self.applies(path) else 0.0

    def transient(self, path: str) -> ErrorReply | None:
        """429 or 503/504 for a seeded fraction of requests."""
        config = self.config
        if not (config.throttle_rate or config.server_error_rate) or not self.applies(path):
            return None
        draw = self._rng.random()
        retry_after = {"Retry-After": str(config.retry_after_seconds)}
        if draw < config.throttle_rate:
            return ErrorReply(429, "TooManyRequests", "Too many requests. Please retry after the time given in Retry-After.", retry_after)
        if draw < config.throttle_rate + config.server_error_rate:
            if self._rng.random() < 0.5:
                return ErrorReply(503, "serviceNotAvailable", "The service is temporarily unavailable. Please retry.", retry_after)
            return ErrorReply(504, "UnknownError", "Gateway timeout: the backend did not answer in time.", retry_after)
        return None

    # -- answers that are not Graph's ---------------------------------------------------------
    def gateway_page(self, path: str) -> Reply | None:
        """A proxy's 502 page, instead of Graph's answer."""
        if not self.config.gateway_error_rate or not self.applies(path) or self._rng.random() >= self.config.gateway_error_rate:
            return None
        return Reply(502, raw=GATEWAY_PAGE, content_type="text/html")

    def truncated(self, path: str, reply: Reply) -> Reply:
        """The answer with its JSON cut off halfway, for a seeded fraction of successful answers."""
        if (not self.config.truncate_rate or reply.status >= 400 or reply.body is None or not self.applies(path)
                or self._rng.random() >= self.config.truncate_rate):
            return reply
        whole = reply.encoded()
        return Reply(reply.status, headers=dict(reply.headers), raw=whole[: len(whole) // 2])

    def sent_elsewhere(self, path: str, reply: Reply) -> Reply:
        """The answer with its ``@odata.nextLink`` moved to ``nextLinkOrigin`` (same path and query)."""
        body = reply.body
        if not self.config.next_link_origin or not isinstance(body, dict) or "@odata.nextLink" not in body or not self.applies(path):
            return reply
        link = urlsplit(body["@odata.nextLink"])
        moved = self.config.next_link_origin.rstrip("/") + urlunsplit(("", "", link.path, link.query, ""))
        return Reply(reply.status, {**body, "@odata.nextLink": moved}, dict(reply.headers))

    def incomplete(self, path: str, reply: Reply) -> Reply:
        """The answer without what identifies it, for a seeded fraction of successful JSON answers."""
        body = reply.body
        if (not self.config.incomplete_rate or reply.status >= 400 or not isinstance(body, dict) or reply.raw is not None
                or not self.applies(path) or self._rng.random() >= self.config.incomplete_rate):
            return reply
        if isinstance(body.get("value"), list):
            hollow = {**body, "value": None}
        else:
            hollow = {key: value for key, value in body.items() if key not in ("id", "tenantId")}
        return Reply(reply.status, hollow, dict(reply.headers))

    # -- replication lag: a new object is invisible to its first N reads ---------------------
    def note_created(self, tenant_id: str, object_path: str) -> None:
        if self.config.replication_lag_reads:
            self._lagging_reads[(tenant_id, object_path.lower())] = self.config.replication_lag_reads

    def replication_lag(self, tenant_id: str, method: str, path: str, resource_id: str) -> ErrorReply | None:
        key = (tenant_id, path.lower())
        if method != "GET" or key not in self._lagging_reads or not self.applies(path):
            return None
        self._lagging_reads[key] -= 1
        if self._lagging_reads[key] <= 0:
            del self._lagging_reads[key]
        return ErrorReply(
            404,
            "Request_ResourceNotFound",
            f"Resource '{resource_id}' does not exist or one of its queried reference-property objects are not present.",
        )

    # -- synchronization lag: a new service principal's sync endpoints answer 403/409 -------
    def note_service_principal(self, tenant_id: str, sp_id: str) -> None:
        if self.config.sync_lag_requests:
            self._lagging_sync[(tenant_id, sp_id)] = self.config.sync_lag_requests

    def sync_lag(self, tenant_id: str, sp_id: str, path: str) -> ErrorReply | None:
        key = (tenant_id, sp_id.lower())
        if key not in self._lagging_sync or not self.applies(path):
            return None
        served = self.config.sync_lag_requests - self._lagging_sync[key] + 1
        self._lagging_sync[key] -= 1
        if not self._lagging_sync[key]:
            del self._lagging_sync[key]
        # The synchronization service first doesn't see the principal yet (403), then reports a
        # conflicting in-flight provisioning of it (409), alternately; clients must retry both.
        if served % 2:
            return ErrorReply(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation: the service principal is not yet available to the synchronization service.")
        return ErrorReply(409, "Conflict", "The service principal is still being provisioned in the synchronization service. Please retry.")

"""A small stdlib client for the admin API, for tests, benchmarks and tools."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any


class AdminError(RuntimeError):
    def __init__(self, status: int, body: Any):
        super().__init__(f"admin API answered {status}: {body}")
        self.status = status
        self.body = body


class AdminClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        # Loopback only: never route admin calls through an environment proxy.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.base_url}/_emulator{path}", data=data, method=method)
        request.add_header("Content-Type", "application/json")
        try:
            with self._opener.open(request, timeout=120) as response:
                payload = response.read()
        except urllib.error.HTTPError as err:
            text = err.read()
            raise AdminError(err.code, json.loads(text) if text else None) from None
        return json.loads(payload) if payload else None

    def add_tenant(self, tenant_id: str, display_name: str, domains: list[str] | None = None) -> dict:
        body: dict[str, Any] = {"tenantId": tenant_id, "displayName": display_name}
        if domains:
            body["domains"] = domains
        return self.call("POST", "/tenants", body)

    def token(self, tenant_id: str, roles: list[str] | None = None, user: str | None = None) -> str:
        """An application's token; with ``user``, a person's (what the admin center sends for them)."""
        body: dict[str, Any] = {"tenantId": tenant_id}
        body.update({"roles": roles} if roles is not None else {})
        body.update({"user": user} if user is not None else {})
        return self.call("POST", "/token", body)["access_token"]

    def revoke_tokens(self, tenant_id: str) -> None:
        self.call("POST", "/tokens/revoke", {"tenantId": tenant_id})

    def federated_token(self, issuer: str, subject: str, audience: str | None = None) -> str:
        body = {"issuer": issuer, "subject": subject, **({"audience": audience} if audience else {})}
        return self.call("POST", "/federated-token", body)["token"]

    def run_sync(self) -> list[dict]:
        return self.call("POST", "/sync/run")["jobs"]

    def advance_clock(self, seconds: float) -> dict:
        return self.call("POST", "/clock/advance", {"seconds": seconds})

    def set_faults(self, **settings: Any) -> dict:
        return self.call("POST", "/faults", settings)

    def clear_faults(self) -> None:
        self.call("DELETE", "/faults")

    def requests(self) -> list[dict]:
        return self.call("GET", "/requests")

    def clear_requests(self) -> None:
        self.call("DELETE", "/requests")

    def load_fixture(self, fixture: dict) -> list[dict]:
        return self.call("POST", "/fixture", fixture)["value"]

    def reset(self) -> None:
        self.call("POST", "/reset")

    def state(self) -> dict:
        return self.call("GET", "/state")

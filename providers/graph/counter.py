"""Per-process count of the HTTP requests sent to Graph, read by tests and benchmarks.

It sits at the innermost httpx transport, below the SDK's retry middleware, so every request on the
wire is recorded once, retries included (the SDK marks those with a ``Retry-Attempt`` header).
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    tenant_id: str
    status: int
    retry_attempt: int
    seconds: float


class RequestLog:
    """A thread-safe list of :class:`RequestRecord`; the CLI reads tenants from threads too."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def writes(self) -> list[RequestRecord]:
        return [r for r in self.records() if r.method != "GET"]

    def by_method(self) -> Counter:
        return Counter(r.method for r in self.records())

    def retries(self) -> int:
        return sum(1 for r in self.records() if r.retry_attempt)


REQUESTS = RequestLog()


class CountingTransport(httpx.AsyncBaseTransport):
    """Wraps the real transport and records each request it sends for one tenant."""

    def __init__(self, tenant_id: str, inner: httpx.AsyncBaseTransport, log: RequestLog = REQUESTS):
        self._tenant_id = tenant_id
        self._inner = inner
        self._log = log

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        began = time.perf_counter()
        response = await self._inner.handle_async_request(request)
        self._log.add(
            RequestRecord(
                method=request.method,
                path=urlsplit(str(request.url)).path,
                tenant_id=self._tenant_id,
                status=response.status_code,
                retry_attempt=int(request.headers.get("Retry-Attempt", "0")),
                seconds=time.perf_counter() - began,
            )
        )
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()

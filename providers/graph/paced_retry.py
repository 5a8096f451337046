"""The SDK's RetryHandler with its waits paced by providers/graph/backoff.py.

A module of its own because kiota is imported at a tenant's first request, not at plugin start
(see providers/graph/models.py for why).
"""
from __future__ import annotations

import httpx
from kiota_http.middleware import RetryHandler
from kiota_http.middleware.options import RetryHandlerOption

from providers.graph.backoff import scaled


class PacedRetryHandler(RetryHandler):
    """Graph's Retry-After (or the handler's exponential back-off), scaled like every other wait."""

    def get_delay_time(self, retry_count: int, response: httpx.Response | None = None,
                       delay: float = RetryHandlerOption.DEFAULT_DELAY) -> float:
        return scaled(super().get_delay_time(retry_count, response, delay))

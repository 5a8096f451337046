"""The one place a tenant's Graph requests leave the process: only for its configured Graph origin.

The bearer token is for that tenant's Graph. A request to any other scheme, host or port (an
``@odata.nextLink`` a proxy or a hostile answer pointed elsewhere, a redirect) is refused before it
is sent, so the token never reaches another host. kiota's allowed-hosts list (set beside it) checks
the host only; this checks the whole origin.
"""
from __future__ import annotations

import httpx

from providers.graph.errors import GraphError

FOREIGN_ORIGIN = "ForeignOrigin"


def origin(url: str | httpx.URL) -> tuple[str, str, int | None]:
    parsed = httpx.URL(str(url))
    return parsed.scheme, parsed.host, parsed.port or {"https": 443, "http": 80}.get(parsed.scheme)


def shown(url: str | httpx.URL) -> str:
    scheme, host, port = origin(url)
    return f"{scheme}://{host}:{port}"


class SameOriginTransport(httpx.AsyncBaseTransport):
    """Sends a request only when it is for ``endpoint``'s origin; raises GraphError otherwise."""

    def __init__(self, endpoint: str, inner: httpx.AsyncBaseTransport):
        self._origin = origin(endpoint)
        self._endpoint = endpoint
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if origin(request.url) != self._origin:
            raise GraphError(0, FOREIGN_ORIGIN, (
                f"refused to send {request.method} {shown(request.url)}{request.url.path}: it is not this tenant's "
                f"Graph ({shown(self._endpoint)}), and the tenant's token goes to its graphEndpoint only "
                "(an @odata.nextLink or a redirect pointed elsewhere: a proxy in between, or a hostile answer)"))
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()

"""Graph clients per tenant, and the one place Graph calls are sent and their errors translated."""
from __future__ import annotations

import asyncio
import json
import threading
from typing import Any, Awaitable, Callable, Mapping, TypeVar

import httpx
from kiota_abstractions.api_error import APIError
from kiota_abstractions.method import Method
from kiota_abstractions.request_information import RequestInformation
from kiota_authentication_azure.azure_identity_authentication_provider import (
    AzureIdentityAuthenticationProvider,
)
from kiota_http.middleware.options import RetryHandlerOption
from msgraph import GraphServiceClient
from msgraph.graph_request_adapter import GraphRequestAdapter
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph_core import GraphClientFactory

from providers.graph.connection import GRAPH_SCOPE, TenantConnection, credential_for
from providers.graph.counter import CountingTransport
from providers.graph.errors import GraphError, from_odata

T = TypeVar("T")
ERROR_MAPPING = {"XXX": ODataError}
# The SDK's RetryHandler handles 429/503/504 (honouring Retry-After); allow a few more attempts than
# its default 3 because a `pulumi up` of many pairs bursts against per-tenant throttling limits.
RETRY_OPTION = RetryHandlerOption(max_retries=5)


class TenantGraph:
    """Graph for one tenant: the msgraph-sdk client plus raw requests for what the SDK lacks."""

    def __init__(self, connection: TenantConnection):
        self.tenant_id = connection.tenant_id
        self.sdk = _sdk_client(connection)
        self._once: dict[str, asyncio.Future] = {}

    def once(self, key: str, reads: Callable[[], Awaitable[T]]) -> Awaitable[T]:
        """``reads()`` run once per tenant and provider process, its result shared by every caller
        (e.g. a scan of the tenant that every create in it consults); a failure is not kept."""
        if key not in self._once:
            future = asyncio.ensure_future(reads())
            future.add_done_callback(lambda done: (done.cancelled() or done.exception()) and self._once.pop(key, None))
            self._once[key] = future
        return asyncio.shield(self._once[key])

    async def call(self, method: str, builder: Any, *args: Any, **kwargs: Any) -> Any:
        """``builder.<method>(...)`` of the SDK; a failure becomes a GraphError naming the operation
        (``METHOD /path``, derived from the request builder, so it always matches what was sent)."""
        operation = f"{method} {self._path(self._request_information(method, builder))}"
        return await self._sent(method, operation, lambda: getattr(builder, method.lower())(*args, **kwargs))

    async def send(self, method: str, builder: Any, body: Any = None) -> Any:
        """A request the SDK does not generate (or generates wrongly), as raw JSON both ways.

        Used for identitySynchronization PATCH, MTO PUT, secrets GET and schema GET/PUT, which
        msgraph-sdk does not generate; raw JSON also keeps flags enums that typed models drop.
        """
        info = self._request_information(method, builder)
        info.headers.try_add("Accept", "application/json")
        if body is not None:
            info.headers.try_add("Content-Type", "application/json")
            info.content = json.dumps(body).encode()
        async def sent() -> Any:
            raw = await self.sdk.request_adapter.send_primitive_async(info, "bytes", ERROR_MAPPING)
            return json.loads(raw) if raw else None

        return await self._sent(method, f"{method} {self._path(info)}", sent)

    async def _sent(self, method: str, operation: str, request: Callable[[], Awaitable[T]]) -> T:
        """The request's answer. An answer that is not Graph's (a gateway's error page, JSON cut off,
        no answer in time) is asked again for a read; for a write, or when it persists, it becomes
        a GraphError that names the tenant and says what to do, never a raw library error."""
        attempts = UNREADABLE_RETRIES if method == "GET" else 1
        for attempt in range(1, attempts + 1):
            try:
                return await _translated(operation, request())
            except GraphError as error:
                if error.code not in UNREADABLE or attempt == attempts:
                    if error.code in UNREADABLE:
                        raise _unreadable(error, self.tenant_id, method, attempts) from None
                    raise
            await asyncio.sleep(0.5 * attempt)
        raise AssertionError("unreachable")

    def on_beta(self, builder: Any) -> Any:
        """``builder``'s request addressed to Graph's beta endpoint, for a property only beta has
        (msgraph-sdk is the v1.0 SDK; only the version segment of the URL changes)."""
        url = self._request_information("GET", builder).url
        root = self.sdk.request_adapter.base_url.rstrip("/")
        return builder.with_url(root.rsplit("/", 1)[0] + "/beta" + url[len(root):])

    def _request_information(self, method: str, builder: Any) -> RequestInformation:
        info = RequestInformation(Method[method], builder.url_template, builder.path_parameters)
        self.sdk.request_adapter.set_base_url_for_request_information(info)
        return info

    def _path(self, info: RequestInformation) -> str:
        """The Graph path a request addresses, relative to the API version root."""
        path = httpx.URL(info.url).path
        root = httpx.URL(self.sdk.request_adapter.base_url).path.rstrip("/")
        return path[len(root):] if root and path.startswith(root) else path


# Answers that are not Graph's: the codes ``_translated`` gives them, and how often a read asks again.
GATEWAY_PAGE, CUT_OFF, NO_ANSWER = "UnreadableAnswer", "TruncatedAnswer", "NoAnswer"
UNREADABLE = (GATEWAY_PAGE, CUT_OFF, NO_ANSWER)
UNREADABLE_RETRIES = 3


async def _translated(operation: str, request: Awaitable[T]) -> T:
    """Await an SDK request; a failure becomes a GraphError naming ``operation``."""
    try:
        return await request
    except ODataError as error:
        raise from_odata(error, operation) from None
    except APIError as error:  # an error body that is not Graph's JSON, e.g. a gateway's HTML page
        raise GraphError(error.response_status_code or 0, GATEWAY_PAGE,
                         "the answer was not Graph's JSON (a gateway's or proxy's error page)", operation) from None
    except json.JSONDecodeError as error:
        raise GraphError(0, CUT_OFF, f"the answer's JSON was cut off ({error.__class__.__name__})", operation) from None
    except httpx.TimeoutException as error:
        raise GraphError(0, NO_ANSWER, f"no answer in time ({error.__class__.__name__})", operation) from None


def _unreadable(error: GraphError, tenant_id: str, method: str, attempts: int) -> GraphError:
    if method == "GET":
        advice = f"asked {attempts} times; Graph or a proxy in front of it is failing: run pulumi up again later"
    else:
        advice = ("the write may or may not have been applied: run pulumi up again, which looks for what exists "
                  "before it creates anything")
    return GraphError(error.status, error.code, f"tenant {tenant_id}: {error.message}; {advice}", error.operation)


async def all_pages(graph: TenantGraph, builder: Any, **kwargs: Any) -> list[Any]:
    """Every item of a collection, following ``@odata.nextLink`` page by page."""
    page = await graph.call("GET", builder, **kwargs)
    items = list(page.value or [])
    while page.odata_next_link:
        page = await graph.call("GET", builder.with_url(page.odata_next_link))
        items += page.value or []
    return items


async def raw_pages(
    graph: TenantGraph, builder: Any, request_configuration: Any = None, pages: Callable[[int, int], None] | None = None,
) -> list[dict]:
    """Every item of a collection as raw JSON, following ``@odata.nextLink``; ``pages(page, items
    so far)`` is told of each page. For large collections of big objects: msgraph-sdk takes about
    11 ms to build one typed provisioning-log entry (bench/operations_scale.py), far more than its
    request costs."""
    info = builder.to_get_request_information(request_configuration)
    graph.sdk.request_adapter.set_base_url_for_request_information(info)
    page = await graph.send("GET", builder.with_url(info.url)) or {}
    items = list(page.get("value") or [])
    count = 1
    while page.get("@odata.nextLink"):
        if pages:
            pages(count, len(items))
        page = await graph.send("GET", builder.with_url(page["@odata.nextLink"])) or {}
        items += page.get("value") or []
        count += 1
    return items


async def if_present(request: Awaitable[T]) -> T | None:
    """None when the object is not there (404): a read finds it gone, a delete finds it done."""
    try:
        return await request
    except GraphError as error:
        if error.not_found:
            return None
        raise


def _sdk_client(connection: TenantConnection) -> GraphServiceClient:
    auth = AzureIdentityAuthenticationProvider(credential_for(connection), scopes=[GRAPH_SCOPE])
    transport = CountingTransport(connection.tenant_id, httpx.AsyncHTTPTransport())
    http = GraphClientFactory.create_with_default_middleware(
        client=httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(60, connect=10)),
        options={RetryHandlerOption.get_key(): RETRY_OPTION},
    )
    adapter = GraphRequestAdapter(auth, client=http)
    adapter.base_url = connection.base_url
    return GraphServiceClient(request_adapter=adapter)


class GraphSession:
    """The tenants a provider may talk to, with one lazily built client each."""

    def __init__(self, connections: Mapping[str, TenantConnection]):
        self._connections = dict(connections)
        self._clients: dict[str, TenantGraph] = {}
        self._lock = threading.Lock()

    def tenant(self, tenant_id: str) -> TenantGraph:
        with self._lock:
            if tenant_id not in self._clients:
                if tenant_id not in self._connections:
                    known = ", ".join(sorted(self._connections)) or "none"
                    raise KeyError(
                        f"tenant {tenant_id} is not declared under ctsync:tenants "
                        f"(declared: {known}); add it with its auth settings"
                    )
                self._clients[tenant_id] = TenantGraph(self._connections[tenant_id])
            return self._clients[tenant_id]


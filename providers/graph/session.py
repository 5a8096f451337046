"""Graph clients per tenant, and the one place Graph calls are sent and their errors translated."""
from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from kiota_abstractions.api_error import APIError
from kiota_abstractions.method import Method
from kiota_abstractions.request_information import RequestInformation

from providers.graph import backoff, models
from providers.graph.connection import TenantConnection, TenantCredential, tls_context
from providers.graph.counter import CountingTransport
from providers.graph.errors import GraphError, SignInFailed, from_odata
from providers.graph.origin import SameOriginTransport

if TYPE_CHECKING:
    from msgraph import GraphServiceClient

T = TypeVar("T")


class SignInFailures(Exception):
    """Several tenants could not sign in: each one's reason, one per line."""

    def __init__(self, failures: list[BaseException]):
        super().__init__("; ".join(str(failure) for failure in failures))
# The SDK's RetryHandler handles 429/503/504 (honouring Retry-After); allow a few more attempts than
# its default 3 because a `pulumi up` of many pairs bursts against per-tenant throttling limits.
MAX_RETRIES = 5


class TenantGraph:
    """Graph for one tenant: the msgraph-sdk client plus raw requests for what the SDK lacks."""

    def __init__(self, connection: TenantConnection):
        self.tenant_id = connection.tenant_id
        self.credential = TenantCredential(connection)
        self.sdk = _sdk_client(connection, self.credential)
        self._once: dict[str, asyncio.Future] = {}

    async def sign_in(self) -> None:
        """Get a token now (the one later requests use, from the credential's cache)."""
        # enable_cae: the token kiota asks for, so that this one is cached for it.
        await asyncio.to_thread(self.credential.get_token, self.credential.connection.scope, enable_cae=True)

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
        def request() -> RequestInformation:
            info = self._request_information(method, builder)
            info.headers.try_add("Accept", "application/json")
            if body is not None:
                info.headers.try_add("Content-Type", "application/json")
                info.content = json.dumps(body).encode()
            return info

        async def sent() -> Any:
            # A request of its own each time: the adapter writes the bearer token into the request it
            # sends, so a request built once would go out again with a token Graph has just refused.
            raw: bytes | None = await self.sdk.request_adapter.send_primitive_async(
                request(), "bytes", {"XXX": models.ODataError})
            return json.loads(raw) if raw else None

        return await self._sent(method, f"{method} {self._path(request())}", sent)

    async def _sent(self, method: str, operation: str, request: Callable[[], Awaitable[T]]) -> T:
        """The request's answer. An answer that is not Graph's (a gateway's error page, JSON cut off,
        an answer without its value or id, no answer in time) is asked again for a read; for a write,
        or when it persists, it becomes a GraphError that names the tenant and says what to do, never
        a raw library error. A token Graph refuses (401) is replaced once by a fresh sign-in."""
        attempts = UNREADABLE_RETRIES if method == "GET" else 1
        attempt, renewed = 1, False
        while True:
            try:
                return _whole(await _translated(operation, request()), operation)
            except GraphError as error:
                if _token_refused(error):
                    if renewed:
                        raise _refused_twice(error, self.credential.connection) from None
                    # Revoked or expired early: Graph did nothing with the request; sign in afresh once.
                    self.credential.renew()
                    renewed = True
                    continue
                if error.code not in UNREADABLE:
                    raise
                if attempt == attempts:
                    raise _unreadable(error, self.tenant_id, method, attempts) from None
            await backoff.wait(0.5 * attempt)
            attempt += 1

    def on_beta(self, builder: Any) -> Any:
        """``builder``'s request addressed to Graph's beta endpoint, for a property only beta has
        (msgraph-sdk is the v1.0 SDK; only the version segment of the URL changes)."""
        url = self._request_information("GET", builder).url
        root = self.sdk.request_adapter.base_url.rstrip("/")
        return builder.with_url(root.rsplit("/", 1)[0] + "/beta" + url[len(root):])

    def _request_information(self, method: str, builder: Any) -> RequestInformation:
        info = RequestInformation(Method[method], builder.url_template, builder.path_parameters)
        with_base_url(self.sdk, info)
        return info

    def _path(self, info: RequestInformation) -> str:
        """The Graph path a request addresses, relative to the API version root."""
        path = httpx.URL(info.url).path
        root = httpx.URL(self.sdk.request_adapter.base_url).path.rstrip("/")
        return path[len(root):] if root and path.startswith(root) else path


# Answers that are not Graph's: the codes ``_translated`` and ``_whole`` give them, and how often a
# read asks again.
GATEWAY_PAGE, CUT_OFF, NO_ANSWER, HOLLOW = "UnreadableAnswer", "TruncatedAnswer", "NoAnswer", "IncompleteAnswer"
UNREADABLE = (GATEWAY_PAGE, CUT_OFF, NO_ANSWER, HOLLOW)


def _whole(answer: T, operation: str) -> T:
    """The answer, if it carries what every answer of its kind does; acting on one without (an empty
    collection that is not, an object without its id) would create duplicates or lose track."""
    missing = _missing(answer)
    if missing:
        raise GraphError(0, HOLLOW, f"the answer lacks {missing}", operation)
    return answer


def _missing(answer: Any) -> str | None:
    if isinstance(answer, dict):
        if "value" in answer:
            return None if isinstance(answer["value"], list) else "its collection (value is null)"
        context = answer.get("@odata.context", "")
        if context.rpartition("#")[2].startswith("microsoft.graph."):
            # An action's answer of a complex type (instantiate's applicationServicePrincipal): the
            # objects in it carry the ids.
            return next((f"the id of its {key}" for key, item in answer.items() if isinstance(item, dict) and not item.get("id")), None)
        if context and not (answer.get("id") or answer.get("tenantId")):
            return "its id"
        return None
    if type(answer).__name__.endswith("CollectionResponse"):
        return None if getattr(answer, "value", None) is not None else "its collection (value is null)"
    # Objects are keyed by id, or by tenant (partner entries, MTO members).
    keyed_by_tenant = hasattr(answer, "tenant_id")
    if (isinstance(answer, models.Entity) or keyed_by_tenant) and not (getattr(answer, "id", None) or getattr(answer, "tenant_id", None)):
        return "its tenantId" if keyed_by_tenant else "its id"
    return None
UNREADABLE_RETRIES = 3


async def _translated(operation: str, request: Awaitable[T]) -> T:
    """Await an SDK request; a failure becomes a GraphError naming ``operation``."""
    try:
        return await request
    except models.ODataError as error:
        raise from_odata(error, operation) from None
    except APIError as error:  # an error body that is not Graph's JSON, e.g. a gateway's HTML page
        raise GraphError(error.response_status_code or 0, GATEWAY_PAGE,
                         "the answer was not Graph's JSON (a gateway's or proxy's error page)", operation) from None
    except json.JSONDecodeError as error:
        raise GraphError(0, CUT_OFF, f"the answer's JSON was cut off ({error.__class__.__name__})", operation) from None
    except httpx.TimeoutException as error:
        raise GraphError(0, NO_ANSWER, f"no answer in time ({error.__class__.__name__})", operation) from None
    except SignInFailed as failure:
        raise failure.at(operation) from None


def _token_refused(error: GraphError) -> bool:
    return error.status == 401 and error.code == "InvalidAuthenticationToken"


def _refused_twice(error: GraphError, connection: TenantConnection) -> GraphError:
    return GraphError(error.status, error.code, (
        f"{connection.named}: Graph refused a freshly issued token too ({error.message}): check that "
        f"ctsync:tenants.{connection.alias or '<alias>'}.tenantId is the tenant the app registration signs in to, that the "
        "app is enabled there and that its application permissions are admin-consented"), error.operation)


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
    with_base_url(graph.sdk, info)
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


def with_base_url(sdk: GraphServiceClient, info: RequestInformation) -> None:
    """Set the request's base URL (the tenant's Graph endpoint) as the adapter would when sending.
    kiota types the client's adapter as the abstract RequestAdapter, which has no such method."""
    adapter: Any = sdk.request_adapter
    adapter.set_base_url_for_request_information(info)


def answer_timeout() -> float:
    """Seconds an answer may take (60); CTSYNC_GRAPH_TIMEOUT changes it (tests shorten it)."""
    return float(os.environ.get("CTSYNC_GRAPH_TIMEOUT", "60"))


def _sdk_client(connection: TenantConnection, credential: TenantCredential) -> GraphServiceClient:
    # Imported here, at a tenant's first request: see providers/graph/models.py for why.
    from kiota_authentication_azure.azure_identity_authentication_provider import AzureIdentityAuthenticationProvider
    from kiota_http.kiota_client_factory import KiotaClientFactory
    from kiota_http.middleware import RetryHandler
    from kiota_http.middleware.options import RetryHandlerOption
    from msgraph import GraphServiceClient
    from msgraph.graph_request_adapter import GraphRequestAdapter
    from msgraph_core import GraphClientFactory
    from msgraph_core.middleware import GraphTelemetryHandler

    from providers.graph.paced_retry import PacedRetryHandler

    # The token only for the tenant's Graph: kiota leaves it off a request to another host, and the
    # transport refuses to send one to another origin at all (providers/graph/origin.py).
    auth = AzureIdentityAuthenticationProvider(credential, scopes=[connection.scope],
                                               allowed_hosts=[httpx.URL(connection.endpoint).host])
    transport = SameOriginTransport(connection.endpoint, CountingTransport(
        connection.tenant_id, httpx.AsyncHTTPTransport(verify=tls_context())))
    # The SDK's default pipeline (what create_with_default_middleware builds), its RetryHandler
    # replaced by one whose waits go through providers/graph/backoff.py.
    retry_options = RetryHandlerOption(max_retries=MAX_RETRIES)
    middleware = [PacedRetryHandler(retry_options) if isinstance(handler, RetryHandler) else handler
                  for handler in KiotaClientFactory.get_default_middleware({retry_options.get_key(): retry_options})]
    http = GraphClientFactory.create_with_custom_middleware(
        [*middleware, GraphTelemetryHandler()],
        client=httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(answer_timeout(), connect=10)),
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
        self._signed_in: asyncio.Future | None = None

    def signed_in(self) -> Awaitable[None]:
        """Every declared tenant signs in, once per process: called before the first write, so that
        a wrong credential of one tenant stops the run before anything is written to any tenant."""
        failed = self._signed_in is not None and self._signed_in.done() and (
            self._signed_in.cancelled() or self._signed_in.exception() is not None)
        if self._signed_in is None or failed:  # a failure is not kept: the next write tries again
            self._signed_in = asyncio.ensure_future(self._sign_in_all())
        return asyncio.shield(self._signed_in)

    async def _sign_in_all(self) -> None:
        tenants = [self.tenant(tenant_id) for tenant_id in self._connections]
        outcomes = await asyncio.gather(*(tenant.sign_in() for tenant in tenants), return_exceptions=True)
        failures = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
        if failures:
            raise failures[0] if len(failures) == 1 else SignInFailures(failures)

    def named(self, tenant_id: str | None) -> str:
        """A tenant as a person reads it: its alias in ctsync:tenants beside its id."""
        connection = self._connections.get(str(tenant_id))
        return connection.named if connection is not None else f"tenant {tenant_id}"

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


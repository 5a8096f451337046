"""The tenant's Graph token goes to its graphEndpoint's origin only: an @odata.nextLink that points
elsewhere (a proxy in between on another port, a hostile answer) is refused before anything is sent
there; and a token Graph refuses is renewed on every request path, raw requests (``send``) included."""
from __future__ import annotations

import asyncio
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration

from providers.graph.connection import TenantConnection
from providers.graph.errors import GraphError
from providers.graph.origin import FOREIGN_ORIGIN
from providers.graph.session import TenantGraph, all_pages, raw_pages
from tests.emulator.flows import CONTOSO, two_tenants


class Elsewhere(ThreadingHTTPServer):
    """Another origin on loopback that records every request and the Authorization header it carried."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.seen.append((self.path, self.headers.get("Authorization")))
                body = b'{"value": []}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def elsewhere():
    server = Elsewhere()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def seeded(emulator):
    emulator.admin.load_fixture(two_tenants())
    return emulator


def contoso(emulator) -> TenantGraph:
    return TenantGraph(TenantConnection(tenant_id=CONTOSO, endpoint=emulator.base_url, method="emulator", alias="contoso"))


def one_per_page(graph: TenantGraph) -> RequestConfiguration:
    configuration = RequestConfiguration(query_parameters=graph.sdk.users.UsersRequestBuilderGetQueryParameters(top=1))
    return configuration


def read_users(emulator, pager: str) -> list:
    async def read() -> list:
        graph = contoso(emulator)
        if pager == "typed":
            return await all_pages(graph, graph.sdk.users, request_configuration=one_per_page(graph))
        return await raw_pages(graph, graph.sdk.users, one_per_page(graph))

    return asyncio.run(read())


@pytest.mark.parametrize("pager", ["typed", "raw"])
def test_pages_are_followed_on_the_same_origin(seeded, pager):
    assert len(read_users(seeded, pager)) == 4, "four users, one per page"


@pytest.mark.parametrize("pager", ["typed", "raw"])
def test_a_next_link_to_another_origin_is_refused_and_gets_no_token(seeded, elsewhere, pager):
    seeded.admin.set_faults(nextLinkOrigin=elsewhere.origin)
    with pytest.raises(GraphError) as refused:
        read_users(seeded, pager)
    assert refused.value.code == FOREIGN_ORIGIN
    message = str(refused.value)
    assert f"refused to send GET {elsewhere.origin}/v1.0/users" in message
    assert f"not this tenant's Graph ({seeded.base_url})" in message
    assert elsewhere.seen == [], "nothing at all reached the other origin, so no token did"


def test_a_next_link_to_another_port_of_the_same_host_is_refused(seeded):
    port = int(seeded.base_url.rsplit(":", 1)[1]) + 1
    seeded.admin.set_faults(nextLinkOrigin=f"http://127.0.0.1:{port}")
    with pytest.raises(GraphError, match="refused to send GET"):
        read_users(seeded, "raw")


def test_a_revoked_token_is_renewed_for_a_raw_request_too(seeded):
    async def read_after_revoking() -> dict:
        graph = contoso(seeded)
        await graph.send("GET", graph.sdk.users)
        seeded.admin.revoke_tokens(CONTOSO)
        seeded.admin.clear_requests()
        return await graph.send("GET", graph.sdk.users)

    answer = asyncio.run(read_after_revoking())
    assert len(answer["value"]) == 4
    assert [entry["status"] for entry in seeded.admin.requests() if entry["path"] == "/v1.0/users"] == [401, 200]

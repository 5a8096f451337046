"""The thin layer over pulumi 3.272's experimental provider server (providers/framework/server.py):
one test per defect it puts right, each failing if its workaround goes, plus the two things the
layer adds (warnings as engine diagnostics, concurrent calls on one loop)."""
from __future__ import annotations

import asyncio
import json
import logging
import threading
from concurrent import futures
from dataclasses import dataclass

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.proto import engine_pb2_grpc, provider_pb2, provider_pb2_grpc
from pulumi.runtime.rpc import UNKNOWN

from providers.framework import GraphResource, Observed, adoption_notice, attribute, computed
from providers.framework.provider import GraphProvider
from providers.framework.server import EngineLogHandler, start
from providers.framework.wire import to_plain
from tests.providers.drivers import plain, struct

TOKEN = "ctsync:test:Echo"
URN = f"urn:pulumi:test::ctsync::ctsync:pair:TenantPair$${TOKEN}::echo"


@dataclass(frozen=True)
class EchoInputs:
    tenant_id: str = attribute(replace=True)
    text: str = attribute(default="")


@dataclass(frozen=True)
class EchoState:
    length: int = computed()


class EchoResource(GraphResource[EchoInputs, EchoState]):
    """A resource that talks to no tenant: creates wait for each other (concurrency), reads find nothing."""

    module = "test"
    type_name = "Echo"
    id_format = "{tenant_id}/echo"
    Inputs = EchoInputs
    State = EchoState
    started: list[str] = []
    release: asyncio.Event | None = None

    async def create(self, inputs: EchoInputs) -> EchoState:
        adoption_notice(self.type_name, f"echo {inputs.text}")
        if inputs.text.startswith("wait"):
            EchoResource.started.append(inputs.text)
            if len(EchoResource.started) == 2:
                EchoResource.release.set()
            await asyncio.wait_for(EchoResource.release.wait(), timeout=20)
        if inputs.text == "fail":
            raise ValueError("tenant t: the echo failed; fix the echo")
        return EchoState(len(inputs.text))

    async def read(self, inputs: EchoInputs, state: EchoState) -> Observed | None:
        return None


class Engine(engine_pb2_grpc.EngineServicer):
    def __init__(self) -> None:
        self.logs: list = []

    def Log(self, request, context):
        self.logs.append(request)
        return empty_pb2.Empty()


@pytest.fixture
def engine():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    recorder = Engine()
    engine_pb2_grpc.add_EngineServicer_to_server(recorder, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield recorder, f"127.0.0.1:{port}"
    server.stop(None)


@pytest.fixture
def plugin(engine, emulator):
    """The server with the Echo catalogue, on its own loop, warnings going to the fake engine (an
    emulator runs only because a create first signs in to every declared tenant)."""
    _, address = engine
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def boot():
        # The engine's channel belongs to the serving loop, as in the plugin's main.
        EchoResource.release, EchoResource.started = asyncio.Event(), []
        handler = EngineLogHandler(address)
        logging.getLogger("ctsync").addHandler(handler)
        return handler, *await start(GraphProvider([EchoResource]), address)

    handler, server, port = asyncio.run_coroutine_threadsafe(boot(), loop).result()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    stub = provider_pb2_grpc.ResourceProviderStub(channel)
    tenants = json.dumps({"t": {"tenantId": "11111111-1111-4111-8111-111111111111", "auth": {"method": "emulator"},
                                "graphEndpoint": emulator.base_url}})
    stub.Configure(provider_pb2.ConfigureRequest(variables={}, args=struct({"tenants": tenants}), acceptSecrets=True))
    yield stub
    logging.getLogger("ctsync").removeHandler(handler)
    channel.close()
    asyncio.run_coroutine_threadsafe(server.stop(None), loop).result()
    loop.call_soon_threadsafe(loop.stop)


def test_read_of_a_missing_object_says_not_found(plugin):
    """3.272 always answers with a properties struct: `pulumi import` of a missing id added an empty
    resource to state. No properties and no inputs make the engine say the resource does not exist."""
    response = plugin.Read(provider_pb2.ReadRequest(urn=URN, id="t/echo", properties=struct({})))
    assert response.id == ""
    assert not response.HasField("properties") and not response.HasField("inputs")


def test_diff_config_compares_and_never_replaces(plugin):
    """3.272 maps a bool onto the change-kind enum and reads a missing field: it raised here."""
    olds, news = struct({"tenants": "{}"}), struct({"tenants": '{"a": {}}'})
    changed = plugin.DiffConfig(provider_pb2.DiffRequest(urn=URN, olds=olds, news=news))
    same = plugin.DiffConfig(provider_pb2.DiffRequest(urn=URN, olds=olds, news=olds))
    assert changed.changes == provider_pb2.DiffResponse.DIFF_SOME and list(changed.replaces) == []
    assert same.changes == provider_pb2.DiffResponse.DIFF_NONE


def test_an_unknown_preview_value_goes_back_as_unknown(plugin):
    """3.272 cannot marshal its own Computed values; the sentinel string is what the engine reads as unknown."""
    response = plugin.Check(provider_pb2.CheckRequest(urn=URN, olds=struct({}), news=struct({"tenant_id": UNKNOWN})))
    assert list(response.failures) == []
    assert plain(response.inputs)["tenant_id"] == UNKNOWN
    assert to_plain({"v": PropertyValue.computed()}).values == {"v": UNKNOWN}
    PropertyValue.marshal_map({"v": PropertyValue(UNKNOWN)})  # what goes back marshals


def test_an_error_reaches_the_engine_without_a_traceback(plugin):
    with pytest.raises(grpc.RpcError) as failure:
        plugin.Create(provider_pb2.CreateRequest(urn=URN, properties=struct({"tenant_id": "t", "text": "fail"})))
    assert failure.value.details() == "tenant t: the echo failed; fix the echo"


def test_a_warning_is_a_diagnostic_on_the_resource(plugin, engine):
    recorder, _ = engine
    plugin.Create(provider_pb2.CreateRequest(urn=URN, properties=struct({"tenant_id": "t", "text": "hi"})))
    for _ in range(100):
        if recorder.logs:
            break
        threading.Event().wait(0.05)
    assert [(log.urn, log.message) for log in recorder.logs] == [
        (URN, "ctsync: Echo: adopted existing echo hi instead of creating a new one")
    ]


def test_concurrent_calls_are_served_concurrently(plugin):
    """Each of the two creates waits until both have started: served one at a time, they would time out."""
    def create(text: str):
        return plugin.Create(provider_pb2.CreateRequest(urn=URN, properties=struct({"tenant_id": "t", "text": text})))

    with futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(create, ["wait-a", "wait-b"]))
    assert sorted(plain(r.properties)["length"] for r in results) == [6, 6]

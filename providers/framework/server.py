"""The gRPC side of the plugin: the SDK's experimental provider server with what it gets wrong in
pulumi 3.272 put right here, in one place (tests/providers/test_server_workarounds.py pins each):

1. Read cannot say "not found": the SDK always answers with a properties struct, so ``pulumi import``
   of a missing id silently added an empty resource. An empty ReadResponse here means "not found".
2. DiffConfig maps a Python bool onto the change-kind enum and reads a field that does not exist;
   here it compares the configuration and never asks for a replacement.
3. Unknown preview values: ``PropertyValue`` cannot marshal its own ``Computed``; ``wire.py`` keeps
   them as the ``UNKNOWN`` sentinel string, which the engine reads as unknown.
4. Errors: the SDK appends a Python traceback to every error; users get the message alone (the
   traceback goes to the plugin's stderr, which the engine logs).
Also: warnings logged by resources (adoptions) reach the CLI as diagnostics on the resource, through
the engine's Log service, and one asyncio loop serves every call, concurrently.

Why the SDK's layer and not protobuf to plain values directly: ``bench/provider_wire.py`` measures
its cost at about a tenth of a second of CPU for the Check and Diff of the 30-tenant bench's 493
resources, against several seconds for the run; a direct conversion would have to redo its handling
of secrets and unknowns, and the layer is where Pulumi's component (Construct) support lives.
"""
from __future__ import annotations

import argparse
import asyncio
import contextvars
import logging
import signal
import sys
import traceback
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

import grpc
import grpc.aio
from google.protobuf import empty_pb2
from google.protobuf.struct_pb2 import Struct
from pulumi.provider.experimental import provider as rpc
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, provider_pb2, provider_pb2_grpc

from providers.framework.provider import GraphProvider

# Within the engine's 5 s between its interrupt and a SIGKILL.
SHUTDOWN_GRACE_SECONDS = 4
# Stands for the old inputs of a resource that exists (their values are never read).
_EXISTING = {"exists": PropertyValue(True)}
_CURRENT_URN: contextvars.ContextVar[str] = contextvars.ContextVar("urn", default="")
_KINDS = {
    rpc.PropertyDiffKind.ADD: provider_pb2.PropertyDiff.ADD,
    rpc.PropertyDiffKind.ADD_REPLACE: provider_pb2.PropertyDiff.ADD_REPLACE,
    rpc.PropertyDiffKind.DELETE: provider_pb2.PropertyDiff.DELETE,
    rpc.PropertyDiffKind.DELETE_REPLACE: provider_pb2.PropertyDiff.DELETE_REPLACE,
    rpc.PropertyDiffKind.UPDATE: provider_pb2.PropertyDiff.UPDATE,
    rpc.PropertyDiffKind.UPDATE_REPLACE: provider_pb2.PropertyDiff.UPDATE_REPLACE,
}


def _props(struct: Struct) -> dict[str, PropertyValue]:
    return PropertyValue.unmarshal_map(struct)


def _marshal(values: dict[str, PropertyValue] | None) -> Struct:
    return PropertyValue.marshal_map(values or {})


def _failures(failures: list[rpc.CheckFailure] | None) -> list[provider_pb2.CheckFailure]:
    return [provider_pb2.CheckFailure(property=f.property, reason=f.reason) for f in failures or []]


def describe(error: BaseException) -> str:
    """What the user sees: the message, never a traceback (KeyError's repr quotes are dropped)."""
    if isinstance(error, KeyError) and error.args:
        return str(error.args[0])
    return str(error) or type(error).__name__


Context = grpc.aio.ServicerContext[Any, Any]
Rpc = TypeVar("Rpc", bound=Callable[..., Awaitable[Any]])


def _served(method: Rpc) -> Rpc:
    async def serve(self: CtsyncServicer, request: Any, context: Context) -> Any:
        _CURRENT_URN.set(getattr(request, "urn", ""))
        try:
            return await method(self, request, context)
        except Exception as error:  # noqa: BLE001 - every failure becomes one clean gRPC error
            traceback.print_exc(file=sys.stderr)
            await context.abort(grpc.StatusCode.UNKNOWN, describe(error))

    return cast(Rpc, serve)


class CtsyncServicer(ProviderServicer):
    """The RPCs a custom-resource provider serves, over ``GraphProvider``."""

    def __init__(self, provider: GraphProvider, engine_address: str | None):
        super().__init__([], provider.version, provider, engine_address or "")
        self.provider = provider

    @_served
    async def GetSchema(self, request: provider_pb2.GetSchemaRequest, context: Context) -> provider_pb2.GetSchemaResponse:
        response = await self.provider.get_schema(rpc.GetSchemaRequest(request.version))
        return provider_pb2.GetSchemaResponse(schema=response.schema or "")

    @_served
    async def Construct(self, request: provider_pb2.ConstructRequest, context: Context) -> provider_pb2.ConstructResponse:
        # The SDK's own Construct appends a traceback to the message; refusals read as the program's.
        return await self._construct(request, context)

    @_served
    async def CheckConfig(self, request: provider_pb2.CheckRequest, context: Context) -> provider_pb2.CheckResponse:
        return provider_pb2.CheckResponse(inputs=request.news)

    @_served
    async def DiffConfig(self, request: provider_pb2.DiffRequest, context: Context) -> provider_pb2.DiffResponse:
        # Workaround 2. A changed ctsync:tenants (a new tenant, a rotated secret) updates the
        # provider in place; it never replaces the Graph objects it manages.
        changed = request.olds != request.news
        kind = provider_pb2.DiffResponse.DIFF_SOME if changed else provider_pb2.DiffResponse.DIFF_NONE
        return provider_pb2.DiffResponse(changes=kind)

    @_served
    async def Configure(self, request: provider_pb2.ConfigureRequest, context: Context) -> provider_pb2.ConfigureResponse:
        response = await self.provider.configure(
            rpc.ConfigureRequest(dict(request.variables), _props(request.args), request.acceptSecrets, request.acceptResources)
        )
        return provider_pb2.ConfigureResponse(
            acceptSecrets=response.accept_secrets, supportsPreview=response.supports_preview,
            acceptResources=response.accept_resources, acceptOutputs=response.accept_outputs,
        )

    @_served
    async def Check(self, request: provider_pb2.CheckRequest, context: Context) -> provider_pb2.CheckResponse:
        # The old inputs are not unmarshalled: a check of declared fields needs only the new ones, and
        # the engine sends a Check per resource on every `up`. Whether there are any says create or not.
        olds = _EXISTING if request.olds.fields else {}
        response = await self.provider.check(rpc.CheckRequest(request.urn, olds, _props(request.news), request.randomSeed))
        return provider_pb2.CheckResponse(inputs=_marshal(response.inputs), failures=_failures(response.failures))

    @_served
    async def Diff(self, request: provider_pb2.DiffRequest, context: Context) -> provider_pb2.DiffResponse:
        response = await self.provider.diff(
            rpc.DiffRequest(request.urn, request.id, _props(request.olds), _props(request.news), list(request.ignoreChanges))
        )
        return provider_pb2.DiffResponse(
            changes=provider_pb2.DiffResponse.DIFF_SOME if response.changes else provider_pb2.DiffResponse.DIFF_NONE,
            replaces=response.replaces, diffs=response.diffs, deleteBeforeReplace=response.delete_before_replace,
            detailedDiff={
                name: provider_pb2.PropertyDiff(kind=_KINDS[diff.kind], inputDiff=diff.input_diff)
                for name, diff in response.detailed_diff.items()
            },
            hasDetailedDiff=True,
        )

    @_served
    async def Create(self, request: provider_pb2.CreateRequest, context: Context) -> provider_pb2.CreateResponse:
        response = await self.provider.create(
            rpc.CreateRequest(request.urn, _props(request.properties), request.timeout, request.preview)
        )
        return provider_pb2.CreateResponse(id=response.resource_id or "", properties=_marshal(response.properties))

    @_served
    async def Read(self, request: provider_pb2.ReadRequest, context: Context) -> provider_pb2.ReadResponse:
        response = await self.provider.read(
            rpc.ReadRequest(request.urn, request.id, _props(request.properties), _props(request.inputs))
        )
        if not response.resource_id:
            return provider_pb2.ReadResponse()  # workaround 1: "not found"
        return provider_pb2.ReadResponse(
            id=response.resource_id, properties=_marshal(response.properties), inputs=_marshal(response.inputs)
        )

    @_served
    async def Update(self, request: provider_pb2.UpdateRequest, context: Context) -> provider_pb2.UpdateResponse:
        response = await self.provider.update(
            rpc.UpdateRequest(
                request.urn, request.id, _props(request.olds), _props(request.news),
                timeout=request.timeout, ignore_changes=list(request.ignoreChanges), preview=request.preview,
            )
        )
        return provider_pb2.UpdateResponse(properties=_marshal(response.properties))

    @_served
    async def Delete(self, request: provider_pb2.DeleteRequest, context: Context) -> empty_pb2.Empty:
        await self.provider.delete(
            rpc.DeleteRequest(request.urn, request.id, _props(request.properties), timeout=request.timeout)
        )
        return empty_pb2.Empty()


class EngineLogHandler(logging.Handler):
    """Resource warnings as engine diagnostics on the resource being served."""

    def __init__(self, engine_address: str):
        super().__init__(logging.WARNING)
        self._engine = engine_pb2_grpc.EngineStub(grpc.aio.insecure_channel(engine_address, options=_GRPC_CHANNEL_OPTIONS))
        self._pending: set[asyncio.Future[Any]] = set()

    def emit(self, record: logging.LogRecord) -> None:
        request = engine_pb2.LogRequest(
            severity=engine_pb2.WARNING, message=record.getMessage(), urn=_CURRENT_URN.get()
        )
        # An aio channel's stub answers awaitables (the stubs type the blocking ones).
        task = asyncio.ensure_future(cast(Awaitable[Any], self._engine.Log(request)))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def drain(self) -> None:
        """Deliver the warnings still on their way to the engine."""
        await asyncio.gather(*self._pending, return_exceptions=True)


async def start(provider: GraphProvider, engine_address: str | None = None) -> tuple[grpc.aio.Server, int]:
    """The server on a loopback port, on the running loop (tests start it in-process too)."""
    server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(CtsyncServicer(provider, engine_address), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    return server, port


def serve(provider: GraphProvider, argv: list[str]) -> None:
    """The plugin's main: start, print the port (the engine's handshake), serve until the engine
    interrupts it (SIGINT, or SIGTERM; SIGKILL follows 5 s later), let the calls in flight finish (a
    Graph write is not cut half-way), then return.

    Why not exit at once (``os._exit``, 0.011 s instead of 0.08-0.14 s): the engine closes its
    language host right after its resource plugins, and on a failed update the program is still
    reporting its errors then. The sooner the plugin is gone, the likelier the program is interrupted
    mid-report; this project's language host then exits quietly, but a host that prints the program's
    KeyboardInterrupt (as a plain Python process does) would show it in the output.
    """
    parser = argparse.ArgumentParser(description="the ctsync Pulumi resource provider plugin")
    parser.add_argument("engine", nargs="?", help="the engine's gRPC address")
    args, _ = parser.parse_known_args(argv)

    async def run() -> None:
        interrupted = asyncio.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(signum, interrupted.set)
        handler = EngineLogHandler(args.engine) if args.engine else None
        if handler:
            logging.getLogger("ctsync").addHandler(handler)
        server, port = await start(provider, args.engine)
        print(port, flush=True)
        await interrupted.wait()
        await server.stop(SHUTDOWN_GRACE_SECONDS)
        if handler:
            await handler.drain()

    asyncio.run(run())

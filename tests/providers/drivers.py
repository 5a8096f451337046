"""Two ways to reach the ctsync provider over its real gRPC protocol, with one interface, as the
Pulumi engine calls it (Configure with the stack's ctsync:* config, then Check / Diff / Create /
Read / Update / Delete with protobuf Structs):

- ``GrpcDriver``: the plugin's server started in this process, on its own asyncio loop and thread
  (fast; what every lifecycle test uses);
- ``PluginDriver``: the plugin as the engine starts it, ``bin/pulumi-resource-ctsync`` in a process
  of its own (the launcher, the virtualenv, stderr).
Every driver opened during a test is closed after it (``close_all``, an autouse fixture).
"""
from __future__ import annotations

import asyncio
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from providers.framework.provider import GraphProvider
from providers.framework.server import start
from providers.framework.wire import to_plain, to_properties
from providers.resources import CATALOGUE

REPO = Path(__file__).resolve().parents[2]
LAUNCHER = REPO / "bin" / "pulumi-resource-ctsync"
TYPES = {definition.type_name: definition for definition in CATALOGUE}
_OPEN: list[ProviderDriver] = []


@dataclass
class DiffOutcome:
    changes: bool
    replaces: list[str]
    delete_before_replace: bool
    detailed: dict[str, int]


class ProviderError(Exception):
    """The provider answered an RPC with an error: ``str()`` is what the engine would show."""


def struct(values: dict[str, Any], secret: tuple[str, ...] = ()):
    return PropertyValue.marshal_map(to_properties(values, secret))


def plain(message) -> dict[str, Any]:
    return to_plain(PropertyValue.unmarshal_map(message)).values


def urn(type_name: str, name: str = "test", stack: str = "test") -> str:
    return f"urn:pulumi:{stack}::ctsync::{TYPES[type_name].token()}::{name}"


class ProviderDriver:
    """The engine's side of the protocol for one resource type."""

    name = "provider"

    def __init__(self, type_name: str, config: dict[str, str], secret_keys: tuple[str, ...] = (), stack: str = "test"):
        """``stack``: the stack the resource's URN names (``ctsync/<stack>`` is its owner marker)."""
        self.urn = urn(type_name, stack=stack)
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self._start()}")
        grpc.channel_ready_future(self.channel).result(timeout=60)
        self._stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        _OPEN.append(self)
        self.rpc("Configure", configure_request(config, secret_keys))

    def _start(self) -> int:
        raise NotImplementedError

    def rpc(self, method: str, request):
        try:
            return getattr(self._stub, method)(request)
        except grpc.RpcError as error:
            raise ProviderError(error.details()) from None

    def check(self, olds: dict, news: dict) -> tuple[dict, list[tuple[str, str]]]:
        response = self.rpc("Check", provider_pb2.CheckRequest(urn=self.urn, olds=struct(olds), news=struct(news)))
        return plain(response.inputs), [(f.property, f.reason) for f in response.failures]

    def diff(self, id: str, olds: dict, news: dict) -> DiffOutcome:
        response = self.rpc("Diff", provider_pb2.DiffRequest(urn=self.urn, id=id, olds=struct(olds), news=struct(news)))
        return DiffOutcome(
            response.changes == provider_pb2.DiffResponse.DIFF_SOME, list(response.replaces),
            response.deleteBeforeReplace, {name: diff.kind for name, diff in response.detailedDiff.items()},
        )

    def create(self, inputs: dict) -> tuple[str, dict]:
        response = self.rpc("Create", provider_pb2.CreateRequest(urn=self.urn, properties=struct(inputs)))
        return response.id, plain(response.properties)

    def read(self, id: str, outs: dict) -> tuple[str | None, dict, dict | None]:
        response = self.rpc("Read", provider_pb2.ReadRequest(urn=self.urn, id=id, properties=struct(outs)))
        inputs = plain(response.inputs) if response.HasField("inputs") else None
        return response.id or None, plain(response.properties), inputs

    def import_(self, id: str) -> tuple[str | None, dict, dict | None]:
        """What `pulumi import` sends: the id alone."""
        return self.read(id, {})

    def update(self, id: str, olds: dict, news: dict) -> dict:
        response = self.rpc("Update", provider_pb2.UpdateRequest(urn=self.urn, id=id, olds=struct(olds), news=struct(news)))
        return plain(response.properties)

    def delete(self, id: str, outs: dict) -> None:
        self.rpc("Delete", provider_pb2.DeleteRequest(urn=self.urn, id=id, properties=struct(outs)))

    def close(self) -> None:
        if self in _OPEN:
            _OPEN.remove(self)
        self.channel.close()


def configure_request(config: dict[str, str], secret_keys: tuple[str, ...] = ()) -> provider_pb2.ConfigureRequest:
    """As the engine configures the default provider: each ``ctsync:<key>`` as a variable
    ``ctsync:config:<key>`` and as an argument ``<key>`` (secret where the stack says so)."""
    keys = {key.split(":", 1)[1]: key for key in config}
    arguments = {short: config[key] for short, key in keys.items()}
    secret = tuple(short for short, key in keys.items() if key in secret_keys)
    return provider_pb2.ConfigureRequest(
        variables={f"ctsync:config:{short}": config[key] for short, key in keys.items()},
        args=struct(arguments, secret), acceptSecrets=True,
    )


class GrpcDriver(ProviderDriver):
    name = "grpc"

    def _start(self) -> int:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="provider", daemon=True)
        self._thread.start()
        self._server, port = asyncio.run_coroutine_threadsafe(start(GraphProvider(CATALOGUE)), self._loop).result()
        return port

    def close(self) -> None:
        if not self._thread.is_alive():
            return
        super().close()
        asyncio.run_coroutine_threadsafe(self._server.stop(None), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


class PluginDriver(ProviderDriver):
    name = "plugin"

    def _start(self) -> int:
        self.process = subprocess.Popen(
            [str(LAUNCHER)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
        )
        port = self.process.stdout.readline().strip()
        if not port.isdigit():  # the launcher said why on stderr, e.g. no .venv yet
            self.process.wait(timeout=10)
            raise RuntimeError(f"the plugin did not start: {self.process.stderr.read().decode().strip() or 'no message'}")
        return int(port)

    def close(self) -> None:
        if self.process.poll() is not None:
            return
        super().close()
        self.process.terminate()
        self.process.wait(timeout=10)
        self.stderr = self.process.stderr.read().decode()


def close_all() -> None:
    while _OPEN:
        _OPEN.pop().close()


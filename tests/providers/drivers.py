"""Two ways to call a GraphProvider, with one interface: in this process, or through the real
dynamic-provider host (``python -m pulumi.dynamic`` over gRPC, as the Pulumi engine does).

The host path exercises what in-process calls cannot: dill serialisation of ``__provider``,
``configure()`` with the engine's config shape, protobuf Struct round-trips, and the host's threads.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import json_format, struct_pb2
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from providers.framework.provider import GraphProvider
from providers.framework.schema import PROVIDER_KEY

REPO = Path(__file__).resolve().parents[2]
PROJECT = "ctsync"


@dataclass
class DiffOutcome:
    changes: bool
    replaces: list[str]
    delete_before_replace: bool


class InProcessDriver:
    name = "in-process"

    def __init__(self, type_name: str, config: dict[str, str]):
        self.provider = GraphProvider(type_name)
        self.provider.configure(ConfigureRequest(Config(config, PROJECT)))

    def check(self, olds: dict, news: dict) -> tuple[dict, list[tuple[str, str]]]:
        result = self.provider.check(olds, news)
        return result.inputs, [(f.property, f.reason) for f in result.failures]

    def diff(self, id: str, olds: dict, news: dict) -> DiffOutcome:
        result = self.provider.diff(id, olds, news)
        return DiffOutcome(bool(result.changes), list(result.replaces or []), bool(result.delete_before_replace))

    def create(self, inputs: dict) -> tuple[str, dict]:
        result = self.provider.create(dict(inputs))
        return result.id, dict(result.outs)

    def read(self, id: str, outs: dict) -> tuple[str | None, dict, dict | None]:
        result = self.provider.read(id, dict(outs))
        return result.id, dict(result.outs or {}), result.inputs

    def update(self, id: str, olds: dict, news: dict) -> dict:
        return dict(self.provider.update(id, dict(olds), dict(news)).outs)

    def delete(self, id: str, outs: dict) -> None:
        self.provider.delete(id, dict(outs))

    def close(self) -> None:
        pass


class HostDriver:
    """Starts the real host, sends Configure like the engine (whole stack config as strings)."""

    name = "dynamic-host"

    def __init__(self, type_name: str, config: dict[str, str], secret_keys: tuple[str, ...] = ()):
        env = {**os.environ, "PULUMI_PROJECT": PROJECT, "PULUMI_CONFIG": "{}"}
        # The engine starts the host in the program directory, which is what makes `providers` importable.
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic", "127.0.0.1:1"],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        port = int(self.process.stdout.readline())
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(self.channel).result(timeout=30)
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        # The engine sends the whole stack config, each value a string, secrets in their wire form.
        args = {k: _wire_secret(v) if k in secret_keys else v for k, v in config.items()}
        self.stub.Configure(provider_pb2.ConfigureRequest(args=_struct(args), acceptSecrets=False))
        self.serialized = serialize_provider(GraphProvider(type_name))

    def _props(self, props: dict) -> struct_pb2.Struct:
        return _struct({**props, PROVIDER_KEY: self.serialized})

    def check(self, olds: dict, news: dict) -> tuple[dict, list[tuple[str, str]]]:
        response = self.stub.Check(provider_pb2.CheckRequest(olds=self._props(olds), news=self._props(news)))
        failures = [(f.property, f.reason) for f in response.failures]
        return _dict(response.inputs), failures

    def diff(self, id: str, olds: dict, news: dict) -> DiffOutcome:
        response = self.stub.Diff(provider_pb2.DiffRequest(id=id, olds=self._props(olds), news=self._props(news)))
        changes = response.changes == provider_pb2.DiffResponse.DIFF_SOME
        return DiffOutcome(changes, list(response.replaces), response.deleteBeforeReplace)

    def create(self, inputs: dict) -> tuple[str, dict]:
        response = self.stub.Create(provider_pb2.CreateRequest(properties=self._props(inputs)))
        return response.id, _dict(response.properties)

    def read(self, id: str, outs: dict) -> tuple[str | None, dict, dict | None]:
        response = self.stub.Read(provider_pb2.ReadRequest(id=id, properties=self._props(outs)))
        inputs = _dict(response.inputs) if response.HasField("inputs") else None
        return response.id or None, _dict(response.properties), inputs

    def update(self, id: str, olds: dict, news: dict) -> dict:
        response = self.stub.Update(provider_pb2.UpdateRequest(id=id, olds=self._props(olds), news=self._props(news)))
        return _dict(response.properties)

    def delete(self, id: str, outs: dict) -> None:
        self.stub.Delete(provider_pb2.DeleteRequest(id=id, properties=self._props(outs)))

    def close(self) -> None:
        self.channel.close()
        self.process.terminate()
        self.process.wait(timeout=10)
        self.stderr = self.process.stderr.read().decode()


def _wire_secret(value: Any) -> dict[str, Any]:
    return {rpc._special_sig_key: rpc._special_secret_sig, "value": value}


def _struct(values: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(json.loads(json.dumps(values)))
    return struct


def _dict(struct: struct_pb2.Struct) -> dict:
    values = json_format.MessageToDict(struct)
    values.pop(PROVIDER_KEY, None)
    return values

"""Running the ctsync program under `pulumi.runtime.set_mocks` and recording what it registers.

Every registration is recorded as it happens, and assertions run afterwards on the finished list
(rather than inside the mock's callbacks, where a failure would surface as a registration error). The record is taken in the monitor, one step before
`Mocks.new_resource`, because only the request carries the parent and the dependencies.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import threading
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.runtime import mocks, rpc

from components.program import program
from providers.resources import CATALOGUE

PROJECT = "ctsync"
STACK = "test"


@dataclass(frozen=True)
class Registration:
    urn: str
    typ: str
    name: str
    parent: str
    custom: bool
    provider: str
    inputs: dict[str, Any]
    dependencies: frozenset[str]
    ignore_changes: tuple[str, ...]
    additional_secret_outputs: tuple[str, ...] = ()
    # Types this resource answers to as well (type aliases).
    alias_types: tuple[str, ...] = ()
    deleted_with: str = ""
    # The file of each frame of the stack trace the SDK recorded, innermost first.
    stack_files: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """The type's last segment: `PartnerAccess`, `TenantPair`, `Group`, `azuread` (for a provider)."""
        return self.typ.rsplit(":", 1)[-1]


@functools.cache
def _state_classes() -> dict[str, tuple[type, ...]]:
    """Type token -> the dataclasses of every Graph resource's computed outputs."""
    return {definition.token(): definition.computed_types() for definition in CATALOGUE}


def fake_outputs(typ: str, name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Inputs echoed, plus a recognisable value per computed field: `<resource name>:<field>`."""
    outputs = dict(inputs)
    for state in _state_classes().get(typ, ()):
        hints = typing.get_type_hints(state)
        outputs.update({f.name: False if bool in (hints[f.name], *typing.get_args(hints[f.name])) else f"{name}:{f.name}" for f in dataclasses.fields(state)})
    if typ == "azuread:index/group:Group":
        outputs["objectId"] = f"{name}:objectId"
    return outputs


class GraphMocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        return f"{args.name}-id", fake_outputs(args.typ, args.name, args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        """The provider's one function, createTally: nothing is taken over under the mocks."""
        return {}


class RecordingMonitor(mocks.MockMonitor):
    def __init__(self) -> None:
        super().__init__(GraphMocks())
        self.registrations: list[Registration] = []
        self._lock = threading.Lock()

    def RegisterResource(self, request):
        if request.type != "pulumi:pulumi:Stack":
            registration = Registration(
                urn=self.make_urn(request.parent, request.type, request.name),
                typ=request.type,
                name=request.name,
                parent=request.parent,
                custom=request.custom,
                provider=request.provider,
                inputs=rpc.deserialize_properties(request.object, keep_unknowns=True),
                dependencies=frozenset(request.dependencies),
                ignore_changes=tuple(request.ignoreChanges),
                additional_secret_outputs=tuple(request.additionalSecretOutputs),
                alias_types=tuple(alias.spec.type for alias in request.aliases if alias.HasField("spec")),
                deleted_with=request.deletedWith,
                stack_files=tuple(frame.pc.uri for frame in request.stackTrace.frames),
            )
            with self._lock:
                self.registrations.append(registration)
        return super().RegisterResource(request)

    # ---- queries for assertions -------------------------------------------------------------

    def of_kind(self, kind: str) -> list[Registration]:
        return [r for r in self.registrations if r.kind == kind]

    def named(self, name: str) -> Registration:
        matches = [r for r in self.registrations if r.name == name]
        assert len(matches) == 1, f"{len(matches)} resources named {name!r}"
        return matches[0]

def install(monitor: RecordingMonitor) -> None:
    pulumi.runtime.set_mocks(monitor.mocks, project=PROJECT, stack=STACK, preview=False, monitor=monitor)


def set_stack_config(values: Mapping[str, Any], secret_keys: Iterable[str] = ()) -> None:
    """As the language host does: every value a string, structured ones as JSON."""
    as_text = {key: value if isinstance(value, str) else json.dumps(value) for key, value in values.items()}
    pulumi.runtime.set_all_config(as_text, list(secret_keys))


def run_program(values: Mapping[str, Any], secret_keys: Iterable[str] = ()) -> dict[str, Any]:
    """The program on the given stack config, as __main__.py hands it to pulumi.run (which the mocks
    refuse, so it is awaited here); returns the stack outputs, resolved to plain values."""
    resolved: dict[str, Any] = {}
    set_stack_config(values, secret_keys)
    pulumi.runtime.test(lambda: pulumi.Output.from_input(program()).apply(resolved.update))()
    return resolved


def walk(value: Any, path: str = "") -> Iterable[tuple[str, Any]]:
    """(path, leaf) of every leaf of a nested input, secret wrappers seen as leaves."""
    if isinstance(value, dict) and not rpc.is_rpc_secret(value):
        for key, item in value.items():
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")
    else:
        yield path, value

"""The adapter from a declared GraphResource to Pulumi's dynamic ResourceProvider.

Moving or renaming rule (state compatibility): every stack's state stores ``__provider``, a pickle
of this class **by reference** (``providers.framework.provider.GraphProvider``) holding only the
resource's stable ``type_name``. So:
1. never move or rename this class or its module (if you must, leave an import alias at the old path);
2. never change a resource's ``type_name``; its definition may move to any module of
   ``providers.resources``;
3. changing the Pulumi class token (``module=``/``name=``) needs ``pulumi.Alias(type_=old)``.
``tests/providers/test_provider_compat.py`` guards 1 and 2 with a serialised provider from v1.
"""
from __future__ import annotations

from typing import Any

from pulumi.dynamic import (
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from providers.framework import schema
from providers.framework.resource import REGISTRY, GraphResource
from providers.graph.connection import connections_from_stack_config
from providers.graph.session import GraphSession

TENANTS_KEY = "ctsync:tenants"


class GraphProvider(ResourceProvider):
    # Only the type name is pickled, nothing secret: no need to hide __provider from state readers.
    serialize_as_secret_always = False

    def __init__(self, type_name: str):
        self.type_name = type_name

    def __getstate__(self) -> dict[str, Any]:
        # Credentials configured in this process must never travel into __provider.
        return {"type_name": self.type_name}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.type_name = state["type_name"]

    # ---- engine-facing ------------------------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        tenants = req.config.get(TENANTS_KEY)
        self._session = GraphSession(connections_from_stack_config({TENANTS_KEY: tenants or {}}))

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs, failures = schema.check(self._definition.Inputs, news)
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        definition = self._definition
        return schema.diff(definition.Inputs, olds, news, definition.delete_before_replace)

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = schema.load(self._definition.Inputs, props)
        created = self._run(self._resource().create(inputs))
        return CreateResult(created.id, schema.dump(inputs, created.state))

    def read(self, id: str, props: dict[str, Any]) -> ReadResult:
        inputs, state = self._load(props)
        observed = self._run(self._resource().read(id, inputs, state))
        if observed is None:
            return ReadResult(None, {})
        return ReadResult(id, schema.dump(observed.inputs, observed.state), schema.dump(observed.inputs))

    def update(self, id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        old_inputs, state = self._load(olds)
        new_inputs = schema.load(self._definition.Inputs, news)
        new_state = self._run(self._resource().update(id, old_inputs, new_inputs, state))
        return UpdateResult(schema.dump(new_inputs, new_state))

    def delete(self, id: str, props: dict[str, Any]) -> None:
        inputs, state = self._load(props)
        self._run(self._resource().delete(id, inputs, state))

    # ---- helpers ------------------------------------------------------------------------------

    @property
    def _definition(self) -> type[GraphResource]:
        import providers.resources  # noqa: F401  (fills the registry)

        return REGISTRY[self.type_name]

    def _resource(self) -> GraphResource:
        session = getattr(self, "_session", None)
        if session is None:
            raise RuntimeError(f"{self.type_name}: provider used before configure()")
        return self._definition(session)

    def _load(self, props: dict[str, Any]) -> tuple[Any, Any]:
        definition = self._definition
        return schema.load(definition.Inputs, props), schema.load(definition.State, props)

    @staticmethod
    def _run(awaitable):
        return GraphSession.run(awaitable)

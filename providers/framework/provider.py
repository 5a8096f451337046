"""The native ``ctsync`` provider: every declared GraphResource served on the SDK's provider interface.

The framework knows no resource: the composition root (``providers/__main__.py``) hands it the
catalogue. Check, diff, create, read (refresh and import), update and delete are derived from each
resource's declaration; the default provider's configuration (``ctsync:tenants``) says how to reach
each tenant, so no credential ever sits in a resource's state.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi.provider.experimental import provider as rpc
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.rpc import UNKNOWN

from providers.framework import package_schema, schema
from providers.framework.resource import GraphResource
from providers.framework.wire import Plain, plain_value, to_plain, to_properties
from providers.graph.connection import connections_from_stack_config
from providers.graph.session import GraphSession

TENANTS_KEY = "ctsync:tenants"
VERSION = "0.2.0"
_KIND = {True: rpc.PropertyDiffKind.UPDATE_REPLACE, False: rpc.PropertyDiffKind.UPDATE}


class UnknownResourceType(KeyError):
    pass


class GraphProvider(rpc.Provider):
    def __init__(self, catalogue: Iterable[type[GraphResource]]):
        self.types = {definition.token(): definition for definition in catalogue}
        self._session: GraphSession | None = None

    # ---- provider-level -----------------------------------------------------------------------

    async def get_schema(self, request: rpc.GetSchemaRequest) -> rpc.GetSchemaResponse:
        return rpc.GetSchemaResponse(json.dumps(package_schema.build(self.types.values(), VERSION)))

    async def configure(self, request: rpc.ConfigureRequest) -> rpc.ConfigureResponse:
        self._session = GraphSession(connections_from_stack_config({TENANTS_KEY: tenants_config(request)}))
        # Previews call create and update with preview=True: they answer without Graph, so that an
        # update in place keeps the outputs dependants read (ids) known instead of unknown.
        return rpc.ConfigureResponse(accept_secrets=True, supports_preview=True)

    # ---- resources ----------------------------------------------------------------------------

    async def check(self, request: rpc.CheckRequest) -> rpc.CheckResponse:
        definition = self.definition_of(request.urn)
        news = to_plain(request.new_inputs)
        inputs, failures = schema.check(definition.Inputs, news.values)
        return rpc.CheckResponse(
            inputs=to_properties(inputs, _secret(definition, news)),
            failures=[rpc.CheckFailure(f.property, f.reason) for f in failures],
        )

    async def diff(self, request: rpc.DiffRequest) -> rpc.DiffResponse:
        definition = self.definition_of(request.urn)
        olds, news = to_plain(request.old_state).values, to_plain(request.new_inputs).values
        found = schema.diff(definition.Inputs, olds, news, definition.delete_before_replace)
        detailed = {name: rpc.PropertyDiff(_KIND[name in found.replaces], input_diff=True) for name in found.changed}
        if schema.LEGACY_PROVIDER_KEY in olds:
            # A stack moving from the dynamic provider: an update (that sends nothing to Graph)
            # rewrites the state without the pickled provider; the preview shows `-__provider`.
            detailed[schema.LEGACY_PROVIDER_KEY] = rpc.PropertyDiff(rpc.PropertyDiffKind.DELETE, input_diff=False)
        return rpc.DiffResponse(
            changes=bool(detailed),
            replaces=found.replaces,
            delete_before_replace=found.delete_before_replace,
            diffs=list(detailed),
            detailed_diff=detailed,
        )

    async def create(self, request: rpc.CreateRequest) -> rpc.CreateResponse:
        definition = self.definition_of(request.urn)
        props = to_plain(request.properties)
        inputs = schema.load(definition.Inputs, props.values)
        if request.preview:
            # Nothing exists yet: every computed output is unknown.
            unknown = {field: UNKNOWN for field in schema.field_names(definition.State)}
            return rpc.CreateResponse("", to_properties({**schema.dump(inputs), **unknown}, _secret(definition, props)))
        state = await self.resource(definition).create(inputs)
        return rpc.CreateResponse(definition.format_id(inputs, state), self._outputs(definition, props, inputs, state))

    async def read(self, request: rpc.ReadRequest) -> rpc.ReadResponse:
        """Refresh (state known) and import (only the id known). No resource id means "not found"."""
        definition = self.definition_of(request.urn)
        props = to_plain(request.properties)
        if props.values:
            inputs, state = self._load(definition, props.values)
        else:
            inputs, state = _from_import_id(definition, request.resource_id)
        observed = await self.resource(definition).read(inputs, state)
        if observed is None:
            return rpc.ReadResponse()
        return rpc.ReadResponse(
            request.resource_id,
            self._outputs(definition, props, observed.inputs, observed.state),
            to_properties(schema.dump(observed.inputs), _secret(definition, props)),
        )

    async def update(self, request: rpc.UpdateRequest) -> rpc.UpdateResponse:
        definition = self.definition_of(request.urn)
        olds, news = to_plain(request.olds), to_plain(request.news)
        old_inputs, state = self._load(definition, olds.values)
        new_inputs = schema.load(definition.Inputs, news.values)
        # A preview predicts the update: the new inputs, the state as it is (ids do not change in
        # place). An update that changes no declared input (e.g. a stack moving from the dynamic
        # provider, whose only difference is the dropped ``__provider``) sends nothing to Graph.
        if not request.preview and schema.changed_fields(definition.Inputs, olds.values, news.values):
            state = await self.resource(definition).update(old_inputs, new_inputs, state)
        return rpc.UpdateResponse(self._outputs(definition, news, new_inputs, state))

    async def delete(self, request: rpc.DeleteRequest) -> None:
        definition = self.definition_of(request.urn)
        inputs, state = self._load(definition, to_plain(request.properties).values)
        await self.resource(definition).delete(inputs, state)

    # ---- helpers ------------------------------------------------------------------------------

    def definition_of(self, urn: str) -> type[GraphResource]:
        # urn:pulumi:<stack>::<project>::<parent type>$...$<type>::<name>
        token = urn.split("::")[2].rsplit("$", 1)[-1]
        try:
            return self.types[token]
        except KeyError:
            raise UnknownResourceType(f"the ctsync provider has no resource type {token!r}") from None

    def resource(self, definition: type[GraphResource]) -> GraphResource:
        if self._session is None:
            raise RuntimeError(f"{definition.token()}: provider used before configure()")
        return definition(self._session)

    @staticmethod
    def _load(definition: type[GraphResource], values: Mapping[str, Any]) -> tuple[Any, Any]:
        return schema.load(definition.Inputs, values), schema.load(definition.State, values)

    @staticmethod
    def _outputs(definition: type[GraphResource], sent: Plain, inputs: Any, state: Any) -> dict[str, PropertyValue]:
        return to_properties(schema.dump(inputs, state), _secret(definition, sent))


def _secret(definition: type[GraphResource], sent: Plain) -> set[str]:
    """Declared secret fields, and whatever the engine sent as secret."""
    return set(schema.secret_fields(definition.Inputs, definition.State)) | set(sent.secret)


def _from_import_id(definition: type[GraphResource], resource_id: str) -> tuple[Any, Any]:
    named = definition.parse_id(resource_id)
    if named is None:
        raise ValueError(
            f"{resource_id!r} is not an import id of {definition.token()}: it has the form "
            f"{definition.id_format} (docs/resources.md)"
        )
    return schema.partial(definition.Inputs, named), schema.partial(definition.State, named)


def tenants_config(request: rpc.ConfigureRequest) -> Any:
    """``ctsync:tenants`` as the engine sends it: a property (object or JSON text) or a variable."""
    value = request.args.get("tenants")
    raw = plain_value(value) if value is not None else request.variables.get("ctsync:config:tenants")
    return json.loads(raw) if isinstance(raw, str) else (raw or {})

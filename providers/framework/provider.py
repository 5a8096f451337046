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
from pulumi.runtime.rpc import UNKNOWN, serialize_properties

from providers.framework import package_schema, schema, tally
from providers.framework.component import Component
from providers.framework.config import DELETE_TAKEN_OVER_KEY, TENANTS_KEY, read_config
from providers.framework.legacy import LEGACY_PROVIDER_KEY, holds_legacy_payload
from providers.framework.ownership import marking, refuse_if_owned_elsewhere, stack_of, what_changes
from providers.framework.resource import AnyObserved, AnyResource, Ownership, notice
from providers.framework.wire import Plain, plain_value, to_plain, to_properties
from providers.graph.connection import connections_from_stack_config
from providers.graph.session import GraphSession

_KIND = {True: rpc.PropertyDiffKind.UPDATE_REPLACE, False: rpc.PropertyDiffKind.UPDATE}


class UnknownResourceType(KeyError):
    pass


class GraphProvider(rpc.Provider):
    def __init__(
        self,
        catalogue: Iterable[type[AnyResource]],
        *,
        version: str = "0.0.0",
        components: Iterable[Component] = (),
        types: Mapping[str, dict[str, Any]] | None = None,
        download_url: str | None = None,
    ):
        self.version = version
        self._download_url = download_url
        self.types = {definition.token(): definition for definition in catalogue}
        self.components = {component.token: component for component in components}
        self._schema_types = dict(types or {})
        self._session: GraphSession | None = None
        self._delete_taken_over = False
        self._take_over_from: frozenset[str] = frozenset()
        self._tally = tally.CreateTally()

    # ---- provider-level -----------------------------------------------------------------------

    async def get_schema(self, request: rpc.GetSchemaRequest) -> rpc.GetSchemaResponse:
        return rpc.GetSchemaResponse(json.dumps(self.schema()))

    def schema(self) -> dict[str, Any]:
        return package_schema.build(
            self.types.values(), self.version, self.components.values(), self._schema_types, self._download_url
        )

    async def invoke(self, request: rpc.InvokeRequest) -> rpc.InvokeResponse:
        """The one function: this process's ``createTally`` (providers/framework/tally.py)."""
        if request.tok != tally.TOKEN:
            raise UnknownResourceType(f"ctsync has no function {request.tok!r}; it has {tally.TOKEN!r}")
        return rpc.InvokeResponse(return_value=to_properties(self._tally.result()))

    async def configure(self, request: rpc.ConfigureRequest) -> rpc.ConfigureResponse:
        config = read_config(request)
        self._session = GraphSession(connections_from_stack_config({TENANTS_KEY: config.tenants}))
        self._delete_taken_over = config.delete_taken_over
        self._take_over_from = config.take_over_from
        # Previews call create and update with preview=True: they answer without Graph, so that an
        # update in place keeps the outputs dependants read (ids) known instead of unknown.
        return rpc.ConfigureResponse(accept_secrets=True, supports_preview=True)

    # ---- resources ----------------------------------------------------------------------------

    async def check(self, request: rpc.CheckRequest) -> rpc.CheckResponse:
        definition = self.definition_of(request.urn)
        news = to_plain(request.new_inputs)
        inputs, failures = schema.check(definition.Inputs, news.values)
        if not failures and not request.old_inputs:
            # A create (previews included): what only Graph can tell is checked before anything is
            # written. Reads only, and never on an update, so an unchanged `up` sends no request.
            failures += [schema.CheckFailure(name, reason) for name, reason in await self.resource(definition).preflight(inputs)]
        return rpc.CheckResponse(
            inputs=to_properties(inputs, _secret(definition, news)),
            failures=[rpc.CheckFailure(f.property, f.reason) for f in failures],
        )

    async def diff(self, request: rpc.DiffRequest) -> rpc.DiffResponse:
        definition = self.definition_of(request.urn)
        olds, news = to_plain(request.old_state).values, to_plain(request.new_inputs).values
        found = schema.diff(definition.Inputs, olds, news, definition.delete_before_replace)
        detailed = {name: rpc.PropertyDiff(_KIND[name in found.replaces], input_diff=True) for name in found.changed}
        if found.changed and not schema.has_unknowns(news):
            old_inputs, new_inputs = schema.load(definition.Inputs, olds), schema.load(definition.Inputs, news)
            for warning in await self.resource(definition).change_warnings(old_inputs, new_inputs):
                notice(f"{definition.type_name}: {warning}")
        if not found.changed:
            repair = self.resource(definition).repair_needed(*self._load(definition, olds))
            if repair is not None:
                notice(f"{definition.type_name}: {repair.reason}")
                detailed[repair.property] = rpc.PropertyDiff(rpc.PropertyDiffKind.UPDATE, input_diff=False)
        if holds_legacy_payload(olds):
            # A stack moving from the dynamic provider: an update (that sends nothing to Graph)
            # rewrites the state without the pickled provider; the preview shows `-__provider`.
            detailed[LEGACY_PROVIDER_KEY] = rpc.PropertyDiff(rpc.PropertyDiffKind.DELETE, input_diff=False)
        return rpc.DiffResponse(
            changes=bool(detailed),
            replaces=found.replaces,
            delete_before_replace=found.delete_before_replace,
            diffs=list(detailed),
            detailed_diff=detailed,
        )

    async def create(self, request: rpc.CreateRequest) -> rpc.CreateResponse:
        """Take over what ``find`` finds (no write when it is as declared), else create."""
        definition = self.definition_of(request.urn)
        props = to_plain(request.properties)
        inputs = schema.load(definition.Inputs, props.values)
        resource = self.resource(definition, request.urn)
        if request.preview:
            return await self._preview_create(definition, resource, props, inputs)
        await self._ready_session().signed_in()
        owner = resource.owner
        found = await resource.find(inputs)
        self._tally.count(_outcome(definition, found, undecided=False))
        if found is None:
            state, ownership = await resource.create(inputs), Ownership(taken_over=False)
        else:
            refuse_if_owned_elsewhere(definition, inputs, found, owner, self._take_over_from)
            state, ownership = await self._take_over(definition, resource, inputs, found, owner), Ownership(found.taken_over)
            inputs = schema.with_found_values(inputs, found.inputs)
        return rpc.CreateResponse(
            definition.format_id(inputs, state), self._outputs(definition, props, inputs, state, ownership)
        )

    async def _preview_create(
        self, definition: type[AnyResource], resource: AnyResource, props: Plain, inputs: Any
    ) -> rpc.CreateResponse:
        """What the create would do, from Graph reads only: take over an existing object, or make one."""
        undecided = schema.has_unknowns(props.values)
        found = None if undecided else await resource.find(inputs)
        self._tally.count(_outcome(definition, found, undecided))
        if found is not None:
            refuse_if_owned_elsewhere(definition, inputs, found, resource.owner, self._take_over_from)
        if found is None:
            # Nothing exists yet: every computed output is unknown.
            unknown = {field: UNKNOWN for cls in definition.computed_types() for field in schema.field_names(cls)}
            return rpc.CreateResponse("", to_properties({**schema.dump(inputs), **unknown}, _secret(definition, props)))
        changes = schema.changed_fields(definition.Inputs, schema.dump(found.inputs), schema.dump(inputs))
        notice(f"{definition.type_name}: will take over the existing {definition.format_id(inputs, found.state)} "
               f"({what_changes(changes, marking(definition, found, resource.owner))})")
        return rpc.CreateResponse(
            definition.format_id(inputs, found.state),
            self._outputs(
                definition, props, schema.with_found_values(inputs, found.inputs), found.state, Ownership(found.taken_over)
            ),
        )

    async def _take_over(
        self, definition: type[AnyResource], resource: AnyResource, inputs: Any, found: AnyObserved, owner: str | None
    ) -> Any:
        changes = schema.changed_fields(definition.Inputs, schema.dump(found.inputs), schema.dump(inputs))
        marks = marking(definition, found, owner)
        notice(f"{definition.type_name}: took over the existing {definition.format_id(inputs, found.state)} "
               f"({what_changes(changes, marks)})")
        state = await resource.update(found.inputs, inputs, found.state) if changes else found.state
        if marks and owner is not None:
            await resource.mark_owner(inputs, state, owner)
        return state

    async def read(self, request: rpc.ReadRequest) -> rpc.ReadResponse:
        """Refresh (state known) and import (only the id known). No resource id means "not found"."""
        definition = self.definition_of(request.urn)
        props = to_plain(request.properties)
        if props.values:
            inputs, state = self._load(definition, props.values)
            ownership = schema.load(Ownership, props.values)
        else:
            inputs, state = _from_import_id(definition, request.resource_id)
            ownership = Ownership(taken_over=True)  # an import names what exists already
        observed = await self.resource(definition).read(inputs, state)
        if observed is None:
            return rpc.ReadResponse()
        return rpc.ReadResponse(
            request.resource_id,
            self._outputs(definition, props, observed.inputs, observed.state, ownership),
            to_properties(schema.dump(observed.inputs), _secret(definition, props)),
        )

    async def update(self, request: rpc.UpdateRequest) -> rpc.UpdateResponse:
        definition = self.definition_of(request.urn)
        olds, news = to_plain(request.olds), to_plain(request.news)
        old_inputs, state = self._load(definition, olds.values)
        new_inputs = schema.load(definition.Inputs, news.values)
        # A preview predicts the update: the new inputs, the state as it is (ids do not change in
        # place). An update that changes no declared input (e.g. a stack moving from the dynamic
        # provider, whose only difference is the dropped ``__provider``) sends nothing to Graph,
        # unless the resource has something live to repair.
        resource = self.resource(definition)
        if not request.preview and await self._needs_update(definition, resource, olds, news, old_inputs, state):
            await self._ready_session().signed_in()
            state = await resource.update(old_inputs, new_inputs, state)
        ownership = schema.load(Ownership, olds.values)
        return rpc.UpdateResponse(self._outputs(definition, news, new_inputs, state, ownership))

    async def delete(self, request: rpc.DeleteRequest) -> None:
        """Delete what ctsync made; leave what it took over, unless the stack opted in."""
        definition = self.definition_of(request.urn)
        values = to_plain(request.properties).values
        inputs, state = self._load(definition, values)
        if schema.load(Ownership, values).taken_over and not self._delete_taken_over:
            notice(f"{definition.type_name}: left {definition.format_id(inputs, state)} in place: it existed before "
                   f"ctsync took it over (set {DELETE_TAKEN_OVER_KEY} to true to delete it)")
            return
        resource = self.resource(definition, request.urn)
        await self._ready_session().signed_in()
        if definition.marks_owner:
            live_owner = await resource.owner_of(inputs, state)
            if live_owner not in (None, resource.owner):
                notice(f"{definition.type_name}: left {definition.format_id(inputs, state)} in place: the ctsync "
                       f"stack {live_owner} has taken it over since")
                return
        await resource.delete(inputs, state)

    # ---- components ---------------------------------------------------------------------------

    async def construct(self, request: rpc.ConstructRequest) -> rpc.ConstructResponse:
        """A component registered by a program (any language): built here, its children registered
        with the engine from this process, its outputs sent back once known."""
        try:
            component_type = self.components[request.resource_type]
        except KeyError:
            raise UnknownResourceType(f"the ctsync provider has no component {request.resource_type!r}") from None
        inputs = {key: plain_value(value) for key, value in request.inputs.items()}
        unknown = list(_unknown_paths(inputs))
        if unknown:
            # A component checks its whole declaration before it registers anything; a value that is
            # known only after the update (a preview of another resource's output) cannot be checked.
            raise ValueError(
                f"{request.resource_type} {request.name}: {', '.join(unknown)} is known only after the update; "
                "the inputs are checked before anything is written, so pass values that are known at preview"
            )
        component = component_type.build(request.name, inputs, request.options)
        urn = await component.urn.future()
        state = await serialize_properties(component_type.outputs(component), {})
        return rpc.ConstructResponse(urn, PropertyValue.unmarshal_map(state), {})

    # ---- helpers ------------------------------------------------------------------------------

    @staticmethod
    async def _needs_update(
        definition: type[AnyResource], resource: AnyResource, olds: Plain, news: Plain, old_inputs: Any, state: Any
    ) -> bool:
        if schema.changed_fields(definition.Inputs, olds.values, news.values):
            return True
        return resource.repair_needed(old_inputs, state) is not None

    def definition_of(self, urn: str) -> type[AnyResource]:
        # urn:pulumi:<stack>::<project>::<parent type>$...$<type>::<name>
        token = urn.split("::")[2].rsplit("$", 1)[-1]
        try:
            return self.types[token]
        except KeyError:
            raise UnknownResourceType(f"the ctsync provider has no resource type {token!r}") from None

    def resource(self, definition: type[AnyResource], urn: str | None = None) -> AnyResource:
        return definition(self._ready_session(definition.token()), stack_of(urn) if urn else None)

    def _ready_session(self, what: str = "the ctsync provider") -> GraphSession:
        if self._session is None:
            raise RuntimeError(f"{what}: provider used before configure()")
        return self._session

    @staticmethod
    def _load(definition: type[AnyResource], values: Mapping[str, Any]) -> tuple[Any, Any]:
        return schema.load(definition.Inputs, values), schema.load(definition.State, values)

    @staticmethod
    def _outputs(
        definition: type[AnyResource], sent: Plain, inputs: Any, state: Any, ownership: Ownership
    ) -> dict[str, PropertyValue]:
        return to_properties(schema.dump(inputs, state, ownership), _secret(definition, sent))


def _unknown_paths(value: Any, path: str = "") -> Iterable[str]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _unknown_paths(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unknown_paths(item, f"{path}[{index}]")
    elif value == UNKNOWN:
        yield path


def _secret(definition: type[AnyResource], sent: Plain) -> set[str]:
    """Declared secret fields, and whatever the engine sent as secret."""
    return set(schema.secret_fields(definition.Inputs, definition.State)) | set(sent.secret)


def _from_import_id(definition: type[AnyResource], resource_id: str) -> tuple[Any, Any]:
    named = definition.parse_id(resource_id)
    if named is None:
        raise ValueError(
            f"{resource_id!r} is not an import id of {definition.token()}: it has the form "
            f"{definition.id_format} (docs/resources.md)"
        )
    return schema.partial(definition.Inputs, named), schema.partial(definition.State, named)


def _outcome(definition: type[AnyResource], found: AnyObserved | None, undecided: bool) -> str:
    """What a create did, for the tally: took over what ``find`` found, set properties, or made one;
    in a preview whose inputs are not known yet, a resource with ``find`` cannot tell."""
    if found is not None:
        return tally.TAKEN_OVER
    if not definition.finds_existing():
        return tally.SETTINGS
    return tally.UNDECIDED if undecided else tally.CREATED

"""The resource interface every Graph object implements.

A resource declares its Pulumi type (``module`` and ``type_name`` give ``ctsync:<module>:<type_name>``),
its ``Inputs`` and ``State`` dataclasses, the shape of its id (``id_format``: the import id users
type, built from fields of both) and async create / read / update / delete over a GraphSession. The
framework derives everything else (schema, check, diff, import, docs, the program-side classes).
"""
from __future__ import annotations

import dataclasses
import logging
import re
import typing
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from providers.framework.legacy import legacy_token
from providers.framework.schema import computed
from providers.graph.session import GraphSession, TenantGraph

I = TypeVar("I")  # noqa: E741 (the framework's name for a resource's Inputs type, beside S for State)
S = TypeVar("S")

PACKAGE = "ctsync"

log = logging.getLogger("ctsync.providers")


@dataclass(frozen=True)
class Observed(Generic[I, S]):
    """What a read (or a find) found: the inputs as they are now in the tenant, and the state."""

    inputs: I
    state: S
    # For find: the object existed before this stack took it over (made in the portal, by an MTO
    # join, by another tool). False when it is ctsync's own, left by an interrupted earlier run.
    taken_over: bool = True
    # For resources that mark their owner: the ctsync stack the object's marker names, if any.
    owner: str | None = None


@dataclass(frozen=True)
class Repair:
    """Why an object whose declared inputs are unchanged still needs an update (see ``repair_needed``)."""

    property: str  # the output the preview shows as changing
    reason: str


@dataclass(frozen=True)
class Ownership:
    """What the framework records in every resource's state, beside the resource's own fields."""

    taken_over: bool | None = computed(
        description="the object existed before ctsync took it over (found by create, or imported): "
        "pulumi destroy and removing it from the config leave it in place unless ctsync:deleteTakenOver is true"
    )


class GraphResource(Generic[I, S]):
    """Declare ``module``, ``type_name``, ``id_format`` and the async CRUD methods, as a
    ``GraphResource[Inputs, State]`` of the resource's two dataclasses.

    ``update`` is optional: without it every change must be declared ``replace=True``. ``read`` also
    serves ``pulumi import``: it then gets the fields named in the id and defaults (or None) elsewhere,
    and must return complete inputs.

    ``find`` looks for the object by its natural key before ``create`` (Graph reads only). What it
    finds is taken over instead of created: with no write when it already is as declared, else
    through ``update``. Previews call it too, to show what an ``up`` would take over.
    """

    module: ClassVar[str]
    type_name: ClassVar[str]
    id_format: ClassVar[str]
    # The dataclasses of the type arguments, ``GraphResource[Inputs, State]``: set on each subclass.
    Inputs: ClassVar[type]
    State: ClassVar[type]
    delete_before_replace: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """``Inputs`` and ``State`` are the type arguments a resource is declared with: written once."""
        super().__init_subclass__(**kwargs)
        inputs, state = _type_arguments(cls)
        if isinstance(inputs, type):
            cls.Inputs = inputs
        if isinstance(state, type):
            cls.State = state

    def __init__(self, graph: GraphSession, owner: str | None = None):
        self.graph = graph
        # The stack (``<project>/<stack>``) this call serves: what ``create`` marks a new object
        # with, when the resource ``marks_owner``.
        self.owner = owner

    def named(self, tenant_id: str | None) -> str:
        """``tenant <alias> (<id>)``: how messages name a tenant (the provider knows the stack's aliases)."""
        return self.graph.named(tenant_id)

    @classmethod
    def token(cls) -> str:
        return f"{PACKAGE}:{cls.module}:{cls.type_name}"

    @classmethod
    def computed_types(cls) -> tuple[type, ...]:
        """The dataclasses of everything the provider computes: the resource's state, and the framework's."""
        return (cls.State, Ownership)

    # Whether the dynamic-provider versions had this type (so old stacks hold it under legacy_token).
    had_dynamic_predecessor: ClassVar[bool] = True

    @classmethod
    def legacy_token(cls) -> str:
        return legacy_token(cls.module, cls.type_name)

    @classmethod
    def aliases(cls) -> list[str]:
        """The type tokens a stack may hold this resource under from earlier versions."""
        return [cls.legacy_token()] if cls.had_dynamic_predecessor else []

    @classmethod
    def format_id(cls, inputs: I, state: S) -> str:
        return cls.id_format.format(**_fields(inputs), **_fields(state))

    @classmethod
    def parse_id(cls, id: str) -> dict[str, str] | None:
        """The fields an import id names; None when ``id`` does not have this resource's shape."""
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(cls.id_format))
        match = re.fullmatch(pattern, id)
        return match.groupdict() if match else None

    def tenant(self, tenant_id: str) -> TenantGraph:
        return self.graph.tenant(tenant_id)

    # Whether the Graph object carries a marker of the ctsync stack that owns it (``mark_owner``,
    # ``owner_of``, and ``Observed.owner`` from find). The framework then refuses to take over what
    # another stack owns unless ctsync:takeOverFrom names it, and leaves in place on delete what
    # another stack has since taken over.
    marks_owner: ClassVar[bool] = False

    async def mark_owner(self, inputs: I, state: S, owner: str) -> None:
        """Write ``owner`` (``<project>/<stack>``) as the marker of an object taken over, replacing
        another (``create`` marks what it makes itself, with ``self.owner``)."""
        raise NotImplementedError

    async def owner_of(self, inputs: I, state: S) -> str | None:
        """The owner the live object's marker names (None: unmarked, or gone)."""
        raise NotImplementedError

    async def find(self, inputs: I) -> Observed[I, S] | None:
        """The existing object these inputs name, if any. Without a natural key: None."""
        return None

    @classmethod
    def finds_existing(cls) -> bool:
        """Whether the resource declares ``find``: one that does not sets properties of another object
        (a job's schema or schedule), and its create writes only what differs."""
        return cls.find is not GraphResource.find

    async def create(self, inputs: I) -> S:
        raise NotImplementedError

    async def read(self, inputs: I, state: S) -> Observed[I, S] | None:
        """None when the object does not exist."""
        raise NotImplementedError

    def repair_needed(self, inputs: I, state: S) -> Repair | None:
        """A condition of the object, as the last refresh recorded it in ``state``, that the declaration
        rules out although no input changed (e.g. a started job that Graph has quarantined). Diff then
        reports an update, and ``update`` is called with unchanged inputs to repair it. No Graph
        request: a plain ``up`` stays free of reads, ``up --refresh`` sees what is live. Most
        resources have none."""
        return None

    async def preflight(self, inputs: dict[str, Any]) -> list[tuple[str, str]]:
        """(property, reason) for each declared input that Graph shows cannot work, read before a
        create (preview included), never before an update: e.g. a principal that does not exist.
        ``inputs`` are the checked values; ``schema.is_unknown`` tells one a preview does not know yet."""
        return []

    async def change_warnings(self, olds: I, news: I) -> list[str]:
        """What a reviewer must see before a change of declared inputs is applied, read from Graph
        (reads only): Diff, which every preview runs, shows each as a warning on the resource. It is
        called only when inputs changed, so an unchanged run reads nothing. Most resources have none."""
        return []

    async def update(self, olds: I, news: I, state: S) -> S:
        raise NotImplementedError(f"{self.type_name} has no in-place update; declare its fields replace=True")

    async def delete(self, inputs: I, state: S) -> None:
        raise NotImplementedError


def _type_arguments(cls: type) -> tuple[Any, Any]:
    """``(Inputs, State)`` of a resource class, through generic intermediate classes too (a TypeVar
    where one is still open)."""
    for base in getattr(cls, "__orig_bases__", ()):
        origin = typing.get_origin(base)
        if origin is GraphResource:
            inputs, state = typing.get_args(base)
            return inputs, state
        if isinstance(origin, type) and issubclass(origin, GraphResource):
            parameters: tuple[Any, ...] = getattr(origin, "__parameters__", ())
            bound = dict(zip(parameters, typing.get_args(base), strict=True))
            inputs, state = _type_arguments(origin)
            return bound.get(inputs, inputs), bound.get(state, state)
    return None, None


# A resource of any Inputs and State, as the framework handles the catalogue.
AnyResource = GraphResource[Any, Any]
AnyObserved = Observed[Any, Any]


T = TypeVar("T")


def known(value: T | None, what: str) -> T:
    """A computed value an object's Graph calls need. Every state ctsync writes holds it, and an import
    id names it; None means a state written by hand or cut short, which a call must not guess around."""
    if value is None:
        raise ValueError(f"{what} is not in the resource's state: run `pulumi refresh`, or import the object by its id")
    return value


def _fields(instance: Any) -> dict[str, Any]:
    """A declared Inputs or State instance's fields (every one is a dataclass)."""
    return dataclasses.asdict(instance)


def adoption_notice(type_name: str, what: str) -> None:
    """Say loudly that create took over an object that already existed (the provider shows warnings
    of this logger on the resource in the CLI's output)."""
    notice(f"{type_name}: adopted existing {what} instead of creating a new one")


def notice(message: str) -> None:
    """A warning on the resource being served, in the CLI's output (see ``adoption_notice``)."""
    log.warning(f"ctsync: {message}")

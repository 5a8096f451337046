"""The resource interface every Graph object implements, and the registry of stable type names."""
from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from providers.graph.session import GraphSession, TenantGraph

I = TypeVar("I")
S = TypeVar("S")

log = logging.getLogger("ctsync.providers")

# type_name -> definition. ``__provider`` in state stores the type name, never the module path of a
# definition, so definitions may move between modules without breaking existing stacks.
REGISTRY: dict[str, type["GraphResource"]] = {}


@dataclass(frozen=True)
class Created(Generic[S]):
    id: str
    state: S


@dataclass(frozen=True)
class Observed(Generic[I, S]):
    """What refresh found: the inputs as they are now in the tenant, and the state."""

    inputs: I
    state: S


class GraphResource(Generic[I, S]):
    """Declare ``type_name``, ``Inputs``, ``State`` and the async CRUD methods.

    ``update`` is optional: without it every change must be declared ``replace=True``.
    """

    type_name: ClassVar[str]
    Inputs: ClassVar[type]
    State: ClassVar[type]
    delete_before_replace: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("type_name"):
            existing = REGISTRY.get(cls.type_name)
            if existing is not None and existing.__qualname__ != cls.__qualname__:
                raise TypeError(f"type name {cls.type_name!r} is taken by {existing.__qualname__}")
            REGISTRY[cls.type_name] = cls

    def __init__(self, graph: GraphSession):
        self.graph = graph

    def tenant(self, tenant_id: str) -> TenantGraph:
        return self.graph.tenant(tenant_id)

    async def create(self, inputs: I) -> Created[S]:
        raise NotImplementedError

    async def read(self, id: str, inputs: I, state: S) -> Observed[I, S] | None:
        """None when the object no longer exists."""
        raise NotImplementedError

    async def update(self, id: str, olds: I, news: I, state: S) -> S:
        raise NotImplementedError(f"{self.type_name} has no in-place update; declare its fields replace=True")

    async def delete(self, id: str, inputs: I, state: S) -> None:
        raise NotImplementedError


def adoption_notice(type_name: str, what: str) -> None:
    """Say loudly that create took over an object that already existed.

    The dynamic-provider host relays stderr to the CLI as diagnostics; tests read the log record.
    """
    message = f"ctsync: {type_name}: adopted existing {what} instead of creating a new one"
    log.warning(message)
    print(message, file=sys.stderr, flush=True)

"""The program-side half: a typed ``pulumi.dynamic.Resource`` per declared GraphResource."""
from __future__ import annotations

import dataclasses
import pickle
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import Resource, dynamic

from providers.framework.provider import GraphProvider
from providers.framework.resource import GraphResource
from providers.framework.schema import secret_fields


class GraphDynamicResource(Resource):
    """Subclass with ``class X(GraphDynamicResource, module="...", name="X"): definition = XResource``.

    The type token ``pulumi-python:dynamic/<module>:<name>`` must stay stable (see provider.py).
    """

    definition: ClassVar[type[GraphResource]]

    def __init__(self, resource_name: str, args: Any, opts: pulumi.ResourceOptions | None = None):
        definition = self.definition
        props: dict[str, Any] = {f.name: getattr(args, f.name) for f in dataclasses.fields(definition.Inputs)}
        # Computed fields are declared with None so they become output attributes of this object.
        props.update({f.name: None for f in dataclasses.fields(definition.State)})
        secrets = secret_fields(definition.Inputs, definition.State)
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=secrets))
        super().__init__(GraphProvider(definition.type_name), resource_name, props, opts)


def _serialize_provider_restoring_pickler(provider) -> str:
    """pulumi 3.272's ``serialize_provider`` wraps ``pickle._Pickler._batch_setitems`` in one more
    sorting wrapper per call and never restores it: serialising costs O(resources so far) and a
    program of ~1000 dynamic resources (a 100-tenant hub-and-spoke) dies with RecursionError.
    pulumi 3.274.1 restores both methods in its ``finally:``; this does the same around 3.272's.
    Drop it when requirements.txt pins a pulumi with the fix (3.272 is the newest on PyPI here).
    """
    batch_setitems, save_dict = pickle._Pickler._batch_setitems, pickle._Pickler.save_dict
    try:
        return _SERIALIZE_PROVIDER(provider)
    finally:
        pickle._Pickler._batch_setitems, pickle._Pickler.save_dict = batch_setitems, save_dict


# Resource.__init__ looks the function up in its module at each call.
_SERIALIZE_PROVIDER = dynamic.serialize_provider
dynamic.serialize_provider = _serialize_provider_restoring_pickler

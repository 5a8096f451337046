"""The program-side half: a typed ``pulumi.dynamic.Resource`` per declared GraphResource."""
from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import Resource

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

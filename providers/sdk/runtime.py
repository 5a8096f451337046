"""What every generated program-side class does (providers/sdk/__init__.py): register a custom
resource of the ``ctsync`` package with its inputs, its outputs declared, its secret outputs marked,
and an alias from the type the dynamic-provider versions used (so existing stacks move without a
replacement). Program-side code imports only pulumi: never msgraph-sdk or the provider."""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import pulumi


def register(
    resource: pulumi.CustomResource,
    token: str,
    name: str,
    args: Any,
    opts: pulumi.ResourceOptions | None,
    outputs: Sequence[str],
    secrets: Sequence[str],
    legacy_types: Sequence[str],
) -> None:
    # Shallow on purpose: dataclasses.asdict would deep-copy the Outputs inside.
    props: dict[str, Any] = {field.name: getattr(args, field.name) for field in dataclasses.fields(args)}
    # Declared as None so the engine's values become attributes of the resource.
    props.update({output: None for output in outputs})
    own = pulumi.ResourceOptions(
        additional_secret_outputs=list(secrets), aliases=[pulumi.Alias(type_=legacy) for legacy in legacy_types]
    )
    pulumi.CustomResource.__init__(resource, token, name, props, pulumi.ResourceOptions.merge(own, opts))

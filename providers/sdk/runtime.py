"""What every generated program-side class does (providers/sdk/__init__.py): register a custom
resource of the ``ctsync`` package with its inputs, its outputs declared, its secret outputs marked,
and an alias from the type the dynamic-provider versions used (so existing stacks move without a
replacement). Program-side code imports only pulumi: never msgraph-sdk or the provider."""
from __future__ import annotations

import asyncio
import dataclasses
import weakref
from collections.abc import Sequence
from typing import Any

import pulumi

# The ctsync resources this program has registered, for ``all_registered``. Weak: one still being
# registered is held by the SDK until the engine answers, and nothing else needs keeping.
_REGISTERED: weakref.WeakSet[pulumi.CustomResource] = weakref.WeakSet()


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
    _REGISTERED.add(resource)


async def all_registered() -> None:
    """Returns once the engine has answered every registration (failed ones included: their errors
    are the SDK's to report). The program awaits it last (components/program.py ``program``).

    Why: after the program's code, the SDK waits for its pending Outputs by calling
    ``asyncio.wait`` on all of them again each time one completes (pulumi 3.272,
    ``runtime/stack.py`` ``wait_for_rpcs``), which is quadratic in their number: about 5,000 for
    500 resources, most of a program's CPU time. Awaiting each registration once here leaves that
    loop almost nothing to wait for (bench/engine_floor.py measures the difference).
    """
    await asyncio.gather(*(resource.urn.future() for resource in list(_REGISTERED)), return_exceptions=True)

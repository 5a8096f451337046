"""The provider's configuration, as the engine sends it to ``configure()``.

The default provider is configured from the stack's ``ctsync:*`` config: each key arrives as a
property (``args``; an object, or JSON text) and as a variable ``ctsync:config:<key>`` (text). One
reader takes a key from either, so every setting is read the same way.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pulumi.provider.experimental import provider as rpc

from providers.framework.wire import plain_value

TENANTS_KEY = "ctsync:tenants"
# Opt-in: let destroy (and removal from the config) delete what ctsync took over, not only what it made.
DELETE_TAKEN_OVER_KEY = "ctsync:deleteTakenOver"
# Opt-in: the stacks (``<project>/<stack>``, or "*") whose marked objects this stack may take over.
TAKE_OVER_FROM_KEY = "ctsync:takeOverFrom"


@dataclass(frozen=True)
class ProviderConfig:
    tenants: Any  # ctsync:tenants as stackconfig reads it (validated there)
    delete_taken_over: bool
    take_over_from: frozenset[str]


def read_config(request: rpc.ConfigureRequest) -> ProviderConfig:
    tenants = _setting(request, TENANTS_KEY)
    delete = _setting(request, DELETE_TAKEN_OVER_KEY)
    take_over = _setting(request, TAKE_OVER_FROM_KEY)
    if isinstance(take_over, str):
        take_over = json.loads(take_over) if take_over.strip().startswith("[") else [take_over]
    return ProviderConfig(
        tenants=(json.loads(tenants) if isinstance(tenants, str) else tenants) or {},
        delete_taken_over=delete is True or (isinstance(delete, str) and delete.strip().lower() == "true"),
        take_over_from=frozenset(str(name) for name in take_over or ()),
    )


def _setting(request: rpc.ConfigureRequest, key: str) -> Any:
    """``ctsync:<name>`` from the configure request: its property, else its variable; None when unset."""
    name = key.split(":", 1)[1]
    value = request.args.get(name)
    return plain_value(value) if value is not None else request.variables.get(f"ctsync:config:{name}")

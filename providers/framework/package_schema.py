"""The Pulumi package schema of ``ctsync``, derived from the resource declarations (``GetSchema``).

Everything users read about a resource comes from here: the catalogue in docs/resources.md and the
typed program-side classes (providers/sdk/__init__.py) are generated from this document by providers/codegen.py.
"""
from __future__ import annotations

import dataclasses
import inspect
import typing
from collections.abc import Iterable, Mapping
from typing import Any

from providers.framework import tally
from providers.framework.component import Component
from providers.framework.resource import PACKAGE, AnyResource
from providers.framework.schema import NO_DEFAULT, behaviour, default_of, is_union, type_hints

_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number"}


def build(
    catalogue: Iterable[type[AnyResource]],
    version: str,
    components: Iterable[Component] = (),
    types: Mapping[str, dict[str, Any]] | None = None,
    download_url: str | None = None,
) -> dict[str, Any]:
    """The whole schema: the custom resources, the components and the object types their inputs use."""
    return {
        "name": PACKAGE,
        "version": version,
        **({"pluginDownloadURL": download_url} if download_url else {}),
        "displayName": "ctsync",
        "description": "Microsoft Entra ID cross-tenant synchronization: the Graph objects ctsync manages.",
        "config": {
            "variables": {
                "tenants": {
                    "type": "object",
                    "additionalProperties": {"$ref": "pulumi.json#/Any"},
                    "description": "ctsync:tenants: alias -> {tenantId, auth, graphEndpoint, ...} (docs/configuration.md)",
                },
                "deleteTakenOver": {
                    "type": "boolean",
                    "description": "ctsync:deleteTakenOver: destroy also deletes objects that existed before "
                    "ctsync took them over (docs/configuration.md)",
                },
                "takeOverFrom": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "ctsync:takeOverFrom: the stacks (<project>/<stack>, or \"*\") whose objects this "
                    "stack may take over (docs/configuration.md)",
                },
            }
        },
        "provider": {"description": "The ctsync provider: its configuration is the stack's ctsync:tenants."},
        "resources": {
            **{definition.token(): resource_spec(definition) for definition in catalogue},
            **{component.token: component_spec(component) for component in components},
        },
        "types": {f"{PACKAGE}:index:{name}": spec for name, spec in (types or {}).items()},
        "functions": {tally.TOKEN: tally.SCHEMA},
        "language": {
            # The Python SDK (pulumi_ctsync, scripts/package.sh): its version is the schema's.
            "python": {"packageName": "pulumi_ctsync", "respectSchemaVersion": True,
                       "pyproject": {"enabled": True}, "requires": {"pulumi": ">=3.0.0,<4.0.0"}},
        },
    }


def component_spec(component: Component) -> dict[str, Any]:
    return {
        "isComponent": True,
        "description": component.description,
        "inputProperties": dict(component.input_properties),
        "requiredInputs": list(component.required_inputs),
        "properties": dict(component.properties),
        "required": list(component.properties),
    }


def resource_spec(definition: type[AnyResource]) -> dict[str, Any]:
    inputs = dataclasses.fields(definition.Inputs)
    state = [f for cls in definition.computed_types() for f in dataclasses.fields(cls)]
    input_hints = type_hints(definition.Inputs)
    state_hints = {name: hint for cls in definition.computed_types() for name, hint in type_hints(cls).items()}
    properties = {
        **{f.name: _property(f, input_hints[f.name]) for f in inputs},
        **{f.name: _property(f, state_hints[f.name]) for f in state},
    }
    return {
        "description": f"{inspect.cleandoc(definition.__doc__ or '')}\n\n{import_section(definition)}",
        "inputProperties": {f.name: _property(f, input_hints[f.name], with_default=True) for f in inputs},
        "requiredInputs": [f.name for f in inputs if default_of(f) is NO_DEFAULT],
        "properties": properties,
        "required": [f.name for f in inputs if not _optional(input_hints[f.name])],
        "aliases": [{"type": token} for token in definition.aliases()],
    }


def import_section(definition: type[AnyResource]) -> str:
    """Pulumi's convention: a resource's description ends with how to import one."""
    return (
        "## Import\n\n"
        f"The import id is `{definition.id_format}`:\n\n"
        f"```sh\npulumi import {definition.token()} <name> '{definition.id_format}' --generate-code=false\n```"
    )


def _property(field: dataclasses.Field[Any], hint: Any, with_default: bool = False) -> dict[str, Any]:
    rules = behaviour(field)
    spec: dict[str, Any] = _type(hint)
    description = rules.description
    if rules.set_on_create:
        description = f"{description}; set when ctsync creates the object, an object it takes over keeps its own".lstrip("; ")
    if description:
        spec["description"] = description
    if rules.replace:
        spec["replaceOnChanges"] = True
    if rules.secret:
        spec["secret"] = True
    default = default_of(field)
    # A schema default is a constant: Pulumi allows booleans, numbers and strings only. A list's
    # default (empty) is the provider's to apply, and Check does.
    if with_default and isinstance(default, (bool, int, float, str)):
        spec["default"] = default
    return spec


def _type(hint: Any) -> dict[str, Any]:
    args = [a for a in typing.get_args(hint) if a is not type(None)] if is_union(hint) else [hint]
    kind = typing.get_origin(args[0]) or args[0]
    if kind is list:
        return {"type": "array", "items": {"$ref": "pulumi.json#/Any"}}
    if kind is dict:
        return {"type": "object", "additionalProperties": {"$ref": "pulumi.json#/Any"}}
    return {"type": _TYPES[kind]}


def _optional(hint: Any) -> bool:
    return is_union(hint) and type(None) in typing.get_args(hint)

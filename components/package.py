"""The components the ctsync plugin serves to any Pulumi program (Construct), with their schema.

A program in any language registers ``ctsync:pair:TenantPair`` or ``ctsync:mto:MtoMembership`` as a
remote component; the engine asks the plugin to construct it, and the plugin runs the same classes
the stack-config program uses, on inputs in the stack file's shapes (stackconfig/shapes.py). The
composition root (providers/__main__.py) hands these to the provider framework.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi

from components import mto, pair
from stackconfig.reader import ABSENT
from stackconfig.shapes import MTO_PROPERTIES, MTO_REQUIRED, TYPES, Spec, array_of, ref

SUMMARY: Spec = {
    "type": "object",
    "additionalProperties": {"$ref": "pulumi.json#/Any"},
    "description": "What the component configured, as the stack-config program's outputs show it",
}


@dataclass(frozen=True)
class ComponentType:
    """One component as the plugin serves it: its schema and how to build one from its inputs."""

    token: str
    description: str
    input_properties: Mapping[str, Spec]
    required_inputs: tuple[str, ...]
    build: Callable[[str, Mapping[str, Any], pulumi.ResourceOptions], Any]
    properties: Mapping[str, Spec] = field(default_factory=lambda: {"summary": SUMMARY})

    def outputs(self, component: Any) -> dict[str, Any]:
        return {"summary": component.summary}


def _pair(name: str, inputs: Mapping[str, Any], opts: pulumi.ResourceOptions) -> pair.TenantPair:
    return pair.TenantPair(name, pair.plan(name, inputs.get("syncs", ABSENT)), opts)


def _mto(name: str, inputs: Mapping[str, Any], opts: pulumi.ResourceOptions) -> mto.MtoMembership:
    return mto.MtoMembership(name, mto.plan(name, inputs), opts)


COMPONENTS = (
    ComponentType(
        pair.TYPE,
        f"{pair.__doc__}\nThe tenants are the stack's `ctsync:tenants` (the provider's configuration).",
        {"syncs": {**array_of(ref("Sync")), "description": "one or two ctsync:sync entries between the same two tenants"}},
        ("syncs",),
        _pair,
    ),
    ComponentType(
        mto.TYPE,
        f"{mto.__doc__}\nThe tenants are the stack's `ctsync:tenants` (the provider's configuration).",
        MTO_PROPERTIES,
        MTO_REQUIRED,
        _mto,
    ),
)
SCHEMA_TYPES = TYPES

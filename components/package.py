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

from components import estate, mto, pair
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


def _estate(name: str, inputs: Mapping[str, Any], opts: pulumi.ResourceOptions) -> estate.Estate:
    args = estate.EstateArgs(sync=inputs.get("sync"), topology=inputs.get("topology"), mto=inputs.get("mto"))
    return estate.Estate(name, args, opts)


def _mto(name: str, inputs: Mapping[str, Any], opts: pulumi.ResourceOptions) -> mto.MtoMembership:
    return mto.MtoMembership(name, mto.plan(name, inputs), opts)


_TENANTS = "\nThe tenants are the stack's `ctsync:tenants` (the provider's configuration)."
COMPONENTS = (
    ComponentType(
        estate.TYPE,
        f"{estate.__doc__}{_TENANTS}",
        {"sync": {**array_of(ref("Sync")), "description": "ctsync:sync entries"},
         "topology": {**ref("Topology"), "description": "ctsync:topology"},
         "mto": {**ref("Mto"), "description": "ctsync:mto"}},
        (),
        _estate,
    ),
    ComponentType(
        pair.TYPE,
        f"{pair.__doc__}{_TENANTS}",
        {"syncs": {**array_of(ref("Sync")), "description": "one or two ctsync:sync entries between the same two tenants"}},
        ("syncs",),
        _pair,
    ),
    ComponentType(
        mto.TYPE,
        f"{mto.__doc__}{_TENANTS}",
        MTO_PROPERTIES,
        MTO_REQUIRED,
        _mto,
    ),
)
SCHEMA_TYPES = TYPES

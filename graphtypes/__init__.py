"""Graph's v1.0 resource types as msgraph-sdk's models describe them (Microsoft generates the SDK from
Graph's own metadata): which properties a type's JSON carries.

Shared by the emulator (whole shapes, and Graph's 400 for a `$select` of a property the type lacks)
and the CLI (``verify`` asks only for properties a user has). Navigation properties (a user's
`manager`, an application's `owners`) and streams (`logo`) are not among them: Graph returns those
only through their own paths or `$expand`.
"""
from __future__ import annotations

import functools
import importlib
import re

# Navigation properties whose target msgraph-sdk models as a plain class, not an entity: Graph returns
# them through their own paths (`partners/{id}/identitySynchronization`) or `$expand`.
CONTAINED = {
    "crossTenantAccessPolicy": frozenset({"partners"}),
    "crossTenantAccessPolicyConfigurationPartner": frozenset({"identitySynchronization"}),
}


def _model(type_name: str) -> type:
    """msgraph-sdk's model of a Graph type: `servicePrincipal` is models/service_principal.py's ServicePrincipal."""
    module = re.sub(r"(?<!^)(?=[A-Z])", "_", type_name).lower()
    return getattr(importlib.import_module(f"msgraph.generated.models.{module}"), type_name[0].upper() + type_name[1:])


@functools.cache
def _properties(type_name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(structural, navigation) properties of the type, in the SDK's order."""
    model = _model(type_name)
    entity = importlib.import_module("msgraph.generated.models.entity").Entity
    structural, navigation = [], []
    # Each deserializer reads one property; the model classes it reads into are its closure's cells.
    for prop, deserializer in model().get_field_deserializers().items():
        kinds = [cell.cell_contents for cell in deserializer.__closure__ or () if isinstance(cell.cell_contents, type)]
        if any(issubclass(kind, entity) for kind in kinds) or prop in CONTAINED.get(type_name, ()):
            navigation.append(prop)
        elif not ("get_bytes_value" in deserializer.__code__.co_names or prop.startswith("@odata.")):  # not a stream
            structural.append(prop)
    return tuple(structural), tuple(navigation)


def structural_properties(type_name: str) -> tuple[str, ...]:
    """Every property of the type that its JSON carries, in the SDK's order."""
    return _properties(type_name)[0]


def navigation_properties(type_name: str) -> tuple[str, ...]:
    """The type's relationships (a user's `manager`, a group's `members`): `$expand` names them."""
    return _properties(type_name)[1]


def known(type_name: str, names: list[str]) -> list[str]:
    """``names`` that are properties of the type, in Graph's casing; the others are left out."""
    casing = {name.lower(): name for name in structural_properties(type_name)}
    return [casing[name.lower()] for name in names if name.lower() in casing]

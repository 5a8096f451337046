"""Pulumi names of the components and of the resources inside them.

A URN is the resource's type chain plus its own name; the parent's *name* is not part of it. So:
- components are named after config aliases, which is what `pulumi preview` should show people;
- every resource that stands for a Graph object (or a provider of a tenant) is named after tenant
  **ids**, never aliases.
Renaming an alias in the stack config therefore renames only components (which own nothing in a
tenant); every Graph resource keeps its URN, shows as unchanged and moves under the renamed component.
Had the Graph resources been named after aliases, a rename would create a twin (which adopts the
existing object) and then delete the old one, i.e. delete the partner entry or job it had just adopted.
"""
from __future__ import annotations


# Aliases hold letters, digits, - and _ only, so these separators keep every name unambiguous
# ("a-b" + "c" and "a" + "b-c" would both be "a-b-c" with a hyphen).
def pair_component(a: str, b: str) -> str:
    return f"{a}<->{b}"


def direction_component(source: str, target: str) -> str:
    return f"{source}->{target}"


def partner_access(tenant_id: str, partner_tenant_id: str) -> str:
    return f"{tenant_id}-partner-{partner_tenant_id}"


def identity_sync(target_tenant_id: str, source_tenant_id: str) -> str:
    return f"{target_tenant_id}-sync-from-{source_tenant_id}"


def direction(source_tenant_id: str, target_tenant_id: str) -> str:
    """Prefix of the names of one direction's resources in the source tenant."""
    return f"{source_tenant_id}-to-{target_tenant_id}"


def tenant_provider(tenant_id: str, package: str) -> str:
    return f"{tenant_id}-{package}"

"""Pulumi ComponentResources of ctsync (type tokens `ctsync:<module>:<Type>`) and the program composing them.

Import from the modules; this package imports nothing, so that `components.diagram` stays
usable without Pulumi and the Graph resources (scripts/render_topology.py).

- `TenantPair` (pair.py): both tenants' partner entries, the identity-sync policies, a ProvisioningJob per direction.
- `ProvisioningJob` (provisioning.py): one direction's objects in the source tenant, in Graph's order.
- `MtoMembership` (mto.py): the multitenant organisation, its members and their join requests.
- `LogRouting` (diagnostics.py): extra, Entra logs to Log Analytics (pulumi-azure-native).
- managed scoping groups (scoping.py): extra, an azuread security group assigned as scope.
- `topology_mermaid` (diagram.py): the topology as a Mermaid diagram (pure).
"""

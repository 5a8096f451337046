"""Pulumi ComponentResources of ctsync (type tokens `ctsync:<module>:<Type>`) and the program composing them.

Import from the modules; this package imports nothing, so that `components.diagram` stays
usable without Pulumi and the Graph resources (scripts/render_topology.py).

- `TenantPair` (pair.py, `ctsync:pair:TenantPair`): both tenants' partner entries, the identity-sync
  policies, a ProvisioningJob per direction.
- `ProvisioningJob` (provisioning.py, `ctsync:provisioning:ProvisioningJob`): one direction's objects in
  the source tenant, in Graph's order.
- `MtoMembership` (mto.py, `ctsync:mto:MtoMembership`): the multitenant organisation, its members and
  their join requests.
- `ManagedGroups` (scoping.py, `ctsync:scoping:ManagedGroups`): extra, azuread security groups of a source
  tenant assigned as scope.
- `LogRouting` (diagnostics.py, `ctsync:diagnostics:LogRouting`): extra, Entra logs to Log Analytics.
- ecosystem.py: the azuread / azure-native provider per tenant that uses an extra.
- names.py: how resources are named (tenant ids, so an alias rename changes no Graph resource's URN).
- diagram.py: the topology as a Mermaid diagram (pure).
- program.py: config -> checked model -> components -> stack outputs (`__main__.py` runs it).

Components register no outputs of their own (no ``register_outputs``): what they sum up (``summary``)
is in the stack's outputs already, and each RegisterResourceOutputs costs the engine one more write of
the whole checkpoint (87 writes of a 1.8 MB state in bench/engine_floor.py's 30 tenants). The CLI
shows a component created once the program ends.
"""

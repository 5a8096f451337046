"""The ``ctsync`` provider plugin: every Graph object ctsync manages, served to Pulumi as a native provider.

- ``providers.graph``: the msgraph-sdk client per tenant (credentials, retries, request counter, the
  hand-built requests for what the SDK lacks).
- ``providers.framework``: the Terraform-style resource framework (schema, derived check/diff/read).
- ``providers.resources``: one module per Graph object (cross-tenant access partner, identity sync, ...).
"""

"""The synchronization engine: job model, Azure2Azure schema, scoping, and the provisioning cycle."""

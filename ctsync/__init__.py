"""``python -m ctsync``: commands that work on a stack's tenants from outside Pulumi.

``export`` writes a stack's ``ctsync:sync`` and ``ctsync:mto`` from what exists in its tenants
(Graph reads only), so that the first ``pulumi up`` takes the existing setup over with no write.
"""

"""What the synchronization resources and the ``python -m ctsync`` commands share: a job's schema
(its JSON, the edits ctsync makes, how it reads it back, the checks of a declaration, the template's
defaults), who a scope change takes out, the configuration apps of a tenant, and whether a target
is ready to receive users."""

"""A ctsync estate: every direction, the topology and the multitenant organisation this stack's config
declares (`ctsync:sync`, `ctsync:topology`, `ctsync:mto`; the shapes are the ctsync package's
configuration reference), deployed by the ctsync package's Estate component. The tenants themselves
are `ctsync:tenants`, the ctsync provider's configuration."""
import pulumi
import pulumi_ctsync as ctsync

config = pulumi.Config("ctsync")
estate = ctsync.Estate(
    "estate",
    sync=config.get_object("sync"),
    topology=config.get_object("topology"),
    mto=config.get_object("mto"),
)
pulumi.export("summary", estate.summary)

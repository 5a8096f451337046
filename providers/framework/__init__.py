"""A small Terraform-style framework that turns declared Graph resources into Pulumi dynamic resources.

A resource is a :class:`GraphResource` subclass: plain ``Inputs`` and ``State`` dataclasses whose fields
declare their behaviour with :func:`attribute` (replace-on-change, secret, default, normaliser,
validator), plus async create / read / update / delete over a :class:`TenantGraph`. The framework
derives check, diff and refresh from the declaration (``schema.py``), adapts it to Pulumi's
``ResourceProvider`` (``provider.py``) and gives the program a typed ``pulumi.dynamic.Resource``
subclass (``dynamic.py``).
"""
from providers.framework.schema import attribute, computed
from providers.framework.resource import Created, GraphResource, Observed, adoption_notice
from providers.framework.provider import GraphProvider
from providers.framework.dynamic import GraphDynamicResource

__all__ = [
    "attribute",
    "computed",
    "Created",
    "GraphResource",
    "Observed",
    "adoption_notice",
    "GraphProvider",
    "GraphDynamicResource",
]

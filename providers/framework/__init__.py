"""A small Terraform-style framework that serves declared Graph resources as a native Pulumi provider.

A resource is a ``GraphResource[Inputs, State]`` of two plain dataclasses whose fields
declare their behaviour with :func:`attribute` (replace-on-change, secret, default, normaliser,
validator, description; computed state fields are ``T | None``, and ``known`` takes one a Graph call
needs), an id format, and async create / read / update / delete over a GraphSession.
The framework derives check, diff, refresh and import (``schema.py``, ``provider.py``), the package
schema (``package_schema.py``) and serves it all over gRPC (``server.py``). It never imports the
resources: a composition root hands it the catalogue (``providers/__main__.py``).
"""
from providers.framework.resource import GraphResource, Observed, Repair, adoption_notice, known, notice
from providers.framework.schema import attribute, computed

__all__ = ["attribute", "computed", "GraphResource", "Observed", "Repair", "adoption_notice", "known", "notice"]

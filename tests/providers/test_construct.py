"""Construct (components served to programs of any language): what the framework does before a
component is built."""
from __future__ import annotations

import asyncio

import pulumi
import pytest
from pulumi.provider.experimental import provider as rpc
from pulumi.provider.experimental.property_value import Computed, PropertyValue

from providers.framework.provider import GraphProvider, UnknownResourceType


class Refusing:
    """A component that must never be built in these tests."""

    token = "ctsync:pair:TenantPair"
    description = ""
    input_properties: dict = {}
    required_inputs = ()
    properties: dict = {}

    def build(self, name, inputs, opts):
        raise AssertionError("built")

    def outputs(self, component):
        return {}


def construct(token: str, inputs: dict[str, PropertyValue]):
    provider = GraphProvider([], components=[Refusing()])
    return asyncio.run(provider.construct(rpc.ConstructRequest(token, "pair", inputs, pulumi.ResourceOptions())))


def test_inputs_known_only_after_the_update_are_refused_by_path_before_the_component_is_built():
    syncs = PropertyValue([PropertyValue({"from": PropertyValue("contoso"),
                                          "scope": PropertyValue({"groups": PropertyValue([PropertyValue(Computed())])})})])
    with pytest.raises(ValueError, match=r"ctsync:pair:TenantPair pair: syncs\[0\]\.scope\.groups\[0\] is known only after"):
        construct("ctsync:pair:TenantPair", {"syncs": syncs})


def test_an_unknown_component_type_is_named():
    with pytest.raises(UnknownResourceType, match="no component 'ctsync:pair:Nope'"):
        construct("ctsync:pair:Nope", {})

"""What the framework needs of a component it serves (Construct): its schema and how to build one.

The components themselves are not the framework's: the composition root (providers/__main__.py)
hands them over, as it hands over the resource catalogue.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import pulumi


class Component(Protocol):
    @property
    def token(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def input_properties(self) -> Mapping[str, dict[str, Any]]: ...
    @property
    def required_inputs(self) -> tuple[str, ...]: ...
    @property
    def properties(self) -> Mapping[str, dict[str, Any]]: ...

    def build(self, name: str, inputs: Mapping[str, Any], opts: pulumi.ResourceOptions) -> Any:
        """Registers the component and its children; refuses bad inputs before registering anything."""

    def outputs(self, component: Any) -> dict[str, Any]:
        """The component's outputs (values or pulumi.Outputs), by schema property name."""

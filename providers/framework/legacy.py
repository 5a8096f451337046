"""Stacks deployed by the dynamic-provider versions of ctsync (up to commit 986f0ebd): what they hold,
and how the framework moves them to the native provider with no Graph write (README, "Moving a stack
from the dynamic-provider versions"; tests/engine/test_migration.py).

Each resource answers to its old type token as an alias, and the pickled provider reference those
versions kept in every resource's state is dropped: the preview shows `- __provider`, the update that
rewrites the state sends nothing to Graph.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Where the dynamic-provider versions registered the same resources.
LEGACY_PACKAGE = "pulumi-python:dynamic"
# What they kept in every resource's state: a pickled provider. Never a diff of a declared input.
LEGACY_PROVIDER_KEY = "__provider"


def legacy_token(module: str, type_name: str) -> str:
    return f"{LEGACY_PACKAGE}/{module}:{type_name}"


def holds_legacy_payload(olds: Mapping[str, Any]) -> bool:
    """Whether a resource's state still carries the dynamic versions' pickled provider."""
    return LEGACY_PROVIDER_KEY in olds

"""Who may take over, and delete, an object that already exists: the framework's ownership policy.

A resource that ``marks_owner`` writes the ctsync stack that manages it (``<project>/<stack>``) on
the Graph object. Create refuses to take over what another stack marks unless ``ctsync:takeOverFrom``
names it; what was made outside ctsync is taken over as it is, with no write when it is as declared
(a brownfield take-over changes nothing in the tenant); delete leaves what ctsync took over, and
what another stack has taken over since.
"""
from __future__ import annotations

from collections.abc import Collection
from typing import Any

from providers.framework.config import TAKE_OVER_FROM_KEY
from providers.framework.resource import AnyObserved, AnyResource


class OwnedElsewhere(Exception):
    """The object create found is marked as another stack's."""


def refuse_if_owned_elsewhere(definition: type[AnyResource], inputs: Any, found: AnyObserved, owner: str | None,
                              take_over_from: Collection[str]) -> None:
    """Two stacks managing one object would undo each other's changes on every run."""
    if found.owner in (None, owner) or found.owner in take_over_from or "*" in take_over_from:
        return
    raise OwnedElsewhere(
        f"{definition.type_name}: {definition.format_id(inputs, found.state)} is managed by the ctsync stack "
        f"{found.owner} (the object's owner marker), not by this stack ({owner}); ctsync does not take over "
        f"another stack's objects unless told to: remove this sync from one of the two stacks, or set "
        f"{TAKE_OVER_FROM_KEY} to [\"{found.owner}\"] in this one to move it here"
    )


def marking(definition: type[AnyResource], found: AnyObserved, owner: str | None) -> bool:
    """Whether taking ``found`` over writes this stack's owner marker on it: only over another stack's
    marker (allowed by ctsync:takeOverFrom)."""
    return definition.marks_owner and found.owner is not None and found.owner != owner


def what_changes(changes: list[str], marks: bool) -> str:
    marker = "its owner marker" if marks else ""
    if changes:
        return f"updating {', '.join(changes)}" + (f" and {marker}" if marker else "")
    return f"as declared already: writing only {marker}" if marker else "as declared already: no write"


def stack_of(urn: str) -> str:
    """``<project>/<stack>`` of a resource's URN (``urn:pulumi:<stack>::<project>::...``): the owner marker."""
    stack, project = urn.split("::")[0].removeprefix("urn:pulumi:"), urn.split("::")[1]
    return f"{project}/{stack}"

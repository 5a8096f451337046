"""One thing a provisioning run does to one object of the target tenant."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Action:
    kind: str  # create, update, restore, disable, delete; skip (on demand, logged only)
    source_id: str
    source_user: dict | None  # the source object (a user, or a group)
    target_id: str | None
    changes: dict
    before: dict = field(default_factory=dict)  # the target's values the changes replace
    object_type: str = "User"

    @property
    def existing_target(self) -> str:
        """The target object's id, for an action on one that exists (update, disable, restore, delete)."""
        if self.target_id is None:
            raise RuntimeError(f"a {self.kind} of {self.source_id} has no target object")
        return self.target_id

"""How many of a run's creates took over an object that already existed, and how many made one.

The engine counts both as "to create" ("+ 12 to create" for a brownfield take-over that writes
nothing). The provider counts them as it serves the creates of a preview or an update, and answers
the count as the function ``createTally``; the program asks once every resource is registered
(every create has been served by then) and says it beside the engine's summary.
"""
from __future__ import annotations

from providers.framework.resource import PACKAGE

TOKEN = f"{PACKAGE}:index:createTally"
# What one create did (or, in a preview, will do).
TAKEN_OVER, CREATED, SETTINGS, UNDECIDED = "takenOver", "created", "settings", "undecided"
SCHEMA = {
    "description": "How the creates of this preview or update went, counted by the provider process that served "
                   "them. Call it after every resource is registered.",
    "outputs": {
        "properties": {
            TAKEN_OVER: {"type": "integer", "description": "creates that took over an object that already existed "
                         "(no write where it is as declared)"},
            CREATED: {"type": "integer", "description": "creates that made a new object"},
            SETTINGS: {"type": "integer", "description": "creates of resources that set properties of another object "
                       "(a job's schema or schedule), writing only what differs"},
            UNDECIDED: {"type": "integer", "description": "creates of a preview whose inputs wait on other objects' "
                        "outputs, so that the provider cannot look for an existing object yet"},
        },
        "required": [TAKEN_OVER, CREATED, SETTINGS, UNDECIDED],
        "type": "object",
    },
}


class CreateTally:
    def __init__(self) -> None:
        self._counts = dict.fromkeys((TAKEN_OVER, CREATED, SETTINGS, UNDECIDED), 0)

    def count(self, outcome: str) -> None:
        self._counts[outcome] += 1

    def result(self) -> dict[str, int]:
        return dict(self._counts)

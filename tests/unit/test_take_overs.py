"""The line the program adds beside the engine's "+ N to create" (components/take_overs.py)."""
from __future__ import annotations

import pytest

from components.take_overs import tally_line

CASES = {
    "nothing taken over: nothing to add": ({"takenOver": 0, "created": 5, "settings": 2, "undecided": 0}, True, None),
    "a brownfield preview": ({"takenOver": 7, "created": 0, "settings": 2, "undecided": 0}, True,
                             "ctsync: of the 9 to create, 7 take over objects that already exist, 2 set properties of "
                             "other objects (no write where they are as declared) and 0 make new objects"),
    "a preview that cannot tell them all yet": ({"takenOver": 2, "created": 1, "settings": 0, "undecided": 3}, True,
                                                "ctsync: of the 6 to create, 2 take over objects that already exist (no write "
                                                "where they are as declared) and 1 make new objects; 3 depend on objects not "
                                                "made yet, so `pulumi up` decides them"),
    "an update": ({"takenOver": 3, "created": 2, "settings": 0, "undecided": 0}, False,
                  "ctsync: of the 5 created, 3 took over objects that already existed and 2 are new"),
    "a mock's empty answer": ({}, False, None),
}


@pytest.mark.parametrize("tally, preview, line", CASES.values(), ids=CASES.keys())
def test_the_tally_is_said_only_when_something_was_taken_over(tally, preview, line):
    assert tally_line(tally, preview) == line

"""Beside the engine's "+ N to create": how many of those creates take over an object that already
exists. A brownfield take-over writes nothing, yet the engine can only count it as a create; the
provider tells the two apart as it serves them (``create_tally``), and the program says so once."""
from __future__ import annotations

from collections.abc import Mapping

import pulumi

from providers.sdk import create_tally


def tally_line(tally: Mapping[str, int], preview: bool) -> str | None:
    """The sentence for a tally, or None when no create took anything over (nothing to add)."""
    taken, new, settings, undecided = (int(tally.get(key, 0)) for key in ("takenOver", "created", "settings", "undecided"))
    if taken == 0:
        return None
    total = taken + new + settings + undecided
    if preview:
        line = (f"ctsync: of the {total} to create, {taken} take over objects that already exist"
                + (f", {settings} set properties of other objects" if settings else "")
                + f" (no write where they are as declared) and {new} make new objects")
        return line + (f"; {undecided} depend on objects not made yet, so `pulumi up` decides them" if undecided else "")
    return (f"ctsync: of the {total} created, {taken} took over objects that already existed"
            + (f", {settings} set properties of other objects" if settings else "") + f" and {new} are new")


async def say_take_overs() -> None:
    """Call after every resource is registered: each create has been served by then."""
    line = tally_line(await create_tally(), pulumi.runtime.is_dry_run())
    if line is not None:
        pulumi.log.info(line)

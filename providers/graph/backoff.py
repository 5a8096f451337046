"""The one place a retry waits: the SDK's 429/503/504 handling (Graph's Retry-After), replication
polls (providers/graph/retry.py) and re-asked unreadable answers (providers/graph/session.py).

The product always waits what Graph or the back-off asks. The test tiers set CTSYNC_BACKOFF_SCALE
to a fraction: the emulator's faults and lags are counted in requests, not seconds, so a shorter
wait exercises the same paths, and a fault test takes a fraction of a second instead of several.
One test keeps the scale at 1 and checks that a 429's Retry-After is waited out in full.
(The SDK's own handler waits through providers/graph/paced_retry.py.)
"""
from __future__ import annotations

import asyncio
import os

SCALE_VARIABLE = "CTSYNC_BACKOFF_SCALE"


def scale() -> float:
    """The fraction of each wait that is spent: 1 unless CTSYNC_BACKOFF_SCALE says less."""
    text = os.environ.get(SCALE_VARIABLE, "1")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{SCALE_VARIABLE}={text!r} is not a number: unset it (waits in full) or give one in 0..1") from None
    if not 0 <= value <= 1:
        # More than 1 would only slow a run down; less than 0 means nothing.
        raise ValueError(f"{SCALE_VARIABLE}={text!r} is outside 0..1: unset it (waits in full) or give one in 0..1")
    return value


def scaled(seconds: float) -> float:
    return seconds * scale()


async def wait(seconds: float) -> None:
    """Wait ``seconds`` (scaled) before a retry."""
    await asyncio.sleep(scaled(seconds))

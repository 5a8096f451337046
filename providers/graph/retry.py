"""Bounded retries for Graph's eventual consistency, on top of the SDK's own 429/503/504 handling.

Right after a create, Graph may answer 404 for the new object, and the synchronization endpoints
answer 403/409 for a while after a service principal appears (terraform-provider-azuread retries
the same). These heal with time; anything else fails at once.
"""
from __future__ import annotations

import os
import random
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from providers.graph import backoff
from providers.graph.errors import GraphError

T = TypeVar("T")


def replication_deadline() -> float:
    """Seconds to wait for replication; CTSYNC_REPLICATION_DEADLINE shortens it in tests."""
    return float(os.environ.get("CTSYNC_REPLICATION_DEADLINE", "300"))


# How long a service principal's synchronization endpoints may answer 403/409 after it appears. A 403
# that lasts longer is a missing permission, and the user should hear so in a minute, not five.
SYNC_LAG_DEADLINE = 60.0


def not_found(error: GraphError) -> bool:
    return error.not_found


def sync_endpoint_lag(error: GraphError) -> bool:
    return error.status in (403, 404, 409)


async def until_healed(
    call: Callable[[], Awaitable[T]],
    heals: Callable[[GraphError], bool],
    deadline: float | None = None,
) -> T:
    """Call until it succeeds, retrying errors that ``heals`` accepts, with jittered back-off."""
    return await poll(call, lambda _: True, heals, deadline=deadline, what="Graph to replicate")


async def until_sync_ready(
    call: Callable[[], Awaitable[T]], heals: Callable[[GraphError], bool] = sync_endpoint_lag
) -> T:
    """``until_healed`` for synchronization endpoints: their lag heals within SYNC_LAG_DEADLINE."""
    return await until_healed(call, heals, deadline=min(replication_deadline(), SYNC_LAG_DEADLINE))


async def poll(
    fetch: Callable[[], Awaitable[T]],
    done: Callable[[T], bool],
    heals: Callable[[GraphError], bool] = not_found,
    deadline: float | None = None,
    what: str = "Graph",
    first_delay: float = 0.25,
    max_delay: float = 8.0,
) -> T:
    """Fetch until ``done(value)``; errors that ``heals`` accepts count as "not yet".

    Gives up after ``deadline`` seconds (default: the replication deadline) with the last error, or
    a TimeoutError naming ``what`` it waited for.
    """
    seconds = replication_deadline() if deadline is None else deadline
    give_up_at = time.monotonic() + seconds
    delay = first_delay
    while True:
        failure: GraphError | None = None
        try:
            value = await fetch()
            if done(value):
                return value
        except GraphError as error:
            if not heals(error):
                raise
            failure = error
        if time.monotonic() + delay > give_up_at:
            if failure is not None:
                raise failure
            raise TimeoutError(f"waited {seconds:.0f} s for {what}")
        # Full jitter: concurrent resources of one `pulumi up` must not retry in lock-step.
        await backoff.wait(random.uniform(delay / 2, delay))
        delay = min(delay * 2, max_delay)

"""One long-lived asyncio loop on a daemon thread for all Graph calls of a process.

Pulumi calls dynamic providers synchronously on gRPC worker threads, while msgraph-sdk is async and
its pooled httpx connections are bound to the loop that opened them: a client reused across two
``asyncio.run()`` calls fails with "Event loop is closed" (reference pulumi-notes §1.5). Keeping one
loop lets every thread share one connection pool per tenant.
"""
from __future__ import annotations

import asyncio
import threading
from typing import Awaitable, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None


def _background_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _lock:
        if _loop is None:
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, name="graph-loop", daemon=True).start()
        return _loop


def run(awaitable: Awaitable[T]) -> T:
    """Run a coroutine on the shared loop and wait for its result from any thread."""
    return asyncio.run_coroutine_threadsafe(awaitable, _background_loop()).result()

"""The emulator's clock: wall time plus an offset that tests move forward, and timed transitions.

Asynchronous Graph behaviour (MTO activation, joins taking hours) is modelled as events due at an
emulator time; they fire when a request arrives after that time or when the clock is advanced.
"""
from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Callable
from datetime import UTC, datetime

NEVER = "0001-01-01T00:00:00Z"  # Graph's "never happened" timestamp


def iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Clock:
    def __init__(self) -> None:
        self.offset = 0.0
        self._events: list[tuple[float, int, Callable[[], None]]] = []
        self._sequence = itertools.count()

    def now(self) -> float:
        return time.time() + self.offset

    def now_iso(self) -> str:
        return iso(self.now())

    def schedule(self, delay_seconds: float, action: Callable[[], None]) -> None:
        heapq.heappush(self._events, (self.now() + delay_seconds, next(self._sequence), action))

    def run_due(self) -> None:
        """Fire every event whose time has come, in time order (an event may schedule more)."""
        while self._events and self._events[0][0] <= self.now():
            _, _, action = heapq.heappop(self._events)
            action()

    def advance(self, seconds: float) -> None:
        self.offset += seconds
        self.run_due()

    def pending(self) -> int:
        return len(self._events)

    def reset(self) -> None:
        self.offset = 0.0
        self._events.clear()

"""Progress of long work on stderr: one line rewritten in place on a terminal, plain lines otherwise
(a CI log keeps every line; a person sees one line move)."""
from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    def __init__(self, command: str, stream: TextIO | None = None) -> None:
        self.command = command
        self._stream = stream
        self._pending = False  # a rewritten line is on screen without its newline

    @property
    def stream(self) -> TextIO:
        # Looked up on each use: whatever stderr is at the time (a test may have replaced it).
        return self._stream or sys.stderr

    @property
    def _live(self) -> bool:
        return self.stream.isatty()

    def step(self, message: str) -> None:
        """Work under way: on a terminal it replaces the previous step's line."""
        text = f"ctsync {self.command}: {message}"
        if self._live:
            self.stream.write(f"\r\033[K{text}")
            self._pending = True
        else:
            self.stream.write(f"{text}\n")
        self.stream.flush()

    def say(self, message: str) -> None:
        """A line that stays (a note, a warning, the outcome)."""
        if self._pending:
            self.stream.write("\r\033[K")
            self._pending = False
        self.stream.write(f"ctsync {self.command}: {message}\n")
        self.stream.flush()

"""Problems found in a stack configuration, and the one exception that carries all of them."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the configuration: where it is, what is wrong, and what to do about it."""

    path: str
    message: str
    fix: str | None = None

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}"
        return f"{text}; {self.fix}" if self.fix else text


class ConfigError(ValueError):
    """The stack configuration is invalid. `problems` lists every problem, in the order they were found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class Problems:
    """Collects problems while the whole configuration is read, so that one run reports all of them."""

    def __init__(self) -> None:
        self._found: list[Problem] = []

    def add(self, path: str, message: str, fix: str | None = None) -> None:
        self._found.append(Problem(path, message, fix))

    def raise_if_any(self) -> None:
        if self._found:
            raise ConfigError(self._found)

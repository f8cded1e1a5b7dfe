"""Problems found in a card set, each pinned to a file and line.

An error stops the build; a warning is reported and the build goes on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: Path
    line: int | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {'warning: ' * self.warning}{self.message}"


def warning(path: Path, line: int | None, message: str) -> Problem:
    return Problem(path, line, message, warning=True)


def split(problems: Iterable[Problem]) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings), each in the order they were found."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for problem in problems:
        (warnings if problem.warning else errors).append(problem)
    return errors, warnings


def in_order(problems: Iterable[Problem]) -> list[Problem]:
    """Each problem once, by file, line and message."""
    return sorted(set(problems), key=lambda p: (str(p.path), p.line or 0, p.message))


class CardSetError(Exception):
    """The card set is invalid; carries every problem found, not just the first, and the
    warnings found on the way, so that they are reported together."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        errors, warnings = split(problems)
        self.problems = in_order(errors)
        said = {(p.path, p.line, p.message) for p in self.problems}
        self.warnings = in_order(w for w in warnings if (w.path, w.line, w.message) not in said)
        super().__init__("\n".join(map(str, self.problems)))

    def everything(self) -> list[Problem]:
        """Errors and warnings, by file and line."""
        return in_order([*self.problems, *self.warnings])

"""Reading the keys of one YAML mapping against what it may hold, recording a
``path:line: message`` problem for each one that is unknown or of the wrong kind."""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import Problem
from .load import LineDict, Reader, read_yaml

ID_PATTERN = re.compile(r"[a-z0-9-]+")


class Keys:
    """Reads the keys of one YAML mapping against what it may hold, recording problems."""

    def __init__(
        self,
        data: LineDict,
        path: Path,
        what: str,
        allowed: tuple[str, ...],
        problems: list,
        hint: Callable[[str, tuple[str, ...]], str] | None = None,
    ) -> None:
        self.data, self.path, self.what, self.problems = data, path, what, problems
        for key in data:
            if key not in allowed:
                also = (hint or close_match)(key, allowed)
                self.problem(key, f"unknown key '{key}' in {what}{also}")

    def problem(self, key: str | None, message: str) -> None:
        line = self.data.line_of(key) if key else self.data.line
        self.problems.append(Problem(self.path, line, message))

    def text(
        self, key: str, *, required: bool = False, fits: Callable[[str], object] = bool
    ) -> str:
        """The text at ``key``; ``fits`` tells whether a value YAML read as something else
        (a number, true/false, a date) would be valid written in quotes."""
        value = self.data.get(key)
        if value is None:
            if required:
                missing = "has no" if key not in self.data else "has an empty"
                self.problem(key, f"{self.what} {missing} {key}")
            return ""
        if not isinstance(value, str):
            quote = not isinstance(value, list | dict) and fits(_as_text(value))
            shown = f"{kind_of(value)}{' (put it in quotes)' * bool(quote)}"
            self.problem(key, f"{self.what}: {key} must be text, not {shown}")
            return ""
        if required and not value.strip():
            self.problem(key, f"{self.what} has an empty {key}")
        return value

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.problem(key, f"{self.what}: {key} must be true or false, not {value!r}")
            return False
        return value

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        """One of ``choices`` (or nothing): the message lists them all."""
        value = self.data.get(key)
        if value is None or value == "" or value in choices:
            return value or ""
        shown = f"'{value}'" if isinstance(value, str) else kind_of(value)
        also = close_match(value, choices) if isinstance(value, str) else ""
        self.problem(
            key, f"{self.what}: {key} must be one of {', '.join(choices)}, not {shown}{also}"
        )
        return ""

    def ident(self, key: str) -> str:
        value = self.text(key, required=True, fits=ID_PATTERN.fullmatch)
        if value and not ID_PATTERN.fullmatch(value):
            self.problem(key, f"{key} '{value}' may only contain a-z, 0-9 and '-'")
        return value

    def items(self, key: str, *, required: bool = False) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(key, f"{self.what} has no {key}")
            return []
        if not isinstance(value, list):
            self.problem(key, f"{self.what}: {key} must be a list, not {kind_of(value)}")
            return []
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        values = self.items(key)
        wrong = [v for v in values if not isinstance(v, str) or not v]
        if wrong:
            self.problem(
                key, f"{self.what}: every entry of {key} must be text, not {kind_of(wrong[0])}"
            )
        return tuple(v for v in values if isinstance(v, str) and v)

    def mappings(self, key: str, *, required: bool = False) -> list[LineDict]:
        values = self.items(key, required=required)
        for number, value in enumerate(values, 1):
            if not isinstance(value, LineDict):
                self.problem(
                    key,
                    f"{self.what}: every entry of {key} must be a mapping, "
                    f"but entry {number} is {kind_of(value)}",
                )
                return [v for v in values if isinstance(v, LineDict)]
        return values


def close_match(key: str, allowed: tuple[str, ...]) -> str:
    hint = difflib.get_close_matches(key, allowed, n=1)
    return f" (did you mean '{hint[0]}'?)" if hint else ""


def kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return "text" if value.strip() else "empty text"
    if value is None:
        return "an empty value"
    if isinstance(value, datetime.date):
        return "a date"
    return f"a {type(value).__name__}"


def _as_text(value: Any) -> str:
    """How a scalar YAML read as something other than text is most likely written."""
    if isinstance(value, bool):
        return str(value).lower()
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def read_mapping(
    path: Path, what: str, problems: list[Problem], read: Reader = read_yaml
) -> LineDict | None:
    data, found = read(path)
    problems += found
    if data is None or (found and not isinstance(data, LineDict)):
        return None
    if not isinstance(data, LineDict):
        problems.append(Problem(path, 1, f"{what} must be a mapping of keys to values"))
        return None
    return data

"""A build or check that would repeat the last one exactly is answered from it.

What ``ankigen build`` and ``ankigen check`` print, and the bytes a build writes, follow
from the files of the card set, the command's arguments, the working directory,
SOURCE_DATE_EPOCH, and ankigen's code with its dependencies' versions. When none of them
has changed since the last run of the same command, that run is repeated by printing
its lines again, and nothing is read past the digests and nothing is written. A build
is kept for this only when it changed nothing (its lock came out as it went in: no card
new, changed or removed, so the clock played no part) and only while its package is
still the bytes it wrote.

The digests cover every file under the card set but those in hidden directories (which
hold no cards: source/files.py), read whole (a change to a file the build does not read
means running it too), and every file of ankigen. A run is kept only if the files came
out of it as they went in, and only if every other file it read (media, the deck's CSS)
is among them: one in a hidden directory is not. A card set with a link in it, anything
but files and directories, more than SIZE_LIMIT bytes of files, or the caches inside it
is always run. The record lives beside the caches (cachefile.py), one file per card set;
a record that is missing, damaged or of another format only means running the command.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from .cachefile import cache_dir, cache_path, installed_version

FORMAT = 1
SIZE_LIMIT = 64 * 1024 * 1024  # of files to digest: beyond it, reading them costs too much
DECK_FILE = "deck.yaml"  # source/validate.py's: one in the working directory is warned of
# Distributions whose code makes what a command prints or writes, with the module each
# installs.
_DEPENDENCIES = {
    "click": "click",
    "justhtml": "justhtml",
    "latex2mathml": "latex2mathml",
    "Markdown": "markdown",
    "nh3": "nh3",
    "Pygments": "pygments",
    "PyYAML": "yaml",
}

Line = tuple[str, bool]  # a line the command printed; True: a warning (on stderr)


class Kept(NamedTuple):
    """The last run's lines, and for a build its package and the package's size."""

    lines: list[Line]
    output: Path | None
    size: int


class Run:
    """One run of ``command`` on the card set at ``root``. ``replay`` gives the last run
    this one would repeat, or None; ``keep`` records this one once it has run."""

    def __init__(self, command: str, root: Path, arguments: list[str]) -> None:
        self.command, self.root = command, root
        self._record = cache_path(root, "replay", suffix=".json")
        self._files = _files(root) if _coverable(root) else None
        self._key = None if self._files is None else self._key_of(arguments)
        self._recorded: dict[str, Any] | None = None

    def _key_of(self, arguments: list[str]) -> str | None:
        try:
            context = [
                FORMAT,
                self.command,
                arguments,
                os.getcwd(),
                os.path.isfile(DECK_FILE),
                os.environ.get("SOURCE_DATE_EPOCH"),
                _code(),
                sorted((self._files or {}).items()),
            ]
        except OSError:  # no working directory, or ankigen's own files unreadable
            return None
        return hashlib.sha256(json.dumps(context).encode()).hexdigest()

    def _runs(self) -> dict[str, Any]:
        """The recorded runs, by command; none if the record is missing or damaged."""
        if self._recorded is None:
            try:
                runs = json.loads(self._record.read_bytes())["runs"]
            except (OSError, ValueError, KeyError, TypeError):
                runs = {}
            self._recorded = runs if isinstance(runs, dict) else {}
        return self._recorded

    def replay(self) -> Kept | None:
        if self._key is None:
            return None
        try:
            entry = self._runs()[self.command]
            if entry["key"] != self._key:
                return None
            output = None if entry["output"] is None else Path(entry["output"])
            if output is not None and _digest(output) != entry["digest"]:
                return None
            lines = [(str(text), bool(warning)) for text, warning in entry["lines"]]
            return Kept(lines, output, int(entry["size"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def keep(
        self, lines: list[Line], read: Iterable[Path] = (), output: Path | None = None
    ) -> None:
        """Record this run, having printed ``lines``; ``read``: the files it read besides
        the YAML files and the lock; ``output``: the package a build wrote. Kept only if
        the card set's files are as they were before it ran (a build's lock too) and
        cover every file it read."""
        if self._key is None or self._files is None:
            return
        base = self.root.resolve()
        for path in read:
            resolved = path.resolve()
            if not resolved.is_relative_to(base):
                return
            if resolved.relative_to(base).as_posix() not in self._files:
                return
        if not _unchanged(self.root, self._files):
            return
        from .atomic import write_atomically
        from .errors import CardSetError

        runs = self._runs()
        try:
            runs[self.command] = {
                "key": self._key,
                "lines": lines,
                "output": None if output is None else str(output),  # as printed
                "digest": None if output is None else _digest(output),
                "size": 0 if output is None else output.stat().st_size,
            }
            write_atomically(self._record, json.dumps({"runs": runs}).encode())
        except (OSError, CardSetError):  # a record not written only means running next time
            pass


class _NotCovered(Exception):
    """A link, or something that is not a file or a directory, in the card set."""


def _coverable(root: Path) -> bool:
    """Whether ``root`` is a card set with the caches outside it (inside it, the YAML
    files among them would be read, and the record would change every run)."""
    try:
        inside = cache_dir().resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False
    return (root / DECK_FILE).is_file() and not inside


def _files(root: Path) -> dict[str, str] | None:
    """The digest of every file under ``root``, by its path there; None if the digests
    cannot cover the set."""
    listed = _listing(root)
    try:
        return None if listed is None else {name: _digest(p) for name, (p, _) in listed.items()}
    except OSError:
        return None


def _unchanged(root: Path, files: dict[str, str]) -> bool:
    """Whether the files under ``root`` are still ``files``; the newest first, as a file
    that changed is likeliest among them (a build that wrote its lock is told at once)."""
    listed = _listing(root)
    if listed is None or listed.keys() != files.keys():
        return False
    try:
        newest_first = sorted(listed, key=lambda name: listed[name][1], reverse=True)
        return all(_digest(listed[name][0]) == files[name] for name in newest_first)
    except OSError:
        return False


def _listing(root: Path) -> dict[str, tuple[Path, int]] | None:
    """Every file under ``root`` outside hidden directories, by its path there, with its
    modification time; None if the digests cannot cover the set."""
    found: dict[str, tuple[Path, int]] = {}
    size = 0

    def walk(directory: str, prefix: str) -> None:
        nonlocal size
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.is_symlink():
                    raise _NotCovered
                if entry.is_dir():
                    if not entry.name.startswith("."):
                        walk(entry.path, f"{prefix}{entry.name}/")
                elif entry.is_file():
                    stat = entry.stat()
                    found[prefix + entry.name] = (Path(entry.path), stat.st_mtime_ns)
                    size += stat.st_size
                    if size > SIZE_LIMIT:
                        raise _NotCovered
                else:
                    raise _NotCovered

    try:
        walk(str(root), "")
    except (OSError, _NotCovered):
        return None
    return dict(sorted(found.items()))


def _code() -> str:
    """ankigen's files, read whole, and the versions of Python, of the SQLite and zlib it
    writes packages with, and of the dependencies."""
    here = Path(__file__).parent
    versions = [sys.version, sqlite3.sqlite_version, zlib.ZLIB_RUNTIME_VERSION]
    digest = hashlib.sha256("\0".join(versions).encode())
    paths = []
    for directory, dirs, names in os.walk(here):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        paths += [Path(directory, name) for name in names]
    for path in sorted(paths):
        digest.update(f"{path.relative_to(here).as_posix()}\0{_digest(path)}\0".encode())
    for distribution, module in _DEPENDENCIES.items():
        digest.update(f"{distribution} {installed_version(distribution, module)}\0".encode())
    return digest.hexdigest()


def _digest(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()

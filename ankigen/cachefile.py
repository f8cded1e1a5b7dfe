"""The file where ankigen keeps what it can make again, one per card set.

It lives in the user's cache directory, never inside the card set, so that a cloned
repository cannot bring entries that skipped a check. Each table holds entries by
key, each with a checksum, so a damaged one is ignored; any trouble with the file
(unreadable, corrupt, locked, of another layout) only means working without it. A
cache can change how fast a build is, never what it makes; deleting it is safe.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import re
import sqlite3
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

Value = str | bytes
_BATCH = 900  # keys in one query: SQLite takes at least 999 parameters


def cache_dir() -> Path:
    """``$ANKIGEN_CACHE_DIR``, else the platform's user cache directory."""
    if configured := os.environ.get("ANKIGEN_CACHE_DIR"):
        return Path(configured)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "ankigen"


def cache_path(
    root: Path, what: str = "", directory: Path | None = None, suffix: str = ".sqlite"
) -> Path:
    """The file of one cache (``what``) of the card set at ``root``."""
    name = hashlib.sha256(os.fsencode(root.resolve())).hexdigest()[:16]
    return (directory or cache_dir()) / f"{name}{what and '-' + what}{suffix}"


def installed_version(distribution: str, module: str) -> str:
    """The installed version of ``distribution``, from the name of the ``*.dist-info``
    directory beside its ``module``, which wheels name ``<name>-<version>.dist-info``;
    importlib.metadata when there is no such directory. (importlib.metadata finds it
    the same way, by scanning sys.path, but importing it and the scan cost more than a
    build of a small deck.)"""
    spec = importlib.util.find_spec(module)
    if spec is not None and spec.origin:
        where = Path(spec.origin).parent
        site = where.parent if spec.submodule_search_locations else where
        found = _dist_infos(str(site)).get(_normal(distribution), [])
        if len(found) == 1:
            return found[0]
    from importlib import metadata

    return metadata.version(distribution)


@functools.cache
def _dist_infos(site: str) -> dict[str, list[str]]:
    """The versions of the distributions installed in ``site``, by normalised name."""
    found: dict[str, list[str]] = {}
    for name in os.listdir(site):
        if name.endswith(".dist-info") and "-" in name:
            distribution, version = name.removesuffix(".dist-info").split("-")[:2]
            found.setdefault(_normal(distribution), []).append(version)
    return found


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def checksum(key: str, value: Value) -> str:
    """A CRC-32 of the entry: it finds damage (a torn write, a flipped bit) at a sixth of
    SHA-256's cost, and guarding against a forged entry is not its job: whoever can write
    the cache can write a matching checksum of any kind."""
    data = value.encode() if isinstance(value, str) else value
    return format(zlib.crc32(data, zlib.crc32(key.encode() + b"\x1f")), "08x")


class CacheFile:
    """A table of (key, value, checksum) rows in a SQLite file (of its own, or shared with
    other tables)."""

    def __init__(self, path: Path, column: str, kind: str, table: str = "entries") -> None:
        self.path, self.column, self.kind, self.name = path, column, kind, table
        self.unreadable = False  # the file is damaged: the next write starts it over
        self.unsound: list[object] = []  # the keys of the entries ``read`` found damaged

    def read(self) -> dict[str, Value]:
        """Every sound entry."""
        return dict(self.every())

    def every(self) -> Iterator[tuple[str, Value]]:
        """Every sound entry, one at a time (every row at once would hold the file's
        content twice)."""
        return self._select([[]])

    def lookup(self, keys: list[str]) -> dict[str, Value]:
        """The sound entries of ``keys``, read from the file without the others (none when
        it or the table cannot be read)."""
        return dict(self.each(keys))

    def each(self, keys: list[str]) -> Iterator[tuple[str, Value]]:
        """``lookup``, one entry at a time, so that large entries need not all be held at
        once."""
        if not keys:
            return iter(())
        return self._select([keys[i : i + _BATCH] for i in range(0, len(keys), _BATCH)])

    def _select(self, batches: list[list[str]]) -> Iterator[tuple[str, Value]]:
        """The sound entries of each batch of keys ([]: every entry). Damaged entries go to
        ``unsound``, and a damaged file marks it ``unreadable`` (a table not made yet, or a
        file another process has locked, is neither)."""
        if not self.path.is_file():
            return
        kind = bytes if self.kind == "BLOB" else str
        try:
            db = sqlite3.connect(self.path)
            try:
                for batch in batches:
                    query = f"SELECT key, {self.column}, checksum FROM {self.name}"
                    if batch:
                        query += f" WHERE key IN ({', '.join('?' * len(batch))})"
                    for key, value, check in db.execute(query, batch):
                        if (
                            isinstance(key, str)
                            and isinstance(value, kind)
                            and check == checksum(key, value)
                        ):
                            yield key, value
                        else:
                            self.unsound.append(key)
            finally:
                db.close()
        except (sqlite3.OperationalError, OSError):  # no such table yet, locked: no use now
            pass
        except (sqlite3.Error, ValueError):  # not a database, or a damaged one
            self.unreadable = True

    def keys(self) -> list[object] | None:
        """Every key of the table; None when it cannot be read."""
        if not self.path.is_file():
            return []
        try:
            db = sqlite3.connect(self.path)
            try:
                return [key for (key,) in db.execute(f"SELECT key FROM {self.name}")]
            finally:
                db.close()
        except (sqlite3.Error, OSError):
            return None

    def write(
        self, new: Iterable[tuple[str, Value]], stale: Iterable[object] = (), keep: int = 0
    ) -> None:
        """Delete ``stale``, then store ``new`` (key, value) entries, both taken one by one;
        with ``keep``, then drop all but the ``keep`` entries stored last. A failure only
        costs speed."""
        try:
            if self.unreadable:
                self.path.unlink(missing_ok=True)  # start over
                self.unreadable = False
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path)
            try:
                # Not flushed to the disk at commit: a cache that a crash leaves damaged is
                # read as damaged (each entry has its checksum) and started over.
                db.execute("PRAGMA synchronous = OFF")
                with db:
                    db.execute(
                        f"CREATE TABLE IF NOT EXISTS {self.name} (key TEXT PRIMARY KEY, "
                        f"{self.column} {self.kind} NOT NULL, checksum TEXT NOT NULL)"
                    )
                    db.executemany(f"DELETE FROM {self.name} WHERE key = ?", ((k,) for k in stale))
                    db.executemany(
                        f"INSERT OR REPLACE INTO {self.name} VALUES (?, ?, ?)",
                        ((k, v, checksum(k, v)) for k, v in new),
                    )
                    if keep:  # a replaced entry is stored anew, with the highest rowid
                        db.execute(
                            f"DELETE FROM {self.name} WHERE rowid <= "
                            f"(SELECT MAX(rowid) FROM {self.name}) - ?",
                            (keep,),
                        )
            finally:
                db.close()
        except (sqlite3.Error, OSError):
            pass

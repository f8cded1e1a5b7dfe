"""A cache of rendered Markdown, so that a rebuild renders only what changed.

One SQLite file per card set, in the user's cache directory: never inside the
card set, so that a cloned repository cannot bring HTML that skipped the safety
check. An entry's key is a hash of the Markdown text and of everything that
shapes its rendering (this package's rendering code, the versions of Markdown,
Pygments, the sanitizer and the TeX parser), so a stale entry is never found,
only pruned; each entry also carries a checksum of its HTML, so a damaged one
is ignored. Any trouble with the file (unreadable, corrupt, locked) means
rendering without it: the cache can change how fast a build is, never what it
makes. Deleting it is always safe.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

CACHE_VERSION = "1"
# What shapes the HTML, or decides which texts have problems (those are never cached).
_SOURCES = ("markdown.py", "media.py", "highlight.py", "sanitize.py", "filetypes.py", "tex.py")
_PACKAGES = ("Markdown", "Pygments", "nh3", "justhtml", "latex2mathml")


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


def _fingerprint() -> bytes:
    """Everything besides the text that decides the HTML."""
    here = Path(__file__).parent
    digest = hashlib.sha256(CACHE_VERSION.encode())
    for name in _SOURCES:
        digest.update((here / name).read_bytes())
    for package in _PACKAGES:
        digest.update(f"{package} {metadata.version(package)}".encode())
    return digest.digest()


class RenderCache:
    """Rendered HTML by Markdown text; ``save`` keeps exactly what this build used."""

    def __init__(self, root: Path, directory: Path | None = None) -> None:
        directory = directory or cache_dir()
        name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
        self.path = directory / f"{name}.sqlite"
        self._salt = _fingerprint()
        self._stored: dict[str, tuple[str, str]] = {}  # key -> (html, checksum)
        self._used: set[str] = set()
        self._unreadable = False
        if self.path.is_file():
            try:
                db = sqlite3.connect(self.path)
                try:
                    rows = db.execute("SELECT key, html, checksum FROM entries").fetchall()
                finally:
                    db.close()
                self._stored = {key: (html, check) for key, html, check in rows}
            except (sqlite3.Error, OSError, ValueError):
                self._unreadable = True

    def _key(self, text: str) -> str:
        return hashlib.sha256(self._salt + text.encode()).hexdigest()

    def lookup(self, texts: Iterable[str]) -> dict[str, str]:
        """The stored HTML of those ``texts`` that have a sound entry."""
        found = {}
        for text in texts:
            key = self._key(text)
            entry = self._stored.get(key)
            if entry is not None and _checksum(key, entry[0]) == entry[1]:
                found[text] = entry[0]
                self._used.add(key)
        return found

    def save(self, fresh: dict[str, str]) -> None:
        """Store ``fresh`` (HTML by text) and drop entries no lookup asked for.
        A failure only costs speed: the next build renders those texts again."""
        new = {self._key(text): html for text, html in fresh.items()}
        stale = set(self._stored) - self._used - set(new)
        if not new and not stale and not self._unreadable:
            return
        try:
            if self._unreadable:
                self.path.unlink()  # start over
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path)
            try:
                with db:
                    db.execute(
                        "CREATE TABLE IF NOT EXISTS entries"
                        " (key TEXT PRIMARY KEY, html TEXT NOT NULL, checksum TEXT NOT NULL)"
                    )
                    db.executemany("DELETE FROM entries WHERE key = ?", ((k,) for k in stale))
                    db.executemany(
                        "INSERT OR REPLACE INTO entries VALUES (?, ?, ?)",
                        ((k, html, _checksum(k, html)) for k, html in new.items()),
                    )
            finally:
                db.close()
        except (sqlite3.Error, OSError):
            pass


def _checksum(key: str, html: str) -> str:
    return hashlib.sha256(f"{key}\x1f{html}".encode()).hexdigest()[:16]

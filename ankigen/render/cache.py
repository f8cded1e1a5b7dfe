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
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from ..cachefile import CacheFile, cache_path

CACHE_VERSION = "1"
# What shapes the HTML, or decides which texts have problems (those are never cached).
_SOURCES = ("markdown.py", "media.py", "highlight.py", "sanitize.py", "filetypes.py", "tex.py")
_PACKAGES = ("Markdown", "Pygments", "nh3", "justhtml", "latex2mathml")


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
        self._file = CacheFile(cache_path(root, directory=directory), "html", "TEXT")
        self.path = self._file.path
        self._salt = _fingerprint()
        self._stored = self._file.read()  # key -> html
        self._used: set[str] = set()

    def _key(self, text: str) -> str:
        return hashlib.sha256(self._salt + text.encode()).hexdigest()

    def lookup(self, texts: Iterable[str]) -> dict[str, str]:
        """The stored HTML of those ``texts`` that have a sound entry."""
        found = {}
        for text in texts:
            key = self._key(text)
            html = self._stored.get(key)
            if html is not None:
                found[text] = html
                self._used.add(key)
        return found

    def save(self, fresh: dict[str, str]) -> None:
        """Store ``fresh`` (HTML by text) and drop entries no lookup asked for.
        A failure only costs speed: the next build renders those texts again."""
        new = {self._key(text): html for text, html in fresh.items()}
        self._file.write(new, self._file.keys() - self._used - set(new))

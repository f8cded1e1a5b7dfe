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
import itertools
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from ..cachefile import CacheFile, cache_path, installed_version
from .markdown import MediaRef

CACHE_VERSION = "3"
_BLOCKS_KEPT = 1000  # code blocks kept beyond twice a card set's texts
# What shapes the HTML, or decides which texts have problems (those are never cached).
_SOURCES = ("markdown.py", "media.py", "highlight.py", "sanitize.py", "filetypes.py", "tex.py")
# Distributions, with the module each installs.
_PACKAGES = {
    "Markdown": "markdown",
    "Pygments": "pygments",
    "nh3": "nh3",
    "justhtml": "justhtml",
    "latex2mathml": "latex2mathml",
}


def _fingerprint() -> bytes:
    """Everything besides the text that decides the HTML."""
    here = Path(__file__).parent
    digest = hashlib.sha256(CACHE_VERSION.encode())
    for name in _SOURCES:
        digest.update((here / name).read_bytes())
    for package, module in _PACKAGES.items():
        digest.update(f"{package} {installed_version(package, module)}".encode())
    return digest.digest()


class RenderCache:
    """Rendered HTML by Markdown text; ``save`` keeps exactly what this build used. Each
    text is looked up once.

    A text that names media files is stored with them (their packaged names), and used
    only while they are the same files (``Renderer.reuse``)."""

    def __init__(self, root: Path, directory: Path | None = None) -> None:
        self._file = CacheFile(cache_path(root, directory=directory), "html", "TEXT")
        self.path = self._file.path
        self._salt = _fingerprint()
        # key -> html (or, for a text with media, JSON); a lookup takes its entry out, so
        # that what is left at the end is what this build did not use.
        self._stored = self._file.read()
        self._unused: list[str] = []  # entries taken out, but of no use (their media changed)
        # Highlighted code blocks, read one at a time as a text is rendered (few are).
        self._blocks = CacheFile(self.path, "html", "TEXT", table="code")

    def _key(self, text: str, media: bool = False) -> str:
        return hashlib.sha256(self._salt + b"media\x1f" * media + text.encode()).hexdigest()

    def _block_key(self, lang: str, code: str) -> str:
        return hashlib.sha256(self._salt + f"code\x1f{lang}\x1f{code}".encode()).hexdigest()

    def find_block(self, lang: str, code: str) -> str | None:
        """The HTML ``highlight_code(code, lang)`` gave an earlier build, if stored."""
        key = self._block_key(lang, code)
        return self._blocks.lookup([key]).get(key)

    def lookup(self, texts: Iterable[str]) -> dict[str, str]:
        """The stored HTML of those ``texts`` that have a sound entry."""
        found = {}
        for text in texts:
            key = self._key(text)
            html = self._stored.pop(key, None)
            if html is not None:
                found[text] = html
        return found

    def lookup_media(
        self, texts: Iterable[str], reuse: Callable[[list[MediaRef]], bool]
    ) -> dict[str, str]:
        """The stored HTML of those ``texts`` that name media files, for which ``reuse``
        of those files says yes."""
        found = {}
        for text in texts:
            key = self._key(text, media=True)
            if (entry := self._stored.pop(key, None)) is None:
                continue
            try:
                html, refs = json.loads(entry)
                refs = [(str(a), str(b), str(c), str(d)) for a, b, c, d in refs]
            except (ValueError, TypeError):
                html, refs = None, []
            if isinstance(html, str) and reuse(refs):
                found[text] = html
            else:
                self._unused.append(key)
        return found

    def save(
        self,
        fresh: dict[str, str],
        fresh_media: dict[str, tuple[str, list[MediaRef]]],
        blocks: dict[tuple[str, str], str] | None = None,
        texts: int = 0,
    ) -> None:
        """Store ``fresh`` (HTML by text) and ``fresh_media`` (HTML and media files by
        text), and drop entries no lookup used. A failure only costs speed: the next
        build renders those texts again. ``blocks``, the code blocks highlighted or found
        in this process, are stored as the newest: the oldest go once there are more than
        twice the card set's ``texts`` (no build reads them all, to know which are stale).
        (Those of workers are not: at 50,000 cards, they would hold 50 MB more.)"""
        if blocks:
            entries = ((self._block_key(lang, code), html) for (lang, code), html in blocks.items())
            self._blocks.write(entries, keep=2 * texts + _BLOCKS_KEPT)
        stale = [*self._stored, *self._unused, *self._file.unsound]
        if not (fresh or fresh_media or stale or self._file.unreadable):
            return
        # Made one by one as they are stored (deleting first lets a damaged entry be
        # replaced): at 50,000 cards, keys and entries at once take tens of megabytes.
        new = ((self._key(text), html) for text, html in fresh.items())
        with_media = (
            (self._key(text, media=True), json.dumps(entry)) for text, entry in fresh_media.items()
        )
        self._file.write(itertools.chain(new, with_media), stale)

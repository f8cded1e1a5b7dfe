"""A cache of rendered Markdown and of the notes made of it (notes.py), so that a rebuild
renders only what changed.

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

import functools
import hashlib
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..cachefile import CacheFile, Value, cache_path, installed_version
from .markdown import MediaRef

CACHE_VERSION = "3"
_KEPT = 1000  # texts and code blocks kept beyond four for each card of a card set
# What shapes the HTML, or decides which texts have problems (those are never cached).
_SOURCES = ("markdown.py", "media.py", "highlight.py", "sanitize.py", "filetypes.py", "tex.py")
_NOTE_SOURCES = ("cards.py", "cloze.py", "notes.py")  # what makes a note of its texts' HTML
# Distributions, with the module each installs.
_PACKAGES = {
    "Markdown": "markdown",
    "Pygments": "pygments",
    "nh3": "nh3",
    "justhtml": "justhtml",
    "latex2mathml": "latex2mathml",
}


@functools.cache
def notes_fingerprint(salt: bytes) -> bytes:
    """What, besides the HTML of its texts, decides a card's note: with ``salt``, the
    fingerprint of that HTML."""
    here = Path(__file__).parent
    digest = hashlib.sha256(b"notes\x1f" + salt)
    for name in _NOTE_SOURCES:
        digest.update((here / name).read_bytes())
    return digest.digest()


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
    """Rendered HTML by Markdown text, highlighted code blocks, and the notes of each card
    file (notes.py). Entries are read only as a build needs them; ``save`` stores what it
    made afresh, drops the notes of files no longer in the set, and keeps the texts and
    code blocks stored last, up to four for each card of the set.

    A text that names media files is stored with them (their packaged names), and used
    only while they are the same files (``Renderer.reuse``)."""

    def __init__(self, root: Path, directory: Path | None = None) -> None:
        self.path = cache_path(root, directory=directory)
        self._texts = CacheFile(self.path, "html", "TEXT")
        self._notes = CacheFile(self.path, "notes", "BLOB", table="notes")
        # Highlighted code blocks, read one at a time as a text is rendered (few are).
        self._blocks = CacheFile(self.path, "html", "TEXT", table="code")
        self.salt = _fingerprint()
        self._unused: list[str] = []  # entries found, but of no use (their media changed)
        self.refs: dict[str, list[MediaRef]] = {}  # the media files of each text found

    def _key(self, text: str, media: bool = False) -> str:
        return hashlib.sha256(self.salt + b"media\x1f" * media + text.encode()).hexdigest()

    def _block_key(self, lang: str, code: str) -> str:
        return hashlib.sha256(self.salt + f"code\x1f{lang}\x1f{code}".encode()).hexdigest()

    def notes(self) -> Iterator[tuple[str, Value]]:
        """The stored pieces of notes (notes.py), one at a time."""
        return self._notes.every()

    def find_block(self, lang: str, code: str) -> str | None:
        """The HTML ``highlight_code(code, lang)`` gave an earlier build, if stored."""
        key = self._block_key(lang, code)
        return self._blocks.lookup([key]).get(key)

    def lookup(self, texts: Iterable[str]) -> dict[str, str]:
        """The stored HTML of those ``texts`` that have a sound entry."""
        keys = {text: self._key(text) for text in texts}
        stored = self._texts.lookup(list(keys.values()))
        return {text: html for text, key in keys.items() if (html := stored.get(key)) is not None}

    def lookup_media(
        self, texts: Iterable[str], reuse: Callable[[list[MediaRef]], bool]
    ) -> dict[str, str]:
        """The stored HTML of those ``texts`` that name media files, for which ``reuse``
        of those files says yes."""
        keys = {text: self._key(text, media=True) for text in texts}
        stored = self._texts.lookup(list(keys.values()))
        found = {}
        for text, key in keys.items():
            if (entry := stored.get(key)) is None:
                continue
            try:
                html, refs = json.loads(entry)
                refs = [(str(a), str(b), str(c), str(d)) for a, b, c, d in refs]
            except (ValueError, TypeError):
                html, refs = None, []
            if isinstance(html, str) and reuse(refs):
                found[text] = html
                self.refs[text] = refs
            else:
                self._unused.append(key)
        return found

    def save(
        self,
        fresh: dict[str, str],
        fresh_media: dict[str, tuple[str, list[MediaRef]]],
        blocks: dict[tuple[str, str], str] | None = None,
        cards: int = 0,
        notes: Iterable[tuple[str, bytes]] = (),
        kept: set[str] | None = None,
    ) -> None:
        """Store ``fresh`` (HTML by text), ``fresh_media`` (HTML and media files by text),
        ``blocks`` (the code blocks highlighted or found in this process: those of
        workers are not, which at 50,000 cards would hold 50 MB more) and ``notes`` (pieces,
        by row), drop every other piece but those ``kept``, and all but the texts and
        blocks stored last, four for each of the set's ``cards`` (no build reads them
        all, to know which are stale). A failure only costs speed."""
        tables = (self._texts, self._notes, self._blocks)
        if any(t.unreadable for t in tables):  # a damaged file is started over
            self.path.unlink(missing_ok=True)
            for t in tables:
                t.unreadable = False
        keep = 4 * cards + _KEPT
        if blocks:
            entries = ((self._block_key(lang, code), html) for (lang, code), html in blocks.items())
            self._blocks.write(entries, keep=keep)
        stale = [*self._unused, *self._texts.unsound]
        if fresh or fresh_media or stale:
            # Made one by one as they are stored (deleting first lets a damaged entry be
            # replaced): at 50,000 cards, keys and entries at once take tens of megabytes.
            new = ((self._key(text), html) for text, html in fresh.items())
            with_media = (
                (self._key(text, media=True), json.dumps(entry))
                for text, entry in fresh_media.items()
            )
            self._texts.write(itertools.chain(new, with_media), stale, keep=keep)
        gone = self._notes.unsound
        if kept is not None:
            gone = [*gone, *(k for k in self._notes.keys() or () if k not in kept)]
        notes = iter(notes)
        if (first := next(notes, None)) is not None or gone:
            self._notes.write(itertools.chain([first] if first else [], notes), gone)

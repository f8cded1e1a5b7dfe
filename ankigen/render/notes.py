"""The notes of each card file as an earlier build made them, so that a rebuild makes
only the notes of the cards that changed.

A card file's entry in the render cache (cache.py) holds each of its cards' fields,
tags, content hash and Anki cards, the media files its texts name, and its key: a hash
of all of the card that rendering reads, of all of the card set its note is made with
(the deck's id, root tag and categories, the known sources) and of the code that makes
it (markdown.py and the rest, cards.py, cloze.py). A file whose cards are all as stored
is taken whole without a key per card; in an edited file, each card whose key is stored
is taken as it was. A note is taken only while the media files of its texts are the
same; a file in which rendering found a problem (a warning included) is not stored, so
its cards are rendered, and their problems found, every time.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ..source.model import Card, CardSet
from .cache import RenderCache, notes_fingerprint
from .markdown import MediaRef

# A card's note as stored: its fields, tags, content hash and ords (RenderedCard's).
Note = tuple[tuple[str, ...], tuple[str, ...], str, tuple[int, ...]]


class StoredNotes:
    """The notes of ``card_set``'s cards found in ``cache`` (``find``), and the entries of
    its card files made afresh (``entries``)."""

    def __init__(self, cache: RenderCache, card_set: CardSet) -> None:
        self._cache = cache
        self._salt = notes_fingerprint(cache.salt) + _context(card_set)
        # The positions in the card set of each file's cards.
        self.files: dict[Path, list[int]] = {}
        for i, card in enumerate(card_set.cards):
            self.files.setdefault(card.path, []).append(i)
        self._cards = card_set.cards
        self._whole: set[Path] = set()  # files found whole: not stored again
        self._file_keys: dict[Path, str] = {}
        self._keys: dict[Path, list[str]] = {}  # the key of each card, where made
        self._refs: dict[int, list[MediaRef]] = {}  # the media of each note found

    def row(self, path: Path) -> str:
        return hashlib.sha256(b"file\x1f" + str(path).encode()).hexdigest()

    def find(self, reuse: Callable[[list[MediaRef]], bool]) -> list[Note | None]:
        """The stored note of each card of the set (None: not found), in its order; a note
        is taken only where ``reuse`` of its media files says yes."""
        found: list[Note | None] = [None] * len(self._cards)
        rows = {self.row(path): path for path in self.files}
        for key, blob in self._cache.notes(list(rows)):
            path = rows[key]
            positions = self.files[path]
            try:
                file_key, keys, notes, refs = marshal.loads(blob)
                if not len(keys) == len(notes) == len(refs):
                    continue
            except Exception:  # damaged in a way the checksum missed: rendered instead
                continue
            if file_key == self._file_key(path) and len(notes) == len(positions):
                taken = zip(positions, notes, refs, strict=True)
                self._whole.add(path)
            else:
                index = {k: i for i, k in enumerate(keys)}
                mine = self._card_keys(path)
                taken = (
                    (p, notes[index[k]], refs[index[k]])
                    for p, k in zip(positions, mine, strict=True)
                    if k in index
                )
            for position, note, media in taken:
                if not media or reuse(media):
                    found[position], self._refs[position] = note, media
                else:
                    self._whole.discard(path)
        return found

    def entries(
        self,
        notes: tuple[Any, ...],
        stored: Callable[[Card], list[MediaRef] | None],
        troubled: set[Path],
    ) -> Iterator[tuple[str, bytes]]:
        """The entry of each card file not found whole and without a problem (``troubled``:
        the files with one), whose cards' texts are all stored: ``stored`` gives the
        media files of a card's texts, None if some text is not stored. ``notes`` are the
        set's RenderedCards."""
        for path, positions in self.files.items():
            if path in self._whole or path in troubled:
                continue
            refs = []
            for p in positions:
                media = self._refs[p] if p in self._refs else stored(self._cards[p])
                if media is None:
                    break
                refs.append(media)
            else:
                made = [
                    (n.fields, n.tags, n.content_hash, n.ords)
                    for n in map(notes.__getitem__, positions)
                ]
                entry = (self._file_key(path), self._card_keys(path), made, refs)
                yield self.row(path), marshal.dumps(entry)

    def rows(self) -> set[str]:
        """The entries this card set has."""
        return {self.row(path) for path in self.files}

    def _file_key(self, path: Path) -> str:
        if path not in self._file_keys:
            cards = [_content(self._cards[p]) for p in self.files[path]]
            self._file_keys[path] = hashlib.sha256(self._salt + marshal.dumps(cards)).hexdigest()
        return self._file_keys[path]

    def _card_keys(self, path: Path) -> list[str]:
        if path not in self._keys:
            salt = self._salt
            self._keys[path] = [
                hashlib.sha256(salt + marshal.dumps(_content(self._cards[p]))).hexdigest()
                for p in self.files[path]
            ]
        return self._keys[path]


def _context(card_set: CardSet) -> bytes:
    """All of the card set besides its cards that a card's fields and tags are made of
    (the deck id names its media files)."""
    deck = card_set.deck
    context = marshal.dumps((
        str(card_set.root), deck.id, deck.tag_root,
        [(c.id, c.name) for c in deck.categories],
        sorted((q.id, q.article, q.label) for q in card_set.questions.values()),
        sorted((a.key, a.title) for a in card_set.articles.values()),
    ))  # fmt: skip
    return b"%d\x1f" % len(context) + context


def _content(c: Card) -> tuple[Any, ...]:
    """All of a card that rendering reads."""
    reading = [(r.title, r.url) for r in c.reading] if c.reading else 0
    return (c.id, c.category, c.question, c.answer, c.kind, c.text, c.extra, c.correction,
            c.sources, c.tags, c.level, reading)  # fmt: skip


def texts_of(cards: Iterable[Card]) -> Iterator[str]:
    """Every Markdown text of ``cards`` that is not blank."""
    for card in cards:
        for text in (card.question, card.answer, card.text, card.extra, card.correction):
            if text and not text.isspace():
                yield text

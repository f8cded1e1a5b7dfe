"""The notes of each card as an earlier build made them, so that a rebuild makes only
the notes of the cards that changed.

The render cache (cache.py) keeps each card file's notes in pieces of up to ``PIECE``
cards, in the file's order: each card's fields, tags, content hash and Anki cards, the
media files its texts name, and its key (a hash of all of the card that rendering
reads, of all of the card set its note is made with: the deck's id, root tag and
categories, the known sources; and of the code that makes it: markdown.py and the
rest, cards.py, cloze.py). A piece whose cards are as stored is taken whole, without a
key per card; in a piece that changed, each card whose key is stored in a piece of its
file is taken as it was. A note is taken only while the media files of its texts are
the same. A file in which rendering found a problem (a warning included) is not stored,
so its cards are rendered, and their problems found, every time. Pieces keep what an
edit stores again small: at 50,000 cards, a file's notes would be 20 MB.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ..source.model import Card, CardSet
from .cache import RenderCache, notes_fingerprint
from .markdown import MediaRef

PIECE = 500  # cards
# A card's note as stored: its fields, tags, content hash and ords (RenderedCard's).
Note = tuple[tuple[str, ...], tuple[str, ...], str, tuple[int, ...]]


class StoredNotes:
    """The notes of ``card_set``'s cards found in ``cache`` (``find``), and the pieces
    to store afresh (``pieces``)."""

    def __init__(self, cache: RenderCache, card_set: CardSet) -> None:
        self._cache = cache
        self._salt = notes_fingerprint(cache.salt) + _context(card_set)
        self._cards = card_set.cards
        # The positions in the card set of the cards of each piece, by its row's key.
        self.rows: dict[str, list[int]] = {}
        files: dict[Path, list[int]] = {}
        for i, card in enumerate(card_set.cards):
            files.setdefault(card.path, []).append(i)
        for path, positions in files.items():
            name = hashlib.sha256(os.fsencode(path)).hexdigest()[:32]
            for n, start in enumerate(range(0, len(positions), PIECE)):
                self.rows[f"{name}:{n}"] = positions[start : start + PIECE]
        self._files = {row.partition(":")[0] for row in self.rows}
        self.whole: set[str] = set()  # the rows of the pieces found as stored
        self._refs: dict[int, list[MediaRef]] = {}  # the media of each note found
        self._pieces: dict[str, str] = {}  # the key of each piece, by row, where made
        self._card: dict[str, list[str]] = {}  # the key of each card of a piece, where made

    def find(self, reuse: Callable[[list[MediaRef]], bool]) -> list[Note | None]:
        """The stored note of each card of the set (None: not found), in its order; a note
        is taken only where ``reuse`` of its media files says yes."""
        found: list[Note | None] = [None] * len(self._cards)
        # The notes of the pieces that changed, by card key, for each file.
        pool: dict[str, dict[str, tuple[Note, list[MediaRef]]]] = {}
        for row, blob in self._cache.notes():
            try:
                piece_key, keys, notes, refs = marshal.loads(blob)
                taken = list(zip(keys, notes, refs, strict=True))
            except Exception:  # damaged in a way the checksum missed: rendered instead
                continue
            positions = self.rows.get(row)
            if (
                positions is not None
                and piece_key == self._piece_key(row)
                and len(taken) == len(positions)
                and self._take(found, positions, taken, reuse)
            ):
                self.whole.add(row)
                continue
            if (file := row.partition(":")[0]) in self._files:
                pool.setdefault(file, {}).update((k, (note, media)) for k, note, media in taken)
        for row, positions in self.rows.items():
            stored = pool.get(row.partition(":")[0])
            if row in self.whole or not stored:
                continue
            for position, key in zip(positions, self._card_keys(row), strict=True):
                if (entry := stored.get(key)) is not None:
                    self._take(found, [position], [(key, *entry)], reuse)
        return found

    def _take(
        self,
        found: list[Note | None],
        positions: list[int],
        taken: list[tuple[str, Note, list[MediaRef]]],
        reuse: Callable[[list[MediaRef]], bool],
    ) -> bool:
        """Take each note whose media files ``reuse`` says yes to; whether all were."""
        every = True
        for position, (_, note, media) in zip(positions, taken, strict=True):
            if not media or reuse(media):
                found[position], self._refs[position] = note, media
            else:
                every = False
        return every

    def pieces(
        self,
        notes: tuple[Any, ...],
        stored: Callable[[Card], list[MediaRef] | None],
        troubled: set[Path],
    ) -> Iterator[tuple[str, bytes]]:
        """Each piece not found as stored, of a file without a problem (``troubled``: the
        files with one), whose cards' texts are all stored: ``stored`` gives the media
        files of a card's texts, None if some text is not. ``notes`` are the set's
        RenderedCards."""
        for row, positions in self.rows.items():
            if row in self.whole or self._cards[positions[0]].path in troubled:
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
                entry = (self._piece_key(row), self._card_keys(row), made, refs)
                del self._card[row]  # at 50,000 cards, the keys of all would hold 6 MB
                yield row, marshal.dumps(entry)

    def _piece_key(self, row: str) -> str:
        if row not in self._pieces:
            cards = [_content(self._cards[p]) for p in self.rows[row]]
            self._pieces[row] = hashlib.sha256(self._salt + marshal.dumps(cards)).hexdigest()
        return self._pieces[row]

    def _card_keys(self, row: str) -> list[str]:
        if row not in self._card:
            salt = self._salt
            self._card[row] = [
                hashlib.sha256(salt + marshal.dumps(_content(self._cards[p]))).hexdigest()
                for p in self.rows[row]
            ]
        return self._card[row]


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

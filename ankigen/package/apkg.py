"""Decks and notes, written with their note types as a byte-reproducible .apkg.

Every id and time in the collection comes from the lock file and the deck id, and
the rows are written in id order, so equal inputs give equal bytes. The collection
has Anki's schema 11, as genanki writes it (templates/collection.sql), with the same
values in every row. How Anki's importer (rslib, import_export/package/apkg) treats
them:
- notes are matched by GUID across the collection, so GUIDs come from ids only;
- an existing note is updated only when the package's note mtime is newer;
- note types are matched by id (see notetype.py);
- decks are matched by name; media files by name (a clash gets renamed).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..interrupt import deferred
from ..render import Media, RenderedCard
from ..source.model import Deck
from .notetype import TEMPLATES, NoteType, note_type_id, stable_id

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
DEFLATE_LEVEL = 1
_BASE91 = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"
)
_PAIRS = [high + low for high in _BASE91 for low in _BASE91]
_PAIR = len(_PAIRS)


def guid(deck: Deck, card_id: str, kind: str = "basic") -> str:
    """Never derived from content: editing a card keeps its note, and so its history.
    For a card with ``previous_ids``, ``card_id`` is its first id (``Card.first_id``).

    Derived from the kind too (a basic card's as it always was), since Anki cannot
    change a note's type on import: it would skip a note of the same GUID but another
    note type as "conflicting", or with "merge note types" refuse a cloze one.
    It is genanki's ``guid_for``: Anki's base-91 form of a SHA-256 prefix."""
    parts = (deck.id, card_id, *([kind] if kind != "basic" else []))
    number = int.from_bytes(hashlib.sha256("__".join(parts).encode()).digest()[:8], "big")
    # Two digits at a time: five pairs hold any 64-bit number (8281**5 > 2**64); the
    # leading zeros ("a") are dropped, as the base-91 form has none.
    number, e = divmod(number, _PAIR)
    number, d = divmod(number, _PAIR)
    number, c = divmod(number, _PAIR)
    a, b = divmod(number, _PAIR)
    return (_PAIRS[a] + _PAIRS[b] + _PAIRS[c] + _PAIRS[d] + _PAIRS[e]).lstrip(_BASE91[0])


@dataclass(frozen=True)
class Stamped:
    """A rendered card with the identity Anki sees."""

    rendered: RenderedCard
    mtime: int
    note_id: int  # its cards' ids are note_id, note_id + 1, … (one per ord)
    due: int  # position among new cards: the card set's order
    tags: tuple[str, ...] = ()  # the note's: the rendered card's, and tag(mtime) of stamp()


def stamp(
    cards: list[tuple[RenderedCard, int]], tag: Callable[[int], str] | None = None
) -> list[Stamped]:
    """Unique note and card ids derived from stored times (ms), so equal inputs give
    equal bytes: each note takes as many consecutive ids as it has cards. With ``tag``,
    each note is tagged ``tag(mtime)`` too."""
    order = sorted(range(len(cards)), key=lambda i: (cards[i][1], i))
    ids = [0] * len(cards)
    last = taken = 0
    for i in order:
        last = max(cards[i][1] * 1000, last + taken)
        ids[i] = last
        taken = len(cards[i][0].ords)
    tagged: dict[tuple[tuple[str, ...], int], tuple[str, ...]] = {}  # most notes share theirs

    def tags(r: RenderedCard, mtime: int) -> tuple[str, ...]:
        if tag is None:
            return r.tags
        if (found := tagged.get((r.tags, mtime))) is None:
            found = tagged[r.tags, mtime] = (*r.tags, tag(mtime))
        return found

    return [Stamped(r, mtime, ids[i], i + 1, tags(r, mtime)) for i, (r, mtime) in enumerate(cards)]


def write_apkg(
    out: BinaryIO,
    scratch: Path,
    deck: Deck,
    description: str,
    notetypes: list[tuple[NoteType, int]],
    cards: list[Stamped],
    media: tuple[Media, ...],
) -> None:
    """Write the whole .apkg to ``out``: collection, media map, then media files in name
    order. The collection is built in a temporary file in ``scratch``, not in memory.
    ``notetypes`` are those the cards use, each with its modification time."""
    with deferred():  # an interrupt then finds it made and cleans it up
        scratch_dir = tempfile.TemporaryDirectory(dir=scratch, prefix=".ankigen-")
    with scratch_dir as tmp:
        collection = Path(tmp) / "collection.anki2"
        db = sqlite3.connect(collection)
        try:
            db.execute("PRAGMA journal_mode = OFF")  # a scratch file: nothing to roll back to
            db.execute("PRAGMA synchronous = OFF")
            # Notes of a few kB each fill 4 kB pages poorly (a fifth of the file is slack and
            # overflow pages): 16 kB pages make the collection smaller and quicker to deflate.
            db.execute("PRAGMA page_size = 16384")
            _write_collection(db, deck, description, notetypes, cards)
        finally:
            db.close()
        media_map = json.dumps({str(i): m.name for i, m in enumerate(media)}).encode()
        with zipfile.ZipFile(out, "w") as archive:
            _add(archive, "collection.anki2", collection)
            _add(archive, "media", media_map)
            for i, m in enumerate(media):
                _add(archive, str(i), m.source)


def _write_collection(
    db: sqlite3.Connection,
    deck: Deck,
    description: str,
    notetypes: list[tuple[NoteType, int]],
    cards: list[Stamped],
) -> None:
    db.executescript((TEMPLATES / "collection.sql").read_text(encoding="utf-8"))
    subdecks = {c.id: stable_id(deck.id, "deck", c.id) for c in deck.categories}
    decks = json.loads(db.execute("SELECT decks FROM col").fetchone()[0])
    root = stable_id(deck.id, "deck")
    decks[str(root)] = _deck_json(root, deck.name, description)
    for c in deck.categories:
        decks[str(subdecks[c.id])] = _deck_json(subdecks[c.id], f"{deck.name}::{deck.subdeck(c)}")
    # A note type's deck is the last subdeck holding its notes (the root if none), as genanki
    # leaves it; Anki's importer does not use it.
    last = {kind: root for kind in (n.kind for n, _ in notetypes)}
    for c in deck.categories:
        for kind in {s.rendered.card.kind for s in cards if s.rendered.card.category == c.id}:
            last[kind] = subdecks[c.id]
    models = {
        str(note_type_id(deck, n.kind)): _notetype_json(deck, n, mtime, last[n.kind])
        for n, mtime in notetypes
    }
    db.execute("UPDATE col SET decks = ?, models = ?", (json.dumps(decks), json.dumps(models)))
    in_order = sorted(cards, key=lambda s: s.note_id)
    mids = {n.kind: note_type_id(deck, n.kind) for n, _ in notetypes}
    db.executemany(
        "INSERT INTO notes VALUES (?, ?, ?, ?, -1, ?, ?, ?, 0, 0, '')",
        (_note_row(deck, s, mids[s.rendered.card.kind]) for s in in_order),
    )
    db.executemany(
        "INSERT INTO cards VALUES (?, ?, ?, ?, ?, -1, 0, 0, ?, 0, 0, 0, 0, 0, 0, 0, 0, '')",
        (row for s in in_order for row in _card_rows(s, subdecks[s.rendered.card.category])),
    )
    db.commit()


def _note_row(deck: Deck, s: Stamped, mid: int) -> tuple[Any, ...]:
    r, card = s.rendered, s.rendered.card
    tags = f" {' '.join(s.tags)} "
    return (s.note_id, guid(deck, card.first_id, card.kind), mid, s.mtime, tags,
            "\x1f".join(r.fields), r.fields[0])  # fmt: skip


def _card_rows(s: Stamped, deck_id: int) -> Iterator[tuple[int, ...]]:
    """One card per template (a cloze: per number), in the order of ``ords``, which is
    that of their ids."""
    for index, ord_ in enumerate(s.rendered.ords):
        yield (s.note_id + index, s.note_id, deck_id, ord_, s.mtime, s.due)


def _deck_json(deck_id: int, name: str, description: str = "") -> dict[str, Any]:
    """A deck as genanki writes it."""
    return {
        "collapsed": False, "conf": 1, "desc": description, "dyn": 0, "extendNew": 0,
        "extendRev": 50, "id": deck_id, "lrnToday": [163, 2], "mod": 1425278051, "name": name,
        "newToday": [163, 2], "revToday": [163, 0], "timeToday": [163, 23598], "usn": -1,
    }  # fmt: skip


_LATEX_PRE = (
    "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n"
    "\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n"
    "\\setlength{\\parindent}{0in}\n\\begin{document}\n"
)


def _notetype_json(deck: Deck, notetype: NoteType, mtime: int, deck_id: int) -> dict[str, Any]:
    """A note type as genanki writes it, in Anki's schema-11 form."""
    fields = [
        {**f, "ord": i, "font": "Liberation Sans", "media": [], "rtl": False, "size": 20,
         "sticky": False}
        for i, f in enumerate(notetype.fields)
    ]  # fmt: skip
    templates = [
        {**t, "ord": i, "bafmt": "", "bqfmt": "", "bfont": "", "bsize": 0, "did": None}
        for i, t in enumerate(notetype.templates)
    ]
    return {
        "css": notetype.css, "did": deck_id, "flds": fields,
        "id": str(note_type_id(deck, notetype.kind)), "latexPost": "\\end{document}",
        "latexPre": _LATEX_PRE, "latexsvg": False, "mod": mtime, "name": notetype.name,
        "req": notetype.required, "sortf": 0, "tags": [], "tmpls": templates,
        "type": 1 if notetype.is_cloze else 0, "usn": -1, "vers": [],
    }  # fmt: skip


def _add(archive: zipfile.ZipFile, name: str, content: bytes | Path) -> None:
    """One entry with fixed metadata, so that equal inputs give equal bytes."""
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    # Deflate's fastest level: a third of level 6's time, for an .apkg a fifth larger.
    # (What ZipFile.writestr(compresslevel=) sets; open() has no argument for it.)
    info._compresslevel = DEFLATE_LEVEL
    info.create_system = 3
    info.external_attr = 0o644 << 16
    with archive.open(info, "w") as entry:
        if isinstance(content, bytes):
            entry.write(content)
        else:
            with content.open("rb") as source:
                shutil.copyfileobj(source, entry, 1 << 20)

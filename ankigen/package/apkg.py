"""Decks and notes, written with the note type as a byte-reproducible .apkg.

genanki writes the collection; ids and modification times are then set from the
lock file, because genanki stamps every note with one build time. How Anki's
importer (rslib, import_export/package/apkg) treats each of them:
- notes are matched by GUID across the collection, so GUIDs come from ids only;
- an existing note is updated only when the package's note mtime is newer;
- note types are matched by id (see notetype.py);
- decks are matched by name; media files by name (a clash gets renamed).
"""

from __future__ import annotations

import itertools
import json
import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import genanki

from ..interrupt import deferred
from ..render import Media, RenderedCard
from ..source.model import Deck
from .notetype import NoteType, stable_id

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def guid(deck: Deck, card_id: str) -> str:
    """Never derived from content: editing a card keeps its note, and so its history.
    For a card with ``previous_ids``, ``card_id`` is its first id (``Card.first_id``)."""
    return genanki.guid_for(deck.id, card_id)


@dataclass(frozen=True)
class Stamped:
    """A rendered card with the identity Anki sees."""

    rendered: RenderedCard
    mtime: int
    note_id: int
    due: int  # position among new cards: the card set's order


def stamp(cards: list[tuple[RenderedCard, int]]) -> list[Stamped]:
    """Unique note ids derived from stored times (ms), so equal inputs give equal bytes."""
    order = sorted(range(len(cards)), key=lambda i: (cards[i][1], i))
    ids: dict[int, int] = {}
    last = 0
    for i in order:
        last = max(cards[i][1] * 1000, last + 1)
        ids[i] = last
    return [Stamped(r, mtime, ids[i], i + 1) for i, (r, mtime) in enumerate(cards)]


def write_apkg(
    out: BinaryIO,
    scratch: Path,
    deck: Deck,
    description: str,
    notetype: NoteType,
    notetype_mtime: int,
    cards: list[Stamped],
    media: tuple[Media, ...],
) -> None:
    """Write the whole .apkg to ``out``: collection, media map, then media files in name
    order. The collection is built in a temporary file in ``scratch``, not in memory."""
    model = genanki.Model(
        stable_id(deck.id, "notetype"),
        notetype.name,
        fields=[dict(f) for f in notetype.fields],
        templates=[dict(t) for t in notetype.templates],
        css=notetype.css,
        sort_field_index=0,
    )
    root = genanki.Deck(stable_id(deck.id, "deck"), deck.name, description)
    subdecks = {
        c.id: genanki.Deck(stable_id(deck.id, "deck", c.id), f"{deck.name}::{deck.subdeck(c)}")
        for c in deck.categories
    }
    notes: dict[str, Stamped] = {}  # by GUID
    for card in cards:
        r = card.rendered
        note = genanki.Note(
            model, list(r.fields), tags=list(r.tags), guid=guid(deck, r.card.first_id)
        )
        subdecks[r.card.category].add_note(note)
        notes[note.guid] = card
    root.add_model(model)

    with deferred():  # an interrupt then finds it made and cleans it up
        scratch_dir = tempfile.TemporaryDirectory(dir=scratch, prefix=".ankigen-")
    with scratch_dir as tmp:
        collection = Path(tmp) / "collection.anki2"
        conn = sqlite3.connect(collection)
        conn.execute("PRAGMA journal_mode = OFF")  # a scratch file: nothing to roll back to
        conn.execute("PRAGMA synchronous = OFF")
        cursor = conn.cursor()
        # Small temporary ids that cannot collide with the final, millisecond-sized ones.
        genanki.Package([root, *subdecks.values()]).write_to_db(
            cursor, notetype_mtime, itertools.count(1)
        )
        del root, subdecks  # the notes are in the database now
        rows = [
            (notes[note_guid].note_id, notes[note_guid].mtime, notes[note_guid].due, temporary)
            for note_guid, temporary in cursor.execute("SELECT guid, id FROM notes").fetchall()
        ]
        cursor.executemany(
            "UPDATE cards SET id = ?, nid = ?, mod = ?, due = ? WHERE nid = ?",
            ((n, n, mod, due, old) for n, mod, due, old in rows),
        )
        cursor.executemany(
            "UPDATE notes SET id = ?, mod = ? WHERE id = ?",
            ((n, mod, old) for n, mod, _, old in rows),
        )
        conn.commit()
        conn.close()

        media_map = json.dumps({str(i): m.name for i, m in enumerate(media)}).encode()
        with zipfile.ZipFile(out, "w") as archive:
            _add(archive, "collection.anki2", collection)
            _add(archive, "media", media_map)
            for i, m in enumerate(media):
                _add(archive, str(i), m.source)


def _add(archive: zipfile.ZipFile, name: str, content: bytes | Path) -> None:
    """One entry with fixed metadata, so that equal inputs give equal bytes."""
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    with archive.open(info, "w") as entry:
        if isinstance(content, bytes):
            entry.write(content)
        else:
            with content.open("rb") as source:
                shutil.copyfileobj(source, entry, 1 << 20)

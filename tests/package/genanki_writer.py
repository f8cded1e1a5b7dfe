"""The .apkg writer as it was when genanki wrote the collection: the reference the
direct writer (ankigen/package/apkg.py) is compared with, row by row."""

from __future__ import annotations

import itertools
import json
import shutil
import sqlite3
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO

import genanki

from ankigen.package.apkg import Stamped, guid
from ankigen.package.notetype import NoteType, note_type_id, stable_id
from ankigen.render import Media
from ankigen.source.model import Deck

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


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
    models = {
        notetype.kind: genanki.Model(
            note_type_id(deck, notetype.kind),
            notetype.name,
            fields=[dict(f) for f in notetype.fields],
            templates=[dict(t) for t in notetype.templates],
            css=notetype.css,
            sort_field_index=0,
            model_type=genanki.Model.CLOZE if notetype.is_cloze else genanki.Model.FRONT_BACK,
        )
        for notetype, _ in notetypes
    }
    root = genanki.Deck(stable_id(deck.id, "deck"), deck.name, description)
    subdecks = {
        c.id: genanki.Deck(stable_id(deck.id, "deck", c.id), f"{deck.name}::{deck.subdeck(c)}")
        for c in deck.categories
    }
    notes: dict[str, Stamped] = {}  # by GUID
    for card in cards:
        r = card.rendered
        note = genanki.Note(
            models[r.card.kind], list(r.fields), tags=list(card.tags),
            guid=guid(deck, r.card.first_id, r.card.kind),
        )  # fmt: skip
        note.cards = [genanki.Card(o) for o in r.ords]  # as Anki counts them, not genanki
        subdecks[r.card.category].add_note(note)
        notes[note.guid] = card
    for model in models.values():
        root.add_model(model)

    with tempfile.TemporaryDirectory(dir=scratch, prefix=".ankigen-") as tmp:
        collection = Path(tmp) / "collection.anki2"
        conn = sqlite3.connect(collection)
        conn.execute("PRAGMA journal_mode = OFF")  # a scratch file: nothing to roll back to
        conn.execute("PRAGMA synchronous = OFF")
        cursor = conn.cursor()
        # Small temporary ids that cannot collide with the final, millisecond-sized ones.
        genanki.Package([root, *subdecks.values()]).write_to_db(
            cursor, notetypes[0][1], itertools.count(1)
        )
        del root, subdecks  # the notes are in the database now
        _set_notetype_mtimes(cursor, deck, notetypes)
        rows = [
            (notes[note_guid].note_id, notes[note_guid].mtime, notes[note_guid].due, temporary)
            for note_guid, temporary in cursor.execute("SELECT guid, id FROM notes").fetchall()
        ]
        final = {old: n for n, _, _, old in rows}
        cursor.executemany(
            "UPDATE cards SET id = ? WHERE id = ?",
            ((final[nid] + index, cid) for cid, nid, index in _card_indexes(cursor)),
        )
        cursor.executemany(
            "UPDATE cards SET nid = ?, mod = ?, due = ? WHERE nid = ?",
            ((n, mod, due, old) for n, mod, due, old in rows),
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


def _card_indexes(cursor: sqlite3.Cursor) -> list[tuple[int, int, int]]:
    """(card id, note id, position of the card among its note's, by ord)."""
    rows = cursor.execute("SELECT id, nid FROM cards ORDER BY nid, ord").fetchall()
    found, index, last = [], 0, None
    for cid, nid in rows:
        index = index + 1 if nid == last else 0
        found.append((cid, nid, index))
        last = nid
    return found


def _set_notetype_mtimes(
    cursor: sqlite3.Cursor, deck: Deck, notetypes: list[tuple[NoteType, int]]
) -> None:
    """genanki stamps every note type with one time; each has its own in the lock."""
    if all(mtime == notetypes[0][1] for _, mtime in notetypes):
        return  # leaves genanki's bytes as they are
    (models_json,) = cursor.execute("SELECT models FROM col").fetchone()
    models = json.loads(models_json)
    for notetype, mtime in notetypes:
        models[str(note_type_id(deck, notetype.kind))]["mod"] = mtime
    cursor.execute("UPDATE col SET models = ?", (json.dumps(models),))


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

"""What a collection holds of one deck: its notes of every kind (fields, tags, time),
their cards (deck, number, reviews), and the deck's note types. Read before and after
an import, the difference is what the import did."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from anki.collection import Collection

ID_FIELD = "ID"


@dataclass(frozen=True)
class CardState:
    id: int
    deck: str  # its home deck: for a card in a filtered deck, the deck it returns to
    filtered: bool
    ord: int = 0  # its template (a cloze card: its number - 1)
    reps: int = 0  # how often it was reviewed
    new: bool = True  # never studied nor scheduled (Anki's card type "new")


@dataclass(frozen=True)
class NoteState:
    id: int
    guid: str
    notetype: int
    mtime: int
    fields: dict[str, str]  # by field name, NFC as Anki stores them
    tags: tuple[str, ...]
    cards: tuple[CardState, ...] = ()  # by number
    kind: str = ""  # the kind of card its note type is for; "" if not one of the deck's

    @property
    def studied(self) -> bool:
        return any(c.reps or not c.new for c in self.cards)

    @property
    def card_id(self) -> str:
        return self.fields.get(ID_FIELD, "")


@dataclass
class Snapshot:
    notes: dict[str, NoteState] = field(default_factory=dict)  # by GUID
    notetypes: dict[int, str] = field(default_factory=dict)  # this deck's, id -> name
    kinds: dict[int, str] = field(default_factory=dict)  # this deck's, id -> kind of card
    decks: dict[int, str] = field(default_factory=dict)  # every deck, id -> name
    modified: int = 0  # the collection's modification time (ms)
    schema: int = 0  # the schema stamp: a change forces a one-way sync


def nfc(text: str) -> str:
    """Anki stores note text in Unicode NFC (its NormalizeNoteText default)."""
    return unicodedata.normalize("NFC", text)


def snapshot(col: Collection, notetypes: dict[int, str], guids: Iterable[str]) -> Snapshot:
    """The notes with one of ``guids``, and every note of the deck's note types: one
    per kind (``notetypes``: id -> kind) and the copies Anki's importer made of them
    (they keep its id as ``originalId``)."""
    snap = Snapshot(
        decks={d.id: d.name for d in col.decks.all_names_and_ids()},
        modified=col.db.scalar("select mod from col"),
        schema=col.db.scalar("select scm from col"),
    )
    field_names: dict[int, list[str]] = {}
    for entry in col.models.all_names_and_ids():
        model = col.models.get(entry.id)
        field_names[entry.id] = [f["name"] for f in model["flds"]]
        kind = notetypes.get(entry.id) or notetypes.get(model.get("originalId") or 0)
        if kind:
            snap.notetypes[entry.id], snap.kinds[entry.id] = entry.name, kind

    columns = "select id, guid, mid, mod, flds, tags from notes where "
    rows = []
    if snap.notetypes:
        marks = ",".join("?" * len(snap.notetypes))
        rows += col.db.all(columns + f"mid in ({marks})", *snap.notetypes)
    wanted = list(guids)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows += col.db.all(columns + f"guid in ({marks})", *chunk)
    cards: dict[int, list[CardState]] = {}
    note_ids = list(dict.fromkeys(row[0] for row in rows))
    for start in range(0, len(note_ids), 500):
        chunk = note_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        query = (
            "select id, nid, did, odid, ord, reps, type from cards "
            f"where nid in ({marks}) order by ord"
        )
        for cid, nid, did, odid, ord_, reps, kind in col.db.all(query, *chunk):
            deck = snap.decks.get(odid or did, "")
            cards.setdefault(nid, []).append(CardState(cid, deck, odid != 0, ord_, reps, kind == 0))
    for nid, guid, mid, mtime, flds, tags in rows:
        values = dict(zip(field_names.get(mid, []), flds.split("\x1f"), strict=False))
        snap.notes[guid] = NoteState(
            nid, guid, mid, mtime, values, tuple(tags.split()), tuple(cards.get(nid, ())),
            snap.kinds.get(mid, ""),
        )  # fmt: skip
    return snap

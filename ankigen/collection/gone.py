"""The notes of this deck's id that the YAML no longer has: those the lock remembers
ankigen made (a removed card's, the old note of a card whose type changed), which
apply deletes, and those it does not know, which nothing here ever deletes or moves:
another card set with the same deck id made them, or a lost lock forgot them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..check import removed_search
from ..package.apkg import guid
from ..package.lock import Lock
from ..source.format import KINDS
from ..source.model import Card, Deck
from .changes import Change, learners_tags, reviews
from .snapshot import NoteState, Snapshot


@dataclass
class Gone:
    """The notes the YAML no longer has, and what apply must know of them."""

    changes: list[Change] = field(default_factory=list)
    notes: list[NoteState] = field(default_factory=list)  # what apply deletes
    unknown: list[NoteState] = field(default_factory=list)  # left alone, and named
    studied: list[str] = field(default_factory=list)  # retyped cards whose old note was studied
    tags: dict[str, list[str]] = field(default_factory=dict)  # retyped card -> learner's tags


@dataclass
class Known:
    """The old notes the locks remember: GUID -> the day a removed card went ("" when not
    known), and the GUIDs of the old notes of cards whose type changed."""

    removed: dict[str, str] = field(default_factory=dict)
    retyped: set[str] = field(default_factory=set)


def known_notes(deck: Deck, *locks: Lock) -> Known:
    """Every note the locks say ankigen made that the YAML's cards no longer are: each
    removed card's, of every kind it had, and each card's of the kinds it had before."""
    known = Known()
    for lock in locks:
        for card_id, s in lock.removed.items():
            for kind in (s.kind, *s.was):
                known.removed[guid(deck, s.first or card_id, kind)] = s.removed
        for card_id, s in lock.cards.items():
            known.retyped |= {guid(deck, s.first or card_id, kind) for kind in s.was}
    return known


def gone_notes(before: Snapshot, deck: Deck, cards: Iterable[Card], known: Known) -> Gone:
    """The notes of this deck's note types, not the YAML's, whose GUID is ankigen's for
    their ID field and kind (or one the locks remember): those the locks remember are
    to be deleted, the others are unknown. A note the learner added (a GUID of Anki's)
    is neither. The tags the learner put on a retyped card's old note go to its new one."""
    cards = list(cards)
    current = {guid(deck, c.first_id, c.kind) for c in cards}
    retyped = {guid(deck, c.first_id, k): c for c in cards for k in KINDS if k != c.kind}
    found = Gone()
    for note in sorted(before.notes.values(), key=lambda n: (n.card_id, n.kind)):
        if note.notetype not in before.notetypes or note.guid in current:
            continue
        card = retyped.get(note.guid)
        if card is not None and note.guid in known.retyped:
            found.notes.append(note)
            found.changes.append(_retyped(note, card, deck, found))
        elif note.guid in known.removed:
            found.notes.append(note)
            day = known.removed[note.guid]
            search = f'{f"on {day}, " * bool(day)}Browser search: "ID:{note.card_id}"'
            found.changes.append(Change("removed", note.card_id, "", (search,)))
        elif note.card_id and note.guid == guid(deck, note.card_id, note.kind):
            found.unknown.append(note)
            search = f"Browser search: {removed_search(deck, note.card_id, note.kind)}"
            found.changes.append(Change("unknown", note.card_id, "", (search,)))
    return found


def _retyped(note: NoteState, card: Card, deck: Deck, found: Gone) -> Change:
    where = f"{card.path}:{card.lines.get('type', card.line)}"
    detail = [f"was {note.kind}: its old note has {reviews(note.cards)}"]
    if note.studied:
        found.studied.append(card.id)
    if tags := learners_tags(note.tags, deck.tag_root):
        found.tags[card.id] = tags
        detail.append(f"your tags on it go to the new note: {' '.join(tags)}")
    detail.append(f"Browser search: {removed_search(deck, note.card_id, note.kind)}")
    return Change("retyped", card.id, where, tuple(detail))

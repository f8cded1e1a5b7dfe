"""What an import does to the deck's notes, of every kind, found by comparing a
collection before and after it: each card's changes, and the notes and cards that the
YAML no longer has (removed cards, the old note of a card whose type changed, the
cards of removed cloze numbers)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..build import removed_search
from ..package.apkg import guid
from ..package.stamps import fields_digest
from ..render import NOTE_FIELDS, RenderedCard
from ..source.format import KINDS
from ..source.model import Card, Deck
from .snapshot import CardState, NoteState, Snapshot, nfc
from .worddiff import word_diff


@dataclass(frozen=True)
class Change:
    kind: str
    name: str  # a card id, or a media file name
    where: str = ""  # the card's path:line
    detail: tuple[str, ...] = ()


def card_changes(
    card: Card,
    rendered: RenderedCard,
    before: NoteState | None,
    after: NoteState | None,
    known: list[tuple[int, str]],
    refused: bool,
    subdeck: str,
    roots: set[str],
    tag_root: str,
    moves: dict[str, list[int]],
    stale: dict[str, int],
) -> list[Change]:
    """What the import does to one card's note. The versions ankigen wrote (``known``:
    each time and fields digest from the locks) tell an edit made in Anki: the note's
    fields are none of them, and its time is later than one of them. Whether the YAML
    changed since is told by time: an edit newer than the YAML's version keeps it out
    (the importer skips the note), an older one is overwritten by it. Cards in an old
    subdeck go into ``moves``, notes the importer skips although older into ``stale``."""
    where = f"{card.path}:{card.lines.get('id', card.line)}"
    ours = _ours(tag_root)
    names = NOTE_FIELDS[card.kind]
    wanted = {name: nfc(value) for name, value in rendered.field_map().items()}
    changes = []
    if refused:
        changes.append(Change("refused", card.id, where))
    elif before is None or after is None:
        count = len(rendered.ords)
        detail = f"into '{subdeck}'" + f" ({count} cards)" * (count > 1)
        return [Change("new", card.id, where, (detail,))]
    else:
        updated = after.fields != before.fields or after.tags != before.tags
        digest = fields_digest(before.fields.get(name, "") for name in names)
        edited = digest not in {d for _, d in known} and any(m < before.mtime for m, _ in known)
        diff = ("YAML -> your edit:", *_field_diffs(names, wanted, before.fields))
        same_tags = {t for t in before.tags if ours(t)} == set(rendered.tags)
        if edited and updated:
            # Edited in Anki, then the YAML changed: the update replaces the edit.
            changes.append(Change("conflict", card.id, where, diff))
        elif edited:
            changes.append(Change("edited", card.id, where, diff))
        elif updated:
            what = _what_changed(card.kind, names, before, after, ours)
            changes.append(Change("updated", card.id, where, (what,)))
        elif before.fields == wanted and same_tags:
            changes.append(Change("unchanged", card.id, where))
        else:
            # An older version, changed in Anki (its tags, say) after this one was built.
            changes.append(Change("skipped", card.id, where))
            stale[card.id] = before.mtime
        dropped = [t for t in learners_tags(before.tags, tag_root) if t not in after.tags]
        if dropped:
            changes.append(Change("tags", card.id, where, (" ".join(dropped),)))

    note = after or before
    astray: dict[tuple[str, bool], list[int]] = {}  # (old deck, filtered) -> card ids
    for c in note.cards:
        if c.deck.casefold() != subdeck.casefold() and _in_tree(c.deck, roots):
            astray.setdefault((c.deck, c.filtered), []).append(c.id)
    for (deck, filtered), card_ids in astray.items():
        count = len(card_ids)
        detail = f"{count} cards in '{deck}', belong" if count > 1 else f"in '{deck}', belongs"
        detail += f" in '{subdeck}'"
        if filtered:
            detail += " (now in a filtered deck: apply moves it once it is back)"
        else:
            moves.setdefault(subdeck, []).extend(card_ids)
        changes.append(Change("subdeck", card.id, where, (detail,)))
    return changes


def card_name(kind: str, ord_: int) -> str:
    """A card of a note as Anki's Browser names it: a cloze by its number."""
    return f"c{ord_ + 1}" if kind == "cloze" else f"card {ord_ + 1}"


def _ours(tag_root: str) -> Callable[[str], bool]:
    """ankigen's own tags, except the day a note last changed, which only the lock
    decides (a note imported before that tag existed has none)."""
    prefix, changed = f"{tag_root}::".casefold(), f"{tag_root}::changed::".casefold()
    return lambda tag: tag.casefold().startswith(prefix) and not tag.casefold().startswith(changed)


def _in_tree(deck: str, roots: set[str]) -> bool:
    name = deck.casefold()
    return any(name == r.casefold() or name.startswith(r.casefold() + "::") for r in roots)


def _field_diffs(names: Iterable[str], yaml: dict[str, str], anki: dict[str, str]) -> list[str]:
    return [
        f"{name}: {word_diff(yaml.get(name, ''), anki.get(name, ''))}"
        for name in names
        if yaml.get(name, "") != anki.get(name, "")
    ]


def _what_changed(
    kind: str,
    names: Iterable[str],
    before: NoteState,
    after: NoteState,
    ours: Callable[[str], bool],
) -> str:
    """The fields, ankigen's tags and the new cards an update brings (the learner's tags
    it drops are a group of their own)."""
    parts = [name for name in names if before.fields.get(name) != after.fields.get(name)]
    added = [t for t in after.tags if t not in before.tags and ours(t)]
    removed = [t for t in before.tags if t not in after.tags and ours(t)]
    tags = " ".join([*(f"+{t}" for t in added), *(f"-{t}" for t in removed)])
    parts += [f"tags {tags}"] * bool(tags)
    had = {c.ord for c in before.cards}
    parts += [f"{card_name(kind, c.ord)} added" for c in after.cards if c.ord not in had]
    return ", ".join(parts) or "the day it last changed"


def learners_tags(tags: tuple[str, ...], tag_root: str) -> list[str]:
    """The tags a learner added: every one not under the deck's root tag."""
    prefix = f"{tag_root}::".casefold()
    return [t for t in tags if not t.casefold().startswith(prefix)]


def reviews(cards: Iterable[CardState]) -> str:
    count = sum(c.reps for c in cards)
    return f"{count} review{'s' * (count != 1)}"


@dataclass
class Gone:
    """The notes the YAML no longer has, and what apply must know of them."""

    changes: list[Change] = field(default_factory=list)
    notes: list[NoteState] = field(default_factory=list)  # what apply deletes
    studied: list[str] = field(default_factory=list)  # retyped cards whose old note was studied
    tags: dict[str, list[str]] = field(default_factory=dict)  # retyped card -> learner's tags


def gone_notes(
    before: Snapshot,
    deck: Deck,
    cards: Iterable[Card],
    tombstones: dict[str, str],
) -> Gone:
    """The notes of this deck's note types that ankigen made for cards the YAML no
    longer has: their GUID is the one of their ID field and kind, or of a card the lock
    remembers as removed (``tombstones``: GUID -> the day), or of a card now of another
    kind (Anki cannot change a note's type, so that card is a new note). Never a note
    of anyone else. The tags the learner put on a retyped card's old note go to its
    new one."""
    cards = list(cards)
    current = {guid(deck, c.first_id, c.kind) for c in cards}
    retyped = {guid(deck, c.first_id, k): c for c in cards for k in KINDS if k != c.kind}
    found = Gone()
    found.notes = [
        note
        for note in before.notes.values()
        if note.notetype in before.notetypes
        and note.guid not in current
        and (
            note.guid in tombstones
            or note.guid in retyped
            or (note.card_id and note.guid == guid(deck, note.card_id, note.kind))
        )
    ]
    for note in sorted(found.notes, key=lambda n: n.card_id):
        card = retyped.get(note.guid)
        if card is not None:
            where = f"{card.path}:{card.lines.get('type', card.line)}"
            detail = [f"was {note.kind}: its old note has {reviews(note.cards)}"]
            if note.studied:
                found.studied.append(card.id)
            if tags := learners_tags(note.tags, deck.tag_root):
                found.tags[card.id] = tags
                detail.append(f"your tags on it go to the new note: {' '.join(tags)}")
            detail.append(f"Browser search: {removed_search(deck, note.card_id, note.kind)}")
            found.changes.append(Change("retyped", card.id, where, tuple(detail)))
        else:
            when = f"on {tombstones[note.guid]}, " if tombstones.get(note.guid) else ""
            search = f'{when}Browser search: "ID:{note.card_id}"'
            found.changes.append(Change("removed", note.card_id, "", (search,)))
    return found


def empty_cards(card: Card, rendered: RenderedCard, after: NoteState | None) -> list[CardState]:
    """The cards of a cloze note whose numbers the YAML no longer has: the import leaves
    them, empty (Anki never deletes a card on import)."""
    if card.kind != "cloze" or after is None:
        return []
    return [c for c in after.cards if c.ord not in rendered.ords]


def empty_change(card: Card, cards: list[CardState]) -> Change:
    where = f"{card.path}:{card.lines.get('text', card.line)}"
    names = [card_name(card.kind, c.ord) + f" ({reviews([c])})" * bool(c.reps) for c in cards]
    return Change("empty", card.id, where, (", ".join(names),))

"""What an import does to the deck's notes, of every kind, found by comparing a
collection before and after it: each card's changes, and the cards of removed cloze
numbers (the notes the YAML no longer has are in gone.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..package.lock import Version
from ..package.stamps import fields_digest
from ..render import NOTE_FIELDS, RenderedCard
from ..source.model import Card
from .merge import merge_fields
from .snapshot import CardState, NoteState, nfc
from .worddiff import field_diff

YOURS = "YAML -> your edit:"


@dataclass(frozen=True)
class Change:
    kind: str
    name: str  # a card id, or a media file name
    where: str = ""  # the card's path:line
    detail: tuple[str, ...] = ()


@dataclass
class Work:
    """What apply has to do beyond the import, found card by card."""

    moves: dict[str, list[int]] = field(default_factory=dict)  # subdeck -> Anki card ids
    moved: list[str] = field(default_factory=list)  # the cards whose note is moved
    stale: dict[str, int] = field(default_factory=dict)  # card id -> time: skipped notes
    kept: dict[str, dict[str, str]] = field(default_factory=dict)  # card id -> learner's fields
    conflicts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # card id -> fields


def card_changes(
    card: Card,
    rendered: RenderedCard,
    before: NoteState | None,
    after: NoteState | None,
    known: list[Version],
    refused: bool,
    subdeck: str,
    roots: set[str],
    tag_root: str,
    work: Work,
) -> list[Change]:
    """What the import does to one card's note. The versions ankigen wrote (``known``,
    from the locks) tell an edit made in Anki: the note's fields are none of them, and
    its time is later than one of them. Whether the YAML changed since is told by time:
    an edit newer than the YAML's version keeps it out (the importer skips the note), an
    older one is overwritten by it, and then merged field by field (merge.py). What apply
    must do for it goes into ``work``."""
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
        edited = digest not in {v.fields for v in known} and any(
            v.mtime < before.mtime for v in known
        )
        same_tags = {t for t in before.tags if ours(t)} == set(rendered.tags)
        what = _what_changed(card.kind, names, before, after, ours)
        if edited and updated:
            # Edited in Anki, then the YAML changed: the update would replace the edit.
            merge = merge_fields(names, before.fields, wanted, known, before.mtime)
            if merge.kept:
                work.kept[card.id] = merge.kept
            if merge.conflicts:
                work.conflicts[card.id] = merge.conflicts
                detail = [YOURS, *_field_diffs(merge.conflicts, wanted, before.fields)]
                if merge.kept:
                    detail.append(
                        f"apply keeps your {', '.join(merge.kept)}; with --prefer-yaml it "
                        f"takes the YAML's {', '.join(merge.conflicts)}"
                    )
                changes.append(Change("conflict", card.id, where, tuple(detail)))
            elif merge.kept:
                theirs = [p for p in what if p not in merge.kept]
                head = f"apply keeps your {', '.join(merge.kept)}" + (
                    f" and takes the YAML's {', '.join(theirs)}" * bool(theirs)
                )
                diff = _field_diffs(merge.kept, wanted, before.fields)
                changes.append(Change("merged", card.id, where, (head, YOURS, *diff)))
            else:  # every edit made in Anki is in the YAML now
                changes.append(Change("updated", card.id, where, (", ".join(what),)))
        elif edited:
            diff = (YOURS, *_field_diffs(names, wanted, before.fields))
            changes.append(Change("edited", card.id, where, diff))
        elif updated:
            changes.append(Change("updated", card.id, where, (", ".join(what),)))
        elif before.fields == wanted and same_tags:
            changes.append(Change("unchanged", card.id, where))
        else:
            # An older version, changed in Anki (its tags, say) after this one was built.
            changes.append(Change("skipped", card.id, where))
            work.stale[card.id] = before.mtime
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
            work.moves.setdefault(subdeck, []).extend(card_ids)
            if card.id not in work.moved:
                work.moved.append(card.id)
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
        f"{name}: {field_diff(yaml.get(name, ''), anki.get(name, ''))}"
        for name in names
        if yaml.get(name, "") != anki.get(name, "")
    ]


def _what_changed(
    kind: str,
    names: Iterable[str],
    before: NoteState,
    after: NoteState,
    ours: Callable[[str], bool],
) -> list[str]:
    """The fields, ankigen's tags and the new cards an update brings (the learner's tags
    it drops are a group of their own)."""
    parts = [name for name in names if before.fields.get(name) != after.fields.get(name)]
    added = [t for t in after.tags if t not in before.tags and ours(t)]
    removed = [t for t in before.tags if t not in after.tags and ours(t)]
    tags = " ".join([*(f"+{t}" for t in added), *(f"-{t}" for t in removed)])
    parts += [f"tags {tags}"] * bool(tags)
    had = {c.ord for c in before.cards}
    parts += [f"{card_name(kind, c.ord)} added" for c in after.cards if c.ord not in had]
    return parts or ["the day it last changed"]


def learners_tags(tags: tuple[str, ...], tag_root: str) -> list[str]:
    """The tags a learner added: every one not under the deck's root tag."""
    prefix = f"{tag_root}::".casefold()
    return [t for t in tags if not t.casefold().startswith(prefix)]


def reviews(cards: Iterable[CardState]) -> str:
    count = sum(c.reps for c in cards)
    return f"{count} review{'s' * (count != 1)}"


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

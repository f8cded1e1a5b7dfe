"""``plan``: what importing a build will do to a learner's collection, found by running
Anki's own importer on a copy of it and comparing before and after.

How the importer decides (rslib/src/import_export/package/apkg/import/): a note is
matched by GUID and updated only when the package's note is newer (its mtime), and an
update replaces its fields and tags and keeps the package's mtime; cards it already
has stay where they are; decks are matched by name; a note type is matched by id, and
one whose fields or templates differ is added as a copy while the notes already there
are left alone ("conflicting"); a media file whose name exists with other content is
imported under a new name.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..build import package
from ..check import Checked, check
from ..errors import CardSetError, Problem
from ..package.apkg import guid
from ..package.lock import Lock, Version
from ..package.notetype import note_type_id
from ..source.format import KINDS
from ..source.model import Card
from .changes import Change, Work, card_changes, empty_cards, empty_change
from .gone import gone_notes, known_notes
from .snapshot import CardState, Snapshot, snapshot
from .target import (
    Target,
    anki_errors,
    copy_collection,
    import_package,
    in_use,
    locate,
    require_anki,
    schema_version,
)

if TYPE_CHECKING:
    from anki.collection import Collection

NEWEST_SCHEMA = 18  # rslib/src/storage/upgrades/mod.rs: SCHEMA_MAX_VERSION

# The kinds of change. Each card is one of new, updated, unchanged, edited (in Anki,
# kept), merged (edited in Anki, and the YAML changed other fields: the update replaces
# the edit, apply keeps it), conflict (the same field changed in Anki and in the YAML,
# differently: the update replaces the edit), skipped (the importer
# leaves an older version) or refused (note type changed); it may also be "tags"
# (learner's tags dropped), "subdeck" (left in an old one), "retyped" (its old note,
# of the kind it had, is left) and "empty" (cards of removed cloze numbers are left).
# "removed" and "media" are about notes and files the YAML no longer has, or that
# Anki renames; "unknown" about notes of the deck's id that neither the YAML nor the
# lock knows. What makes ``plan`` exit 1: after the import, the collection would not
# match the YAML, or something of the learner's would be lost, or notes are unknown.
SURPRISES = (
    "merged", "conflict", "skipped", "refused", "tags", "subdeck", "removed", "retyped", "empty",
    "unknown",
)  # fmt: skip


@dataclass
class Plan:
    deck: str
    target: Path
    cards: int
    changes: list[Change] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    schema: int = NEWEST_SCHEMA  # the collection's schema version, as stored
    modified: int = 0  # the collection's modification time (ms) when planned
    before: Snapshot = field(default_factory=Snapshot)
    after: Snapshot = field(default_factory=Snapshot)
    lock: Lock = field(default_factory=Lock)
    full_sync: bool = False  # the import changes the schema stamp
    work: Work = field(default_factory=Work)  # besides the import
    deletions: list[int] = field(default_factory=list)  # Anki note ids
    studied_retyped: list[str] = field(default_factory=list)  # cards whose old note has reviews
    retyped_tags: dict[str, list[str]] = field(default_factory=dict)  # the learner's, old note
    empty: list[int] = field(default_factory=list)  # Anki card ids, of removed cloze numbers
    subdecks: set[str] = field(default_factory=set)  # the deck's current decks, by name

    def group(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def surprise(self) -> bool:
        return any(c.kind in SURPRISES for c in self.changes)


def plan(root: Path, collection: Path, now: int | None = None, cache: bool = True) -> Plan:
    """The plan for importing the card set at ``root`` into ``collection``; changes nothing."""
    require_anki()
    target = locate(collection)
    checked = check(root, cache)
    with tempfile.TemporaryDirectory(prefix="ankigen-plan-") as tmp, anki_errors(target.path):
        return plan_checked(checked, target, Path(tmp), now)


def plan_package(checked: Checked, scratch: Path, now: int | None = None) -> tuple[Path, Lock]:
    """The package a build would write now, in ``scratch``, and the lock it would
    record. A changed note type is announced by the plan rather than refused as by build."""
    path = scratch / f"{checked.card_set.deck.id}.apkg"
    _, lock = package(checked, path, now, change_note_type=True)
    return path, lock


def plan_checked(
    checked: Checked,
    target: Target,
    scratch: Path,
    now: int | None = None,
    merge_notetypes: bool = False,
    built: tuple[Path, Lock] | None = None,
) -> Plan:
    """The plan, made in ``scratch``, for the package ``built`` (by ``plan_package``)."""
    from anki.collection import Collection

    card_set = checked.card_set
    deck = card_set.deck
    package_path, lock = built or plan_package(checked, scratch, now)
    held = target.kind == "collection" and in_use(target.path)
    copy = copy_collection(target, scratch / "collection", [m.name for m in checked.rendered.media])
    schema = schema_version(copy, target.path)
    if schema > NEWEST_SCHEMA or schema in (12, 13):
        message = (
            f"schema version {schema} is newer than the installed Anki package can read "
            f"(up to {NEWEST_SCHEMA}): upgrade it (pip install -U 'ankigen[anki]')"
        )
        raise CardSetError([Problem(target.path, None, message)])

    guids = {c.id: guid(deck, c.first_id, c.kind) for c in card_set.cards}
    notetypes = {note_type_id(deck, kind): kind for kind in KINDS}
    rendered = {r.card.id: r for r in checked.rendered.cards}
    col = Collection(str(copy))
    try:
        before = snapshot(col, notetypes, guids.values())
        log = import_package(col, package_path, merge_notetypes)
        after = snapshot(col, notetypes, guids.values())
        media = _renamed_media(col, checked)
        empty = {
            card.id: cards
            for card in card_set.cards
            if (cards := empty_cards(card, rendered[card.id], after.notes.get(guids[card.id])))
        }
        if empty:  # as Anki's Tools -> Empty Cards finds them
            _confirm_empty(col, empty)
    finally:
        col.close()

    result = Plan(
        deck.name, target.path, len(card_set.cards), schema=schema, modified=before.modified
    )
    result.before, result.after, result.lock = before, after, lock
    result.full_sync = after.schema != before.schema
    # The ID field is the last of every kind's note type.
    refused = {n.fields[-1] for n in log.conflicting if n.fields}
    roots = {deck.name, checked.lock.deck} - {""}
    result.subdecks = {deck.name} | {f"{deck.name}::{deck.subdeck(c)}" for c in deck.categories}
    for card in card_set.cards:
        result.changes += card_changes(
            card,
            rendered[card.id],
            before.notes.get(guids[card.id]),
            after.notes.get(guids[card.id]),
            _versions(card, lock, checked.lock),
            card.id in refused,
            f"{deck.name}::{deck.subdeck(card_set.category(card.category))}",
            roots,
            deck.tag_root,
            result.work,
        )
    gone = gone_notes(before, deck, card_set.cards, known_notes(deck, checked.lock, lock))
    result.changes += gone.changes
    result.deletions = [note.id for note in gone.notes]
    result.studied_retyped, result.retyped_tags = gone.studied, gone.tags
    by_id = {card.id: card for card in card_set.cards}
    for card_id, cards in empty.items():
        if cards:
            result.changes.append(empty_change(by_id[card_id], cards))
            result.empty += [c.id for c in cards]
    result.changes += media
    result.remarks += _remarks(result, before, after, set(notetypes), target, held, checked, lock)
    return result


def _confirm_empty(col: Collection, empty: dict[str, list[CardState]]) -> None:
    """Keep only the cards Anki itself finds empty: a note the import left alone (an
    edit in Anki kept, say) still has the numbers its text had."""
    found = {cid for note in col.get_empty_cards().notes for cid in note.card_ids}
    for card_id, cards in empty.items():
        empty[card_id] = [c for c in cards if c.id in found]


def _versions(card: Card, lock: Lock, last: Lock) -> list[Version]:
    """Every version of this card's note that ankigen wrote, from this build's lock and
    the last build's."""
    versions: set[Version] = set()
    for known in (lock, last):
        for card_id in (card.id, *card.previous_ids):
            s = known.cards.get(card_id) or known.removed.get(card_id)
            if s:
                versions |= {s.version, *s.earlier}
    return sorted(v for v in versions if v.fields)


def _renamed_media(col: Collection, checked: Checked) -> list[Change]:
    """Files the importer stored under a new name, because the collection has a file of
    the same name with other content: it appends the file's SHA-1 to the stem
    (rslib/src/media/files.rs, add_hash_suffix_to_file_stem)."""
    names = set(os.listdir(col.media.dir()))
    changes = []
    for media in checked.rendered.media:
        stem, suffix = os.path.splitext(media.name)
        pattern = re.compile(re.escape(stem) + "-[0-9a-f]{40}" + re.escape(suffix))
        renamed = sorted(n for n in names if pattern.fullmatch(n))
        if renamed:
            changes.append(Change("media", media.name, "", (f"stored as {renamed[0]}",)))
    return changes


def _remarks(
    result: Plan,
    before: Snapshot,
    after: Snapshot,
    notetype_ids: set[int],
    target: Target,
    held: bool,
    checked: Checked,
    lock: Lock,
) -> list[str]:
    remarks = []
    if held:
        remarks.append("Anki has this collection open: the plan is for what it has saved so far")
    if checked.lock.to_json() != lock.to_json():
        remarks.append(
            "the card set changed since the last build: this is the plan for the "
            "package `ankigen build` would write now"
        )
    copies = sorted(name for nid, name in after.notetypes.items() if nid not in notetype_ids)
    if copies:
        remarks.append(
            f"a note type's fields or templates changed: Anki keeps the old one for the "
            f"notes you have and adds a copy ({', '.join(copies)}) for new ones. "
            "`ankigen apply --merge-note-types` merges them (Anki then asks for a one-way sync)"
        )
    if result.full_sync:
        remarks.append(
            "this import changes the collection's schema: Anki will ask for a one-way sync"
        )
    if result.schema < NEWEST_SCHEMA and target.kind == "collection":
        remarks.append(
            f"the collection is stored at schema version {result.schema}: apply leaves it there"
        )
    return remarks

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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..build import Checked, check, package
from ..errors import CardSetError, Problem
from ..package.apkg import guid
from ..package.lock import Lock
from ..package.notetype import stable_id
from ..render import FIELDS, RenderedCard
from ..source.model import Card
from .snapshot import NoteState, Snapshot, nfc, snapshot
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
from .worddiff import word_diff

if TYPE_CHECKING:
    from anki.collection import Collection

NEWEST_SCHEMA = 18  # rslib/src/storage/upgrades/mod.rs: SCHEMA_MAX_VERSION

# Each card is in exactly one of these ...
STATES = ("new", "updated", "unchanged", "edited", "conflict", "refused")
# ... and may also be in these; "removed" and "media" are about notes and files not in the YAML.
EXTRAS = ("tags", "subdeck", "removed", "media")
# What makes ``plan`` exit 1: after the import, the collection would not match the
# YAML, or something of the learner's would be lost.
SURPRISES = ("conflict", "refused", "tags", "subdeck", "removed")


@dataclass(frozen=True)
class Change:
    kind: str
    name: str  # a card id, or a media file name
    where: str = ""  # the card's path:line
    detail: tuple[str, ...] = ()


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
    moves: dict[str, list[int]] = field(default_factory=dict)  # subdeck -> Anki card ids
    deletions: list[int] = field(default_factory=list)  # Anki note ids
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


def plan_checked(
    checked: Checked,
    target: Target,
    scratch: Path,
    now: int | None = None,
    merge_notetypes: bool = False,
) -> Plan:
    from anki.collection import Collection

    card_set = checked.card_set
    deck = card_set.deck
    package_path = scratch / f"{deck.id}.apkg"
    _, lock = package(checked, package_path, now)
    held = target.kind == "collection" and in_use(target.path)
    copy = copy_collection(target, scratch / "collection", [m.name for m in checked.rendered.media])
    schema = schema_version(copy, target.path)
    if schema > NEWEST_SCHEMA or schema in (12, 13):
        message = (
            f"schema version {schema} is newer than the installed Anki package can read "
            f"(up to {NEWEST_SCHEMA}): upgrade it (pip install -U 'ankigen[anki]')"
        )
        raise CardSetError([Problem(target.path, None, message)])

    guids = {c.id: guid(deck, c.id) for c in card_set.cards}
    notetype_id = stable_id(deck.id, "notetype")
    col = Collection(str(copy))
    try:
        before = snapshot(col, notetype_id, guids.values())
        log = import_package(col, package_path, merge_notetypes)
        after = snapshot(col, notetype_id, guids.values())
        media = _renamed_media(col, checked)
    finally:
        col.close()

    result = Plan(
        deck.name, target.path, len(card_set.cards), schema=schema, modified=before.modified
    )
    result.before, result.after, result.lock = before, after, lock
    result.full_sync = after.schema != before.schema
    refused = {
        n.fields[FIELDS.index("ID")] for n in log.conflicting if len(n.fields) == len(FIELDS)
    }
    rendered = {r.card.id: r for r in checked.rendered.cards}
    roots = {deck.name, checked.lock.deck} - {""}
    result.subdecks = {deck.name} | {f"{deck.name}::{c.name}" for c in deck.categories}
    for card in card_set.cards:
        stamps = {s.mtime for s in (lock.cards.get(card.id), checked.lock.cards.get(card.id)) if s}
        result.changes += _card_changes(
            card,
            rendered[card.id],
            before.notes.get(guids[card.id]),
            after.notes.get(guids[card.id]),
            stamps,
            card.id in refused,
            f"{deck.name}::{card_set.category(card.category).name}",
            roots,
            deck.tag_root,
            result.moves,
        )
    removed = _removed(before, set(guids), lambda card_id: guid(deck, card_id))
    result.deletions = [note.id for note in removed]
    result.changes += [
        Change("removed", n.card_id, "", (f'Browser search: "ID:{n.card_id}"',)) for n in removed
    ]
    result.changes += media
    result.remarks += _remarks(result, before, after, notetype_id, target, held, checked, lock)
    return result


def _card_changes(
    card: Card,
    rendered: RenderedCard,
    before: NoteState | None,
    after: NoteState | None,
    stamps: set[int],
    refused: bool,
    subdeck: str,
    roots: set[str],
    tag_root: str,
    moves: dict[str, list[int]],
) -> list[Change]:
    where = f"{card.path}:{card.lines.get('id', card.line)}"
    ours = _ours(tag_root)
    wanted = {name: nfc(value) for name, value in zip(FIELDS, rendered.fields, strict=True)}
    changes = []
    if refused:
        changes.append(Change("refused", card.id, where))
    elif before is None or after is None:
        changes.append(Change("new", card.id, where, (f"into '{subdeck}'",)))
        return changes
    elif after.fields != before.fields or after.tags != before.tags:
        edited = before.mtime not in stamps and min(stamps) < before.mtime
        if edited and before.fields != wanted:
            # Edited in Anki after a build, and the YAML changed since: the update
            # replaces the learner's text.
            diff = _field_diffs(wanted, before.fields)
            changes.append(Change("conflict", card.id, where, ("YAML -> your edit:", *diff)))
        else:
            changes.append(Change("updated", card.id, where, (_what_changed(before, after),)))
        dropped = [t for t in before.tags if not ours(t) and t not in after.tags]
        if dropped:
            changes.append(Change("tags", card.id, where, (" ".join(dropped),)))
    elif before.fields == wanted and {t for t in before.tags if ours(t)} == {
        t for t in rendered.tags
    }:
        changes.append(Change("unchanged", card.id, where))
    else:
        diff = _field_diffs(wanted, before.fields)
        mine = sorted(t for t in before.tags if ours(t))
        if mine != sorted(rendered.tags):
            diff.append("tags: " + word_diff(" ".join(rendered.tags), " ".join(mine)))
        changes.append(Change("edited", card.id, where, ("YAML -> your edit:", *diff)))

    note = after or before
    for c in note.cards:
        if c.deck.casefold() != subdeck.casefold() and _in_tree(c.deck, roots):
            detail = f"in '{c.deck}', belongs in '{subdeck}'"
            if c.filtered:
                detail += " (now in a filtered deck: apply moves it once it is back)"
            else:
                moves.setdefault(subdeck, []).append(c.id)
            changes.append(Change("subdeck", card.id, where, (detail,)))
    return changes


def _ours(tag_root: str) -> Callable[[str], bool]:
    prefix = f"{tag_root}::".casefold()
    return lambda tag: tag.casefold().startswith(prefix)


def _in_tree(deck: str, roots: set[str]) -> bool:
    name = deck.casefold()
    return any(name == r.casefold() or name.startswith(r.casefold() + "::") for r in roots)


def _field_diffs(yaml: dict[str, str], anki: dict[str, str]) -> list[str]:
    return [
        f"{name}: {word_diff(yaml.get(name, ''), anki.get(name, ''))}"
        for name in FIELDS
        if yaml.get(name, "") != anki.get(name, "")
    ]


def _what_changed(before: NoteState, after: NoteState) -> str:
    parts = [name for name in FIELDS if before.fields.get(name) != after.fields.get(name)]
    added = [t for t in after.tags if t not in before.tags]
    removed = [t for t in before.tags if t not in after.tags]
    tags = " ".join([*(f"+{t}" for t in added), *(f"-{t}" for t in removed)])
    return ", ".join(parts + ([f"tags {tags}"] if tags else [])) or "modification time"


def _removed(before: Snapshot, current: set[str], guid_of: Callable[[str], str]) -> list[NoteState]:
    """Notes of this deck's note types that ankigen made (their GUID is the one of their
    ID field) for card ids the YAML no longer has: never a note of anyone else."""
    removed = [
        note
        for note in before.notes.values()
        if note.notetype in before.notetypes
        and note.card_id
        and note.card_id not in current
        and note.guid == guid_of(note.card_id)
    ]
    return sorted(removed, key=lambda n: n.card_id)


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
    notetype_id: int,
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
    copies = sorted(
        name
        for nid, name in after.notetypes.items()
        if nid not in before.notetypes and nid != notetype_id
    )
    if copies:
        remarks.append(
            f"the note type's fields or templates changed: Anki keeps the old one for the "
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

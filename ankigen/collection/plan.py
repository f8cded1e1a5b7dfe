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
from ..package.stamps import fields_digest
from ..render import FIELDS, RenderedCard
from ..source.model import Card, CardSet
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

# The kinds of change. Each card is one of new, updated, unchanged, edited (in Anki,
# kept), conflict (edited in Anki, replaced by the update), skipped (the importer
# leaves an older version) or refused (note type changed); it may also be "tags"
# (learner's tags dropped) and "subdeck" (left in an old one). "removed" and "media"
# are about notes and files the YAML no longer has, or that Anki renames.
# What makes ``plan`` exit 1: after the import, the collection would not match the
# YAML, or something of the learner's would be lost.
SURPRISES = ("conflict", "skipped", "refused", "tags", "subdeck", "removed")


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
    stale: dict[str, int] = field(default_factory=dict)  # card id -> time: skipped notes
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


def _only_basic_cards(card_set: CardSet) -> None:
    """Plan and apply read a collection through the basic note type alone, so far."""
    problems = [
        Problem(
            card.path,
            card.lines.get("type", card.line),
            f"card '{card.id}' is a {card.kind} card: `ankigen plan` and `apply` know basic "
            "cards only, so far; import the package with Anki's File → Import instead",
        )
        for card in card_set.cards
        if card.kind != "basic"
    ]
    if problems:
        raise CardSetError(problems)


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
    _only_basic_cards(card_set)
    package_path = scratch / f"{deck.id}.apkg"
    # A changed note type is announced here rather than refused as by build.
    _, lock = package(checked, package_path, now, change_note_type=True)
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
    result.subdecks = {deck.name} | {f"{deck.name}::{deck.subdeck(c)}" for c in deck.categories}
    for card in card_set.cards:
        known = _versions(card, lock, checked.lock)
        result.changes += _card_changes(
            card,
            rendered[card.id],
            before.notes.get(guids[card.id]),
            after.notes.get(guids[card.id]),
            known,
            card.id in refused,
            f"{deck.name}::{deck.subdeck(card_set.category(card.category))}",
            roots,
            deck.tag_root,
            result,
        )
    tombstones = {**checked.lock.removed, **lock.removed}
    known = {guid(deck, s.first or card_id, s.kind): s.removed for card_id, s in tombstones.items()}
    removed = _removed(before, set(guids.values()), known, lambda card_id: guid(deck, card_id))
    result.deletions = [note.id for note in removed]
    for n in removed:
        when = f"on {known[n.guid]}, " if known.get(n.guid) else ""
        search = f'{when}Browser search: "ID:{n.card_id}"'
        result.changes.append(Change("removed", n.card_id, "", (search,)))
    result.changes += media
    result.remarks += _remarks(result, before, after, notetype_id, target, held, checked, lock)
    return result


def _card_changes(
    card: Card,
    rendered: RenderedCard,
    before: NoteState | None,
    after: NoteState | None,
    known: list[tuple[int, str]],
    refused: bool,
    subdeck: str,
    roots: set[str],
    tag_root: str,
    result: Plan,
) -> list[Change]:
    """What the import does to one card's note. The versions ankigen wrote (``known``:
    each time and fields digest from the locks) tell an edit made in Anki: the note's
    fields are none of them, and its time is later than one of them. Whether the YAML
    changed since is told by time: an edit newer than the YAML's version keeps it out
    (the importer skips the note), an older one is overwritten by it."""
    where = f"{card.path}:{card.lines.get('id', card.line)}"
    ours = _ours(tag_root)
    wanted = {name: nfc(value) for name, value in zip(FIELDS, rendered.fields, strict=True)}
    changes = []
    if refused:
        changes.append(Change("refused", card.id, where))
    elif before is None or after is None:
        changes.append(Change("new", card.id, where, (f"into '{subdeck}'",)))
        return changes
    else:
        updated = after.fields != before.fields or after.tags != before.tags
        digest = fields_digest(before.fields.get(name, "") for name in FIELDS)
        edited = digest not in {d for _, d in known} and any(m < before.mtime for m, _ in known)
        diff = ("YAML -> your edit:", *_field_diffs(wanted, before.fields))
        same_tags = {t for t in before.tags if ours(t)} == set(rendered.tags)
        if edited and updated:
            # Edited in Anki, then the YAML changed: the update replaces the edit.
            changes.append(Change("conflict", card.id, where, diff))
        elif edited:
            changes.append(Change("edited", card.id, where, diff))
        elif updated:
            what = _what_changed(before, after, ours)
            changes.append(Change("updated", card.id, where, (what,)))
        elif before.fields == wanted and same_tags:
            changes.append(Change("unchanged", card.id, where))
        else:
            # An older version, changed in Anki (its tags, say) after this one was built.
            changes.append(Change("skipped", card.id, where))
            result.stale[card.id] = before.mtime
        dropped = [t for t in learners_tags(before.tags, tag_root) if t not in after.tags]
        if dropped:
            changes.append(Change("tags", card.id, where, (" ".join(dropped),)))

    note = after or before
    for c in note.cards:
        if c.deck.casefold() != subdeck.casefold() and _in_tree(c.deck, roots):
            detail = f"in '{c.deck}', belongs in '{subdeck}'"
            if c.filtered:
                detail += " (now in a filtered deck: apply moves it once it is back)"
            else:
                result.moves.setdefault(subdeck, []).append(c.id)
            changes.append(Change("subdeck", card.id, where, (detail,)))
    return changes


def _ours(tag_root: str) -> Callable[[str], bool]:
    """ankigen's own tags, except the day a note last changed, which only the lock
    decides (a note imported before that tag existed has none)."""
    prefix, changed = f"{tag_root}::".casefold(), f"{tag_root}::changed::".casefold()
    return lambda tag: tag.casefold().startswith(prefix) and not tag.casefold().startswith(changed)


def _in_tree(deck: str, roots: set[str]) -> bool:
    name = deck.casefold()
    return any(name == r.casefold() or name.startswith(r.casefold() + "::") for r in roots)


def _field_diffs(yaml: dict[str, str], anki: dict[str, str]) -> list[str]:
    return [
        f"{name}: {word_diff(yaml.get(name, ''), anki.get(name, ''))}"
        for name in FIELDS
        if yaml.get(name, "") != anki.get(name, "")
    ]


def _what_changed(before: NoteState, after: NoteState, ours: Callable[[str], bool]) -> str:
    """The fields and ankigen's tags an update changes (the learner's tags it drops are
    a group of their own)."""
    parts = [name for name in FIELDS if before.fields.get(name) != after.fields.get(name)]
    added = [t for t in after.tags if t not in before.tags and ours(t)]
    removed = [t for t in before.tags if t not in after.tags and ours(t)]
    tags = " ".join([*(f"+{t}" for t in added), *(f"-{t}" for t in removed)])
    return ", ".join(parts + ([f"tags {tags}"] if tags else [])) or "the day it last changed"


def learners_tags(tags: tuple[str, ...], tag_root: str) -> list[str]:
    """The tags a learner added: every one not under the deck's root tag."""
    prefix = f"{tag_root}::".casefold()
    return [t for t in tags if not t.casefold().startswith(prefix)]


def _removed(
    before: Snapshot,
    current: set[str],
    tombstones: dict[str, str],
    guid_of: Callable[[str], str],
) -> list[NoteState]:
    """Notes of this deck's note types that ankigen made for cards the YAML no longer
    has: their GUID is the one of their ID field, or of a card the lock remembers as
    removed. Never a note of anyone else."""
    removed = [
        note
        for note in before.notes.values()
        if note.notetype in before.notetypes
        and note.guid not in current
        and (note.guid in tombstones or (note.card_id and note.guid == guid_of(note.card_id)))
    ]
    return sorted(removed, key=lambda n: n.card_id)


def _versions(card: Card, lock: Lock, last: Lock) -> list[tuple[int, str]]:
    """Every version of this card's note that ankigen wrote, as (time, fields digest),
    from this build's lock and the last build's."""
    versions: set[tuple[int, str]] = set()
    for known in (lock, last):
        for card_id in (card.id, *card.previous_ids):
            s = known.cards.get(card_id) or known.removed.get(card_id)
            if s:
                versions |= {(s.mtime, s.fields), *s.earlier}
    return sorted(v for v in versions if v[1])


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

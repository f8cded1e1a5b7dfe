"""``apply``: import a build into a learner's collection and do what the importer
cannot, so that afterwards the collection matches the YAML and nothing of the
learner's is lost. It carries out the plan made on a copy, after a backup.

Every step goes through Anki's own operations (the importer, Change Deck, Delete
Notes, Empty Cards, Delete Deck), each one transaction, so a process killed between
them leaves a collection Anki opens as it is, and running ``apply`` again finishes
the job."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..build import package
from ..check import Checked, check
from ..errors import CardSetError, Problem
from ..package.apkg import Stamped, guid
from ..package.lock import LOCK_FILE, Lock
from ..render import NOTE_FIELDS
from .changes import learners_tags
from .plan import Plan, plan_checked, plan_package
from .target import (
    IN_USE,
    Target,
    anki_errors,
    backup,
    import_package,
    in_use,
    locate,
    opened,
    require_anki,
)

if TYPE_CHECKING:
    from anki.collection import Collection


@dataclass
class Applied:
    plan: Plan | None  # None when refused before planning
    backup: Path | None = None
    refused: list[Problem] = field(default_factory=list)  # why nothing was changed
    about: tuple[str, ...] = ()  # the kinds of change the refusals are about
    removed_decks: list[str] = field(default_factory=list)
    empty_deleted: int = 0  # cards of removed cloze numbers

    @property
    def changed(self) -> bool:
        return self.backup is not None


def apply(
    root: Path,
    collection: Path,
    now: int | None = None,
    cache: bool = True,
    prefer_yaml: bool = False,
    merge_notetypes: bool = False,
    progress: Callable[[str], None] = lambda line: None,
    delete_retyped: bool = False,
) -> Applied:
    """Apply the card set at ``root`` to ``collection``; ``progress`` hears of each step
    as it is done (first the backup's path). The old note of a card whose type changed
    is deleted only with ``delete_retyped`` once it has been studied: the new note
    starts without that history."""
    require_anki()
    target = locate(collection)
    if target.kind != "collection":
        message = (
            f"apply changes a collection, and a .{target.path.suffix.lstrip('.')} is not one: "
            "give an Anki profile folder or its collection.anki2 (a package can only be planned)"
        )
        raise CardSetError([Problem(target.path, None, message)])
    checked = check(root, cache)
    with tempfile.TemporaryDirectory(prefix="ankigen-apply-") as tmp, anki_errors(target.path):
        scratch = Path(tmp)
        (scratch / "plan").mkdir()
        built = plan_package(checked, scratch / "plan", now)
        refused = _before_planning(checked, built[1], target)
        if refused:  # what needs no plan is refused before making one
            return Applied(None, refused=refused)
        result = plan_checked(checked, target, scratch / "plan", now, merge_notetypes, built)
        refused, about = _refusals(result, target, prefer_yaml, merge_notetypes, delete_retyped)
        if refused:
            return Applied(result, refused=refused, about=about)
        if not _work(result):
            return Applied(result)
        with opened(target.path, result.schema) as col:
            if col.db.scalar("select mod from col") != result.modified:
                message = "the collection changed while it was being planned: run apply again"
                return Applied(result, refused=[Problem(target.path, None, message)])
            done = Applied(result, backup(col, target.backups))
            progress(f"backup: {done.backup}")
            _import(col, checked, result, scratch / "apply.apkg", now, merge_notetypes)
            progress("imported the package with Anki's importer")
            _move(col, result)
            _delete(col, result)
            done.empty_deleted = _remove_empty_cards(col, result)
            done.removed_decks = _remove_emptied_decks(col, result)
        return done


def _before_planning(checked: Checked, lock: Lock, target: Target) -> list[Problem]:
    """What apply refuses whatever the plan: a collection that is open, a card set that
    changed since the last build."""
    problems = []
    if in_use(target.path):
        problems.append(Problem(target.path, None, IN_USE))
    if checked.lock.to_json() != lock.to_json():
        message = (
            "the card set changed since the last build (or was never built): run "
            "`ankigen build` first, so that the lock records what goes into your collection"
        )
        problems.append(Problem(checked.card_set.root / LOCK_FILE, None, message))
    return problems


def _refusals(
    result: Plan,
    target: Target,
    prefer_yaml: bool,
    merge_notetypes: bool,
    delete_retyped: bool,
) -> tuple[list[Problem], tuple[str, ...]]:
    """What apply refuses in the plan, and the kinds of change that is about."""
    problems = []
    about: list[str] = []
    unknown = sorted({c.name for c in result.group("unknown")})
    if unknown:
        many = len(unknown) != 1
        shown = ", ".join(unknown[:10]) + f", … (+{len(unknown) - 10} more)" * (len(unknown) > 10)
        message = (
            f"{len(unknown)} note{'s' * many} in the collection {'have' if many else 'has'} "
            f"this deck's id but {'are' if many else 'is'} unknown to this card set ({shown}): "
            "another card set may share this deck id (give this one its own id in deck.yaml, "
            "then `ankigen build --new-deck-id`); if they are this card set's own old notes "
            "and its lock file was lost, restore the lock, or delete them in Anki's Browser"
        )
        problems.append(Problem(target.path, None, message))
        about.append("unknown")
    conflicts = result.work.conflicts
    if conflicts and not prefer_yaml:
        many = len(conflicts) != 1
        fields = "; ".join(f"{card_id}: {', '.join(names)}" for card_id, names in conflicts.items())
        message = (
            f"{len(conflicts)} note{'s' * many} changed both in Anki and in the YAML, in the "
            f"same field ({fields}): copy your edit into the YAML and rebuild, or pass "
            "--prefer-yaml to take the YAML's there (the fields only you changed are kept)"
        )
        problems.append(Problem(target.path, None, message))
        about.append("conflict")
    if result.group("refused") and not merge_notetypes:
        message = (
            "the note type's fields or templates changed, so Anki would not update the "
            "notes you have: pass --merge-note-types to merge it (Anki then asks for a "
            "one-way sync)"
        )
        problems.append(Problem(target.path, None, message))
    studied = result.studied_retyped
    if studied and not delete_retyped:
        many = len(studied) != 1
        message = (
            f"{len(studied)} card{'s' * many} changed type ({', '.join(studied)}): "
            f"{'each' if many else 'it'} is a new note now, which starts without review "
            "history, and apply would delete the "
            f"old note{'s' * many} with {'their' if many else 'its'} reviews and schedule: "
            "pass --delete-retyped to go ahead, or import the package with Anki's "
            "File → Import to keep both"
        )
        problems.append(Problem(target.path, None, message))
        about.append("retyped")
    return problems, tuple(about)


def _work(result: Plan) -> bool:
    """Whether apply has anything to do: the import changes the collection (Anki leaves
    its modification time alone when it does not), notes the importer skips are to be
    updated, cards move, or notes go."""
    changed = result.after.modified != result.before.modified
    return changed or bool(
        result.work.stale or result.work.moves or result.deletions or result.empty
    )


def _import(
    col: Collection,
    checked: Checked,
    result: Plan,
    path: Path,
    now: int | None,
    merge_notetypes: bool,
) -> None:
    """The same package, except that an updated note keeps the tags the learner added
    (the importer replaces a note's tags with the package's, and keeps the package's
    time), and so does the new note of a card whose type changed, from its old note;
    that a note edited in Anki keeps the fields only the learner changed (merge.py);
    and that a note changed in Anki after its version was built is stamped just newer
    than that change, so that the importer takes it."""
    deck = checked.card_set.deck
    kinds = ("updated", "merged", "conflict", "skipped")
    updated = {c.name for c in result.changes if c.kind in kinds}
    keep: dict[str, list[str]] = dict(result.retyped_tags)
    for card in checked.card_set.cards:
        before = result.before.notes.get(guid(deck, card.first_id, card.kind))
        if card.id in updated and before is not None:
            keep[card.id] = learners_tags(before.tags, deck.tag_root)

    def merged(card: Stamped) -> Stamped:
        rendered = card.rendered
        card_id = rendered.card.id
        extra = keep.get(card_id, [])
        tags = (*card.tags, *(t for t in extra if t not in card.tags))
        mine = result.work.kept.get(card_id, {})
        fields = tuple(
            mine.get(n, f)
            for n, f in zip(NOTE_FIELDS[rendered.card.kind], rendered.fields, strict=True)
        )
        mtime = max(card.mtime, result.work.stale.get(card_id, 0) + 1)
        return replace(card, rendered=replace(rendered, fields=fields), tags=tags, mtime=mtime)

    package(checked, path, now, merged, change_note_type=True)
    import_package(col, path, merge_notetypes)


def _move(col: Collection, result: Plan) -> None:
    """Change Deck, as in Anki's Browser, for every card in an old subdeck (not for one
    in a filtered deck now: moving it would take it out of there)."""
    for subdeck, card_ids in result.work.moves.items():
        col.set_deck(card_ids, col.decks.id(subdeck))


def _delete(col: Collection, result: Plan) -> None:
    if result.deletions:
        col.remove_notes(result.deletions)


def _remove_empty_cards(col: Collection, result: Plan) -> int:
    """Tools → Empty Cards, for the cards of removed cloze numbers only, and only those
    that Anki too finds empty now; how many."""
    if not result.empty:
        return 0
    found = {cid for note in col.get_empty_cards().notes for cid in note.card_ids}
    empty = [cid for cid in result.empty if cid in found]
    col.remove_cards_and_orphaned_notes(empty)
    return len(empty)


def _remove_emptied_decks(col: Collection, result: Plan) -> list[str]:
    """The old subdecks that apply emptied, once nothing is left in them."""
    moved = {card_id for card_ids in result.work.moves.values() for card_id in card_ids}
    moved |= set(result.empty)
    old = {c.deck for n in result.after.notes.values() for c in n.cards if c.id in moved}
    old |= {
        c.deck for n in result.before.notes.values() if n.id in result.deletions for c in n.cards
    }
    current = {name.casefold() for name in result.subdecks}
    removed = []
    for name in sorted(d for d in old if d.casefold() not in current):
        deck_id = col.decks.id_for_name(name)
        empty = deck_id and not col.decks.card_count(deck_id, include_subdecks=True)
        if empty and not col.decks.children(deck_id):
            col.decks.remove([deck_id])
            removed.append(name)
    return removed

"""The pipeline, start to end: check (load -> validate -> render, check.py) -> stamp
-> write."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from .atomic import atomic_files
from .check import Checked, check_uncollected, without_cycle_collector
from .errors import CardSetError, Problem, warning
from .package.apkg import Stamped, stamp, write_apkg
from .package.lock import LOCK_FILE, Lock, Stamp, next_mtime, now_from_environment
from .package.notetype import note_type
from .package.output import output_path
from .package.stamps import day, restamp
from .source.format import KINDS
from .source.model import CardSet, Deck


@dataclass
class Report:
    """What a build did, for the summary the CLI prints."""

    card_set: CardSet
    output: Path | None = None
    size: int = 0
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notetypes_changed: list[str] = field(default_factory=list)  # kinds
    retyped: dict[str, str] = field(default_factory=dict)  # card id -> its old kind
    lock_found: bool = True  # False: no lock file, so every card got this build's time
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (previous id, id)
    restored: list[str] = field(default_factory=list)
    removed_earlier: list[str] = field(default_factory=list)  # by builds before this one
    anki_cards: dict[str, int] = field(default_factory=dict)  # card id -> its note's cards
    read: list[Path] = field(default_factory=list)  # Checked.files_read

    @property
    def notetype_changed(self) -> bool:
        return bool(self.notetypes_changed)

    def counts(self) -> list[tuple[str, int, int]]:
        """(subdeck name, notes, the cards Anki makes of them), in deck order."""
        cards, deck = self.card_set.cards, self.card_set.deck
        return [
            (
                deck.subdeck(c),
                sum(1 for card in cards if card.category == c.id),
                sum(self.anki_cards.get(card.id, 1) for card in cards if card.category == c.id),
            )
            for c in deck.categories
        ]


def build(
    root: Path,
    output: Path | None = None,
    now: int | None = None,
    cache: bool = True,
    new_deck_id: bool = False,
    change_note_type: bool = False,
) -> Report:
    """Compile the card set at ``root`` into an .apkg and update its lock file. ``output``
    is the file, or a directory to write ``<deck id>.apkg`` into (default: dist/). A deck
    id other than the lock's is refused unless ``new_deck_id``, and a change to the note
    type's fields or templates unless ``change_note_type``."""
    with without_cycle_collector():
        return _build(root, output, now, cache, new_deck_id, change_note_type)


def _build(
    root: Path,
    output: Path | None,
    now: int | None,
    cache: bool,
    new_deck_id: bool,
    change_note_type: bool,
) -> Report:
    checked = check_uncollected(root, cache)
    report, _ = package(
        checked, output, now, None, new_deck_id, write_lock=True, change_note_type=change_note_type
    )
    return report


Adjust = Callable[[Stamped], Stamped]


def package(
    checked: Checked,
    output: Path | None = None,
    now: int | None = None,
    adjust: Adjust | None = None,
    new_deck_id: bool = False,
    write_lock: bool = False,
    change_note_type: bool = False,
) -> tuple[Report, Lock]:
    """Write the .apkg as ``build`` does, and return the lock of this build: with
    ``write_lock``, written too (both files or neither); without, left unwritten, as
    ``plan`` and ``apply`` need. ``adjust`` may change a note on its way into the
    package (``apply`` merges a learner's own tags back in with it)."""
    try:
        return _package(checked, output, now, adjust, new_deck_id, write_lock, change_note_type)
    except CardSetError as exc:  # a refusal, reported with the warnings found before it
        raise CardSetError([*exc.problems, *exc.warnings, *checked.warnings]) from None


def _package(
    checked: Checked,
    output: Path | None,
    now: int | None,
    adjust: Adjust | None,
    new_deck_id: bool,
    write_lock: bool,
    change_note_type: bool,
) -> tuple[Report, Lock]:
    card_set, rendered, previous = checked.card_set, checked.rendered, checked.lock
    deck = card_set.deck
    root = card_set.root
    output = output_path(output, root, deck.id)
    warnings = checked.warnings
    if checked.deck_id_changed:
        if not new_deck_id:
            raise CardSetError([replace(checked.deck_id_changed, warning=False)])
        warnings = [w for w in warnings if w is not checked.deck_id_changed]
        warnings.append(_new_deck(previous, deck))
        previous = Lock()
    lock_path = root / LOCK_FILE
    epoch = now_from_environment() if now is None else None
    if now is None:
        now = int(time.time()) if epoch is None else epoch
    warnings += _time_warnings(previous, checked.lock_found, now, epoch is not None, lock_path)

    report = Report(card_set, output, warnings=warnings, lock_found=checked.lock_found)
    report.anki_cards = {r.card.id: len(r.ords) for r in rendered.cards}
    report.read = checked.files_read()
    kinds = sorted({c.kind for c in card_set.cards}, key=KINDS.index) or ["basic"]
    lock = Lock(deck.name, {c.id: deck.subdeck(c) for c in deck.categories}, deck_id=deck.id)
    notetypes = []
    for kind in kinds:
        notetype = note_type(deck, kind)
        before = previous.notetype if kind == "basic" else previous.notetypes.get(kind)
        stamped_type = Stamp(notetype.content_hash, next_mtime(before, notetype.content_hash, now))
        if kind == "basic":
            lock.notetype = stamped_type
        else:
            lock.notetypes[kind] = stamped_type
        if before is not None and before.hash != notetype.content_hash:
            report.notetypes_changed.append(kind)
        notetypes.append((notetype, stamped_type.mtime))

    basic = next((n for n, _ in notetypes if n.kind == "basic"), None) or note_type(deck)
    schemas = {"basic": basic.schema, **{n.kind: n.schema for n, _ in notetypes}}
    recorded = {"basic": previous.schema, **previous.schemas}
    changes = [
        _schema_changed(deck, kind, recorded[kind], schema)
        for kind, schema in schemas.items()
        if recorded.get(kind) and recorded[kind] != schema
    ]
    if changes and not change_note_type:
        raise CardSetError(changes)
    stamping = restamp(previous, rendered.cards, now)
    report.new, report.changed, report.retyped = stamping.new, stamping.changed, stamping.retyped
    report.removed = sorted({*stamping.gone, *stamping.retyped})  # a retyped card's old note
    report.renamed, report.restored = stamping.renamed, stamping.restored
    report.removed_earlier = sorted(set(stamping.removed) - set(stamping.gone))
    lock.cards, lock.removed, lock.schema = stamping.cards, stamping.removed, schemas.pop("basic")
    lock.schemas = dict(sorted({**previous.schemas, **schemas}.items()))
    # Each note carries the day it last changed, from the lock alone (not in the content
    # hash), so a learner can study exactly what a release corrected.
    stamped = stamp(
        [(r, stamping.cards[r.card.id].mtime) for r in rendered.cards],
        lambda mtime: changed_tag(deck, mtime),
    )

    # Both files are written beside their places first, then both renamed: a build that
    # fails, or cannot write either one, leaves the package and the lock as they were.
    files = (output, lock_path) if write_lock else (output,)
    with atomic_files(*files) as (out, *lock_out):
        write_apkg(
            out,
            output.parent,
            deck,
            rendered.description,
            notetypes,
            [adjust(s) for s in stamped] if adjust else stamped,
            rendered.media,
        )
        for file in lock_out:
            lock.write_json(lambda text, file=file: file.write(text.encode()))
    report.size = output.stat().st_size
    return report, lock


def _new_deck(previous: Lock, deck: Deck) -> Problem:
    message = (
        f"a new deck: its id changed from '{previous.deck_id}' to '{deck.id}', so every card "
        "is a new note in Anki; the old notes, with their review history, stay where they are"
    )
    return warning(deck.path, deck.lines.get("id"), message)


def _time_warnings(
    previous: Lock, lock_found: bool, now: int, from_environment: bool, lock_path: Path
) -> list[Problem]:
    """An old SOURCE_DATE_EPOCH is harmless with the lock (changed cards still move past
    their stored times) but, without it, can stamp cards older than Anki's copies."""
    if not from_environment:
        return []
    where, when = Path("SOURCE_DATE_EPOCH"), _date(now)
    if not lock_found:
        message = (
            f"there is no lock file, so every card is stamped {when}: if an earlier build of "
            "this deck was stamped later, Anki will skip every note it already has. Restore "
            f"{lock_path} from version control, or unset SOURCE_DATE_EPOCH"
        )
        return [warning(where, None, message)]
    if previous.newest() > now:
        message = (
            f"{when} is older than the last build ({_date(previous.newest())}): changed "
            "cards are still stamped after their previous times, but new cards get this one"
        )
        return [warning(where, None, message)]
    return []


def _date(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def changed_tag(deck: Deck, mtime: int) -> str:
    return f"{deck.tag_root}::changed::{day(mtime)}"


def _schema_changed(deck: Deck, kind: str, before: dict, after: dict) -> Problem:
    """A build that changes a note type's fields or templates: Anki's importer then
    adds a copy of the note type and leaves every note a learner has as it was."""
    changes = []
    for part in ("fields", "templates"):
        old, new = [tuple(e) for e in before.get(part, [])], [tuple(e) for e in after.get(part, [])]
        singular = part[:-1]
        changes += [f"{singular} '{n}' added" for n, i in new if (n, i) not in old]
        changes += [f"{singular} '{n}' removed" for n, i in old if (n, i) not in new]
        if not changes and old != new:
            changes.append(f"{part} reordered")
    message = (
        f"this build changes the {'' if kind == 'basic' else kind + ' '}note type's fields "
        f"or templates ({', '.join(changes)}): "
        "Anki's importer would then ignore the updates to every note a learner already "
        "has, unless they tick *Merge note types* when importing (or run `ankigen apply "
        "--merge-note-types`), and Anki will then ask them for a one-way sync. Build "
        "with --change-note-type to go ahead"
    )
    return Problem(deck.path, None, message)

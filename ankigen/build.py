"""The pipeline, start to end: load -> validate -> render -> stamp -> write."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import atomic_writer, write_atomically
from .errors import CardSetError, Problem, in_order, split, warning
from .package.apkg import Stamped, stamp, write_apkg
from .package.lock import LOCK_FILE, Lock, Stamp, next_mtime, now_from_environment, read_lock
from .package.notetype import note_type
from .render import RenderedSet, render_with_problems
from .render.cache import RenderCache
from .source.model import CardSet
from .source.validate import read_card_set


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
    notetype_changed: bool = False

    def counts(self) -> list[tuple[str, int]]:
        """(subdeck name, number of cards), in deck order."""
        cards = self.card_set.cards
        return [
            (c.name, sum(1 for card in cards if card.category == c.id))
            for c in self.card_set.deck.categories
        ]


@contextmanager
def _without_cycle_collector() -> Iterator[None]:
    """A build makes many long-lived objects and next to no reference cycles, so
    Python's cycle collector would only rescan them again and again: with it, a
    50,000-card rebuild took 1.8 times as long."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class Checked:
    """A valid card set, rendered, with the previous build's lock and the warnings found."""

    card_set: CardSet
    rendered: RenderedSet
    lock: Lock
    warnings: list[Problem]


def check(root: Path, cache: bool = True) -> Checked:
    """Everything a build does except writing the package; raises CardSetError with
    every error. With ``cache``, Markdown rendered by an earlier run is reused (see
    render/cache.py)."""
    with _without_cycle_collector():
        return _check(root, cache)


def _check(root: Path, cache: bool) -> Checked:
    card_set, problems = read_card_set(root)
    if card_set is None:
        raise CardSetError(problems)
    render_cache = RenderCache(root) if cache else None
    rendered, render_problems = render_with_problems(card_set, render_cache)
    problems += render_problems
    lock = Lock()
    try:
        lock = read_lock(root / LOCK_FILE)  # a corrupt lock file is a problem too
    except CardSetError as exc:
        problems += exc.problems
    errors, warnings = split(problems)
    if errors:
        raise CardSetError(errors)
    return Checked(card_set, rendered, lock, in_order(warnings) + _moves(lock, card_set))


def build(
    root: Path, output: Path | None = None, now: int | None = None, cache: bool = True
) -> Report:
    """Compile the card set at ``root`` into an .apkg and update its lock file."""
    with _without_cycle_collector():
        return _build(root, output, now, cache)


def _build(root: Path, output: Path | None, now: int | None, cache: bool) -> Report:
    checked = _check(root, cache)
    report, lock = package(checked, output, now)
    write_atomically(root / LOCK_FILE, lock.to_json().encode())
    return report


Adjust = Callable[[Stamped], Stamped]


def package(
    checked: Checked,
    output: Path | None = None,
    now: int | None = None,
    adjust: Adjust | None = None,
) -> tuple[Report, Lock]:
    """Write the .apkg as ``build`` does, and return the lock it would write, unwritten.
    ``adjust`` may change a note on its way into the package (the collection layer
    merges a learner's own tags back in with it)."""
    card_set, rendered, previous = checked.card_set, checked.rendered, checked.lock
    deck = card_set.deck
    output = output or Path("dist") / f"{deck.id}.apkg"
    if now is None:
        now = now_from_environment() or int(time.time())

    report = Report(card_set, output, warnings=checked.warnings)
    notetype = note_type(deck)
    notetype_stamp = Stamp(
        notetype.content_hash, next_mtime(previous.notetype, notetype.content_hash, now)
    )
    report.notetype_changed = previous.notetype is not None and (
        previous.notetype.hash != notetype.content_hash
    )

    lock = Lock(deck.name, {c.id: c.name for c in deck.categories}, notetype_stamp)
    stamped = []
    for r in rendered.cards:
        card = r.card
        before = previous.cards.get(card.id)
        lock.cards[card.id] = Stamp(
            r.content_hash, next_mtime(before, r.content_hash, now), card.category
        )
        stamped.append((r, lock.cards[card.id].mtime))
        if before is None:
            report.new.append(card.id)
        elif before.hash != r.content_hash:
            report.changed.append(card.id)
    report.removed = sorted(set(previous.cards) - set(lock.cards))

    with atomic_writer(output) as out:
        write_apkg(
            out,
            output.parent,
            deck,
            rendered.description,
            notetype,
            notetype_stamp.mtime,
            [adjust(s) for s in stamp(stamped)] if adjust else stamp(stamped),
            rendered.media,
        )
    report.size = output.stat().st_size
    return report, lock


def _moves(previous: Lock, card_set: CardSet) -> list[Problem]:
    """Renamed decks and cards moved between categories: Anki keeps the cards it has
    where they are, so the learner should hear of it before importing."""
    deck = card_set.deck
    warnings: list[Problem] = []
    hint = "Anki matches decks by name, so cards already imported stay in '{}'"
    if previous.deck and previous.deck != deck.name:
        warnings.append(
            warning(
                deck.path,
                None,
                f"deck renamed from '{previous.deck}' to '{deck.name}': "
                + hint.format(previous.deck),
            )
        )
    for category in deck.categories:
        old = previous.categories.get(category.id)
        if old and old != category.name:
            warnings.append(
                warning(
                    deck.path,
                    None,
                    f"category '{category.id}' renamed from '{old}' to '{category.name}': "
                    + hint.format(old),
                )
            )
    for card in card_set.cards:
        before = previous.cards.get(card.id)
        if before is not None and before.category and before.category != card.category:
            warnings.append(
                warning(
                    card.path,
                    card.lines.get("id", card.line),
                    f"card '{card.id}' moved from category '{before.category}' to "
                    f"'{card.category}': Anki leaves cards it already has in their old subdeck",
                )
            )
    return warnings

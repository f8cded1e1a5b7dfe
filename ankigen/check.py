"""The first half of the pipeline: load -> validate -> render, without writing anything.

``check`` is all that ``ankigen check`` runs, and what ``build``, ``plan``, ``apply``
and ``preview`` start from; what writes the package is in build.py.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import CardSetError, Problem, in_order, split, warning
from .package.lock import LOCK_FILE, Lock
from .package.lockfile import read_lock
from .package.notetype import note_type_name
from .render import RenderedSet, render_with_problems
from .render.cache import RenderCache
from .source.load import read_yaml
from .source.model import CardSet, Deck
from .source.parsed import ParseCache
from .source.validate import read_card_set


@contextmanager
def without_cycle_collector() -> Iterator[None]:
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
    lock_found: bool = True
    deck_id_changed: Problem | None = None  # the id differs from the lock's: a new deck

    def files_read(self) -> list[Path]:
        """The files of the card set read besides its YAML files and its lock: the
        media and the deck's CSS."""
        css = self.card_set.deck.css_file
        return [m.source for m in self.rendered.media] + ([css] if css else [])


def check(root: Path, cache: bool = True) -> Checked:
    """Everything a build does except writing the package; raises CardSetError with
    every error. With ``cache``, Markdown rendered by an earlier run is reused (see
    render/cache.py)."""
    with without_cycle_collector():
        return check_uncollected(root, cache)


def check_uncollected(root: Path, cache: bool) -> Checked:
    """``check``, for a caller that has turned the cycle collector off already."""
    parsed = ParseCache(root) if cache else None
    if parsed is None:
        card_set, problems = read_card_set(root, read_yaml)
    else:
        card_set, problems = read_card_set(root, parsed.read, parsed.read_cards)
        parsed.save()
    if card_set is None:
        raise CardSetError(problems)
    lock = Lock()
    lock_path = root / LOCK_FILE
    try:
        lock, lock_problems = read_lock(lock_path)  # a corrupt lock file is a problem too
    except CardSetError as exc:
        lock_problems = exc.problems
    render_cache = RenderCache(root) if cache else None
    rendered, render_problems = render_with_problems(card_set, render_cache)
    problems += render_problems + lock_problems
    errors, warnings = split(problems)
    if errors:
        raise CardSetError(problems)  # the warnings too: every problem at once
    changed = _deck_id_changed(lock, card_set)
    if changed:
        return Checked(card_set, rendered, lock, [*in_order(warnings), changed], True, changed)
    moves = _moves(lock, card_set) + _kind_changes(lock, card_set.deck, rendered)
    return Checked(card_set, rendered, lock, in_order(warnings) + moves, lock_path.exists())


def _deck_id_changed(previous: Lock, card_set: CardSet) -> Problem | None:
    deck = card_set.deck
    if not previous.deck_id or previous.deck_id == deck.id:
        return None  # a first build, or a version-1 lock, which did not record the id
    if not previous.cards and not previous.removed:
        return None  # no note was made with the old id (``ankigen init``'s lock)
    message = (
        f"deck id changed from '{previous.deck_id}' to '{deck.id}' since the last build: "
        "every note's identity derives from the deck id, so Anki would import every card "
        "as a new note, and the review history stays with the old notes. Change the id "
        "back, or build with --new-deck-id to start a new deck on purpose"
    )
    return warning(deck.path, deck.lines.get("id"), message)


def _moves(previous: Lock, card_set: CardSet) -> list[Problem]:
    """Renamed decks and cards moved between categories: Anki keeps the cards it has
    where they are, so the learner should hear of it before importing."""
    deck = card_set.deck
    warnings: list[Problem] = []
    hint = (
        "Anki matches decks by name, so cards already imported stay in '{}' "
        "(ankigen apply moves them)"
    )
    if previous.deck and previous.deck != deck.name:
        warnings.append(
            warning(
                deck.path,
                deck.lines.get("name"),
                f"deck renamed from '{previous.deck}' to '{deck.name}': "
                + hint.format(previous.deck),
            )
        )
    for category in deck.categories:
        old, name = previous.categories.get(category.id), deck.subdeck(category)
        if old and old != name:
            warnings.append(
                warning(
                    deck.path,
                    category.line or None,
                    f"category '{category.id}' renamed from '{old}' to '{name}': "
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
                    f"'{card.category}': Anki leaves cards it already has in their old subdeck "
                    "(ankigen apply moves them)",
                )
            )
    return warnings


def removed_search(deck: Deck, card_id: str, kind: str | None = None) -> str:
    """The Browser search for a note the build no longer makes (``kind``: of that note,
    when a note of another kind now has the same ID)."""
    if kind is None:
        return f'"ID:{card_id}"'
    return f'("ID:{card_id}" "note:{note_type_name(deck, kind)}")'


def _kind_changes(previous: Lock, deck: Deck, rendered: RenderedSet) -> list[Problem]:
    """What Anki cannot do on import: change a note's type, or delete a cloze's card."""
    warnings: list[Problem] = []
    for r in rendered.cards:
        card, before = r.card, previous.cards.get(r.card.id)
        if before is None:
            continue
        line = card.lines.get("type", card.line)
        if before.kind != card.kind:
            search = removed_search(deck, card.id, before.kind)
            message = (
                f"card '{card.id}' changed type from {before.kind} to {card.kind}: Anki cannot "
                "change a note's type, so it becomes a new note, and the old one keeps the "
                f"review history (find the old one with {search})"
            )
            warnings.append(warning(card.path, line, message))
        elif before.clozes and (gone := sorted(set(before.clozes) - {o + 1 for o in r.ords})):
            numbers = ", ".join(f"c{n}" for n in gone)
            message = (
                f"card '{card.id}': {numbers} removed, which leaves "
                f"{'its card' if len(gone) == 1 else 'their cards'} empty in Anki: after "
                "importing, delete empty cards with Tools → Empty Cards"
            )
            warnings.append(warning(card.path, card.lines.get("text", card.line), message))
    return warnings

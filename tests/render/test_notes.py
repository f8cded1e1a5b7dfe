import sqlite3
from pathlib import Path

import pytest

from ankigen.render import cache as cache_module
from ankigen.render import cards, notes, render_with_problems
from ankigen.render.cache import RenderCache
from ankigen.source.validate import load_card_set

from ..conftest import DECK


@pytest.fixture
def made(monkeypatch) -> list[str]:
    """The id of every card whose note is made (not taken from the cache), in order."""
    seen: list[str] = []
    make = cards.render_card

    def spy(renderer, card, shared):
        seen.append(card.id)
        return make(renderer, card, shared)

    monkeypatch.setattr(cards, "render_card", spy)
    return seen


@pytest.fixture(autouse=True)
def small_pieces(monkeypatch) -> None:
    monkeypatch.setattr(notes, "PIECE", 2)


def _theory(ids: list[str], answer: str = "Answer {}.") -> str:
    cards = "".join(
        f"  - id: {i}\n    question: Question {i}?\n    answer: {answer.format(i)}\n" for i in ids
    )
    return f"category: theory\ncards:\n{cards}"


def _render(root: Path, cache: bool = True):
    return render_with_problems(load_card_set(root), RenderCache(root) if cache else None)


def _rows(root: Path) -> list[tuple[str, int]]:
    db = sqlite3.connect(RenderCache(root).path)
    try:
        return db.execute("SELECT key, rowid FROM notes ORDER BY key").fetchall()
    finally:
        db.close()


IDS = ["a", "b", "c", "d", "e"]


def test_an_edit_makes_only_its_card_and_stores_only_its_piece_again(
    write_cards, conversions, made
) -> None:
    root = write_cards(theory=_theory(IDS), code=None)
    _render(root)
    before = dict(_rows(root))
    assert len(before) == 3  # five cards, in pieces of two
    write_cards(theory=_theory(IDS).replace("Answer d.", "Answer D."), code=None)
    conversions.clear()
    made.clear()
    rendered, _ = _render(root)
    assert conversions == ["Answer D."] and made == ["d"]
    assert rendered == _render(root, cache=False)[0]
    after = dict(_rows(root))
    assert after.keys() == before.keys()
    assert [k for k in after if after[k] != before[k]] == [sorted(after)[1]]  # c and d's


def test_cards_moved_within_their_file_are_taken_as_they_were(
    write_cards, conversions, made
) -> None:
    root = write_cards(theory=_theory(IDS), code=None)
    _render(root)
    write_cards(theory=_theory(["new", *reversed(IDS)]), code=None)  # every piece changes
    conversions.clear()
    made.clear()
    rendered, _ = _render(root)
    assert conversions == ["Question new?", "Answer new."] and made == ["new"]
    assert rendered == _render(root, cache=False)[0]
    made.clear()
    _render(root)
    assert made == []


def test_a_change_to_what_every_note_is_made_with_makes_every_note_again(
    write_cards, conversions, made
) -> None:
    """A category's name is in every basic note's first field: the notes are made
    again, of the texts the cache holds."""
    root = write_cards(theory=_theory(IDS), code=None)
    _render(root)
    renamed = DECK.replace("name: Theory", "name: Theory of Everything")
    assert renamed != DECK
    write_cards(deck=renamed, theory=_theory(IDS), code=None)
    conversions.clear()
    made.clear()
    rendered, _ = _render(root)
    assert conversions == [] and made == IDS
    assert rendered == _render(root, cache=False)[0]
    assert "Theory of Everything" in rendered.cards[0].fields[0]


def test_a_file_with_a_warning_is_not_stored(write_cards) -> None:
    root = write_cards(theory=_theory(IDS, answer="Costs $x$ {}."))
    for _ in range(2):
        _, problems = _render(root)
        assert len(problems) == len(IDS)  # each card's, every time
    assert len(_rows(root)) == 1  # the code file's one piece


def test_notes_of_other_code_are_never_taken(
    write_cards, conversions, made, monkeypatch, request
) -> None:
    root = write_cards(theory=_theory(IDS), code=None)
    _render(root)
    monkeypatch.setattr(cache_module, "_NOTE_SOURCES", ("cards.py",))
    cache_module.notes_fingerprint.cache_clear()
    request.addfinalizer(cache_module.notes_fingerprint.cache_clear)
    conversions.clear()
    made.clear()
    rendered, _ = _render(root)
    assert conversions == [] and made == IDS  # made again, of the texts the cache holds
    assert rendered == _render(root, cache=False)[0]


def test_the_key_covers_every_module_that_makes_a_note() -> None:
    """Each module of render/ that cards.py reads, directly or not, is in the key: those
    shaping the HTML of a text, and those making a note of it."""
    import ast

    from ankigen.render import cache

    here = Path(cache.__file__).parent
    todo, found = ["cards.py"], set()
    while todo:
        name = todo.pop()
        found.add(name)
        for node in ast.walk(ast.parse((here / name).read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                module = f"{node.module}.py"
                if (here / module).is_file() and module not in found:
                    todo.append(module)
    # The cache itself, and the workers (which render each text as markdown.py does).
    assert found - {"cache.py", "parallel.py", "description.py"} == {
        *cache._SOURCES,
        *cache._NOTE_SOURCES,
    }

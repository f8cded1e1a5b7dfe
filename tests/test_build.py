import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ankigen.build import build
from ankigen.errors import CardSetError
from ankigen.render import notes

from .conftest import CODE, DECK, SOURCES, THEORY

T0 = 1_700_000_000


def test_report_tracks_new_changed_and_removed(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    first = build(root, tmp_path / "a.apkg", now=T0)
    assert (first.new, first.changed, first.removed) == (["alpha", "beta", "gamma"], [], [])
    assert first.counts() == [("Theory", 2, 2), ("Code", 1, 1)]
    assert first.size == (tmp_path / "a.apkg").stat().st_size

    write_cards(theory=THEORY.replace("The second letter.", "Edited."), code=None)
    (root / "more.yaml").write_text(CODE.replace("gamma", "delta"))
    second = build(root, tmp_path / "a.apkg", now=T0 + 10)
    assert (second.new, second.changed, second.removed) == (["delta"], ["beta"], ["gamma"])
    assert not second.warnings and not second.notetype_changed

    third = build(root, tmp_path / "a.apkg", now=T0 + 20)
    assert (third.new, third.changed, third.removed) == ([], [], [])


def test_default_output_is_dist_deck_id(write_cards, tmp_path: Path, monkeypatch) -> None:
    root = write_cards()
    monkeypatch.chdir(tmp_path)
    assert build(root, now=T0).output == Path("dist/test-deck.apkg")
    assert (tmp_path / "dist" / "test-deck.apkg").is_file()


def test_source_date_epoch_stands_for_now(write_cards, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    root = write_cards()
    build(root, tmp_path / "a.apkg")
    assert '"mtime": 1234567890' in (root / "ankigen.lock").read_text()


def test_warnings_for_renames_and_moves(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    build(root, tmp_path / "a.apkg", now=T0)
    write_cards(
        deck=DECK.replace("name: Test Deck", "name: New Deck").replace("name: Code", "name: Prog"),
        code=CODE + "  - id: beta\n    question: Q\n    answer: A\n",
        theory=THEORY[: THEORY.index("  - id: beta")],
    )
    report = build(root, tmp_path / "a.apkg", now=T0 + 10)
    assert [str(w).removeprefix(f"{root}/") for w in report.warnings] == [
        "deck.yaml:1: warning: deck renamed from 'Test Deck' to 'New Deck': Anki matches decks "
        "by name, so cards already imported stay in 'Test Deck' (ankigen apply moves them)",
        "deck.yaml:6: warning: category 'code' renamed from 'Code' to 'Prog': Anki matches decks "
        "by name, so cards already imported stay in 'Code' (ankigen apply moves them)",
        "code.yaml:10: warning: card 'beta' moved from category 'theory' to 'code': "
        "Anki leaves cards it already has in their old subdeck (ankigen apply moves them)",
    ]


def test_an_invalid_set_writes_nothing(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    out = tmp_path / "a.apkg"
    build(root, out, now=T0)
    before, lock = out.read_bytes(), (root / "ankigen.lock").read_bytes()
    write_cards(theory=THEORY.replace("answer: The second letter.", "anwser: x"))
    with pytest.raises(CardSetError):
        build(root, out, now=T0 + 10)
    assert out.read_bytes() == before and (root / "ankigen.lock").read_bytes() == lock
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.apkg", "cards"]


def test_an_interrupted_write_keeps_the_previous_package(
    write_cards, tmp_path, monkeypatch
) -> None:
    root = write_cards()
    out = tmp_path / "a.apkg"
    build(root, out, now=T0)
    before = out.read_bytes()
    write_cards(theory=THEORY.replace("The second letter.", "Edited."))

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr("ankigen.atomic.os.replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(root, out, now=T0 + 10)
    assert out.read_bytes() == before
    assert zipfile.ZipFile(out).testzip() is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.apkg", "cards"]


_MANGLE = st.sampled_from(
    ["", ":", "- ", "  ", "\t", "{", "}", "[", "]", "'", '"', "&a", "*a", "!!python/object ",
     "\n", "#", "|", ">", "? ", "id", "answer", "%", "@", "\\(", "\x00", "\ufeff", "é", "0"]
)  # fmt: skip


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # each example rewrites files
)
@given(
    target=st.sampled_from(["deck", "sources", "theory", "code"]),
    edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 3), _MANGLE), max_size=4),
)
def test_mangled_yaml_gives_problems_or_a_build_never_a_crash(
    write_cards, tmp_path: Path, target: str, edits: list
) -> None:
    text = {"deck": DECK, "sources": SOURCES, "theory": THEORY, "code": CODE}[target]
    for position, cut, insert in edits:
        position %= len(text) + 1
        text = text[:position] + insert + text[position + cut :]
    root = write_cards(**{target: text})
    (root / "ankigen.lock").unlink(missing_ok=True)
    try:
        report = build(root, tmp_path / "out.apkg", now=T0)
    except CardSetError as exc:
        assert exc.problems
        assert all(str(p).startswith(str(root)) for p in exc.problems)
    else:
        assert zipfile.ZipFile(tmp_path / "out.apkg").testzip() is None
        assert report.card_set.cards


def test_a_cached_build_makes_the_bytes_of_a_cold_one(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    build(root, tmp_path / "warm-up.apkg", now=T0)  # fills the render cache
    (root / "ankigen.lock").unlink()
    build(root, tmp_path / "cached.apkg", now=T0)
    (root / "ankigen.lock").unlink()
    build(root, tmp_path / "cold.apkg", now=T0, cache=False)
    assert (tmp_path / "cached.apkg").read_bytes() == (tmp_path / "cold.apkg").read_bytes()


def _theory(ids: list[str], edited: str = "") -> str:
    cards = "".join(
        f"  - id: {i}\n    question: Question {i}?\n    answer: Answer {i}{edited * (i == 'c3')}.\n"
        for i in ids
    )
    return f"category: theory\ncards:\n{cards}"


IDS = [f"c{i}" for i in range(8)]


@pytest.mark.parametrize(
    "edit",
    [
        lambda: {"theory": _theory(IDS, edited=" (edited)")},
        lambda: {"theory": _theory(["new", *IDS])},  # every piece of the file shifts
        lambda: {"theory": _theory(IDS[1:])},
        lambda: {"theory": _theory(IDS[::-1])},
        lambda: {"theory": _theory(IDS), "deck": DECK.replace("name: Theory", "name: Basics")},
    ],
    ids=["edited", "inserted", "removed", "reordered", "category-renamed"],
)
def test_a_build_after_an_edit_makes_the_bytes_of_a_cold_one(
    write_cards, tmp_path: Path, monkeypatch, edit
) -> None:
    """Package and lock, with notes taken from the cache in pieces of three cards."""
    monkeypatch.setattr(notes, "PIECE", 3)
    root = write_cards(theory=_theory(IDS))
    build(root, tmp_path / "first.apkg", now=T0)
    lock = (root / "ankigen.lock").read_bytes()
    write_cards(**edit())
    build(root, tmp_path / "cached.apkg", now=T0 + 60)
    cached_lock = (root / "ankigen.lock").read_bytes()
    (root / "ankigen.lock").write_bytes(lock)
    build(root, tmp_path / "cold.apkg", now=T0 + 60, cache=False)
    assert (tmp_path / "cached.apkg").read_bytes() == (tmp_path / "cold.apkg").read_bytes()
    assert cached_lock == (root / "ankigen.lock").read_bytes()


def test_the_shipped_deck_builds_the_same_with_and_without_cache(
    shipped_copy: Path, tmp_path: Path
) -> None:
    build(shipped_copy, tmp_path / "first.apkg")
    build(shipped_copy, tmp_path / "cached.apkg")
    build(shipped_copy, tmp_path / "cold.apkg", cache=False)
    assert (tmp_path / "cached.apkg").read_bytes() == (tmp_path / "cold.apkg").read_bytes()
    assert (tmp_path / "first.apkg").read_bytes() == (tmp_path / "cold.apkg").read_bytes()

import marshal
import os
import sqlite3
from pathlib import Path

import pytest

from ankigen.cachefile import cache_dir, checksum
from ankigen.check import check
from ankigen.errors import CardSetError
from ankigen.source import cards, items, load, parsed
from ankigen.source.load import read_yaml
from ankigen.source.parsed import ParseCache
from ankigen.source.validate import read_card_set

from ..conftest import CODE, DECK, SOURCES, THEORY, build_damaged
from .test_load import _shape

DUPLICATE = THEORY.replace("    level: basic\n", "    level: basic\n    level: advanced\n")


@pytest.fixture
def parses(monkeypatch) -> list[Path]:
    """Every file the YAML loader parses (whole, or a card's text of it), in order."""
    seen: list[Path] = []
    parse = load.parse_yaml

    def spy(path: Path, raw: bytes):
        seen.append(path)
        return parse(path, raw)

    monkeypatch.setattr(parsed, "parse_yaml", spy)
    monkeypatch.setattr(items, "parse_yaml", spy)
    return seen


@pytest.fixture
def checks(monkeypatch) -> list[Path]:
    """The card file of every card checked, whole file or one card at a time, in order."""
    seen: list[Path] = []
    check_card = cards.card

    def spy(data, path: Path, *args):
        seen.append(path)
        return check_card(data, path, *args)

    monkeypatch.setattr(cards, "card", spy)
    monkeypatch.setattr(items, "card", spy)
    return seen


def _read_set(root: Path, cached: bool = True) -> tuple[list[tuple], list]:
    """A card set's cards (with the path and line of each key) and problems, read through
    the cache or not."""
    if cached:
        cache = ParseCache(root)
        card_set, problems = read_card_set(root, cache.read, cache.read_cards)
        cache.save()
    else:
        card_set, problems = read_card_set(root)
    assert card_set is not None
    return [(card, card.path, card.line, card.lines) for card in card_set.cards], problems


def _read_all(root: Path) -> dict[str, tuple]:
    cache = ParseCache(root)
    found = {}
    for path in sorted(root.glob("*.yaml")):
        data, problems = cache.read(path)
        found[path.name] = (_shape(data), problems)
    cache.save()
    return found


def _as_parsed(root: Path) -> dict[str, tuple]:
    found = {}
    for path in sorted(root.glob("*.yaml")):
        data, problems = read_yaml(path)
        found[path.name] = (_shape(data), problems)
    return found


def test_an_unchanged_file_is_not_parsed_again(write_cards, parses) -> None:
    root = write_cards(theory=DUPLICATE)
    first = _read_all(root)
    assert len(parses) == 4
    parses.clear()
    second = _read_all(root)
    assert parses == []
    assert first == second == _as_parsed(root)
    assert "duplicate key 'level'" in str(second["theory.yaml"][1][0])


def test_an_edited_file_is_parsed_again_with_its_new_lines(write_cards, parses) -> None:
    root = write_cards(theory=DUPLICATE)
    assert _read_all(root)["theory.yaml"][1][0].line == 13
    write_cards(theory="# a comment moves every line\n" + DUPLICATE)
    parses.clear()
    found = _read_all(root)
    assert parses == [root / "theory.yaml"]
    assert found == _as_parsed(root)
    assert found["theory.yaml"][1][0].line == 14


def test_the_same_content_elsewhere_has_its_own_path(write_cards, tmp_path, parses) -> None:
    root = write_cards(theory=DUPLICATE)
    _read_all(root)
    moved = tmp_path / "moved.yaml"
    moved.write_bytes((root / "theory.yaml").read_bytes())
    parses.clear()
    data, problems = ParseCache(root).read(moved)
    assert parses == [] and (_shape(data), problems) == (_shape(read_yaml(moved)[0]), problems)
    assert problems[0].path == moved


def test_an_unchanged_card_file_is_neither_parsed_nor_checked_again(
    write_cards, parses, checks
) -> None:
    root = write_cards(theory=DUPLICATE.replace("level: basic", "level: expert"))
    first = _read_set(root)
    assert set(checks) == {root / "code.yaml", root / "theory.yaml"}
    parses.clear(), checks.clear()
    second = _read_set(root)
    assert parses == [] and checks == []
    assert first == second == _read_set(root, cached=False)
    messages = [str(p) for p in second[1]]
    assert any("duplicate key 'level'" in m for m in messages)
    assert any("level must be one of" in m for m in messages)


def test_an_edited_card_file_is_checked_again_with_its_new_lines(
    write_cards, parses, checks
) -> None:
    root = write_cards(theory=DUPLICATE)
    _read_set(root)
    write_cards(theory="# a comment moves every line\n" + DUPLICATE)
    parses.clear(), checks.clear()
    found = _read_set(root)
    assert set(parses) == set(checks) == {root / "theory.yaml"}
    assert found == _read_set(root, cached=False)
    (alpha, _, line, lines), *_ = found[0]
    assert alpha.id == "alpha" and line == 4 and lines["question"] == 5


@pytest.mark.parametrize(
    "change",
    [
        {"sources": SOURCES.replace("  - {id: blog-1, text: Third?}\n", "")},
        {"sources": None},
        {"deck": DECK.replace("  - {id: code, name: Code}\n", "")},
    ],
    ids=["a-question-removed", "no-sources", "a-category-removed"],
)
def test_a_card_file_is_checked_again_against_a_changed_deck_or_sources(
    write_cards, checks, change
) -> None:
    root = write_cards()
    _read_set(root)
    write_cards(**change)
    checks.clear()
    found = _read_set(root)
    assert set(checks) == {root / "code.yaml", root / "theory.yaml"}
    assert found == _read_set(root, cached=False)
    assert any(not p.warning for p in found[1])  # the change made a card wrong


def test_what_does_not_parse_is_never_cached(write_cards, parses) -> None:
    root = write_cards(code="category: code\ncards: [\n")
    for _ in range(2):
        assert "YAML syntax error" in str(_read_all(root)["code.yaml"][1][0])
    assert parses.count(root / "code.yaml") == 2


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [1, 2]\nb: *x\n",  # one list in two places
        "when: 2024-01-31\n",  # a date
        "s: !!set {a, b}\n",
    ],
)
def test_data_other_than_plain_values_is_read_but_not_cached(tmp_path, parses, text) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(text)
    for _ in range(2):
        cache = ParseCache(tmp_path)
        assert cache.read(path) == read_yaml(path)
        cache.save()
    assert parses == [path, path]


def test_the_cache_lives_outside_the_card_set(write_cards) -> None:
    root = write_cards()
    _read_all(root)
    cache = ParseCache(root)
    assert cache.path.is_file() and cache.path.parent == cache_dir()
    assert not cache.path.resolve().is_relative_to(root.resolve())


def test_entries_of_another_loader_are_never_used(write_cards, parses, monkeypatch) -> None:
    root = write_cards()
    _read_all(root)
    monkeypatch.setattr(parsed, "CACHE_VERSION", "another")
    parses.clear()
    _read_all(root)
    assert len(parses) == 4


def test_cards_checked_by_other_code_are_never_used(write_cards, checks, monkeypatch) -> None:
    root = write_cards()
    _read_set(root)
    monkeypatch.setattr(parsed, "_CHECKS", (*parsed._CHECKS, "load.py"))  # as if it changed
    checks.clear()
    _read_set(root)
    assert set(checks) == {root / "code.yaml", root / "theory.yaml"}


def test_the_cache_keeps_only_the_files_last_read(write_cards) -> None:
    root = write_cards()
    _read_all(root)
    write_cards(code=None, theory=THEORY + "\n")
    _read_all(root)
    db = sqlite3.connect(ParseCache(root).path)
    assert db.execute("SELECT COUNT(*) FROM entries").fetchone() == (3,)
    db.close()


def test_damaged_entries_of_files_no_longer_read_are_dropped(write_cards) -> None:
    root = write_cards()
    _read_all(root)
    _execute(ParseCache(root).path, "UPDATE entries SET checksum = 'damaged'")
    write_cards(code=None)
    _read_all(root)
    db = sqlite3.connect(ParseCache(root).path)
    assert db.execute("SELECT COUNT(*) FROM entries").fetchone() == (3,)
    db.close()


def _execute(path: Path, sql: str, *args) -> None:
    db = sqlite3.connect(path)
    with db:
        db.execute(sql, args)
    db.close()


def _rewrite_soundly(path: Path, payload: bytes) -> None:
    """Damage that the checksum cannot see: an entry of another shape, checksummed."""
    db = sqlite3.connect(path)
    with db:
        for (key,) in db.execute("SELECT key FROM entries").fetchall():
            db.execute(
                "UPDATE entries SET data = ?, checksum = ? WHERE key = ?",
                (payload, checksum(key, payload), key),
            )
    db.close()


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(b"not a database at all" * 100),
        lambda path: path.write_bytes(path.read_bytes()[:4096]),
        lambda path: _execute(path, "UPDATE entries SET data = x'00'"),
        lambda path: _execute(path, "DROP TABLE entries"),
        lambda path: _rewrite_soundly(path, b"\x00not marshal"),
        lambda path: _rewrite_soundly(path, marshal.dumps(((1, 2), []))),
        lambda path: _rewrite_soundly(path, marshal.dumps([1, 2, 3])),
        lambda path: _rewrite_soundly(path, marshal.dumps(([("alpha", "theory")], []))),
    ],
    ids=[
        "garbage",
        "truncated",
        "tampered",
        "no-table",
        "not-marshal",
        "bad-mapping",
        "bad-entry",
        "bad-card",
    ],
)
def test_a_damaged_cache_never_changes_the_package(write_cards, tmp_path, damage) -> None:
    root = write_cards()
    cold, damaged = build_damaged(root, tmp_path, lambda: damage(ParseCache(root).path))
    assert damaged == cold
    assert _read_all(root) == _as_parsed(root)  # ... and sound again


def test_a_cached_check_reports_exactly_what_a_cold_one_does(write_cards) -> None:
    bad = DUPLICATE.replace("level: advanced", "level: expert").replace("id: beta", "id: Beta")
    root = write_cards(theory=bad)
    messages = []
    for cache in (False, True, True):
        with pytest.raises(CardSetError) as error:
            check(root, cache=cache)
        messages.append([str(p) for p in error.value.problems])
    assert messages[0] == messages[1] == messages[2]
    assert len(messages[0]) >= 2


def test_an_unwritable_cache_only_costs_speed(write_cards, tmp_path, monkeypatch) -> None:
    root = write_cards()
    (tmp_path / "blocker").write_text("")
    monkeypatch.setenv("ANKIGEN_CACHE_DIR", str(tmp_path / "blocker" / "cache"))
    assert _read_all(root) == _as_parsed(root)


def test_a_file_name_that_is_not_utf8_is_cached_by_its_bytes(write_cards, tmp_path) -> None:
    from ankigen.build import build

    root = write_cards(code=None)
    odd = root / os.fsdecode(b"\xfe.yaml")  # a name from another encoding
    odd.write_text(CODE, encoding="utf-8")
    uncached = build(root, tmp_path / "cold.apkg", now=1_700_000_000, cache=False)
    (root / "ankigen.lock").unlink()
    for _ in range(2):  # stored, then read back
        cached = build(root, tmp_path / "warm.apkg", now=1_700_000_000)
        (root / "ankigen.lock").unlink()
        assert cached.new == uncached.new and "gamma" in cached.new
    assert (tmp_path / "warm.apkg").read_bytes() == (tmp_path / "cold.apkg").read_bytes()

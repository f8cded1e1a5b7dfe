"""The benchmark's own parts: the synthetic sets are valid and the floor writes a package."""

import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

from ankigen.build import build
from ankigen.source.validate import load_card_set

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import run  # noqa: E402
import synthetic  # noqa: E402


def test_synthetic_sets_hold_the_same_cards_in_both_formats(tmp_path: Path) -> None:
    synthetic.write_ankigen(tmp_path / "a", 10)
    synthetic.write_ankdown(tmp_path / "d", 10)
    cards = load_card_set(tmp_path / "a").cards
    assert len(cards) == 10 and {c.category for c in cards} == set(synthetic.CATEGORIES)
    for card in cards:
        assert "\\(" in card.answer and "```python" in card.answer and "\n- " in card.answer
    markdown = "".join(p.read_text() for p in (tmp_path / "d").rglob("*.md"))
    assert markdown.count("\n---\n") == 10 - len(synthetic.CATEGORIES)
    assert all(c.question in markdown for c in cards)


def test_edit_one_card_changes_exactly_one_card(tmp_path: Path) -> None:
    root = tmp_path / "a"
    synthetic.write_ankigen(root, 8)
    build(root, tmp_path / "a.apkg", now=1_700_000_000)
    for n in range(2):
        synthetic.edit_one_card(root, f"edit {n}")
        report = build(root, tmp_path / "a.apkg", now=1_700_000_010 + n)
        assert (report.new, report.changed, report.removed) == ([], ["card-0"], [])


def test_edit_shipped_card_changes_exactly_one_card(shipped_copy: Path, tmp_path: Path) -> None:
    build(shipped_copy, tmp_path / "a.apkg", now=1_700_000_000)
    changed = []
    for n in range(3):
        run.edit_shipped_card(shipped_copy, f"edit {n}")
        report = build(shipped_copy, tmp_path / "a.apkg", now=1_700_000_010 + n)
        assert (len(report.new), len(report.changed), report.removed) == (0, 1, [])
        changed += report.changed
    assert len(set(changed)) == 1


def test_the_floor_writes_the_same_notes_with_genanki_alone(tmp_path: Path) -> None:
    synthetic.write_ankigen(tmp_path / "a", 6)
    run.write_floor_notes(tmp_path / "a", tmp_path / "notes.json")
    (tmp_path / "tmp").mkdir()
    subprocess.run(
        [sys.executable, str(BENCHMARKS / "floor.py"), str(tmp_path / "notes.json"),
         str(tmp_path / "floor.apkg")],
        check=True,
        env={**os.environ, "TMPDIR": str(tmp_path / "tmp")},
    )  # fmt: skip
    assert list((tmp_path / "tmp").iterdir()) == [], "genanki's temporary database is removed"
    (tmp_path / "collection.anki2").write_bytes(
        zipfile.ZipFile(tmp_path / "floor.apkg").read("collection.anki2")
    )
    db = sqlite3.connect(tmp_path / "collection.anki2")
    assert db.execute("SELECT COUNT(*) FROM notes").fetchone() == (6,)
    db.close()


def test_the_plan_benchmark_collection_has_other_notes_and_the_deck(tmp_path: Path) -> None:
    build(synthetic_set(tmp_path), tmp_path / "deck.apkg", now=1_700_000_000)
    path = tmp_path / "profile" / "collection.anki2"
    synthetic.write_collection(path, 25, tmp_path / "deck.apkg")
    from anki.collection import Collection

    col = Collection(str(path))
    try:
        assert len(col.find_notes('"deck:Other notes"')) == 25
        assert col.note_count() == 25 + 4
    finally:
        col.close()


def synthetic_set(tmp_path: Path) -> Path:
    synthetic.write_ankigen(tmp_path / "a", 4)
    return tmp_path / "a"


def test_a_browser_that_does_not_start_skips_only_the_preview_row(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    (tmp_path / "index.html").write_text("<p>x</p>")
    monkeypatch.setattr(run, "chromium", lambda: str(tmp_path / "no-such-chromium"))
    assert run.open_in_chromium(tmp_path / "index.html", 1) is None
    assert "Chromium does not start" in capsys.readouterr().err

"""The deck's identity between builds: the lock records the deck id, a changed id is
refused (or, when asked for, starts a new deck), and a missing lock or an old
SOURCE_DATE_EPOCH is said plainly."""

import json
from pathlib import Path

import pytest

from ankigen.build import build
from ankigen.check import check
from ankigen.errors import CardSetError

from .conftest import DECK, THEORY, import_package

T0 = 1_700_000_000


def _messages(problems) -> list[str]:
    return [str(p) for p in problems]


def test_the_lock_records_the_deck_id(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    build(root, tmp_path / "a.apkg", now=T0)
    data = json.loads((root / "ankigen.lock").read_text())
    assert (data["version"], data["deck_id"]) == (4, "test-deck")


def test_a_changed_deck_id_is_refused(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    out = tmp_path / "a.apkg"
    build(root, out, now=T0)
    before = out.read_bytes(), (root / "ankigen.lock").read_bytes()
    write_cards(deck=DECK.replace("id: test-deck", "id: test-deck-v2"))
    with pytest.raises(CardSetError) as info:
        build(root, tmp_path / "b.apkg", now=T0 + 10)
    assert _messages(info.value.problems) == [
        f"{root}/deck.yaml:2: deck id changed from 'test-deck' to 'test-deck-v2' since the "
        "last build: every note's identity derives from the deck id, so Anki would import "
        "every card as a new note, and the review history stays with the old notes. Change "
        "the id back, or build with --new-deck-id to start a new deck on purpose"
    ]
    assert (out.read_bytes(), (root / "ankigen.lock").read_bytes()) == before
    assert not (tmp_path / "b.apkg").exists()
    # check says the same, as a warning: it writes nothing, so nothing is at stake yet
    assert [w.message for w in check(root).warnings] == [info.value.problems[0].message]


def test_a_new_deck_id_on_purpose(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    build(root, tmp_path / "a.apkg", now=T0)
    write_cards(deck=DECK.replace("id: test-deck", "id: test-deck-v2"))
    report = build(root, tmp_path / "b.apkg", now=T0 + 10, new_deck_id=True)
    assert (report.new, report.changed, report.removed) == (["alpha", "beta", "gamma"], [], [])
    assert _messages(report.warnings) == [
        f"{root}/deck.yaml:2: warning: a new deck: its id changed from 'test-deck' to "
        "'test-deck-v2', so every card is a new note in Anki; the old notes, with their "
        "review history, stay where they are"
    ]
    assert json.loads((root / "ankigen.lock").read_text())["deck_id"] == "test-deck-v2"
    assert build(root, tmp_path / "c.apkg", now=T0 + 20).warnings == []  # and from now on


def test_what_a_changed_deck_id_does_in_anki(write_cards, tmp_path: Path, collection) -> None:
    """Why it is refused: the real importer takes every card of the renamed deck as new."""
    root = write_cards()
    build(root, tmp_path / "a.apkg", now=T0)
    assert len(import_package(collection, tmp_path / "a.apkg").new) == 3
    write_cards(deck=DECK.replace("id: test-deck", "id: test-deck-v2"))
    build(root, tmp_path / "b.apkg", now=T0 + 10, new_deck_id=True)
    log = import_package(collection, tmp_path / "b.apkg")
    assert (len(log.new), len(log.updated), collection.note_count()) == (3, 0, 6)


def test_a_version_1_lock_gets_the_deck_id_without_a_refusal(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    build(root, tmp_path / "a.apkg", now=T0)
    data = json.loads((root / "ankigen.lock").read_text())
    del data["deck_id"]
    (root / "ankigen.lock").write_text(json.dumps({**data, "version": 1}))
    report = build(root, tmp_path / "b.apkg", now=T0 + 10)
    assert (report.new, report.changed, report.warnings) == ([], [], [])
    assert json.loads((root / "ankigen.lock").read_text())["deck_id"] == "test-deck"
    assert (tmp_path / "a.apkg").read_bytes() == (tmp_path / "b.apkg").read_bytes()


def test_without_a_lock_the_report_says_so(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    first = build(root, tmp_path / "a.apkg", now=T0)
    assert not first.lock_found
    assert build(root, tmp_path / "a.apkg", now=T0 + 10).lock_found


def test_an_old_source_date_epoch_without_a_lock(write_cards, tmp_path, monkeypatch) -> None:
    root = write_cards()
    build(root, tmp_path / "a.apkg", now=T0 + 10_000)
    (root / "ankigen.lock").unlink()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0))
    report = build(root, tmp_path / "a.apkg")
    assert _messages(report.warnings) == [
        "SOURCE_DATE_EPOCH: warning: there is no lock file, so every card is stamped "
        "2023-11-14 22:13:20 UTC: if an earlier build of this deck was stamped later, Anki "
        f"will skip every note it already has. Restore {root}/ankigen.lock from version "
        "control, or unset SOURCE_DATE_EPOCH"
    ]


def test_a_source_date_epoch_older_than_the_lock(write_cards, tmp_path, monkeypatch) -> None:
    root = write_cards()
    build(root, tmp_path / "a.apkg", now=T0 + 100)
    write_cards(theory=THEORY.replace("The second letter.", "Edited."))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0))
    report = build(root, tmp_path / "a.apkg")
    assert _messages(report.warnings) == [
        "SOURCE_DATE_EPOCH: warning: 2023-11-14 22:13:20 UTC is older than the last build "
        "(2023-11-14 22:15:00 UTC): changed cards are still stamped after their previous "
        "times, but new cards get this one"
    ]
    stamps = json.loads((root / "ankigen.lock").read_text())["cards"]
    assert stamps["beta"]["mtime"] == T0 + 101 and stamps["alpha"]["mtime"] == T0 + 100
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0 + 200))
    assert build(root, tmp_path / "a.apkg").warnings == []


def test_a_lock_that_cannot_be_written_leaves_the_package(
    write_cards, tmp_path: Path, monkeypatch
) -> None:
    root = write_cards()
    out = tmp_path / "out" / "a.apkg"
    build(root, out, now=T0)
    before = out.read_bytes(), (root / "ankigen.lock").read_bytes()
    write_cards(theory=THEORY.replace("The second letter.", "Edited."))
    mkstemp = __import__("tempfile").mkstemp

    def read_only_card_set(dir, **kwargs):
        if Path(dir) == root:
            raise PermissionError(13, "Permission denied", f"{dir}/.ankigen.lock.x.tmp")
        return mkstemp(dir=dir, **kwargs)

    monkeypatch.setattr("ankigen.atomic.tempfile.mkstemp", read_only_card_set)
    with pytest.raises(CardSetError) as info:
        build(root, out, now=T0 + 10)
    assert _messages(info.value.problems) == [
        f"{root}/ankigen.lock: cannot write: the directory is not writable"
    ]
    assert (out.read_bytes(), (root / "ankigen.lock").read_bytes()) == before
    assert [p.name for p in out.parent.iterdir()] == ["a.apkg"]

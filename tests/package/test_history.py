"""What the lock remembers that Anki's importer forgets: removed cards and when,
renamed ids, every version's time, the note type's shape, and the day a note changed."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from ankigen.build import build
from ankigen.errors import CardSetError
from ankigen.package.apkg import guid
from ankigen.package.lock import LOCK_FILE
from ankigen.package.lockfile import read_lock
from ankigen.package.notetype import NoteType, note_type
from ankigen.package.stamps import day
from ankigen.source.validate import load_card_set

from ..conftest import CODE, KINDS, THEORY

DAY = 86_400
T1 = 1_780_000_000  # 2026-05-28
T2, T3 = T1 + 10 * DAY, T1 + 20 * DAY

NO_GAMMA = "category: code\ncards: []\n"
NO_BETA = THEORY[: THEORY.index("  - id: beta")]


def lock(root: Path):
    return read_lock(root / LOCK_FILE)[0]


def package_notes(path: Path) -> dict[str, tuple[str, list[str], int]]:
    """What a package holds, by ID field: GUID, tags and mtime."""
    with zipfile.ZipFile(path) as archive:
        db = path.with_suffix(".anki2")
        db.write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select guid, tags, mod, flds from notes").fetchall()
    return {flds.split("\x1f")[-1]: (g, tags.split(), mod) for g, tags, mod, flds in rows}


def test_removed_cards_are_remembered_with_their_day_across_releases(
    write_cards, tmp_path: Path
) -> None:
    root = write_cards()
    build(root, tmp_path / "v1.apkg", now=T1)
    gamma = lock(root).cards["gamma"]
    write_cards(code=NO_GAMMA)
    report = build(root, tmp_path / "v2.apkg", now=T2)
    assert report.removed == ["gamma"] and report.removed_earlier == []
    write_cards(code=NO_GAMMA, theory=NO_BETA)
    report = build(root, tmp_path / "v3.apkg", now=T3)
    assert report.removed == ["beta"] and report.removed_earlier == ["gamma"]
    removed = lock(root).removed
    assert removed["gamma"].removed == day(T2) == "2026-06-07"
    assert (removed["gamma"].hash, removed["gamma"].mtime) == (gamma.hash, gamma.mtime)
    assert removed["beta"].removed == day(T3)
    assert set(lock(root).cards) == {"alpha"}


def test_a_card_brought_back_continues_its_stamp(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    build(root, tmp_path / "v1.apkg", now=T1)
    write_cards(code=NO_GAMMA)
    build(root, tmp_path / "v2.apkg", now=T2)
    write_cards(code=CODE)
    report = build(root, tmp_path / "v3.apkg", now=T3)
    assert (report.new, report.restored, report.changed) == ([], ["gamma"], [])
    assert lock(root).cards["gamma"].mtime == T1  # unchanged: Anki's copy stays as it is
    assert "gamma" not in lock(root).removed


def test_previous_ids_keep_the_guid_of_the_first_id(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    build(root, tmp_path / "v1.apkg", now=T1)
    write_cards(
        code=CODE.replace("  - id: gamma\n", "  - id: gamma-ray\n    previous_ids: [gamma]\n")
    )
    report = build(root, tmp_path / "v2.apkg", now=T2)
    assert (report.renamed, report.new, report.removed, report.changed) == (
        [("gamma", "gamma-ray")], [], [], ["gamma-ray"],
    )  # fmt: skip
    stamp = lock(root).cards["gamma-ray"]
    assert (stamp.first, stamp.mtime, [v.mtime for v in stamp.earlier]) == ("gamma", T2, [T1])
    assert "gamma" not in lock(root).removed and "gamma" not in lock(root).cards
    deck = load_card_set(root).deck
    assert package_notes(tmp_path / "v2.apkg")["gamma-ray"][0] == guid(deck, "gamma")
    assert package_notes(tmp_path / "v1.apkg")["gamma"][0] == guid(deck, "gamma")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("  - id: gamma\n    previous_ids: [alpha]\n",
         "code.yaml:4: previous id 'alpha' is the id of card 'alpha' ({root}/theory.yaml:3)"),
        ("  - id: gamma\n    previous_ids: [gamma]\n",
         "code.yaml:4: card 'gamma' lists its own id in previous_ids"),
        ("  - id: gamma\n    previous_ids: [Old_Id]\n",
         "code.yaml:4: previous id 'Old_Id' may only contain a-z, 0-9 and '-'"),
    ],
)  # fmt: skip
def test_previous_ids_are_checked(write_cards, code: str, expected: str) -> None:
    root = write_cards(code=CODE.replace("  - id: gamma\n", code))
    with pytest.raises(CardSetError) as info:
        load_card_set(root)
    assert [str(p).removeprefix(f"{root}/") for p in info.value.problems] == [
        expected.format(root=root)
    ]


def replaced_field(deck, kind="basic") -> NoteType:
    original = note_type(deck, kind)
    fields = (*original.fields[:-1], {**original.fields[-1], "name": "Key", "id": 1})
    return NoteType(original.name, fields, original.templates, original.css, kind)


def test_a_build_that_changes_the_note_types_fields_is_refused(
    write_cards, tmp_path: Path, monkeypatch
) -> None:
    root = write_cards()
    build(root, tmp_path / "v1.apkg", now=T1)
    assert lock(root).schema["fields"][-1][0] == "ID"
    before = (root / LOCK_FILE).read_bytes()
    monkeypatch.setattr("ankigen.build.note_type", replaced_field)
    with pytest.raises(CardSetError) as info:
        build(root, tmp_path / "v2.apkg", now=T2)
    assert str(info.value) == (
        f"{root / 'deck.yaml'}: this build changes the note type's fields or templates "
        "(field 'Key' added, field 'ID' removed): Anki's importer would then ignore the "
        "updates to every note a learner already has, unless they tick *Merge note types* "
        "when importing (or run `ankigen apply --merge-note-types`), and Anki will then ask "
        "them for a one-way sync. Build with --change-note-type to go ahead"
    )
    assert (root / LOCK_FILE).read_bytes() == before and not (tmp_path / "v2.apkg").exists()
    build(root, tmp_path / "v2.apkg", now=T2, change_note_type=True)
    assert lock(root).schema["fields"][-1] == ["Key", 1]


@pytest.mark.parametrize("kind", ["cloze", "reversed", "type-in"])
def test_a_build_that_changes_another_kinds_note_type_is_refused(
    kind: str, write_cards, tmp_path: Path, monkeypatch
) -> None:
    """The lock records the fields and templates of every kind's note type, and a kind
    no longer in the YAML keeps its record: when it comes back changed, the learners'
    collections still hold the old one."""
    root = write_cards(kinds=KINDS)
    build(root, tmp_path / "v1.apkg", now=T1)
    assert sorted(lock(root).schemas) == ["cloze", "reversed", "type-in"]
    assert lock(root).schemas[kind] == note_type(load_card_set(root).deck, kind).schema
    write_cards(kinds=None)
    build(root, tmp_path / "v2.apkg", now=T2)
    assert sorted(lock(root).schemas) == ["cloze", "reversed", "type-in"]
    before = (root / LOCK_FILE).read_bytes()

    write_cards(kinds=KINDS)
    monkeypatch.setattr(
        "ankigen.build.note_type",
        lambda deck, k="basic": replaced_field(deck, k) if k == kind else note_type(deck, k),
    )
    with pytest.raises(CardSetError) as info:
        build(root, tmp_path / "v3.apkg", now=T3)
    assert str(info.value) == (
        f"{root / 'deck.yaml'}: this build changes the {kind} note type's fields or templates "
        "(field 'Key' added, field 'ID' removed): Anki's importer would then ignore the "
        "updates to every note a learner already has, unless they tick *Merge note types* "
        "when importing (or run `ankigen apply --merge-note-types`), and Anki will then ask "
        "them for a one-way sync. Build with --change-note-type to go ahead"
    )
    assert (root / LOCK_FILE).read_bytes() == before and not (tmp_path / "v3.apkg").exists()
    build(root, tmp_path / "v3.apkg", now=T3, change_note_type=True)
    assert lock(root).schemas[kind]["fields"][-1] == ["Key", 1]
    assert lock(root).schema == note_type(load_card_set(root).deck).schema


def test_each_kinds_changed_note_type_is_named_at_once(
    write_cards, tmp_path: Path, monkeypatch
) -> None:
    root = write_cards(kinds=KINDS)
    build(root, tmp_path / "v1.apkg", now=T1)
    monkeypatch.setattr("ankigen.build.note_type", replaced_field)
    with pytest.raises(CardSetError) as info:
        build(root, tmp_path / "v2.apkg", now=T2)
    assert sorted(p.message.split(" fields")[0] for p in info.value.problems) == [
        "this build changes the cloze note type's",
        "this build changes the note type's",
        "this build changes the reversed note type's",
        "this build changes the type-in note type's",
    ]


def test_each_note_carries_the_day_it_last_changed(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    build(root, tmp_path / "v1.apkg", now=T1)
    write_cards(theory=THEORY.replace("The second letter.", "The second Greek letter."))
    report = build(root, tmp_path / "v2.apkg", now=T2)
    assert report.changed == ["beta"]
    tags = {card_id: t for card_id, (_, t, _) in package_notes(tmp_path / "v2.apkg").items()}
    assert "test-deck::changed::2026-06-07" in tags["beta"]
    assert "test-deck::changed::2026-05-28" in tags["alpha"]
    assert "test-deck::changed::2026-05-28" in tags["gamma"]
    again = build(root, tmp_path / "v3.apkg", now=T3)
    assert (again.new, again.changed) == ([], []), "the tag is not in the content hash"
    assert (tmp_path / "v3.apkg").read_bytes() == (tmp_path / "v2.apkg").read_bytes()


def test_a_version_2_lock_is_read_and_upgraded(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    build(root, tmp_path / "v1.apkg", now=T1)
    data = json.loads((root / LOCK_FILE).read_text())
    for key in ("removed", "schema"):
        del data[key]
    for stamp in data["cards"].values():
        del stamp["fields"]
    (root / LOCK_FILE).write_text(json.dumps({**data, "version": 2}))
    report = build(root, tmp_path / "v2.apkg", now=T2)
    assert (report.new, report.changed, report.removed) == ([], [], [])
    assert json.loads((root / LOCK_FILE).read_text())["version"] == 4
    assert lock(root).schema  # recorded now, checked from the next build on


def test_the_build_summary_names_renamed_and_earlier_removed_cards(
    write_cards, tmp_path: Path, monkeypatch
) -> None:
    from click.testing import CliRunner

    from ankigen.cli import main

    root = write_cards()
    build(root, tmp_path / "v1.apkg", now=T1)
    write_cards(theory=NO_BETA)
    build(root, tmp_path / "v2.apkg", now=T2)
    write_cards(
        theory=NO_BETA.replace("  - id: alpha\n", "  - id: alpha-1\n    previous_ids: [alpha]\n"),
        code=NO_GAMMA,
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T3))
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(tmp_path / "v3.apkg")])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[3:9] == [
        "1 card: 0 new, 1 changed, 1 removed",
        "  changed: alpha-1",
        "  renamed: alpha -> alpha-1 (the same note in Anki: its history stays)",
        "  removed: gamma",
        '  Anki keeps removed notes: find them in the Browser with "ID:gamma"',
        "  the lock remembers 1 card removed by earlier builds",
    ]
    assert result.output.splitlines()[9] == (
        "  `ankigen plan` finds removed notes in a collection; `ankigen apply` deletes them"
    )

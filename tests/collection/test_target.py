"""What PATH may be, and what Anki's backend does to a collection's schema version."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from ankigen.collection.apply import apply
from ankigen.collection.plan import plan
from ankigen.collection.target import locate
from ankigen.errors import CardSetError

from .conftest import Story, change_the_yaml, open_collection


def stored_version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return db.execute("select ver from col").fetchone()[0]


def test_the_backend_upgrades_schema_11_on_open_and_keeps_18_on_close(tmp_path: Path) -> None:
    """Facts the README relies on (rslib/src/storage/sqlite.rs, upgrades/mod.rs)."""
    path = tmp_path / "collection.anki2"
    open_collection(path).close(downgrade=True)  # as Anki's Downgrade & Quit leaves it
    assert stored_version(path) == 11
    col = open_collection(path)
    assert col.db.scalar("select ver from col") == 18  # upgraded on open, not on close
    col.close()
    assert stored_version(path) == 18


@pytest.mark.parametrize("version", [11, 18])
def test_apply_leaves_the_schema_version_as_it_was(
    story: Story, tmp_path: Path, version: int
) -> None:
    if version == 11:
        open_collection(story.collection).close(downgrade=True)
    change_the_yaml(story, tmp_path)
    result = plan(story.root, story.profile)
    assert result.schema == version
    assert apply(story.root, story.profile).backup is not None
    assert stored_version(story.collection) == version


def test_plan_against_a_colpkg(story: Story, tmp_path: Path) -> None:
    """How AnkiDroid and AnkiMobile export a whole collection."""
    colpkg = tmp_path / "phone.colpkg"
    col = open_collection(story.collection)
    col.export_collection_package(str(colpkg), include_media=True, legacy=False)
    change_the_yaml(story, tmp_path)
    before = colpkg.read_bytes()
    result = plan(story.root, colpkg)
    assert {c.name for c in result.group("removed")} == {"gamma"}
    assert colpkg.read_bytes() == before


def test_plan_against_an_apkg_stands_for_a_learner_with_that_release(
    story: Story, tmp_path: Path
) -> None:
    """A deck author checks the next release against the previous one."""
    change_the_yaml(story, tmp_path)
    result = plan(story.root, tmp_path / "v1.apkg")
    assert {c.kind for c in result.changes} == {"updated", "unchanged", "subdeck", "removed"}
    assert not result.remarks  # no note-type copy, no schema change


def test_apply_refuses_a_package(story: Story, tmp_path: Path) -> None:
    with pytest.raises(CardSetError) as info:
        apply(story.root, tmp_path / "v1.apkg")
    assert str(info.value) == (
        f"{tmp_path / 'v1.apkg'}: apply changes a collection, and a .apkg is not one: give "
        "an Anki profile folder or its collection.anki2 (a package can only be planned)"
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("nowhere", "{path}: no such collection file"),
        ("empty-dir", "{path}: no collection.anki2 in this folder: give an Anki profile "
                      "folder or a collection"),
    ],
)  # fmt: skip
def test_locate_explains_a_wrong_path(tmp_path: Path, name: str, expected: str) -> None:
    (tmp_path / "empty-dir").mkdir()
    with pytest.raises(CardSetError) as info:
        locate(tmp_path / name)
    assert str(info.value) == expected.format(path=tmp_path / name)


def test_backup_goes_next_to_a_collection_outside_a_profile(story: Story, tmp_path) -> None:
    loose = tmp_path / "loose" / "collection.anki2"
    loose.parent.mkdir()
    loose.write_bytes(story.collection.read_bytes())
    change_the_yaml(story, tmp_path)
    done = apply(story.root, loose)
    assert done.backup is not None and done.backup.parent == loose.parent
    assert not (story.profile / "backups").exists()


def test_without_anki_installed_plan_says_how_to_get_it(story: Story, monkeypatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "anki.collection", None)
    with pytest.raises(CardSetError) as info:
        plan(story.root, story.profile)
    assert (
        str(info.value) == "anki: plan and apply need Anki's backend: pip install 'ankigen[anki]'"
    )


def test_a_damaged_collection_is_a_problem_not_a_traceback(story: Story, tmp_path: Path) -> None:
    broken = tmp_path / "broken" / "collection.anki2"
    broken.parent.mkdir()
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(CardSetError) as info:
        plan(story.root, broken)
    assert str(info.value) == f"{broken}: not an Anki collection (file is not a database)"


def test_an_error_from_anki_is_a_problem_not_a_traceback(story: Story, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.apkg"
    bogus.write_bytes(b"not a zip")
    with pytest.raises(CardSetError) as info:
        plan(story.root, bogus)
    (problem,) = info.value.problems
    assert problem.path == bogus and problem.message.startswith("Anki could not go on: ")

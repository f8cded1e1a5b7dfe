"""Where a package may be written: never over the cards, never under a name Anki
imports as a whole collection."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ankigen.build import build
from ankigen.errors import CardSetError
from ankigen.package.output import is_collection_backup, output_path

from ..conftest import THEORY

T0 = 1_700_000_000


@pytest.mark.parametrize(
    ("name", "backup"),
    [
        ("collection.apkg", True),
        ("Collection.APKG", True),  # aqt lower-cases the name first
        ("backup-2026-12-01.apkg", True),
        ("BACKUP-x.apkg", True),
        ("backup.apkg", False),
        ("my-backup-1.apkg", False),
        ("collection-2.apkg", False),
        ("deck.apkg", False),
    ],
)
def test_names_anki_imports_as_a_whole_collection(name: str, backup: bool) -> None:
    assert is_collection_backup(name) is backup


# Anki desktop's rule, verbatim from qt/aqt/import_export/importing.py (ankitects/anki at
# c32cb2913d6f, class ColpkgImporter); import_file() lower-cases the base name first.
def _aqt_can_import(filename: str) -> bool:
    return (
        filename == "collection.apkg"
        or (filename.startswith("backup-") and filename.endswith(".apkg"))
        or filename.endswith(".colpkg")
    )


@given(
    st.text(st.sampled_from("abcBCkupoletin-.AP1"), max_size=12).map(lambda s: s + ".apkg")
    | st.sampled_from(["collection", "Backup-", "backup-", "COLLECTION"]).flatmap(
        lambda stem: st.text(st.sampled_from("x-1"), max_size=3).map(lambda s: f"{stem}{s}.apkg")
    )
)
def test_the_rule_is_the_one_in_ankis_importer(name: str) -> None:
    assert is_collection_backup(name) is _aqt_can_import(name.lower())


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("a.yaml", "the package must be named *.apkg (or be an existing directory to write it into)"),
        ("mydeck", "the package must be named *.apkg (or be an existing directory to write it into)"),
        ("deck.apkg.zip", "the package must be named *.apkg (or be an existing directory to write it into)"),
        (".apkg", "the package must be named *.apkg (or be an existing directory to write it into)"),
        ("collection.apkg", "Anki imports a file named 'collection.apkg' as a backup of a "
         "whole collection and offers to replace the user's collection with it: choose "
         "another name"),
        ("backup-1.apkg", "Anki imports a file named 'backup-1.apkg' as a backup of a whole "
         "collection and offers to replace the user's collection with it: choose another name"),
    ],
)  # fmt: skip
def test_refused_names(tmp_path: Path, output: str, message: str) -> None:
    with pytest.raises(CardSetError) as info:
        output_path(tmp_path / "out" / output, tmp_path / "cards", "deck")
    assert [p.message for p in info.value.problems] == [message]


@pytest.mark.parametrize("output", ["deck.apkg", "sub/deck.apkg", "media/x.apkg", "."])
def test_nothing_is_written_inside_the_card_set(write_cards, output: str) -> None:
    root = write_cards()
    with pytest.raises(CardSetError) as info:
        output_path(root / output, root, "test-deck")
    assert "is inside the card set" in info.value.problems[0].message


def test_a_link_into_the_card_set_is_inside_it(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    (tmp_path / "link").symlink_to(root)
    with pytest.raises(CardSetError, match="is inside the card set"):
        output_path(tmp_path / "link" / "deck.apkg", root, "test-deck")


def test_a_directory_gets_the_deck_id_as_name(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    assert output_path(tmp_path / "out", tmp_path / "cards", "deck") == tmp_path / "out/deck.apkg"
    assert output_path(None, tmp_path / "cards", "deck") == Path("dist/deck.apkg")
    assert output_path(tmp_path / "Deck.APKG", tmp_path / "c", "d") == tmp_path / "Deck.APKG"


def test_a_deck_id_that_names_a_backup_needs_another_name(tmp_path: Path) -> None:
    with pytest.raises(CardSetError, match="as a backup of a whole collection"):
        output_path(None, tmp_path / "cards", "backup-2026")


def test_building_onto_a_card_file_writes_nothing(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    card_file = (root / "theory.yaml").read_bytes()
    for output in (root / "theory.yaml", tmp_path / "a.yaml", root / "deck.apkg"):
        with pytest.raises(CardSetError):
            build(root, output, now=T0)
    assert (root / "theory.yaml").read_bytes() == card_file
    assert not (root / "ankigen.lock").exists() and not (tmp_path / "a.yaml").exists()
    assert sorted(p.name for p in root.iterdir()) == sorted(
        ["deck.yaml", "sources.yaml", "theory.yaml", "code.yaml"]
    )
    assert THEORY.encode() == card_file

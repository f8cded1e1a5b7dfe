"""ankigen init: a new card set that checks and builds as it is, with a deck id no other
card set has, written only into a new or empty directory."""

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ankigen.build import build
from ankigen.check import check
from ankigen.cli import main
from ankigen.errors import CardSetError
from ankigen.source.scaffold import init, new_deck_id
from ankigen.source.validate import load_card_set


def test_a_new_card_set_checks_and_builds(tmp_path: Path) -> None:
    made = init(tmp_path / "japanese-vocab")
    root = made.root
    assert sorted(p.name for p in root.iterdir()) == [
        ".schemas", "README.md", "ankigen.lock", "basics.yaml", "deck.yaml", "kinds.yaml",
    ]  # fmt: skip
    assert re.fullmatch(r"japanese-vocab-[0-9a-f]{8}", made.deck_id)
    card_set = load_card_set(root)
    deck = card_set.deck
    assert (deck.name, deck.id, deck.tag_root) == ("Japanese Vocab", made.deck_id, "japanese-vocab")
    assert [(c.id, c.kind) for c in card_set.cards] == [
        ("what-is-ankigen", "basic"), ("markdown-and-math", "basic"),
        ("capital-of-france", "cloze"), ("der-hund", "reversed"), ("capital-of-japan", "type-in"),
    ]  # fmt: skip
    assert check(root).warnings == []
    report = build(root, tmp_path / "out.apkg", now=1_700_000_000)
    assert len(report.new) == 5 and (tmp_path / "out.apkg").is_file()
    readme = (root / "README.md").read_text()
    assert f"ankigen build {root}" in readme and f"dist/{made.deck_id}.apkg" in readme
    assert "two card sets with the same id overwrite each other's notes" in readme
    assert "$" not in readme  # every placeholder filled in


def test_every_card_set_gets_its_own_id(tmp_path: Path) -> None:
    ids = {init(tmp_path / f"set{i}" / "cards").deck_id for i in range(20)}
    assert len(ids) == 20


def test_the_default_directory_takes_the_projects_name(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "My Project").mkdir()
    monkeypatch.chdir(tmp_path / "My Project")
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    deck = load_card_set(tmp_path / "My Project" / "cards").deck
    assert deck.name == "My Project" and deck.id.startswith("my-project-")
    assert result.stdout == (
        f"created cards (deck id {deck.id}): README.md, basics.yaml, deck.yaml, kinds.yaml, "
        "ankigen.lock, .schemas/card-file.schema.json, .schemas/deck.schema.json\n"
        "next: edit the cards, then run `ankigen build cards`\n"
    )


@pytest.mark.parametrize(
    ("directory", "name", "id_start"),
    [
        ("日本語", "日本語", "deck-"),
        ("a: b #c", "A: B #c", "a-b-c-"),
        ("backup", "Backup", "deck-backup-"),  # backup-….apkg would be a collection backup
        ("Lang::X", "My Deck", "lang-x-"),
    ],
)
def test_any_directory_name_gives_a_valid_deck(
    tmp_path: Path, directory: str, name: str, id_start: str
) -> None:
    made = init(tmp_path / directory)
    deck = load_card_set(made.root).deck
    assert deck.name == name and deck.id.startswith(id_start)
    build(made.root, tmp_path / "out.apkg")  # its default file name is a deck's, too


def test_new_deck_ids_never_name_a_collection_backup() -> None:
    assert new_deck_id("backup").startswith("deck-backup-")
    assert new_deck_id("").startswith("deck-")


@pytest.mark.parametrize("existing", ["notes.txt", ".git", "deck.yaml"])
def test_a_directory_that_is_not_empty_is_refused(tmp_path: Path, existing: str) -> None:
    root = tmp_path / "cards"
    root.mkdir()
    (root / existing).write_text("mine")
    with pytest.raises(CardSetError) as info:
        init(root)
    assert [str(p) for p in info.value.problems] == [
        f"{root}: is not an empty directory: ankigen init starts a card set only in a new or "
        "empty directory, and never overwrites a file"
    ]
    assert [(p.name, p.read_text()) for p in root.iterdir()] == [(existing, "mine")]


def test_a_file_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("afile").write_text("mine")
    result = CliRunner().invoke(main, ["init", "afile"])
    assert (result.exit_code, result.stderr) == (
        1,
        "afile: is a file: ankigen init starts a card set only in a new or empty directory, "
        "and never overwrites a file\n1 problem found; nothing written.\n",
    )
    assert Path("afile").read_text() == "mine"


def test_an_empty_directory_is_used(tmp_path: Path) -> None:
    (tmp_path / "cards").mkdir()
    assert len(init(tmp_path / "cards").files) == 7  # 5 in the set, 2 schemas


def test_every_yaml_file_points_editors_at_its_schema(tmp_path: Path) -> None:
    """The first line names a schema written beside the files, and the files are valid by
    it, as ``ankigen schema`` prints it."""
    import json

    import jsonschema
    import yaml

    from ankigen.source.schema import schema

    root = init(tmp_path / "deck").root
    for name in ("deck.yaml", "basics.yaml", "kinds.yaml"):
        first = (root / name).read_text().splitlines()[0]
        which = "deck" if name == "deck.yaml" else "cards"
        found = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert found, first
        written = json.loads((root / found[1]).read_text())
        assert written == schema(which)
        jsonschema.validate(yaml.safe_load((root / name).read_text()), written)


def test_the_next_command_can_be_pasted(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init", "My Deck Ü"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        "next: edit the cards, then run `ankigen build 'My Deck Ü'`"
    )


def test_the_first_build_of_a_new_card_set_is_an_ordinary_one(tmp_path: Path) -> None:
    """init's lock records the deck id and no card: the first build warns of no lost lock,
    while a lock lost after a build is still reported."""
    root = init(tmp_path / "deck").root
    lock = json.loads((root / "ankigen.lock").read_text())
    assert (lock["deck_id"], lock["cards"], lock["removed"]) == (
        load_card_set(root).deck.id,
        {},
        {},
    )
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(tmp_path / "d.apkg")])
    assert (result.exit_code, result.stderr) == (0, "")
    assert "5 notes (7 cards): 5 new, 0 changed, 0 removed\n" in result.stdout
    assert "no lock file" not in result.stdout
    (root / "ankigen.lock").unlink()
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(tmp_path / "d.apkg")])
    assert "5 notes (7 cards), no lock file (first build?)" in result.stdout


def test_the_deck_id_may_change_before_the_first_build(tmp_path: Path) -> None:
    """No note was made with init's id yet, so changing it starts no new deck."""
    root = init(tmp_path / "deck").root
    deck = (root / "deck.yaml").read_text()
    old = load_card_set(root).deck.id
    (root / "deck.yaml").write_text(deck.replace(f"id: {old}", "id: my-own-id"))
    report = build(root, tmp_path / "d.apkg", now=1_700_000_000)
    assert report.warnings == [] and len(report.new) == 5
    assert json.loads((root / "ankigen.lock").read_text())["deck_id"] == "my-own-id"

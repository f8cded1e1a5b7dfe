"""plan: Anki's importer runs on a copy; the learner's collection is never touched."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from ankigen.cli import main
from ankigen.collection.plan import plan

from .conftest import Story, change_the_yaml, fingerprint, tag_alpha_and_edit_beta


def kinds(result) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for change in result.changes:
        found.setdefault(change.kind, []).append(change.name)
    return found


def test_plan_names_all_five_and_changes_no_byte(story: Story, in_anki, tmp_path: Path) -> None:
    in_anki(story.collection, tag_alpha_and_edit_beta)
    removed_on = change_the_yaml(story, tmp_path)
    before = fingerprint(story.profile)

    result = plan(story.root, story.profile)

    assert fingerprint(story.profile) == before
    assert kinds(result) == {
        "updated": ["alpha", "epsilon", "delta"],  # a renamed category is in the question
        "edited": ["beta"],
        "tags": ["alpha"],
        "subdeck": ["epsilon", "delta"],
        "removed": ["gamma"],
    }
    by = {(c.kind, c.name): c for c in result.changes}
    assert by["tags", "alpha"].detail == ("my-tag",)
    assert by["edited", "beta"].where == f"{story.root}/theory.yaml:6"
    assert by["edited", "beta"].detail == (
        "YAML -> your edit:",
        "Answer: The [-second-] {+2nd+} letter of the Greek …",
    )
    assert by["subdeck", "delta"].detail == ("in 'Story::Theory', belongs in 'Story::Programming'",)
    assert by["subdeck", "epsilon"].detail == ("in 'Story::Code', belongs in 'Story::Programming'",)
    assert by["removed", "gamma"].detail == (f'on {removed_on}, Browser search: "ID:gamma"',)
    assert by["updated", "alpha"].detail == ("Answer",)
    assert result.surprise


def test_plan_command_prints_groups_and_exits_1_on_a_surprise(
    story: Story, in_anki, tmp_path: Path, monkeypatch
) -> None:
    in_anki(story.collection, tag_alpha_and_edit_beta)
    removed_on = change_the_yaml(story, tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["plan", "--collection", "Anki2/User 1"])
    assert result.exit_code == 1, result.output
    root = "cards"
    assert result.output.splitlines() == [
        "updated (3)",
        f"  alpha    {root}/theory.yaml:3  Answer",
        f"  epsilon  {root}/code.yaml:3  Question",
        f"  delta    {root}/code.yaml:6  Question, tags +story-deck::code -story-deck::theory",
        "edited in Anki since the last build: the import keeps your version (copy the fix into the YAML) (1)",
        f"  beta     {root}/theory.yaml:6",
        "      YAML -> your edit:",
        "      Answer: The [-second-] {+2nd+} letter of the Greek …",
        "tags you added that the update drops (apply keeps them) (1)",
        f"  alpha    {root}/theory.yaml:3  my-tag",
        "stays in an old subdeck (apply moves it) (2)",
        f"  epsilon  {root}/code.yaml:3  in 'Story::Code', belongs in 'Story::Programming'",
        f"  delta    {root}/code.yaml:6  in 'Story::Theory', belongs in 'Story::Programming'",
        "removed from the YAML, still in the collection (apply deletes it) (1)",
        f'  gamma    on {removed_on}, Browser search: "ID:gamma"',
        "4 notes: 0 new, 3 updated, 0 unchanged, 1 edited in Anki, 0 merged, 0 in conflict, 0 skipped, 0 refused; "
        "1 with tags dropped, 2 in an old subdeck, 1 removed, 0 unknown, 0 changed type, 0 with empty cards, 0 media files renamed",
    ]


def test_plan_of_an_unchanged_collection_exits_0(story: Story) -> None:
    result = CliRunner().invoke(
        main, ["plan", str(story.root), "--collection", str(story.collection)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "unchanged (5): alpha, beta, delta, gamma, epsilon",
        "5 notes: 0 new, 0 updated, 5 unchanged, 0 edited in Anki, 0 merged, 0 in conflict, 0 skipped, 0 refused; "
        "0 with tags dropped, 0 in an old subdeck, 0 removed, 0 unknown, 0 changed type, 0 with empty cards, 0 media files renamed",
    ]


def test_numbered_subdecks_are_where_plan_and_apply_expect_cards(tmp_path: Path) -> None:
    """With numbered_subdecks, the current subdeck is "01 Theory", not "Theory": an
    unchanged deck plans as unchanged, with no card in an old subdeck."""
    from ankigen.build import build

    from ..conftest import import_package
    from .conftest import CODE, DECK, THEORY, open_collection

    root = tmp_path / "cards"
    root.mkdir()
    for name, text in (("deck", DECK + "numbered_subdecks: true\n"), ("theory", THEORY),
                       ("code", CODE)):  # fmt: skip
        (root / f"{name}.yaml").write_text(text, encoding="utf-8")
    build(root, tmp_path / "v1.apkg", now=1_700_000_000)
    collection = tmp_path / "collection.anki2"
    col = open_collection(collection)
    try:
        import_package(col, tmp_path / "v1.apkg")
    finally:
        col.close()
    result = CliRunner().invoke(main, ["plan", str(root), "--collection", str(collection)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].endswith(
        "0 in an old subdeck, 0 removed, 0 unknown, 0 changed type, 0 with empty cards, 0 media files renamed"
    )


def test_a_count_of_one_is_singular(tmp_path: Path, write_cards) -> None:
    from ankigen.build import build

    from .conftest import open_collection

    root = write_cards(theory=None)  # one card
    build(root, tmp_path / "a.apkg")
    empty = tmp_path / "empty" / "collection.anki2"
    empty.parent.mkdir()
    open_collection(empty).close()
    result = CliRunner().invoke(main, ["plan", str(root), "--collection", str(empty)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "1 note: 1 new, 0 updated, 0 unchanged, 0 edited in Anki, 0 merged, 0 in conflict, "
        "0 skipped, 0 refused; 0 with tags dropped, 0 in an old subdeck, 0 removed, 0 unknown, "
        "0 changed type, 0 with empty cards, 0 media files renamed"
    )

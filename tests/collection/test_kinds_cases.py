"""The cases beyond the story, for the other kinds: edits in any field, a studied cloze
number removed, a retyped card never studied, the learner's own notes, and a note
type whose fields or templates changed (Anki's copies of it)."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ankigen.build import build
from ankigen.cli import main
from ankigen.collection.apply import apply
from ankigen.collection.plan import plan
from ankigen.package.notetype import note_type

from ..conftest import import_package
from .conftest import (
    KINDS,
    WORDS,
    Story,
    begin_story,
    card_states,
    cards_of_notes,
    fingerprint,
    open_collection,
)


def later(story: Story, tmp_path: Path, **files: str) -> None:
    """The YAML, changed and built a minute from now."""
    story.write(**files)
    build(story.root, tmp_path / "v2.apkg", now=int(time.time()) + 60)


@pytest.mark.parametrize(
    ("card_id", "field"),
    [("capital-of-france", "Text"), ("capital-of-france", "Extra"), ("der-hund", "Question"),
     ("der-hund", "Answer"), ("capital-of-japan", "Answer"), ("capital-of-japan", "Extra")],
)  # fmt: skip
def test_an_edit_in_anki_is_found_in_any_field_of_any_kind(
    card_id: str, field: str, story_of_every_kind: Story, in_anki, tmp_path: Path
) -> None:
    story = story_of_every_kind

    def edit(col) -> None:
        note = col.get_note(col.find_notes(f'"ID:{card_id}"')[0])
        note[field] += " (edited)"
        col.update_note(note)

    in_anki(story.collection, edit)
    (edited,) = plan(story.root, story.profile).group("edited")
    assert edited.name == card_id
    ((heading, diff),) = [edited.detail]
    assert heading == "YAML -> your edit:"
    assert diff.startswith(f"{field}: ") and diff.endswith(" {+(edited)+}"), diff
    # The YAML changes the same note: the update would replace the edit.
    line = f"  - id: {card_id}\n"
    later(story, tmp_path, **{name: text.replace(line, line + "    level: basic\n")
                              for name, text in (("kinds", KINDS), ("words", WORDS))})  # fmt: skip
    result = plan(story.root, story.profile)
    assert [c.name for c in result.group("conflict")] == [card_id]
    assert apply(story.root, story.profile).refused


def test_a_studied_cloze_number_removed_is_named_with_its_reviews_and_deleted(
    tmp_path: Path,
) -> None:
    story = begin_story(tmp_path, {"capital-of-france": 2}, kinds=KINDS)
    studied = card_states(story.collection)
    later(story, tmp_path, kinds=KINDS.replace("of {{c2::France}}.", "of France."))
    (empty,) = plan(story.root, story.profile).group("empty")
    assert (empty.name, empty.detail) == ("capital-of-france", ("c2 (1 review)",))
    done = apply(story.root, story.profile)
    assert done.backup is not None and not done.refused
    france = ("Story (ankigen cloze)", ((0, "Story::Theory"),))
    assert cards_of_notes(story.collection)["capital-of-france"] == france
    assert card_states(story.collection)["capital-of-france", 0] == studied["capital-of-france", 0]
    assert not apply(story.root, story.profile).changed


def test_an_empty_card_the_import_does_not_empty_is_left(
    story_of_every_kind: Story, in_anki, tmp_path: Path
) -> None:
    """An edit made in Anki after the release was built keeps the note out of the
    import: its c2 is still in its text, so no card of it is empty."""
    story = story_of_every_kind
    story.write(kinds=KINDS.replace("of {{c2::France}}.", "of France."))
    build(story.root, tmp_path / "v2.apkg", now=int(time.time()) - 60)

    def edit(col) -> None:
        note = col.get_note(col.find_notes('"ID:capital-of-france"')[0])
        note["Extra"] += " (edited)"
        col.update_note(note)

    in_anki(story.collection, edit)
    result = plan(story.root, story.profile)
    assert [c.name for c in result.group("edited")] == ["capital-of-france"]
    assert result.group("empty") == [] and result.empty == []


def test_the_old_note_of_a_retyped_card_never_studied_is_deleted_without_asking(
    tmp_path: Path, in_anki
) -> None:
    """Nothing is lost by deleting it, but the tags the learner put on it: they go to
    the new note."""
    story = begin_story(tmp_path, {}, words=WORDS)

    def tag_zeta(col) -> None:
        zeta = col.get_note(col.find_notes('"ID:zeta"')[0])
        zeta.tags.append("greek")
        col.update_note(zeta)

    in_anki(story.collection, tag_zeta)
    later(
        story, tmp_path, words=WORDS.replace("  - id: zeta\n", "  - id: zeta\n    type: type-in\n")
    )
    result = plan(story.root, story.profile)
    ((retyped,),) = [result.group("retyped")]
    assert retyped.detail[:2] == (
        "was basic: its old note has 0 reviews",
        "your tags on it go to the new note: greek",
    )
    assert result.studied_retyped == []
    done = apply(story.root, story.profile)
    assert not done.refused and done.backup is not None
    assert cards_of_notes(story.collection)["zeta"] == (
        "Story (ankigen type-in)", ((0, "Story::Code"),),
    )  # fmt: skip
    col = open_collection(story.collection)
    try:
        assert "greek" in col.get_note(col.find_notes('"ID:zeta"')[0]).tags
    finally:
        col.close()
    assert not apply(story.root, story.profile).changed


def test_a_learners_own_note_of_a_kinds_note_type_is_never_removed(
    story_of_every_kind: Story, in_anki, tmp_path: Path
) -> None:
    """Notes the learner added with the deck's cloze and reversed note types, with ids
    of the deck's cards: neither the removed cloze card nor the retyped card takes them."""
    story = story_of_every_kind

    def add_own_notes(col) -> None:
        for kind, card_id in (("cloze", "capital-of-france"), ("reversed", "zeta")):
            note = col.new_note(col.models.by_name(f"Story (ankigen {kind})"))
            note[note.keys()[0]] = "{{c1::Mine}}" if kind == "cloze" else "Mine"
            note["ID"] = card_id
            col.add_note(note, col.decks.id("Story::Theory"))

    in_anki(story.collection, add_own_notes)
    no_france = KINDS[KINDS.index("  - id: capital-of-japan") :]
    retyped = WORDS.replace("  - id: zeta\n", "  - id: zeta\n    type: reversed\n")
    later(story, tmp_path, kinds="category: theory\ncards:\n" + no_france, words=retyped)
    done = apply(story.root, story.profile, delete_retyped=True)
    assert [c.name for c in done.plan.group("removed")] == ["capital-of-france"]
    assert [c.name for c in done.plan.group("retyped")] == ["zeta"]
    col = open_collection(story.collection)
    try:
        left = sorted(
            (n["ID"], n.note_type()["name"], n.fields[0])
            for nid in col.find_notes('"ID:capital-of-france" or "ID:zeta"')
            for n in [col.get_note(nid)]
        )
    finally:
        col.close()
    assert left == [
        ("capital-of-france", "Story (ankigen cloze)", "{{c1::Mine}}"),
        ("zeta", "Story (ankigen reversed)", "<p>What is zeta?</p>"),  # the new note
        ("zeta", "Story (ankigen reversed)", "Mine"),
    ]


def restyled_cloze(deck, kind="basic"):
    """The cloze note type with its card template replaced by a new one."""
    original = note_type(deck, kind)
    if kind != "cloze":
        return original
    template = dict(original.templates[0], id=original.templates[0]["id"] + 1, name="Cloze 2")
    return dataclasses.replace(original, templates=(template,))


ITALY = """\
  - id: capital-of-italy
    type: cloze
    text: "{{c1::Rome}} is the capital of Italy."
"""


def test_a_kinds_changed_note_type_anki_copies_is_announced_and_merged(
    story_of_every_kind: Story, tmp_path: Path, monkeypatch
) -> None:
    """The cloze note type's template changes: Anki refuses to update the cloze notes,
    and puts new ones in a copy of the note type. plan says so, and that merging means
    a one-way sync; apply merges only when asked, and deletes a removed note that is
    in the copy."""
    story = story_of_every_kind
    monkeypatch.setattr("ankigen.build.note_type", restyled_cloze)
    edited = KINDS.replace("A city on the Seine.", "A city on the Seine, since 987.")
    story.write(kinds=edited + ITALY)
    # Both releases built before apply runs, as they are for a learner.
    build(story.root, tmp_path / "v2.apkg", now=int(time.time()) - 120, change_note_type=True)
    result = plan(story.root, story.profile)
    assert [c.name for c in result.group("refused")] == ["capital-of-france"]
    assert [c.name for c in result.group("new")] == ["capital-of-italy"]
    (remark,) = result.remarks
    assert remark == (
        "a note type's fields or templates changed: Anki keeps the old one for the notes you "
        "have and adds a copy (Story (ankigen cloze)+) for new ones. `ankigen apply "
        "--merge-note-types` merges them (Anki then asks for a one-way sync)"
    )
    assert [p.message.split(",")[0] for p in apply(story.root, story.profile).refused] == [
        "the note type's fields or templates changed"
    ]

    col = open_collection(story.collection)  # the learner imports it anyway, with File → Import
    try:
        import_package(col, tmp_path / "v2.apkg")
    finally:
        col.close()
    assert cards_of_notes(story.collection)["capital-of-italy"][0] == "Story (ankigen cloze)+"
    studied = card_states(story.collection)["capital-of-france", 0]
    story.write(kinds=edited)  # Italy removed again
    build(story.root, tmp_path / "v3.apkg", now=int(time.time()) - 60, change_note_type=True)
    result = plan(story.root, story.profile)
    assert [c.name for c in result.group("removed")] == ["capital-of-italy"]  # in the copy
    assert "adds a copy (Story (ankigen cloze)+)" in result.remarks[0]

    done = apply(story.root, story.profile, merge_notetypes=True)
    assert not done.refused and done.backup is not None
    assert "this import changes the collection's schema: Anki will ask for a one-way sync" in (
        done.plan.remarks
    )
    notes = cards_of_notes(story.collection)
    assert "capital-of-italy" not in notes
    assert notes["capital-of-france"][0] == "Story (ankigen cloze)"
    assert card_states(story.collection)["capital-of-france", 0] == studied
    col = open_collection(story.collection)
    try:
        france = col.get_note(col.find_notes('"ID:capital-of-france"')[0])
        assert "since 987" in france["Extra"]
        names = sorted(m.name for m in col.models.all_names_and_ids() if "ankigen" in m.name)
    finally:
        col.close()
    assert names == [
        "Story (ankigen cloze)", "Story (ankigen reversed)", "Story (ankigen type-in)",
        "Story (ankigen)",
    ]  # fmt: skip
    files = fingerprint(story.profile)
    assert not apply(story.root, story.profile).changed
    assert fingerprint(story.profile) == files


def test_apply_deletes_a_studied_old_note_only_with_delete_retyped(
    tmp_path: Path, monkeypatch
) -> None:
    story = begin_story(tmp_path, {"zeta": 1}, words=WORDS)
    later(
        story, tmp_path, words=WORDS.replace("  - id: zeta\n", "  - id: zeta\n    type: type-in\n")
    )
    monkeypatch.chdir(tmp_path)
    refused = CliRunner().invoke(main, ["apply", "--collection", "Anki2/User 1"])
    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        "Anki2/User 1/collection.anki2: 1 card changed type (zeta): it is a new note now, "
        "which starts without review history, and apply would delete the old note with its "
        "reviews and schedule: pass --delete-retyped to go ahead, or import the package with "
        "Anki's File → Import to keep both",
        "1 problem found; nothing written.",
    ]
    done = CliRunner().invoke(main, ["apply", "--collection", "Anki2/User 1", "--delete-retyped"])
    assert done.exit_code == 0, done.output
    assert "changed type: a new note, and the old one deleted (1)" in done.output.splitlines()
    assert cards_of_notes(story.collection)["zeta"][0] == "Story (ankigen type-in)"

"""A note edited in Anki whose card the YAML changed too: merged field by field, so that
only a field both changed, differently, is a conflict, and a conflict shows exactly
the fields that differ."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from ankigen.build import build
from ankigen.collection.apply import apply
from ankigen.collection.plan import plan
from ankigen.collection.worddiff import field_diff

from .conftest import DECK, THEORY, Story, fingerprint, open_collection, review_state


def edit_beta(col, question: bool = False) -> None:
    """The learner, in Anki: fixes a word of beta's answer (and of its question)."""
    beta = col.get_note(col.find_notes('"ID:beta"')[0])
    beta["Answer"] = beta["Answer"].replace("second", "2nd")
    if question:
        beta["Question"] = beta["Question"].replace("What is beta?", "What is beta, really?")
    col.update_note(beta)


def beta(story: Story) -> dict[str, str]:
    col = open_collection(story.collection)
    try:
        return dict(col.get_note(col.find_notes('"ID:beta"')[0]).items())
    finally:
        col.close()


def as_before_field_digests(story: Story) -> None:
    """The lock as a build before version 4 wrote it: one digest of all of a note's
    fields, none of each field."""
    path = story.root / "ankigen.lock"
    data = json.loads(path.read_text(encoding="utf-8"))
    for stamps in (data["cards"], data["removed"]):
        for stamp in stamps.values():
            stamp.pop("each_field", None)
            stamp.pop("was", None)
            stamp["earlier"] = [e[:2] for e in stamp.get("earlier", [])]
    path.write_text(json.dumps({**data, "version": 3}), encoding="utf-8")


RENAMED = DECK.replace("name: Theory", "name: Greek letters")


@pytest.mark.parametrize("lock", ["digests of each field", "from before version 4"])
def test_an_edit_copied_into_the_yaml_after_a_category_rename_is_no_conflict(
    story: Story, in_anki, tmp_path: Path, lock: str
) -> None:
    """The learner fixes beta's answer in Anki, and its category is renamed in the YAML,
    which changes the category line hidden in the Question field. That line is the
    build's: only the answer was edited, and once the fix is copied into the YAML, the
    note is an ordinary update."""
    if lock != "digests of each field":
        as_before_field_digests(story)
    in_anki(story.collection, edit_beta)
    story.write(deck=RENAMED)
    build(story.root, tmp_path / "v2.apkg", now=int(time.time()) + 60)
    result = plan(story.root, story.profile)
    assert result.group("conflict") == []
    (merged,) = result.group("merged")
    assert merged.detail == (
        "apply keeps your Answer and takes the YAML's Question",
        "YAML -> your edit:",
        "Answer: The [-second-] {+2nd+} letter of the Greek …",
    )

    story.write(theory=THEORY.replace("The second letter", "The 2nd letter"))  # copied
    build(story.root, tmp_path / "v3.apkg", now=int(time.time()) + 120)
    result = plan(story.root, story.profile)
    assert result.group("conflict") == [] and result.group("merged") == []
    assert {c.name: c.detail for c in result.group("updated")}["beta"] == ("Question",)
    done = apply(story.root, story.profile)
    assert not done.refused and done.backup is not None
    fields = beta(story)
    assert "The 2nd letter" in fields["Answer"]
    assert fields["Question"].startswith('<div class="question" data-meta="Greek letters">')
    assert "beta" in [c.name for c in plan(story.root, story.profile).group("unchanged")]


def test_anki_and_the_yaml_changing_other_fields_are_merged(
    story: Story, in_anki, tmp_path: Path
) -> None:
    in_anki(story.collection, edit_beta)
    story.write(theory=THEORY.replace("What is beta?", "What is β?"))
    build(story.root, tmp_path / "v2.apkg", now=int(time.time()) + 60)
    studied = review_state(story.collection)["beta"]
    result = plan(story.root, story.profile)
    (merged,) = result.group("merged")
    assert merged.detail == (
        "apply keeps your Answer and takes the YAML's Question",
        "YAML -> your edit:",
        "Answer: The [-second-] {+2nd+} letter of the Greek …",
    )
    assert result.surprise, "a plain import would replace the edit"

    done = apply(story.root, story.profile)
    assert not done.refused and done.backup is not None
    fields = beta(story)
    assert "What is β?" in fields["Question"] and "The 2nd letter" in fields["Answer"]
    assert review_state(story.collection)["beta"] == studied
    files = fingerprint(story.profile)
    assert not apply(story.root, story.profile).changed
    assert fingerprint(story.profile) == files
    (edited,) = plan(story.root, story.profile).group("edited")  # the edit, still yours
    assert edited.detail == ("YAML -> your edit:", merged.detail[2])


def test_a_conflict_is_the_field_both_changed_and_shows_only_it(
    story: Story, in_anki, tmp_path: Path
) -> None:
    """The learner fixes beta's question and answer in Anki; the YAML changes its
    answer and renames its category. Only the answer is in conflict: the question's
    change in the YAML is the hidden category line."""
    in_anki(story.collection, lambda col: edit_beta(col, question=True))
    story.write(deck=RENAMED, theory=THEORY.replace("The second letter", "Beta, the second letter"))
    build(story.root, tmp_path / "v2.apkg", now=int(time.time()) + 60)
    (conflict,) = plan(story.root, story.profile).group("conflict")
    assert conflict.detail == (
        "YAML -> your edit:",
        "Answer: [-Beta, the second-] {+The 2nd+} letter of the Greek …",
        "apply keeps your Question; with --prefer-yaml it takes the YAML's Answer",
    )
    files = fingerprint(story.profile)
    done = apply(story.root, story.profile)
    assert [p.message for p in done.refused] == [
        "1 note changed both in Anki and in the YAML, in the same field (beta: Answer): copy "
        "your edit into the YAML and rebuild, or pass --prefer-yaml to take the YAML's there "
        "(the fields only you changed are kept)"
    ]
    assert fingerprint(story.profile) == files
    assert apply(story.root, story.profile, prefer_yaml=True).backup is not None
    fields = beta(story)
    assert "Beta, the second letter" in fields["Answer"]
    assert fields["Question"] == (
        '<div class="question" data-meta="Greek letters"><p>What is beta, really?</p></div>'
    )


def test_a_difference_in_markup_alone_is_shown(story: Story, in_anki, tmp_path: Path) -> None:
    """The release renames the category before the learner edits the note: the import
    keeps the edit, and the diff shows the hidden category line too, never an empty one."""
    story.write(deck=RENAMED)
    build(story.root, tmp_path / "v2.apkg", now=int(time.time()) - 60)
    in_anki(story.collection, edit_beta)
    (edited,) = plan(story.root, story.profile).group("edited")
    assert edited.detail == (
        "YAML -> your edit:",
        """Question: (markup only) [-<div class="question" data-meta="Greek letters">-] """
        """{+<div class="question" data-meta="Theory">+} <p> What is beta? …""",
        "Answer: The [-second-] {+2nd+} letter of the Greek …",
    )


def test_field_diff_is_never_empty_for_fields_that_differ() -> None:
    assert field_diff("<p>a b</p>", "<p>a c</p>") == "a [-b-] {+c+}"
    assert field_diff("<p>a</p>", "<p>a</p>") == ""
    assert field_diff("<b>a</b>", "<i>a</i>") == "(markup only) [-<b>-] {+<i>+} a [-</b>-] {+</i>+}"

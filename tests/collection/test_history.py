"""The lock's memory, seen from a learner's collection: a renamed card keeps its note
and history, and a filtered deck finds exactly what a release changed."""

from __future__ import annotations

import time
from pathlib import Path

from ankigen.build import build
from ankigen.collection.apply import apply
from ankigen.collection.plan import plan
from ankigen.package.stamps import day

from ..conftest import import_package
from .conftest import CODE, THEORY, Story, open_collection, review_state


def test_a_renamed_card_keeps_its_note_and_review_history(story: Story, tmp_path: Path) -> None:
    studied = review_state(story.collection)["alpha"]
    story.write(
        theory=THEORY.replace(
            "  - id: alpha\n", "  - id: alpha-letter\n    previous_ids: [alpha]\n"
        )
    )
    report = build(story.root, tmp_path / "v2.apkg", now=int(time.time()) + 60)
    assert report.renamed == [("alpha", "alpha-letter")]
    result = plan(story.root, story.profile)
    assert [(c.kind, c.name) for c in result.changes if c.kind != "unchanged"] == [
        ("updated", "alpha-letter")
    ]
    col = open_collection(story.collection)
    try:
        log = import_package(col, tmp_path / "v2.apkg")
        assert (len(log.new), len(log.updated)) == (0, 1)
        assert len(col.find_notes('"ID:alpha-letter"')) == 1
        assert col.find_notes('"ID:alpha"') == []
    finally:
        col.close()
    assert review_state(story.collection)["alpha-letter"] == studied
    assert not apply(story.root, story.profile).changed


def test_a_filtered_deck_finds_what_a_release_changed(story: Story, tmp_path: Path) -> None:
    later = int(time.time()) + 3 * 86_400  # a release three days on
    story.write(
        theory=THEORY.replace("The second letter", "Beta, the second letter"),
        code=CODE.replace("A small positive number.", "A small positive quantity."),
    )
    build(story.root, tmp_path / "v2.apkg", now=later)
    assert apply(story.root, story.profile).backup is not None
    col = open_collection(story.collection)
    try:
        found = col.find_notes(f'"tag:story-deck::changed::{day(later)}"')
        changed = sorted(col.get_note(n)["ID"] for n in found)
    finally:
        col.close()
    assert changed == ["beta", "epsilon"]

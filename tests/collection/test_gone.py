"""Notes of this deck's id that neither the YAML nor the lock knows: another card set
with the same deck id made them (a copied deck.yaml), or a lost lock forgot them.
plan and apply name them and never delete or move them; apply deletes only the notes
the lock remembers as removed."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ankigen.build import build
from ankigen.cli import main
from ankigen.collection.apply import apply
from ankigen.collection.plan import plan

from .conftest import DECK, Story, cards_of_notes, fingerprint

UNKNOWN = (
    "unknown to this card set, left as they are (another card set may share this deck "
    "id: give this one its own id in deck.yaml, then `ankigen build --new-deck-id`)"
)
OMEGA = """\
category: theory
cards:
  - id: omega
    question: What is omega?
    answer: The last letter.
"""
# A card with the id of one of the other set's cards, of another kind: its note is
# not an old note of this card set's, however much it looks like one.
ZETA = """\
category: code
cards:
  - id: zeta
    type: reversed
    question: zeta
    answer: the sixth letter
"""


def copied_deck(tmp_path: Path, cards: str) -> Path:
    """Card set B: set A's deck.yaml copied (so its deck id), one card of its own, and
    no lock; built once."""
    root = tmp_path / "other"
    root.mkdir()
    (root / "deck.yaml").write_text(DECK, encoding="utf-8")
    (root / "mine.yaml").write_text(cards, encoding="utf-8")
    build(root, tmp_path / "other.apkg", now=int(time.time()) + 60)
    return root


@pytest.mark.parametrize("cards", [OMEGA, ZETA], ids=["a-card-of-its-own", "a-shared-card-id"])
def test_a_card_set_sharing_the_deck_id_never_deletes_the_other_sets_notes(
    story_of_every_kind: Story, tmp_path: Path, monkeypatch, cards: str
) -> None:
    story = story_of_every_kind
    other = copied_deck(tmp_path, cards)
    notes = cards_of_notes(story.collection)
    files = fingerprint(story.profile)

    result = plan(other, story.profile)

    assert result.group("removed") == [] and result.group("retyped") == []
    assert result.deletions == [] and result.work.moves == {}
    assert sorted(c.name for c in result.group("unknown")) == sorted(notes)
    by_name = {c.name: c.detail for c in result.group("unknown")}
    assert by_name["alpha"] == ("""Browser search: ("ID:alpha" "note:Story (ankigen)")""",)
    assert by_name["der-hund"] == (
        """Browser search: ("ID:der-hund" "note:Story (ankigen reversed)")""",
    )
    assert result.surprise

    monkeypatch.chdir(tmp_path)
    planned = CliRunner().invoke(main, ["plan", "other", "--collection", "Anki2/User 1"])
    assert planned.exit_code == 1, planned.output
    assert f"{UNKNOWN} ({len(notes)})" in planned.output.splitlines()

    done = apply(other, story.profile)
    assert done.backup is None
    assert [p.message for p in done.refused] == [
        f"{len(notes)} notes in the collection have this deck's id but are unknown to this "
        "card set (alpha, beta, capital-of-france, capital-of-japan, delta, der-hund, epsilon, "
        "gamma, zeta): another card set may share this deck id (give this one its own id in "
        "deck.yaml, then `ankigen build --new-deck-id`); if they are this card set's own old "
        "notes and its lock file was lost, restore the lock, or delete them in Anki's Browser"
    ]
    applied = CliRunner().invoke(main, ["apply", "other", "--collection", "Anki2/User 1"])
    assert applied.exit_code == 1, applied.output
    assert fingerprint(story.profile) == files, "nothing deleted, moved or imported"
    assert cards_of_notes(story.collection) == notes


def forget_the_lock(story: Story) -> None:
    """The lock as it was before ankigen recorded old notes: no tombstones, no kinds a
    card had before."""
    path = story.root / "ankigen.lock"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["removed"] = {}
    path.write_text(json.dumps(data), encoding="utf-8")


def test_a_note_the_lock_does_not_remember_is_not_deleted(story: Story, tmp_path: Path) -> None:
    """The card set's own note of a card removed from the YAML is deleted because the
    lock remembers it was removed, not because its GUID looks like ankigen's."""
    from .conftest import CODE

    story.write(code=CODE[: CODE.index("  - id: gamma")] + CODE[CODE.index("  - id: epsilon") :])
    build(story.root, tmp_path / "v2.apkg", now=int(time.time()) + 60)
    forget_the_lock(story)
    build(story.root, tmp_path / "v2.apkg", now=int(time.time()) + 60)  # the lock, as rebuilt
    result = plan(story.root, story.profile)
    assert [c.name for c in result.group("unknown")] == ["gamma"]
    assert result.group("removed") == [] and result.deletions == []
    done = apply(story.root, story.profile)
    assert done.refused and done.backup is None
    assert "gamma" in cards_of_notes(story.collection)

"""A learner's story in real Anki collections: a card set, built and imported, studied,
and edited in Anki, then changed in the YAML."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from ankigen.build import build
from ankigen.package.stamps import day

from ..conftest import import_package

DECK = """\
name: Story
id: story-deck
categories:
  - {id: theory, name: Theory}
  - {id: code, name: Code}
"""

THEORY = """\
category: theory
cards:
  - id: alpha
    question: What is alpha?
    answer: The first letter of the Greek alphabet.
  - id: beta
    question: What is beta?
    answer: The second letter of the Greek alphabet.
  - id: delta
    question: What is delta?
    answer: The fourth letter, often a difference.
"""

CODE = """\
category: code
cards:
  - id: gamma
    question: What is gamma?
    answer: The third letter.
  - id: epsilon
    question: What is epsilon?
    answer: A small positive number.
"""

DAY = 86_400


@dataclass
class Story:
    root: Path
    profile: Path
    collection: Path  # the profile's collection.anki2

    def write(self, **files: str) -> None:
        for name, text in files.items():
            (self.root / f"{name}.yaml").write_text(text, encoding="utf-8")


def open_collection(path: Path):
    from anki.collection import Collection

    return Collection(str(path))


@pytest.fixture
def story(tmp_path: Path) -> Story:
    """v1 built two days ago and imported into a profile's collection; 'alpha' and
    'beta' answered once."""
    root = tmp_path / "cards"
    root.mkdir()
    profile = tmp_path / "Anki2" / "User 1"
    profile.mkdir(parents=True)
    (profile.parent / "prefs21.db").write_bytes(b"")  # what makes it a profile folder
    s = Story(root, profile, profile / "collection.anki2")
    s.write(deck=DECK, theory=THEORY, code=CODE)
    build(root, tmp_path / "v1.apkg", now=int(time.time()) - 2 * DAY)
    col = open_collection(s.collection)
    try:
        import_package(col, tmp_path / "v1.apkg")
        for card_id in ("alpha", "beta"):
            card = col.get_card(col.find_cards(f'"ID:{card_id}"')[0])
            card.start_timer()
            col.sched.answerCard(card, 3)
    finally:
        col.close()
    return s


@pytest.fixture
def in_anki() -> Callable[..., None]:
    """Do something to a collection as the learner would in Anki."""

    def run(path: Path, action: Callable) -> None:  # type: ignore[type-arg]
        col = open_collection(path)
        try:
            action(col)
        finally:
            col.close()

    return run


def tag_alpha_and_edit_beta(col) -> None:
    """The learner, in Anki: tags one note, fixes a word in another."""
    alpha = col.get_note(col.find_notes('"ID:alpha"')[0])
    alpha.tags.append("my-tag")
    col.update_note(alpha)
    beta = col.get_note(col.find_notes('"ID:beta"')[0])
    beta["Answer"] = beta["Answer"].replace("second", "2nd")
    col.update_note(beta)


def change_the_yaml(story: Story, tmp_path: Path) -> str:
    """The YAML, later: 'gamma' removed, 'delta' moved to code, the category code
    renamed, and the tagged note 'alpha' edited; then built, a minute after the edits."""
    theory = THEORY.replace("The first letter", "The very first letter")
    story.write(
        deck=DECK.replace("name: Code", "name: Programming"),
        theory=theory[: theory.index("  - id: delta")],
        code="category: code\ncards:\n"
        + CODE[CODE.index("  - id: epsilon") :]
        + THEORY[THEORY.index("  - id: delta") :],
    )
    now = int(time.time()) + 60
    build(story.root, tmp_path / "v2.apkg", now=now)
    return day(now)  # the day the lock remembers 'gamma' was removed


def fingerprint(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in a profile folder: its bytes and modification time."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def review_state(path: Path) -> dict[str, tuple]:  # type: ignore[type-arg]
    """Per card id: reps, lapses, interval, due, type, queue, and its revlog rows."""
    col = open_collection(path)
    try:
        state = {}
        for nid in col.find_notes(""):
            note = col.get_note(nid)
            for card in note.cards():
                revlog = col.db.all("select * from revlog where cid = ? order by id", card.id)
                state[note["ID"]] = (
                    card.reps, card.lapses, card.ivl, card.due, card.type, card.queue, revlog
                )  # fmt: skip
        return state
    finally:
        col.close()

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

# Cards of the other kinds, added to the story: a cloze card and a type-in card in
# theory, a reversed card and a basic card in code.
KINDS = """\
category: theory
cards:
  - id: capital-of-france
    type: cloze
    text: "{{c1::Paris}} is the capital of {{c2::France}}."
    extra: A city on the Seine.
  - id: capital-of-japan
    type: type-in
    question: What is the capital of Japan?
    answer: Tokyo
    extra: Since 1869.
"""

WORDS = """\
category: code
cards:
  - id: der-hund
    type: reversed
    question: der Hund
    answer: the dog
  - id: zeta
    question: What is zeta?
    answer: The sixth letter.
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


def begin_story(tmp_path: Path, studied: dict[str, int], **files: str) -> Story:
    """v1 (the story's files, and ``files``) built two days ago and imported into a
    profile's collection; of each note in ``studied``, that many cards answered once."""
    root = tmp_path / "cards"
    root.mkdir()
    profile = tmp_path / "Anki2" / "User 1"
    profile.mkdir(parents=True)
    (profile.parent / "prefs21.db").write_bytes(b"")  # what makes it a profile folder
    s = Story(root, profile, profile / "collection.anki2")
    s.write(**{"deck": DECK, "theory": THEORY, "code": CODE, **files})
    build(root, tmp_path / "v1.apkg", now=int(time.time()) - 2 * DAY)
    col = open_collection(s.collection)
    try:
        import_package(col, tmp_path / "v1.apkg")
        for card_id, count in studied.items():
            for cid in sorted(col.find_cards(f'"ID:{card_id}"'))[:count]:
                card = col.get_card(cid)
                card.start_timer()
                col.sched.answerCard(card, 3)
    finally:
        col.close()
    return s


@pytest.fixture
def story(tmp_path: Path) -> Story:
    """v1 of five basic cards, imported; 'alpha' and 'beta' answered once."""
    return begin_story(tmp_path, {"alpha": 1, "beta": 1})


@pytest.fixture
def story_of_every_kind(tmp_path: Path) -> Story:
    """The story with a card of each kind besides: the cloze card's first number
    answered, both directions of the reversed card, the type-in card and 'zeta'."""
    studied = {"alpha": 1, "beta": 1, "capital-of-france": 1, "der-hund": 2,
               "capital-of-japan": 1, "zeta": 1}  # fmt: skip
    return begin_story(tmp_path, studied, kinds=KINDS, words=WORDS)


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


def tag_france_and_edit_der_hund(col) -> None:
    """The learner, in Anki: tags the cloze note, fixes the reversed one."""
    france = col.get_note(col.find_notes('"ID:capital-of-france"')[0])
    france.tags.append("my-cloze")
    col.update_note(france)
    hund = col.get_note(col.find_notes('"ID:der-hund"')[0])
    hund["Answer"] = hund["Answer"].replace("the dog", "the dog (m.)")
    col.update_note(hund)


def change_every_kind(story: Story, tmp_path: Path) -> str:
    """The YAML, later, besides the changes of ``change_the_yaml``: the cloze card loses
    its second number, the type-in card is edited and moved to code, and 'zeta'
    becomes a reversed card."""
    kinds = KINDS.replace("of {{c2::France}}.", "of France.")
    japan = kinds[kinds.index("  - id: capital-of-japan") :]
    words = WORDS.replace("  - id: zeta\n", "  - id: zeta\n    type: reversed\n")
    story.write(
        kinds=kinds[: kinds.index("  - id: capital-of-japan")],
        words=words + japan.replace("the capital of Japan", "Japan's capital"),
    )
    return change_the_yaml(story, tmp_path)


def fingerprint(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in a profile folder: its bytes and modification time."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def cards_of_notes(path: Path) -> dict[str, tuple]:  # type: ignore[type-arg]
    """Per note, by its ID field: its note type's name, and each card's number and deck."""
    col = open_collection(path)
    try:
        found = {}
        for nid in col.find_notes(""):
            note = col.get_note(nid)
            cards = tuple((c.ord, col.decks.name(c.did)) for c in note.cards())
            found[note["ID"]] = (note.note_type()["name"], cards)
        return found
    finally:
        col.close()


def card_states(path: Path) -> dict[tuple[str, int], tuple]:  # type: ignore[type-arg]
    """Per card, by (ID field, number): reps, lapses, interval, due, type, queue and its
    revlog rows."""
    col = open_collection(path)
    try:
        state = {}
        for cid in col.find_cards(""):
            card = col.get_card(cid)
            revlog = col.db.all("select * from revlog where cid = ? order by id", cid)
            state[card.note()["ID"], card.ord] = (
                card.reps, card.lapses, card.ivl, card.due, card.type, card.queue, revlog
            )  # fmt: skip
        return state
    finally:
        col.close()


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

"""plan and apply for every kind of card: cloze, reversed and type-in notes, each of its
own note type, through the learner's story in real collections."""

from __future__ import annotations

import time
from pathlib import Path

from click.testing import CliRunner

from ankigen.build import build
from ankigen.cli import main
from ankigen.collection.apply import apply
from ankigen.collection.plan import plan

from ..conftest import import_package
from .conftest import (
    Story,
    begin_story,
    card_states,
    cards_of_notes,
    change_every_kind,
    fingerprint,
    open_collection,
    tag_alpha_and_edit_beta,
    tag_france_and_edit_der_hund,
)
from .test_plan import kinds


def learner_and_yaml(story: Story, in_anki, tmp_path: Path) -> str:
    """In Anki the learner tags and edits notes of both stories; then the YAML changes."""
    in_anki(story.collection, tag_alpha_and_edit_beta)
    in_anki(story.collection, tag_france_and_edit_der_hund)
    return change_every_kind(story, tmp_path)


def test_plan_names_what_changes_for_every_kind(
    story_of_every_kind: Story, in_anki, tmp_path: Path
) -> None:
    story = story_of_every_kind
    learner_and_yaml(story, in_anki, tmp_path)
    before = fingerprint(story.profile)

    result = plan(story.root, story.profile)

    assert fingerprint(story.profile) == before
    assert kinds(result) == {
        "new": ["zeta"],  # a reversed card now: a new note, with two cards
        "updated": ["capital-of-france", "alpha", "epsilon", "delta", "capital-of-japan"],
        "edited": ["beta", "der-hund"],
        "tags": ["capital-of-france", "alpha"],
        "subdeck": ["epsilon", "delta", "der-hund", "capital-of-japan"],
        "removed": ["gamma"],
        "retyped": ["zeta"],
        "empty": ["capital-of-france"],
    }
    by = {(c.kind, c.name): c for c in result.changes}
    assert by["new", "zeta"].detail == ("into 'Story::Programming' (2 cards)",)
    assert by["updated", "capital-of-france"].detail == ("Text",)
    assert by["updated", "capital-of-japan"].detail == (
        "Question, tags +story-deck::code -story-deck::theory",
    )
    assert by["edited", "der-hund"].detail == ("YAML -> your edit:", "Answer: the dog {+(m.)+}")
    assert by["tags", "capital-of-france"].detail == ("my-cloze",)
    assert by["subdeck", "der-hund"].detail == (
        "2 cards in 'Story::Code', belong in 'Story::Programming'",
    )
    assert by["retyped", "zeta"].where == f"{story.root}/words.yaml:8"
    assert by["retyped", "zeta"].detail == (
        "was basic: its old note has 1 review",
        """Browser search: ("ID:zeta" "note:Story (ankigen)")""",
    )
    assert by["empty", "capital-of-france"].detail == ("c2",)
    assert result.surprise


def test_the_plan_of_every_kind_as_printed(
    story_of_every_kind: Story, in_anki, tmp_path: Path, monkeypatch
) -> None:
    removed_on = learner_and_yaml(story_of_every_kind, in_anki, tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["plan", "--collection", "Anki2/User 1"])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[:3] == [
        "new (1)",
        "  zeta               cards/words.yaml:7  into 'Story::Programming' (2 cards)",
        "updated (5)",
    ]
    assert lines[-9:] == [
        "removed from the YAML, still in the collection (apply deletes it) (1)",
        f'  gamma              on {removed_on}, Browser search: "ID:gamma"',
        "changed type: a new note, and the old one is still in the collection (apply deletes "
        "it, and one that has been studied only with --delete-retyped) (1)",
        "  zeta               cards/words.yaml:8",
        "      was basic: its old note has 1 review",
        """      Browser search: ("ID:zeta" "note:Story (ankigen)")""",
        "cloze numbers removed: their cards are left empty (apply deletes them, as "
        "Tools → Empty Cards does) (1)",
        "  capital-of-france  cards/kinds.yaml:5  c2",
        "8 notes: 1 new, 5 updated, 0 unchanged, 2 edited in Anki, 0 merged, 0 in conflict, 0 skipped, "
        "0 refused; 2 with tags dropped, 4 in an old subdeck, 1 removed, 0 unknown, 1 changed type, "
        "1 with empty cards, 0 media files renamed",
    ]
    moved = "  der-hund           cards/words.yaml:3  2 cards in 'Story::Code', belong in "
    assert moved + "'Story::Programming'" in lines


def test_apply_of_every_kind(story_of_every_kind: Story, in_anki, tmp_path: Path) -> None:
    """apply leaves exactly the YAML's notes and cards, each card in its subdeck, with
    the review history of every card kept; the studied old note of a card whose type
    changed goes only when asked; and a second apply changes nothing."""
    story = story_of_every_kind
    learner_and_yaml(story, in_anki, tmp_path)
    studied = card_states(story.collection)
    col = open_collection(story.collection)
    schema = col.db.scalar("select scm from col")
    col.close()
    files = fingerprint(story.profile)

    refused = apply(story.root, story.profile)
    assert [p.message for p in refused.refused] == [
        "1 card changed type (zeta): it is a new note now, which starts without review "
        "history, and apply would delete the old note with its reviews and schedule: pass "
        "--delete-retyped to go ahead, or import the package with Anki's File → Import to "
        "keep both"
    ]
    assert fingerprint(story.profile) == files

    done = apply(story.root, story.profile, delete_retyped=True)

    assert not done.refused and done.backup is not None
    theory, programming = "Story::Theory", "Story::Programming"
    assert cards_of_notes(story.collection) == {
        "alpha": ("Story (ankigen)", ((0, theory),)),
        "beta": ("Story (ankigen)", ((0, theory),)),
        "delta": ("Story (ankigen)", ((0, programming),)),
        "epsilon": ("Story (ankigen)", ((0, programming),)),
        "capital-of-france": ("Story (ankigen cloze)", ((0, theory),)),  # c2 deleted
        "capital-of-japan": ("Story (ankigen type-in)", ((0, programming),)),
        "der-hund": ("Story (ankigen reversed)", ((0, programming), (1, programming))),
        "zeta": ("Story (ankigen reversed)", ((0, programming), (1, programming))),
    }
    assert done.removed_decks == ["Story::Code"]
    after = card_states(story.collection)
    kept = [("alpha", 0), ("beta", 0), ("capital-of-france", 0), ("der-hund", 0),
            ("der-hund", 1), ("capital-of-japan", 0)]  # fmt: skip
    for card in kept:
        assert after[card] == studied[card], card
        assert len(after[card][-1]) == 1, card  # its revlog row
    assert after["zeta", 0][0] == 0, "the new note starts afresh"
    col = open_collection(story.collection)
    try:
        france = col.get_note(col.find_notes('"ID:capital-of-france"')[0])
        assert "my-cloze" in france.tags and "{{c2::" not in france["Text"]
        hund = col.get_note(col.find_notes('"ID:der-hund"')[0])
        assert hund["Answer"] == "<p>the dog (m.)</p>"  # the edit made in Anki, kept
        japan = col.get_note(col.find_notes('"ID:capital-of-japan"')[0])
        assert "Japan's capital" in japan["Question"]
        assert col.db.scalar("select scm from col") == schema  # no one-way sync
        assert col.get_empty_cards().notes == []
    finally:
        col.close()

    files = fingerprint(story.profile)
    again = apply(story.root, story.profile)
    assert again.backup is None and not again.refused
    assert fingerprint(story.profile) == files, "a second apply changes nothing"


def test_every_kind_imported_as_built_plans_as_unchanged_in_numbered_subdecks(
    tmp_path: Path,
) -> None:
    """Numbered subdecks: every card of every kind is where plan expects it, until a
    category is renamed; then apply moves every card of each note."""
    from ..conftest import KINDS as SAMPLES
    from .conftest import DECK

    deck = DECK + "numbered_subdecks: true\n"
    samples = SAMPLES.replace("    sources: [art-q1]\n", "")
    story = begin_story(tmp_path, {"der-hund": 2}, deck=deck, kinds=samples)
    result = CliRunner().invoke(main, ["plan", str(story.root), "--collection", str(story.profile)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "unchanged (9): alpha, beta, delta, gamma, epsilon, capital-of-france, der-hund, "
        "capital-of-japan, area"
    )

    story.write(deck=deck.replace("name: Code", "name: Programming"))
    build(story.root, tmp_path / "v2.apkg", now=int(time.time()) + 60)
    done = apply(story.root, story.profile)
    moved = {c.name: c.detail for c in done.plan.group("subdeck")}
    assert moved["der-hund"] == ("2 cards in 'Story::02 Code', belong in 'Story::02 Programming'",)
    decks = {card_id: {d for _, d in cards} for card_id, (_, cards) in
             cards_of_notes(story.collection).items()}  # fmt: skip
    for card_id in ("capital-of-france", "der-hund", "capital-of-japan", "area"):
        assert decks[card_id] == {"Story::02 Programming"}, card_id
    assert len(cards_of_notes(story.collection)["area"][1]) == 2
    assert [len(s[-1]) for k, s in card_states(story.collection).items() if k[0] == "der-hund"] == [
        1, 1,
    ]  # fmt: skip


def test_the_loop_of_a_deck_ankigen_init_made(tmp_path: Path, monkeypatch) -> None:
    """`ankigen init` makes a card of each kind: plan and apply take them all. The
    README's first-deck story: import, study, edit a card, rebuild, apply."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["init", "my-deck"]).exit_code == 0
    assert runner.invoke(main, ["build", "my-deck", "-o", "v1.apkg"]).exit_code == 0
    collection = tmp_path / "profile" / "collection.anki2"
    collection.parent.mkdir()
    col = open_collection(collection)
    try:
        import_package(col, tmp_path / "v1.apkg")
        for cid in col.find_cards(""):
            card = col.get_card(cid)
            card.start_timer()
            col.sched.answerCard(card, 3)
    finally:
        col.close()
    studied = card_states(collection)
    planned = runner.invoke(main, ["plan", "my-deck", "--collection", str(collection)])
    assert planned.exit_code == 0, planned.output
    assert planned.output.splitlines()[0] == (
        "unchanged (5): what-is-ankigen, markdown-and-math, capital-of-france, der-hund, "
        "capital-of-japan"
    )

    kinds = tmp_path / "my-deck" / "kinds.yaml"
    kinds.write_text(kinds.read_text().replace("answer: the dog", "answer: the dog (m.)"))
    assert runner.invoke(main, ["build", "my-deck", "-o", "v2.apkg"]).exit_code == 0
    applied = runner.invoke(main, ["apply", "my-deck", "--collection", str(collection)])
    assert applied.exit_code == 0, applied.output
    assert "  der-hund  my-deck/kinds.yaml:9  Answer" in applied.output.splitlines()
    assert card_states(collection) == studied  # both cards of der-hund, and every other
    assert sorted(n for n, (_, cards) in cards_of_notes(collection).items() if len(cards) > 1) == [
        "capital-of-france", "der-hund",
    ]  # fmt: skip

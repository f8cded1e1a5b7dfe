"""Cards of every kind in a real collection (the ``anki`` backend), imported with Anki's
default options: their note types, their cards, and the rebuild loop."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ankigen.build import build
from ankigen.cli import main
from ankigen.package.notetype import note_type, note_type_id
from ankigen.render import NOTE_FIELDS

from ..conftest import KINDS, import_package

T0 = 1_750_000_000
NOTE = {"cloze": "capital-of-france", "reversed": "der-hund", "type-in": "capital-of-japan",
        "basic": "beta"}  # fmt: skip
EDIT = {
    "cloze": ("since *987*", "since 987 AD"),
    "reversed": ("answer: the dog", "answer: the hound"),
    "type-in": ("extra: Since 1869.", "extra: The capital since 1869."),
}


def _note(collection, card_id: str):
    (nid,) = collection.find_notes(f'"ID:{card_id}"')
    return collection.get_note(nid)


def _study_every_card(collection) -> dict[int, tuple]:
    """Answer each card once ('good'); return each card's scheduling, by card id."""
    for cid in collection.find_cards(""):
        card = collection.get_card(cid)
        card.start_timer()
        collection.sched.answerCard(card, 3)
    return {
        cid: (c.reps, c.ivl, c.due, c.type)
        for cid in collection.find_cards("")
        for c in [collection.get_card(cid)]
    }


def test_each_kind_is_its_own_note_type_with_its_cards(write_cards, tmp_path, collection) -> None:
    root = write_cards(kinds=KINDS)
    report = build(root, tmp_path / "d.apkg", now=T0)
    log = import_package(collection, tmp_path / "d.apkg")
    assert len(log.new) == collection.note_count() == 7
    # 3 basic cards, 2 clozes, 2 directions, 1 typed answer, 2 clozes with math
    assert collection.card_count() == 3 + 2 + 2 + 1 + 2
    deck = report.card_set.deck
    css = note_type(deck).css
    for kind, card_id in NOTE.items():
        note = _note(collection, card_id)
        notetype = collection.models.get(note.mid)
        assert note.mid == note_type_id(deck, kind)
        assert [f["name"] for f in notetype["flds"]] == list(NOTE_FIELDS[kind])
        assert notetype["type"] == (1 if kind == "cloze" else 0)
        assert notetype["css"].startswith(css)  # the same CSS, night mode included
        assert ".nightMode .highlight" in notetype["css"]
        assert note["ID"] == card_id
    assert note_type_id(deck) == note_type_id(deck, "basic")  # as before kinds existed
    assert len(collection.find_notes('"ID:capital-of-*"')) == 2  # searchable whatever the kind

    cloze = _note(collection, "capital-of-france").cards()
    assert [c.ord for c in cloze] == [0, 1]
    front = cloze[1].render_output().question_text
    assert '<div class="meta">Code · basic</div>' in front  # from the template, not the field
    assert '<span class="cloze" data-cloze="France" data-ordinal="2">[country]</span>' in front
    assert "Paris has been the capital since <em>987</em>." in cloze[1].answer()
    hund = [c.render_output() for c in _note(collection, "der-hund").cards()]
    assert "der Hund" in hund[0].question_text and "der Hund" not in hund[1].question_text
    assert (
        "<p>the dog</p>" in hund[1].question_text
        and "Not <em>die</em> Hund." in hund[1].answer_text
    )
    japan = _note(collection, "capital-of-japan")
    assert japan["Answer"] == "Tokyo"  # what Anki compares the typed answer with
    assert "[[type:Answer]]" in japan.cards()[0].render_output().question_text


def test_a_formula_inside_a_cloze_is_intact_on_the_card(write_cards, tmp_path, collection) -> None:
    build(write_cards(kinds=KINDS), tmp_path / "d.apkg", now=T0)
    import_package(collection, tmp_path / "d.apkg")
    first, second = (c.render_output() for c in _note(collection, "area").cards())
    assert r'<span class="cloze" data-ordinal="1">\(\frac{a}{b^{2} }\)</span>' in first.answer_text
    assert r"\(E=[...]\)" in second.question_text
    assert r"\(E=mc^{2} \)" in second.answer_text


@pytest.mark.parametrize("kind", ["cloze", "reversed", "type-in"])
def test_rebuild_loop_for_each_kind(kind, write_cards, tmp_path, collection) -> None:
    root = write_cards(kinds=KINDS)
    build(root, tmp_path / "v1.apkg", now=T0)
    import_package(collection, tmp_path / "v1.apkg")
    studied = _study_every_card(collection)
    old, new = EDIT[kind]
    write_cards(kinds=KINDS.replace(old, new))
    report = build(root, tmp_path / "v2.apkg", now=T0 + 60)
    assert report.changed == [NOTE[kind]] and not report.new and not report.removed
    log = import_package(collection, tmp_path / "v2.apkg")
    assert (len(log.new), len(log.updated)) == (0, 1)
    assert log.updated[0].fields[-1] == NOTE[kind]  # the ID field: exactly that note
    assert collection.note_count() == 7 and collection.card_count() == 10
    after = {
        cid: (c.reps, c.ivl, c.due, c.type)
        for cid in collection.find_cards("")
        for c in [collection.get_card(cid)]
    }
    assert after == studied  # every card's history and schedule kept
    assert collection.db.scalar("select count() from revlog") == 10
    build(root, tmp_path / "v3.apkg", now=T0 + 120)
    assert (tmp_path / "v3.apkg").read_bytes() == (tmp_path / "v2.apkg").read_bytes()
    log = import_package(collection, tmp_path / "v3.apkg")
    assert (len(log.new), len(log.updated)) == (0, 0)


def test_a_new_cloze_number_adds_a_card_and_a_removed_one_is_reported(
    write_cards, tmp_path, collection
) -> None:
    root = write_cards(kinds=KINDS)
    build(root, tmp_path / "a.apkg", now=T0)
    import_package(collection, tmp_path / "a.apkg")
    write_cards(
        kinds=KINDS.replace("of {{c2::France::country}}.", "of {{c2::France}} ({{c3::EU}}).")
    )
    build(root, tmp_path / "b.apkg", now=T0 + 60)
    import_package(collection, tmp_path / "b.apkg")
    assert [c.ord for c in _note(collection, "capital-of-france").cards()] == [0, 1, 2]

    write_cards(kinds=KINDS.replace("of {{c2::France::country}}.", "of France."))
    report = build(root, tmp_path / "c.apkg", now=T0 + 120)
    assert [str(w).split(": ", 1)[1] for w in report.warnings] == [
        "warning: card 'capital-of-france': c2, c3 removed, which leaves their cards empty "
        "in Anki: after importing, delete empty cards with Tools → Empty Cards"
    ]
    import_package(collection, tmp_path / "c.apkg")
    empty = collection.get_empty_cards()  # what Tools → Empty Cards finds
    (found,) = empty.notes
    assert found.note_id == _note(collection, "capital-of-france").id
    assert len(found.card_ids) == 2


def test_changing_a_cards_type_makes_a_new_note(write_cards, tmp_path, collection) -> None:
    root = write_cards(kinds=KINDS)
    build(root, tmp_path / "a.apkg", now=T0)
    import_package(collection, tmp_path / "a.apkg")
    studied = _study_every_card(collection)
    old_note = _note(collection, "der-hund")
    write_cards(kinds=KINDS.replace("type: reversed", "type: type-in"))
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(tmp_path / "b.apkg")])
    assert result.exit_code == 0, result.output
    search = '("ID:der-hund" "note:Test Deck (ankigen reversed)")'
    assert (
        "warning: card 'der-hund' changed type from reversed to type-in: Anki cannot change "
        "a note's type, so it becomes a new note, and the old one keeps the review history "
        f"(find the old one with {search})"
    ) in result.output
    assert "1 new, 0 changed, 1 removed" in result.output
    assert f"Anki keeps removed notes: find them in the Browser with {search}" in result.output

    log = import_package(collection, tmp_path / "b.apkg")
    assert (len(log.new), len(log.updated), len(log.conflicting)) == (1, 0, 0)
    assert len(collection.find_notes('"ID:der-hund"')) == 2
    assert collection.find_notes(search) == [old_note.id]  # the search the build gives
    for card in old_note.cards():
        assert studied[card.id] == (card.reps, card.ivl, card.due, card.type)


def test_deck_css_and_labels_reach_every_note_type(write_cards, tmp_path, collection) -> None:
    deck = (
        "name: Test Deck\nid: test-deck\ncss: style.css\n"
        "labels: {correction: Watch out, sources: Seen in}\n"
        "categories:\n  - {id: theory, name: Theory}\n  - {id: code, name: Code}\n"
    )
    root = write_cards(deck=deck, kinds=KINDS)
    (root / "style.css").write_text(".card { font-size: 22px; }\n")
    build(root, tmp_path / "a.apkg", now=T0)
    import_package(collection, tmp_path / "a.apkg")
    for card_id in NOTE.values():
        notetype = collection.models.get(_note(collection, card_id).mid)
        assert notetype["css"].endswith(".card { font-size: 22px; }\n")
    answer = _note(collection, "der-hund").cards()[0].answer()
    assert '<div class="correction-title">Watch out</div>' in answer
    assert '<div class="box-title">Seen in</div>' not in answer  # no sources on this card
    assert (
        '<div class="box-title">Seen in</div>'
        in _note(collection, "capital-of-japan").cards()[0].answer()
    )


def test_the_shipped_note_type_is_unchanged_by_kinds(shipped_copy: Path) -> None:
    """The lock holds the hash of the note type the shipped deck was built with, and of
    the note type of each other kind its cards use."""
    import json

    from ankigen.source.validate import load_card_set

    lock = json.loads((shipped_copy / "ankigen.lock").read_text())
    card_set = load_card_set(shipped_copy)
    deck = card_set.deck
    assert note_type(deck).content_hash == lock["notetype"]["hash"]
    kinds = {card.kind for card in card_set.cards} - {"basic"}
    assert set(lock.get("notetypes", {})) == kinds
    for kind in kinds:
        assert note_type(deck, kind).content_hash == lock["notetypes"][kind]["hash"], kind

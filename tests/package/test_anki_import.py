"""What Anki itself sees: each package is imported into a real collection
(the ``anki`` backend, as used by the desktop app) with Anki's default options."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from ankigen.build import build
from ankigen.package.notetype import NoteType, note_type
from ankigen.render import FIELDS, render_card_set
from ankigen.source.validate import load_card_set

from ..conftest import THEORY, import_package

T0 = 1_750_000_000


def test_shipped_deck_imports_into_anki(shipped_copy: Path, tmp_path: Path, collection) -> None:
    report = build(shipped_copy, tmp_path / "deck.apkg", now=T0)
    card_set = report.card_set
    log = import_package(collection, tmp_path / "deck.apkg")

    root = card_set.deck.name
    names = {d.name for d in collection.decks.all_names_and_ids()}
    assert {root} | {f"{root}::{c.name}" for c in card_set.deck.categories} <= names
    assert len(log.new) == len(card_set.cards) == collection.note_count()
    ords = {r.card.id: r.ords for r in render_card_set(card_set).cards}  # a note's cards
    assert collection.card_count() == sum(map(len, ords.values()))
    for category in card_set.deck.categories:
        expected = sum(len(ords[c.id]) for c in card_set.cards if c.category == category.id)
        found = collection.find_cards(f'"deck:{root}::{category.name}"')
        assert len(found) == expected, category.name

    tag_root = card_set.deck.tag_root
    for card in card_set.cards:
        (nid,) = collection.find_notes(f'"ID:{card.id}"')
        note = collection.get_note(nid)
        assert f"{tag_root}::{card.category}" in note.tags
        assert (f"{tag_root}::corrected" in note.tags) == bool(card.correction)
        anki_card = note.cards()[0]
        question, answer = anki_card.question(), anki_card.answer()
        assert "{{" not in question and "{{" not in answer
        assert ('class="correction"' in answer) == bool(card.correction), card.id
        for math in re.findall(r"\\\(.+?\\\)", card.answer, flags=re.DOTALL):
            if not set("<>&") & set(math):  # those are HTML-escaped; MathJax reads the text
                assert math in answer, (card.id, math)

    media = set(Path(collection.media.dir()).iterdir())
    assert {p.name for p in media} == {m.name for m in package_media(shipped_copy)}, (
        "every referenced image, and nothing else, reaches Anki's media folder"
    )


def package_media(root: Path):
    from ankigen.render import render_card_set

    return render_card_set(load_card_set(root)).media


def test_card_html_as_anki_renders_it(write_cards, tmp_path: Path, collection) -> None:
    root = write_cards()
    build(root, tmp_path / "d.apkg", now=T0)
    import_package(collection, tmp_path / "d.apkg")

    alpha = collection.get_card(collection.find_cards('"ID:alpha"')[0])
    assert r"\(\alpha_1 * \beta_2\)" in alpha.question()
    assert 'data-meta="Theory · basic"' in alpha.question()
    assert r"\[ x_i = y_i^2 \]" in alpha.answer()
    assert "$1,000,000" in alpha.answer()
    assert "<li>one</li>" in alpha.answer()
    assert "Correction" not in alpha.answer()
    assert "<cite>An Article</cite>, Q1, Basic #2" in alpha.answer()

    beta = collection.get_card(collection.find_cards('"ID:beta"')[0])
    assert '<div class="correction">' in beta.answer()
    assert "The article said it was the first." in beta.answer()
    assert '<a href="https://en.wikipedia.org/wiki/Beta">Beta</a>' in beta.answer()

    gamma = collection.get_card(collection.find_cards('"ID:gamma"')[0])
    assert '<div class="highlight">' in gamma.answer()
    assert "&lt;" in gamma.answer()

    notetype = collection.models.get(alpha.note().mid)
    assert [f["name"] for f in notetype["flds"]] == list(FIELDS)
    assert ".nightMode .highlight" in notetype["css"]


def _answer_one_card(collection, card_id: str) -> int:
    card = collection.get_card(collection.find_cards(f'"ID:{card_id}"')[0])
    card.start_timer()
    collection.sched.answerCard(card, 3)
    return card.id


def test_rebuild_cycle_updates_exactly_the_edited_note(write_cards, tmp_path, collection) -> None:
    root = write_cards()
    v1, v2, v3 = (tmp_path / f"v{i}.apkg" for i in (1, 2, 3))
    build(root, v1, now=T0)
    assert len(import_package(collection, v1).new) == 3
    card_id = _answer_one_card(collection, "alpha")
    before = collection.get_card(card_id)
    assert before.reps == 1 and before.type != 0

    write_cards(theory=THEORY.replace("The second letter.", "The second Greek letter."))
    report = build(root, v2, now=T0 + 60)
    assert report.changed == ["beta"] and not report.new and not report.removed
    log = import_package(collection, v2)
    assert (len(log.new), len(log.updated)) == (0, 1)
    beta = collection.get_note(collection.find_notes('"ID:beta"')[0])
    assert "The second Greek letter." in beta["Answer"]
    assert collection.note_count() == 3 and collection.card_count() == 3

    after = collection.get_card(card_id)
    assert (after.reps, after.ivl, after.due, after.type) == (
        before.reps, before.ivl, before.due, before.type,
    )  # fmt: skip
    assert collection.db.scalar("select count() from revlog where cid = ?", card_id) == 1

    build(root, v3, now=T0 + 120)
    assert v3.read_bytes() == v2.read_bytes(), "an unchanged rebuild is byte-identical"
    log = import_package(collection, v3)
    assert (len(log.new), len(log.updated)) == (0, 0)


def test_edit_within_the_same_second_still_updates(write_cards, tmp_path, collection) -> None:
    root = write_cards()
    build(root, tmp_path / "a.apkg", now=T0)
    import_package(collection, tmp_path / "a.apkg")
    write_cards(theory=THEORY.replace("The second letter.", "Edited."))
    build(root, tmp_path / "b.apkg", now=T0)  # the clock has not moved on
    assert len(import_package(collection, tmp_path / "b.apkg").updated) == 1


def test_note_type_change_reaches_anki(write_cards, tmp_path, collection, monkeypatch) -> None:
    root = write_cards()
    build(root, tmp_path / "a.apkg", now=T0)
    import_package(collection, tmp_path / "a.apkg")

    original = note_type

    def restyled(deck, kind="basic"):
        notetype = original(deck, kind)
        return NoteType(
            notetype.name, notetype.fields, notetype.templates, notetype.css + "/* v2 */"
        )

    monkeypatch.setattr("ankigen.build.note_type", restyled)
    report = build(root, tmp_path / "b.apkg", now=T0 + 60)
    assert report.notetype_changed and not report.changed
    import_package(collection, tmp_path / "b.apkg")
    (mid,) = {collection.get_note(n).mid for n in collection.find_notes("")}
    assert collection.models.get(mid)["css"].endswith("/* v2 */")
    assert sum(1 for m in collection.models.all_names_and_ids() if "(ankigen)" in m.name) == 1


def test_renamed_category_makes_a_new_subdeck_in_anki(write_cards, tmp_path, collection) -> None:
    """Documents the importer's rule the build warns about: decks are matched by name."""
    root = write_cards()
    build(root, tmp_path / "a.apkg", now=T0)
    import_package(collection, tmp_path / "a.apkg")
    write_cards(deck=(root / "deck.yaml").read_text().replace("name: Theory", "name: Maths"))
    report = build(root, tmp_path / "b.apkg", now=T0 + 60)
    assert any("renamed from 'Theory' to 'Maths'" in w.message for w in report.warnings)
    import_package(collection, tmp_path / "b.apkg")
    names = {d.name for d in collection.decks.all_names_and_ids()}
    assert {"Test Deck::Theory", "Test Deck::Maths"} <= names
    assert len(collection.find_cards('"deck:Test Deck::Theory"')) == 2


def test_removed_card_stays_in_anki_and_is_found_by_id(write_cards, tmp_path, collection) -> None:
    root = write_cards()
    build(root, tmp_path / "a.apkg", now=T0)
    import_package(collection, tmp_path / "a.apkg")
    write_cards(code="category: code\ncards: []\n")
    report = build(root, tmp_path / "b.apkg", now=T0 + 60)
    assert report.removed == ["gamma"]
    import_package(collection, tmp_path / "b.apkg")
    assert len(collection.find_notes('"ID:gamma"')) == 1  # the search the README gives


def test_update_replaces_tags_added_in_anki(write_cards, tmp_path, collection) -> None:
    """Documents the README's caveat: an updated note gets the package's tags."""
    root = write_cards()
    build(root, tmp_path / "a.apkg", now=T0)
    import_package(collection, tmp_path / "a.apkg")
    note = collection.get_note(collection.find_notes('"ID:beta"')[0])
    note.tags.append("my-own-tag")
    collection.update_note(note)
    write_cards(theory=THEORY.replace("The second letter.", "Edited."))
    build(root, tmp_path / "b.apkg", now=int(time.time()) + 60)  # after the edit in Anki
    assert len(import_package(collection, tmp_path / "b.apkg").updated) == 1
    assert "my-own-tag" not in collection.get_note(note.id).tags


def test_edit_made_in_anki_wins_over_an_older_build(write_cards, tmp_path, collection) -> None:
    """Documents the README's caveat: Anki stamps a note edited in Anki with the current
    time, and keeps it while the package's note is not newer."""
    root = write_cards()
    build(root, tmp_path / "a.apkg", now=T0)
    import_package(collection, tmp_path / "a.apkg")
    note = collection.get_note(collection.find_notes('"ID:beta"')[0])
    note["Answer"] = "Edited in Anki."
    collection.update_note(note)
    write_cards(theory=THEORY.replace("The second letter.", "Edited in YAML."))
    build(root, tmp_path / "b.apkg", now=T0 + 60)
    assert len(import_package(collection, tmp_path / "b.apkg").updated) == 0
    assert collection.get_note(note.id)["Answer"] == "Edited in Anki."


@pytest.mark.parametrize("name", ["pic.svg", "sub dir/pic 2.svg"])
def test_images_reach_anki_media(write_cards, tmp_path, collection, name) -> None:
    root = write_cards(
        code=f"category: code\ncards:\n  - id: img\n    question: Q\n"
        f"    answer: '![a plot](media/{name.replace(' ', '%20')})'\n"
    )
    (root / "media" / name).parent.mkdir(parents=True, exist_ok=True)
    (root / "media" / name).write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    build(root, tmp_path / "a.apkg", now=T0)
    import_package(collection, tmp_path / "a.apkg")
    answer = collection.get_card(collection.find_cards('"ID:img"')[0]).answer()
    (src,) = re.findall(r'<img alt="a plot" src="([^"]+)"', answer)
    assert re.fullmatch(r"test-deck-pic( 2)?-[0-9a-f]{8}\.svg", src)
    assert (Path(collection.media.dir()) / src).read_text().startswith("<svg")


def test_media_of_every_kind_reach_anki_and_check_media_finds_all(
    write_cards, tmp_path, collection
) -> None:
    """Raw <img>, a Markdown image with a night variant, <audio>, <video>/<source> and
    [sound:]: every file is in the collection, and Anki's Check Media (Tools > Check
    Media) finds each one used and none missing, so it deletes none."""
    png = b"\x89PNG\r\n\x1a\n" + bytes(16)
    answer = (
        '<img src="media/x.png" width="100"> ![plot](media/p.svg) '
        '<audio controls src="media/a.mp3"></audio> '
        '<video controls><source src="media/v.mp4" type="video/mp4"></video> '
        "Listen: [sound:media/b.ogg]"
    )
    root = write_cards(
        code=f"category: code\ncards:\n  - id: media\n    question: Q\n    answer: '{answer}'\n"
    )
    (root / "media").mkdir()
    for name, data in {
        "x.png": png,
        "p.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        "p.night.svg": b"<svg xmlns='http://www.w3.org/2000/svg'><g/></svg>",
        "a.mp3": b"ID3\x04" + bytes(16),
        "v.mp4": b"\0\0\0\x18ftypmp42" + bytes(16),
        "b.ogg": b"OggS" + bytes(16),
    }.items():
        (root / "media" / name).write_bytes(data)
    build(root, tmp_path / "a.apkg", now=T0)
    import_package(collection, tmp_path / "a.apkg")

    expected = {m.name for m in package_media(root)}
    assert len(expected) == 6
    assert {p.name for p in Path(collection.media.dir()).iterdir()} == expected
    check = collection.media.check()
    assert (list(check.missing), list(check.unused)) == ([], [])
    answer_html = collection.get_card(collection.find_cards('"ID:media"')[0]).answer()
    assert "media/" not in answer_html and "[anki:play:a:0]" in answer_html

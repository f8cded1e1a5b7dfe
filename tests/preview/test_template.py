import pytest
from hypothesis import given
from hypothesis import strategies as st

from ankigen.build import build
from ankigen.check import check
from ankigen.package.notetype import note_type
from ankigen.preview.template import TemplateError, field_is_empty, fill

from ..conftest import DECK, KINDS, import_package


def test_fields_sections_and_front_side() -> None:
    template = "{{Q}}|{{#A}}a={{A}}{{/A}}|{{^A}}no a{{/A}}|{{FrontSide}}"
    assert fill(template, {"Q": "q", "A": "x"}, "F") == "q|a=x||F"
    assert fill(template, {"Q": "q", "A": " <br> "}, "F") == "q||no a|F"


def test_nested_sections() -> None:
    template = "{{#A}}[{{#B}}b{{/B}}{{^B}}-{{/B}}]{{/A}}"
    assert fill(template, {"A": "1", "B": ""}) == "[-]"
    assert fill(template, {"A": "", "B": "1"}) == ""


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{text:Q}}", "unsupported template tag {{text:Q}}"),
        ("{{cloze:Nope}}", "unsupported template tag {{cloze:Nope}}"),
        ("{{Nope}}", "unsupported template tag {{Nope}}"),
        ("{{#Q}}x", "section {{#Q}} is never closed"),
        ("x{{/Q}}", "{{/Q}} closes no open section"),
    ],
)
def test_what_the_note_type_does_not_use_is_an_error(template: str, message: str) -> None:
    with pytest.raises(TemplateError, match="^" + message.replace("{", r"\{").replace("}", r"\}")):
        fill(template, {"Q": "q"})


@pytest.mark.parametrize(
    ("html", "empty"),
    [("", True), ("  \n", True), ("<br>", True), ("<BR />", True), ("<div></div> <br/>", True),
     ("x", False), ("<p></p>", False), ("<br  >", False), ("&nbsp;", False)],
)  # fmt: skip
def test_empty_fields_as_anki_sees_them(html: str, empty: bool) -> None:
    assert field_is_empty(html) is empty


@given(st.lists(st.sampled_from(["a", " ", "\n", "<br>", "<div>", "</div>", "<p>"])).map("".join))
def test_empty_means_only_whitespace_br_and_div(html: str) -> None:
    stripped = html.replace("<br>", "").replace("<div>", "").replace("</div>", "")
    assert field_is_empty(html) == (stripped.strip() == "")


def _filled_as_anki_renders(collection, checked) -> int:
    """Compare the preview's fill of each side with Anki's rendering of the imported
    note's cards; return how many cards were compared."""
    deck, compared = checked.card_set.deck, 0
    for r in checked.rendered.cards:
        notetype = note_type(deck, r.card.kind)
        category = checked.card_set.category(r.card.category)
        fields = {**r.field_map(), "Subdeck": deck.subdeck(category)}
        (note_id,) = collection.find_notes(f'"ID:{r.card.id}"')
        cards = collection.get_note(note_id).cards()
        assert [c.ord for c in cards] == list(r.ords), r.card.id
        for card in cards:
            template = notetype.templates[0 if notetype.is_cloze else card.ord]
            front = fill(template["qfmt"], fields, None, card.ord)
            output = card.render_output()
            assert (output.question_text, output.answer_text) == (
                front,
                fill(template["afmt"], fields, front, card.ord),
            ), (r.card.id, card.ord)
            compared += 1
    return compared


def test_every_shipped_card_fills_as_anki_renders_it(shipped_copy, tmp_path, collection) -> None:
    """The preview's sides are Anki's own rendering of the imported notes, byte for byte:
    every card of every note, each cloze number included."""
    build(shipped_copy, tmp_path / "deck.apkg")
    import_package(collection, tmp_path / "deck.apkg")
    checked = check(shipped_copy)
    compared = _filled_as_anki_renders(collection, checked)
    assert compared == sum(len(r.ords) for r in checked.rendered.cards)


def test_cloze_and_type_filters() -> None:
    fields = {"Text": "{{c1::a}} {{c2::b::hint}}", "A": "x"}
    assert fill("{{cloze:Text}}", fields, None, 1) == (
        '<span class="cloze-inactive" data-ordinal="1">a</span> '
        '<span class="cloze" data-cloze="b" data-ordinal="2">[hint]</span>'
    )
    assert fill("{{cloze:Text}}", fields, "front", 1).endswith(
        '<span class="cloze" data-ordinal="2">b</span>'
    )
    assert fill("{{cloze:Text}}", fields, None, 2) == ""  # no c3: an empty card
    assert fill("{{type:A}}", fields) == "[[type:A]]"  # for the reviewer to replace


def test_every_card_of_every_kind_fills_as_anki_renders_it(
    write_cards, tmp_path, collection
) -> None:
    """Each cloze number and both directions: the preview's fill is Anki's rendering
    (with numbered subdecks, which the new kinds show with Anki's {{Subdeck}})."""
    root = write_cards(kinds=KINDS, deck=DECK + "numbered_subdecks: true\n")
    build(root, tmp_path / "deck.apkg")
    import_package(collection, tmp_path / "deck.apkg")
    checked = check(root)
    compared = _filled_as_anki_renders(collection, checked)
    assert compared == 3 + 2 + 2 + 1 + 2  # basic, clozes, both directions, type-in, math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ankigen.build import build, check
from ankigen.package.notetype import note_type
from ankigen.preview.template import TemplateError, field_is_empty, fill
from ankigen.render import FIELDS

from ..conftest import import_package


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


def test_every_shipped_card_fills_as_anki_renders_it(shipped_copy, tmp_path, collection) -> None:
    """The preview's sides are Anki's own rendering of the imported notes, byte for byte."""
    build(shipped_copy, tmp_path / "deck.apkg")
    import_package(collection, tmp_path / "deck.apkg")
    checked = check(shipped_copy)
    card_set, rendered = checked.card_set, checked.rendered
    template = note_type(card_set.deck).templates[0]
    for r in rendered.cards:
        fields = dict(zip(FIELDS, r.fields, strict=True))
        front = fill(template["qfmt"], fields)
        (note_id,) = collection.find_notes(f'"ID:{r.card.id}"')
        output = collection.get_note(note_id).cards()[0].render_output()
        assert (output.question_text, output.answer_text) == (
            front,
            fill(template["afmt"], fields, front),
        ), r.card.id

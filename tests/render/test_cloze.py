"""Clozes read as Anki reads them: numbers and sides checked against the real backend,
and cloze texts prepared so that formulas and code survive Anki's parser."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ankigen.check import check
from ankigen.errors import CardSetError
from ankigen.render.cloze import cloze_numbers, prepare, reveal

PIECES = ["{{c1::", "{{c2::", "{{c1,3::", "{{c0::", "{{c::", "{{c", "}}", "}", "{", "::", "a", " ",
          "é", "&", '"', "'", "<b>", "</b>", "\\(", "\\)", "\\[", "\\]"]  # fmt: skip


@pytest.fixture(scope="module")
def anki_cloze(tmp_path_factory):
    """A note of Anki's own Cloze type, in a real collection; {{cloze:Text}} alone."""
    from anki.collection import Collection

    col = Collection(str(tmp_path_factory.mktemp("anki") / "collection.anki2"))
    notetype = col.models.by_name("Cloze")
    notetype["tmpls"][0]["qfmt"] = notetype["tmpls"][0]["afmt"] = "{{cloze:Text}}"
    col.models.update_dict(notetype)
    yield col, col.new_note(col.models.by_name("Cloze"))
    col.close()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
def test_numbers_and_sides_are_those_of_anki(anki_cloze, text: str) -> None:
    col, note = anki_cloze
    note["Text"] = text
    numbers = col._backend.cloze_numbers_in_note(note._to_backend_note())
    assert cloze_numbers(text) == tuple(sorted(numbers))
    for number in cloze_numbers(text):
        output = note.ephemeral_card(number - 1).render_output()
        assert (reveal(text, number, True), reveal(text, number, False)) == (
            output.question_text,
            output.answer_text,
        )


@pytest.mark.parametrize(
    ("html", "prepared"),
    [
        ("{{c1::Paris}} and {{c2::France::country}}", "{{c1::Paris}} and {{c2::France::country}}"),
        # A formula in a cloze, and a cloze in a formula: braces that meet get a space.
        (r"{{c1::\(\frac{a}{b^{2}}\)}}", r"{{c1::\(\frac{a}{b^{2} }\)}}"),
        (r"\(E={{c1::mc^{2}}}\)", r"\(E={{c1::mc^{2} }}\)"),
        (r"\[\left\{x\right\}}\]", r"\[\left\{x\right\} }\]"),
        (r"\(x^{2}\) {{c1::y}}", r"\(x^{2}\) {{c1::y}}"),
        # In inline code, }} shows the same but no longer closes a cloze.
        ("{{c1::<code>d = {a: {b: 1}}</code>}}", "{{c1::<code>d = {a: {b: 1}&#125;</code>}}"),
        ("<code>{{c1::x}}</code>", "<code>{{c1::x}}</code>"),
    ],
)
def test_prepare_keeps_formulas_and_code_intact(html: str, prepared: str) -> None:
    assert prepare(html) == (prepared, [])
    expected = tuple(n for n in (1, 2) if f"{{{{c{n}::" in html)
    assert cloze_numbers(prepared) == expected  # each cloze still closes where it should


def test_a_formula_in_a_cloze_reaches_anki_intact(anki_cloze) -> None:
    _, note = anki_cloze
    note["Text"], _ = prepare(r"{{c1::\(\frac{a}{b^{2}}\)}} and \(E={{c2::mc^{2}}}\)")
    first = note.ephemeral_card(0).render_output()
    assert r"\(\frac{a}{b^{2} }\)" in first.answer_text and "[...]" in first.question_text
    second = note.ephemeral_card(1).render_output()
    assert r"\(E=[...]\)" in second.question_text and r"\(E=mc^{2} \)" in second.answer_text


def _problems(write_cards, text: str) -> list[str]:
    card = f"category: code\ncards:\n  - id: c\n    type: cloze\n    text: |\n{text}"
    root = write_cards(code=card)
    with pytest.raises(CardSetError) as info:
        check(root)
    return [str(p).removeprefix(f"{root}/") for p in info.value.problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("      ```python\n      x = '{{c1::y}}'\n      ```\n",
         "code.yaml:5: card 'c': a cloze inside a fenced code block cannot work (highlighting splits its marker): use inline `code` inside the cloze instead"),
        ("      {{c1::first\n\n      second}}\n",
         "code.yaml:5: card 'c': {{c1::…}} must begin and end in the same paragraph, list item or table cell"),
        ("      {{c1::image-occlusion:rect:left=.1}}\n",
         "code.yaml:5: card 'c': {{c1::…}}: image occlusion is made in Anki's own editor, not here"),
        ("      No cloze here.\n",
         "code.yaml:5: card 'c' has no cloze deletion: mark one as {{c1::answer}}"),
    ],
)  # fmt: skip
def test_what_cannot_work_in_anki_is_refused(write_cards, text: str, expected: str) -> None:
    assert _problems(write_cards, text) == [expected]


def test_a_cloze_that_ends_inside_a_formula_leaves_its_braces_unpaired(write_cards) -> None:
    # And the formula, as written, cannot show either: MathJax would read "b}} c".
    assert _problems(write_cards, "      {{c1::a \\(b}} c\\)\n") == [
        "code.yaml:5: card 'c': {{c1::…}} and a formula or code overlap: put the whole "
        "formula or code inside the cloze, or the cloze inside it",
        r"code.yaml:5: the TeX in '\(b}} c\)' does not parse: check its braces and arguments",
    ]


def test_a_cloze_card_without_text_is_told_so_once(write_cards) -> None:
    root = write_cards(
        code="category: code\ncards:\n  - id: c\n    type: cloze\n    txt: '{{c1::a}}'\n"
    )
    with pytest.raises(CardSetError) as info:
        check(root)
    problems = [str(p).removeprefix(f"{root}/") for p in info.value.problems]
    assert [p for p in problems if "cloze deletion" in p] == []
    assert any("has no text" in p for p in problems) and any("'txt'" in p for p in problems)


def test_a_cloze_card_has_a_card_per_number(write_cards) -> None:
    from ..conftest import KINDS

    rendered = {r.card.id: r for r in check(write_cards(kinds=KINDS)).rendered.cards}
    assert rendered["capital-of-france"].ords == (0, 1)
    assert rendered["der-hund"].ords == (0, 1)
    assert rendered["capital-of-japan"].ords == (0,)
    assert rendered["capital-of-japan"].field_map()["Answer"] == "Tokyo"  # what Anki compares
    assert rendered["alpha"].ords == (0,)


def test_cloze_problem_is_not_cached(write_cards, tmp_path: Path) -> None:
    """A text whose cloze is refused is refused again on the next, cached, run."""
    for _ in range(2):
        assert _problems(write_cards, "      {{c1::first\n\n      second}}\n")

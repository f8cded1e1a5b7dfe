import pytest

from ankigen.errors import CardSetError
from ankigen.render import render_card_set, render_with_problems
from ankigen.source.validate import load_card_set

from ..conftest import THEORY


def test_cloze_deletions_on_a_basic_card_are_an_error(write_cards) -> None:
    root = write_cards(theory=THEORY.replace("Beta?", '"{{c1::Tokyo}} is the capital of Japan?"'))
    with pytest.raises(CardSetError) as info:
        render_card_set(load_card_set(root))
    assert [str(p).removeprefix(f"{root}/") for p in info.value.problems] == [
        "theory.yaml:14: card 'beta': cloze deletions need a cloze card (type: cloze); on this "
        "card '{{c1::…}}' would show as written"
    ]


def test_cloze_deletions_make_cards_only_in_a_cloze_cards_text(write_cards) -> None:
    from ..conftest import KINDS

    root = write_cards(kinds=KINDS.replace("extra: Since 1869.", "extra: '{{c1::x}}'").replace(
        "extra: Paris has been", "extra: Paris {{c2::y}} has been"))  # fmt: skip
    with pytest.raises(CardSetError) as info:
        render_card_set(load_card_set(root))
    assert [str(p).removeprefix(f"{root}/") for p in info.value.problems] == [
        "kinds.yaml:6: card 'capital-of-france': '{{c1::…}}' makes cards in text only; "
        "in extra it shows as written",
        "kinds.yaml:18: card 'capital-of-japan': cloze deletions need a cloze card "
        "(type: cloze); on this card '{{c1::…}}' would show as written",
    ]
    ok = render_card_set(load_card_set(write_cards(kinds=KINDS)))
    assert "{{c1::Paris}}" in next(r for r in ok.cards if r.card.kind == "cloze").fields[0]


def test_a_huge_card_is_a_warning(write_cards) -> None:
    root = write_cards(theory=THEORY.replace("The second letter.", "word " * 210_000))
    rendered, problems = render_with_problems(load_card_set(root))
    assert [str(p).removeprefix(f"{root}/") for p in problems] == [
        "theory.yaml:13: warning: card 'beta' is 1.1 MB of HTML: Anki gets slow with notes "
        "this large; split it, or move its content into media files"
    ]
    assert len(rendered.cards) == 3

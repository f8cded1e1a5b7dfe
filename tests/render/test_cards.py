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
        "theory.yaml:14: card 'beta': cloze deletions need a cloze card; on this card "
        "'{{c1::…}}' would show as written"
    ]


def test_the_cloze_check_can_be_switched_off_per_card(write_cards, monkeypatch) -> None:
    monkeypatch.setattr("ankigen.render.cards.cloze_check", lambda card: card.id != "beta")
    root = write_cards(theory=THEORY.replace("Beta?", '"{{c1::Tokyo}}?"'))
    assert "{{c1::Tokyo}}" in render_card_set(load_card_set(root)).cards[1].fields[0]


def test_a_huge_card_is_a_warning(write_cards) -> None:
    root = write_cards(theory=THEORY.replace("The second letter.", "word " * 210_000))
    rendered, problems = render_with_problems(load_card_set(root))
    assert [str(p).removeprefix(f"{root}/") for p in problems] == [
        "theory.yaml:13: warning: card 'beta' is 1.1 MB of HTML: Anki gets slow with notes "
        "this large; split it, or move its content into media files"
    ]
    assert len(rendered.cards) == 3

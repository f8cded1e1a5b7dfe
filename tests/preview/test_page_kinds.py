"""The preview of cards of every kind, and its filter, in a real browser."""

import re
from pathlib import Path

import pytest

from ankigen.preview.page import preview

from ..conftest import KINDS
from .test_page import IN_CARDS, _open


@pytest.fixture
def kinds_preview(write_cards, tmp_path: Path) -> str:
    return preview(write_cards(kinds=KINDS), tmp_path / "out").index.as_uri()


def test_the_subdeck_links_count_cards_as_anki_does(write_cards, tmp_path: Path) -> None:
    page = preview(write_cards(kinds=KINDS), tmp_path / "out").index.read_text()
    assert re.findall(r'<a href="#deck-(\w+)">\w+ <span class="count">(\d+)</span>', page) == [
        ("theory", "2"), ("code", "8"),  # gamma, and 4 notes of 7 cards
    ]  # fmt: skip


def test_every_card_of_every_kind_has_its_sides(browser, kinds_preview) -> None:
    page, errors = _open(browser, kinds_preview, 1280)
    captions = {
        note: page.locator(f"#card-{note} figcaption").all_inner_texts()
        for note in ("capital-of-france", "der-hund", "capital-of-japan", "alpha")
    }
    assert [c.lower() for c in captions["capital-of-france"]] == [
        "c1 front", "c1 back", "c2 front", "c2 back",
    ]  # fmt: skip
    assert [c.lower() for c in captions["der-hund"]] == [
        "card 1 front", "card 1 back", "card 2 front", "card 2 back",
    ]  # fmt: skip
    assert [c.lower() for c in captions["capital-of-japan"]] == ["front", "back"]
    assert page.locator("#shown").inner_text() == "10 cards"

    texts = page.evaluate(f"({IN_CARDS})('.card').map(c => c.innerText)")
    assert "[country]" in " ".join(texts)  # the hint of c2 on its front
    assert page.evaluate(f"({IN_CARDS})('input#typeans').length") == 1
    assert page.evaluate(f"({IN_CARDS})('code#typeans').map(c => c.innerText)") == ["Tokyo"]
    # the formula inside a cloze is typeset, on both of its cards
    assert page.evaluate(
        "Array.from(document.querySelectorAll('#card-area .screen'))"
        ".map(h => h.shadowRoot.querySelectorAll('math').length)"
    ) == [1, 2, 2, 2]  # c1 front hides the first formula behind [...]
    assert errors == []
    page.close()


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("tag:test-deck::topic", ["alpha", "capital-of-france"]),  # the tag and its children
        ("tag:test-deck::topic::geo*", ["capital-of-france"]),
        ("tag:test-deck::to", []),  # a tag is matched whole, not as a prefix
        ("TAG:Test-Deck::Corrected", ["beta", "der-hund"]),
        ("level:basic", ["alpha", "capital-of-france"]),
        ("id:capital-of-*", ["capital-of-france", "capital-of-japan"]),
        ("id:capital", []),  # the whole id
        ("type:cloze", ["capital-of-france", "area"]),
        ("type:cloze -level:basic", ["area"]),
        ("-type:basic hund", ["der-hund"]),
        ("tokyo", ["capital-of-japan"]),
        ("id:alpha OR id:der-hund", ["alpha", "der-hund"]),
        ("id:alpha or id:der-hund or tokyo", ["alpha", "der-hund", "capital-of-japan"]),
        ("type:cloze level:basic or id:beta", ["capital-of-france", "beta"]),  # and binds first
        ("type:cloze (level:basic or id:area)", ["capital-of-france", "area"]),
        ("-(type:basic or type:cloze)", ["der-hund", "capital-of-japan"]),
        ("(id:alpha or id:beta", ["alpha", "beta"]),  # left open: closed at the end
        ("id:alpha or", ["alpha"]),  # still being typed
        ("id:alpha) or id:beta", ["alpha", "beta"]),  # closes nothing: ignored
    ],
)
def test_the_filter_searches_as_anki_does(browser, kinds_preview, query, shown) -> None:
    page, _ = _open(browser, kinds_preview, 1280)
    page.fill("#filter", query)
    visible = page.locator("article.note:visible").evaluate_all("ns => ns.map(n => n.id)")
    assert sorted(visible) == sorted(f"card-{card_id}" for card_id in shown)
    page.close()

"""The shipped card set: coverage of every source question, and the house rules for cards."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from ankigen.cli import main
from ankigen.render import render_card_set
from ankigen.source.validate import load_card_set

from .conftest import REPO, SHIPPED_CARDS

MAX_ANSWER_WORDS = 180
MAX_CORRECTION_WORDS = 100  # "one or two sentences"
CATEGORIES = [
    ("theory", "Algorithms & Theory"),
    ("programming", "Programming"),
    ("industry", "Company & Industry"),
    ("career", "General Interest & Career"),
]
SEED_ARTICLES = ("springboard", "bridge", "essentials")
# the articles' question ids as shared beside the repository (its place differs by checkout)
SEED_QUESTIONS = [up / "shared" / "seeds" / "questions.yaml" for up in REPO.parents[:2]]
BEYOND = "beyond-the-articles"  # the one tag on every card beyond the three seed articles


@pytest.fixture(scope="module")
def card_set():
    return load_card_set(SHIPPED_CARDS)


def test_shipped_set_passes_check() -> None:
    result = CliRunner().invoke(main, ["check", str(SHIPPED_CARDS)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith("cards ok\n")


def test_four_subdecks_after_the_springboard_sections(card_set) -> None:
    categories = [(c.id, c.name) for c in card_set.deck.categories]
    assert categories[: len(CATEGORIES)] == CATEGORIES  # the articles' subdecks come first
    for category, _ in categories:
        assert sum(c.category == category for c in card_set.cards) >= 3


def test_every_source_question_is_answered_by_a_card(card_set) -> None:
    cited = {source for card in card_set.cards for source in card.sources}
    assert set(card_set.questions) - cited == set()


def test_every_cited_question_exists(card_set) -> None:
    raw = (SHIPPED_CARDS / "sources.yaml").read_text()
    listed = set(re.findall(r"^  - id: (\S+)$", raw, flags=re.MULTILINE))
    assert len(listed) == len(card_set.questions)
    seeds = {q.id for q in card_set.questions.values() if q.article in SEED_ARTICLES}
    assert len(seeds) == 91  # the three articles' questions, exactly as they have always been
    for path in filter(Path.is_file, SEED_QUESTIONS):
        assert seeds == set(re.findall(r"^  - id: (\S+)$", path.read_text(), flags=re.M)), path
    for card in card_set.cards:
        assert set(card.sources) <= listed, card.id


def test_every_card_has_a_source_or_says_it_is_an_addition(card_set) -> None:
    for card in card_set.cards:
        assert card.sources or {"addition", BEYOND} & set(card.tags), card.id


def test_cards_beyond_the_articles_say_so(card_set) -> None:
    """One tag search leaves out every card that answers no question of the three articles."""
    for card in card_set.cards:
        articles = {card_set.questions[s].article for s in card.sources}
        if BEYOND in card.tags:
            assert not articles & set(SEED_ARTICLES), card.id
        elif "addition" not in card.tags:
            assert articles & set(SEED_ARTICLES), card.id


def test_corrected_cards_carry_the_corrected_tag(card_set) -> None:
    for rendered in render_card_set(card_set).cards:
        corrected = "ml-interview::corrected" in rendered.tags
        assert corrected == bool(rendered.card.correction.strip()), rendered.card.id


def test_answers_are_short_enough_to_say_in_a_minute(card_set) -> None:
    for card in card_set.cards:
        assert len(card.answer.split()) < MAX_ANSWER_WORDS, card.id
        assert len(card.correction.split()) <= MAX_CORRECTION_WORDS, card.id


def test_every_card_is_levelled_and_tagged(card_set) -> None:
    for card in card_set.cards:
        assert card.level and card.tags, card.id
        assert all(re.fullmatch(r"[a-z0-9-]+", tag) for tag in card.tags), card.id


def test_math_uses_anki_delimiters_only(card_set) -> None:
    for card in card_set.cards:
        for text in (card.question, card.answer, card.correction):
            assert text.count(r"\(") == text.count(r"\)"), card.id
            assert text.count(r"\[") == text.count(r"\]"), card.id
            assert not re.search(r"\$[^$\s][^$]*\$", text), (
                f"{card.id}: $...$ is not MathJax in Anki"
            )


def test_reading_links_are_https(card_set) -> None:
    for card in card_set.cards:
        assert all(r.url.startswith("https://") for r in card.reading), card.id


def _figures(card_set) -> list[Path]:
    found = []
    for card in card_set.cards:
        for text in (card.question, card.answer):
            found += [SHIPPED_CARDS / src for src in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)]
    return found


def test_at_least_six_figures_each_used_once(card_set) -> None:
    figures = _figures(card_set)
    assert len(figures) >= 6
    assert len(set(figures)) == len(figures)
    assert set(figures) == set((SHIPPED_CARDS / "media").glob("*.svg")), "no unused media"


def test_figures_have_an_opaque_light_background_for_night_mode(card_set) -> None:
    for path in _figures(card_set):
        root = ET.parse(path).getroot()
        _, _, width, height = (float(v) for v in root.get("viewBox", "").split())
        background = root.find(".//{http://www.w3.org/2000/svg}path")
        assert background is not None, path
        corners = re.findall(r"[\d.]+", background.get("d", ""))
        assert {float(v) for v in corners} == {0.0, width, height}, path
        assert "fill: #ffffff" in background.get("style", ""), path

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
# The three articles the deck answers, and how many questions each section holds:
# ids run <prefix>1 .. <prefix>N. Further articles (public decks a card corrects) may add more.
SEED_ARTICLES = ("springboard", "bridge", "essentials")
SEED_SECTIONS = {
    "springboard-q": 51,
    "bridge-basic-": 10,
    "bridge-intermediate-": 5,
    "bridge-advanced-": 5,
    "essentials-general-": 4,
    "essentials-technical-": 4,
    "essentials-algorithms-": 4,
    "essentials-faq-": 4,
    "essentials-intro-": 1,
    "essentials-tips-": 3,
}
BEYOND = "beyond-the-articles"  # the one tag on every card beyond the three articles


@pytest.fixture(scope="module")
def card_set():
    return load_card_set(SHIPPED_CARDS)


def test_shipped_set_passes_check() -> None:
    result = CliRunner().invoke(main, ["check", str(SHIPPED_CARDS)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith("cards ok\n")


def test_four_subdecks_after_the_springboard_sections(card_set) -> None:
    categories = [(c.id, c.name) for c in card_set.deck.categories]
    assert categories[: len(CATEGORIES)] == CATEGORIES
    for category, _ in categories:
        assert sum(c.category == category for c in card_set.cards) >= 3


def test_every_source_question_is_answered_by_a_card(card_set) -> None:
    cited = {source for card in card_set.cards for source in card.sources}
    assert set(card_set.questions) - cited == set()


def test_every_cited_question_exists(card_set) -> None:
    raw = (SHIPPED_CARDS / "sources.yaml").read_text()
    listed = re.findall(r"^  - id: (\S+)$", raw, flags=re.MULTILINE)
    assert len(listed) == len(set(listed)) == len(card_set.questions)
    seed = {q.id for q in card_set.questions.values() if q.article in SEED_ARTICLES}
    expected = {f"{prefix}{i}" for prefix, n in SEED_SECTIONS.items() for i in range(1, n + 1)}
    assert seed == expected and len(seed) == 91
    for card in card_set.cards:
        assert set(card.sources) <= set(listed), card.id


def test_every_card_answers_an_article_or_says_it_goes_beyond_them(card_set) -> None:
    """So one search, -tag:ml-interview::topic::beyond-the-articles, gives the articles' set."""
    for card in card_set.cards:
        articles = {card_set.questions[s].article for s in card.sources}
        assert (BEYOND in card.tags) == (not articles & set(SEED_ARTICLES)), card.id


def test_corrected_cards_carry_the_corrected_tag(card_set) -> None:
    for rendered in render_card_set(card_set).cards:
        corrected = "ml-interview::corrected" in rendered.tags
        assert corrected == bool(rendered.card.correction.strip()), rendered.card.id


def _back(card) -> str:
    """What a card asks the learner to know: a cloze card's text and extra, else its answer
    (and a type-in card's extra)."""
    if card.kind == "cloze":
        return f"{card.text}\n{card.extra}"
    return f"{card.answer}\n{card.extra}"


def test_answers_are_short_enough_to_say_in_a_minute(card_set) -> None:
    for card in card_set.cards:
        assert len(_back(card).split()) < MAX_ANSWER_WORDS, card.id
        assert len(card.correction.split()) <= MAX_CORRECTION_WORDS, card.id


def test_every_card_is_levelled_and_tagged(card_set) -> None:
    for card in card_set.cards:
        assert card.level and card.tags, card.id
        assert all(re.fullmatch(r"[a-z0-9-]+", tag) for tag in card.tags), card.id


def test_each_drill_shares_its_first_tag_with_exactly_one_interview_card(card_set) -> None:
    """A drill's first tag is its link: one search finds the drill and the card it supports."""
    drills = [c for c in card_set.cards if c.category == "drills"]
    assert len(drills) >= 8
    for drill in drills:
        assert drill.kind == "cloze", drill.id
        linked = [
            c.id for c in card_set.cards if c.category != "drills" and drill.tags[0] in c.tags
        ]
        assert len(linked) == 1, (drill.id, linked)


def test_math_uses_anki_delimiters_only(card_set) -> None:
    for card in card_set.cards:
        for text in (card.question, card.answer, card.text, card.extra, card.correction):
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
        for text in (card.question, card.answer, card.text, card.extra):
            found += [SHIPPED_CARDS / src for src in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)]
    return found


NIGHT_SUFFIX = ".night.svg"  # <stem>.night.svg is the night-mode drawing of <stem>.svg
SVG = "{http://www.w3.org/2000/svg}"
PHONE_COLUMN_PX = 360
MIN_TEXT_PX = 11.0
MIN_TEXT_CONTRAST = 4.5  # WCAG AA for text
MIN_SERIES_CONTRAST = 3.0  # WCAG AA for graphical objects


def _night(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".svg") + NIGHT_SUFFIX)


def _drawings(card_set) -> list[Path]:
    """Every figure the cards use, in its day and its night drawing."""
    return [p for day in _figures(card_set) for p in (day, _night(day))]


def _night_background() -> str:
    css = (REPO / "ankigen" / "package" / "templates" / "style.css").read_text()
    match = re.search(r"\.nightMode\.card[^{]*\{[^}]*background-color:\s*(#[0-9a-f]{6})", css)
    assert match, "no night background in style.css"
    return match.group(1)


def _background(root: ET.Element) -> str:
    """Fill of the figure's opaque background (its first path covers the viewBox)."""
    _, _, width, height = (float(v) for v in root.get("viewBox", "").split())
    background = root.find(f".//{SVG}path")
    assert background is not None
    corners = re.findall(r"[\d.]+", background.get("d", ""))
    assert {float(v) for v in corners} == {0.0, width, height}
    match = re.fullmatch(r"fill: (#[0-9a-f]{6})", background.get("style", ""))
    assert match, background.get("style")
    return match.group(1)


def _luminance(color: str) -> float:
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _style(element: ET.Element, key: str) -> str | None:
    match = re.search(rf"(?:^|;)\s*{key}:\s*([^;]+)", element.get("style", ""))
    return match.group(1).strip() if match else None


def _texts(root: ET.Element):
    """(font size in user units, text colour, colour behind it) of every text.

    matplotlib writes text as glyph outlines: a group ``text_N`` holds glyph
    groups scaled by font size / 100, after the text's box if it has one (the
    figures give every text not on the plain background a box in the colour
    behind it)."""
    background = _background(root)
    for group in root.iter(f"{SVG}g"):
        if not group.get("id", "").startswith("text_"):
            continue
        behind = background
        for child in group:
            if child.get("id", "").startswith("patch_"):
                box = child.find(f"{SVG}path")
                assert box is not None and _style(box, "opacity") is None
                behind = _style(box, "fill") or background
            elif (fill := _style(child, "fill")) is not None:
                scale = re.search(r"scale\(([\d.]+) -", child.get("transform", ""))
                assert scale, child.get("transform")
                size = 100 * float(scale.group(1))
                for glyph in child.iter(f"{SVG}use"):
                    inner = re.search(r"scale\(([\d.]+)", glyph.get("transform", ""))
                    yield size * (float(inner.group(1)) if inner else 1.0), fill, behind


def test_at_least_six_figures_each_used_once(card_set) -> None:
    figures = _figures(card_set)
    assert len(figures) >= 6
    assert len(set(figures)) == len(figures)
    days = {p for p in (SHIPPED_CARDS / "media").glob("*.svg") if not p.name.endswith(NIGHT_SUFFIX)}
    assert set(figures) == days, "no unused media"


def test_every_figure_has_a_night_drawing_and_nothing_else_is_one(card_set) -> None:
    nights = set((SHIPPED_CARDS / "media").glob("*" + NIGHT_SUFFIX))
    assert nights == {_night(p) for p in _figures(card_set)}


def test_figures_have_an_opaque_light_background_for_night_mode(card_set) -> None:
    for path in _figures(card_set):
        assert _background(ET.parse(path).getroot()) == "#ffffff", path


def test_night_drawings_have_the_cards_night_background_and_the_same_size(card_set) -> None:
    night_background = _night_background()
    for day in _figures(card_set):
        day_root, night_root = ET.parse(day).getroot(), ET.parse(_night(day)).getroot()
        assert _background(night_root) == night_background, day
        for attribute in ("viewBox", "width", "height"):
            assert night_root.get(attribute) == day_root.get(attribute), (day, attribute)


def test_figure_text_is_legible_in_a_phone_column(card_set) -> None:
    for path in _drawings(card_set):
        root = ET.parse(path).getroot()
        width = float(root.get("viewBox", "").split()[2])
        sizes = [size for size, _, _ in _texts(root)]
        assert sizes, path
        assert min(sizes) * PHONE_COLUMN_PX / width >= MIN_TEXT_PX, (path, min(sizes))


def test_figure_text_contrasts_with_what_it_sits_on(card_set) -> None:
    for path in _drawings(card_set):
        for _, fill, behind in _texts(ET.parse(path).getroot()):
            assert _contrast(fill, behind) >= MIN_TEXT_CONTRAST, (path, fill, behind)


def test_figure_series_contrast_with_the_background(card_set) -> None:
    """Every data series (SVG group ``series-*``: lines, markers, bars) is drawn
    in a fill or an outline with >= 3:1 contrast against the figure background."""
    for path in _drawings(card_set):
        root = ET.parse(path).getroot()
        background = _background(root)
        groups = [g for g in root.iter(f"{SVG}g") if g.get("id", "").startswith("series-")]
        assert len(groups) >= 3, path
        for group in groups:
            defs = {id(e) for d in group.iter(f"{SVG}defs") for e in d.iter()}
            drawn = [e for e in group.iter() if e.get("style") and id(e) not in defs]
            assert drawn, (path, group.get("id"))
            for element in drawn:
                colours = [_style(element, k) for k in ("fill", "stroke")]
                best = max(
                    (_contrast(c, background) for c in colours if c and c.startswith("#")),
                    default=0.0,
                )
                assert best >= MIN_SERIES_CONTRAST, (path, group.get("id"), colours)

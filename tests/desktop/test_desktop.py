"""The shipped deck in the real Anki desktop app: imported through its Import dialog,
then every card's front and back shown in its Reviewer at a phone's and a desktop's
width, in the light and the night theme, and measured in the page the learner sees."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ankigen.build import build
from ankigen.render import render_card_set
from ankigen.source.model import CardSet

from ..conftest import SHIPPED_CARDS
from .app import HERE, Anki, AnkiError, import_package, running, survivors
from .conftest import require_qt

PROBES = (HERE / "probes.js").read_text(encoding="utf-8")
WIDTHS = (400, 1000)
NUMBERED = {
    "deck.yaml": "name: Numbered\nid: numbered\nnumbered_subdecks: true\ncategories:\n"
    "  - {id: zeta, name: Zeta}\n  - {id: alpha, name: Alpha}\n",
    "zeta.yaml": "category: zeta\ncards:\n  - {id: z, question: Z?, answer: Z.}\n",
    "alpha.yaml": "category: alpha\ncards:\n  - {id: a, question: A?, answer: A.}\n",
}


def probe(call: str) -> str:
    return f"(() => {{ {PROBES}\n return {call}; }})()"


@pytest.fixture(scope="module")
def imported(anki_app: Anki, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The shipped deck and a small one with numbered subdecks, each built and imported
    as a learner imports them; their card sets and the import logs, by name."""
    folder = tmp_path_factory.mktemp("packages")
    shutil.copytree(SHIPPED_CARDS, folder / "shipped")
    (folder / "numbered").mkdir()
    for name, text in NUMBERED.items():
        (folder / "numbered" / name).write_text(text, encoding="utf-8")
    decks = {}
    for name in ("shipped", "numbered"):
        report = build(folder / name, folder / f"{name}.apkg")
        log = import_package(anki_app, folder / f"{name}.apkg")
        decks[name] = (report.card_set, log)
    return decks


def test_the_packages_import_through_the_import_dialog(imported) -> None:
    for card_set, log in imported.values():
        assert f"{len(card_set.cards)} notes found in file" in log, log
        assert f"{len(card_set.cards)} new notes imported" in log, log


def _tree(rows: list[list]) -> list[str]:
    """Full deck names from the deck browser's rows of (indentation, name)."""
    names: list[str] = []
    path: list[str] = []
    indents: list[int] = []
    for indent, name in rows:
        while indents and indents[-1] >= indent:
            del indents[-1], path[-1]
        indents.append(indent)
        path.append(name)
        names.append("::".join(path))
    return names


def test_the_deck_tree_shows_every_subdeck_in_order(anki_app, imported) -> None:
    anki_app("deck_browser")
    tree = _tree(anki_app("evaluate", code=probe("deckTree()")))
    for card_set, _ in imported.values():
        deck = card_set.deck
        subdecks = [f"{deck.name}::{deck.subdeck(c)}" for c in deck.categories]
        shown = [name for name in tree if name.split("::")[0] == deck.name]
        # Anki lists subdecks by name; numbered names keep deck.yaml's order.
        expected = subdecks if deck.numbered_subdecks else sorted(subdecks, key=str.casefold)
        assert shown == [deck.name, *expected]
    assert [n for n in tree if n.startswith("Numbered")] == [
        "Numbered", "Numbered::01 Zeta", "Numbered::02 Alpha"]  # fmt: skip


@pytest.mark.parametrize("night", [False, True], ids=["light", "night"])
def test_the_deck_overview_shows_the_description_in_paragraphs(anki_app, imported, night) -> None:
    card_set: CardSet = imported["shipped"][0]
    anki_app("theme", night=night)
    anki_app("overview", deck=card_set.deck.name)
    shown = anki_app("evaluate", code=probe("probeDescription()"))
    assert shown is not None, "the overview shows no description"
    paragraphs = [p for p in re.split(r"\n\s*\n", card_set.deck.description) if p.strip()]
    assert shown["paragraphs"] == len(paragraphs)
    assert shown["whiteSpace"] == "pre-wrap"  # how Anki shows it: every newline counts
    assert shown["breaks"] == [], "the description's newlines break its lines in Anki"
    assert shown["heights"][0] == shown["heights"][1]
    assert shown["tooWide"] == []
    assert "Correction box." in shown["text"]


def _problems(page: dict, width: int, night: bool) -> list[str]:
    found = []
    if page["innerWidth"] != width:
        found.append(f"the window is {page['innerWidth']} px wide, not {width}")
    if ("nightMode" in page["bodyClass"].split()) != night:
        found.append(f"body class is {page['bodyClass']!r}")
    found += [f"MathJax error: {e}" for e in page["mathErrors"]]
    found += [f"TeX left untypeset: {t!r}" for t in page["rawTex"]]
    found += [f"image did not load: {src}" for src in page["brokenImages"]]
    if page["pageWidth"] > page["width"]:
        found.append(f"the page is {page['pageWidth']} px wide in a {page['width']} px window")
    found += [f"wider than the window: {e}" for e in page["tooWide"]]
    found += [f"contrast below 4.5:1: {e}" for e in page["contrast"]["low"]]
    if page["contrast"]["checked"] == 0:
        found.append("no text found on the page")
    return found


@pytest.mark.parametrize("width", WIDTHS, ids=[f"{w}px" for w in WIDTHS])
@pytest.mark.parametrize("night", [False, True], ids=["light", "night"])
def test_every_card_in_the_reviewer(anki_app, imported, night, width, tmp_path) -> None:
    card_set: CardSet = imported["shipped"][0]
    anki_app("theme", night=night)
    anki_app("resize", width=width, height=900)
    problems, pages, math, images = [], 0, 0, 0
    notes = [(r.card, r.ords) for r in render_card_set(card_set).cards]
    for card, ords in notes:
        for number in (o + 1 for o in ords):  # every card of the note: each cloze number
            search = f'"deck:{card_set.deck.name}" "ID:{card.id}" card:{number}'
            assert anki_app("review", search=search) == card.id, search
            for side in ("front", "back"):
                if side == "back":
                    anki_app("show_answer")
                page = anki_app("evaluate", code=probe("probeCard()"))
                pages, math, images = pages + 1, math + page["math"], images + page["images"]
                if found := _problems(page, width, night):
                    shot = tmp_path / f"{card.id}-{number}-{side}.png"
                    anki_app("screenshot", path=str(shot))
                    problems += [f"{card.id} {number} ({side}, see {shot}): {p}" for p in found]
    assert not problems, "\n".join(problems)
    assert pages == 2 * sum(len(ords) for _, ords in notes)
    assert math > 100 and images >= 6  # the probes did see the math and the figures


def test_the_probes_see_each_kind_of_defect(anki_app, imported) -> None:
    """A page with one of each defect the card test looks for, to show it would see them."""
    card_set: CardSet = imported["shipped"][0]
    with_math = next(c for c in card_set.cards if r"\(" in c.answer)
    anki_app("theme", night=False)
    anki_app("resize", width=400, height=900)
    anki_app("review", search=f'"deck:{card_set.deck.name}" "ID:{with_math.id}"')
    anki_app("show_answer")
    anki_app("evaluate", code=probe("settled()"))
    anki_app(
        "evaluate",
        code=r"""(async () => {
        const qa = document.getElementById("qa");
        qa.insertAdjacentHTML("beforeend", '<div style="width: 900px">a wide line</div>'
          + '<img src="no-such-image.png"><p style="color: #aaa">faint text</p>');
        const untypeset = document.createElement("p");
        untypeset.textContent = "\\(x^2\\) left as TeX";
        const bad = document.createElement("p");
        bad.textContent = "\\(\\frac{1}\\)";
        qa.append(untypeset, bad);
        await MathJax.typesetPromise([bad]);
        })()""",
    )
    page = anki_app("evaluate", code=probe("probeCard()"))
    found = _problems(page, 400, night=False)
    expected = [
        "MathJax error: ",
        r"TeX left untypeset: '\\(x^2\\) left as TeX",
        "image did not load: ",
        "the page is ",
        'wider than the window: <div> "a wide line"',
        'contrast below 4.5:1: <p> "faint text": 2.32:1',
    ]
    for start in expected:
        assert any(p.startswith(start) for p in found), (start, found)
    anki_app("review", search=f'"deck:{card_set.deck.name}" "ID:{with_math.id}"')  # redraw


def test_an_error_in_a_test_still_ends_every_anki_process(tmp_path: Path) -> None:
    require_qt()
    with pytest.raises(RuntimeError, match="a failing test"), running(tmp_path) as anki:
        marker = anki.marker
        assert len(survivors(marker)) >= 2  # Anki and its web engine's processes
        raise RuntimeError("a failing test")
    assert survivors(marker) == []


def test_a_step_that_never_ends_times_out_and_anki_is_ended(tmp_path: Path) -> None:
    require_qt()
    timed_out = pytest.raises(AnkiError, match="evaluate had no answer from Anki within 1 s")
    with timed_out, running(tmp_path) as anki:
        marker = anki.marker
        anki("evaluate", code="new Promise(() => {})", timeout=1)
    assert survivors(marker) == []

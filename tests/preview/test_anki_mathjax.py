"""A formula inside a cloze as the learner sees it: each side rendered by the real Anki
backend, then typeset in Chromium by the MathJax that the Anki desktop app ships (the
``aqt`` package), with the app's own MathJax configuration."""

from importlib import resources
from pathlib import Path

import pytest

from ankigen.build import build
from ankigen.package.notetype import note_type

from ..conftest import KINDS, import_package


@pytest.fixture(scope="module")
def anki_web() -> Path:
    """The desktop app's web folder (aqt, in the test extra): its MathJax and the
    configuration it loads first."""
    return Path(str(resources.files("_aqt") / "data" / "web"))


def _typeset(browser, tmp_path: Path, anki_web: Path, css: str, html: str) -> dict:
    page_file = tmp_path / "card.html"
    vendor = (anki_web / "js" / "vendor" / "mathjax").as_uri()
    page_file.write_text(
        f"<!doctype html><html><head><meta charset=utf-8><style>{css}</style>"
        f'<script src="{(anki_web / "js" / "mathjax.js").as_uri()}"></script>'
        f'<script>MathJax.loader.paths.mathjax = "{vendor}";</script>'
        f'<script src="{vendor}/tex-chtml-full.js"></script></head>'
        f'<body><div class="card">{html}</div></body></html>',
        encoding="utf-8",
    )
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri(), wait_until="load")
    page.evaluate("MathJax.startup.promise.then(() => MathJax.typesetPromise())")
    found = page.evaluate(
        """() => ({
        formulas: document.querySelectorAll('mjx-container').length,
        fractions: document.querySelectorAll('mjx-mfrac').length,
        errors: document.querySelectorAll('mjx-merror').length,
        leftover: /\\\\\\(|\\\\\\)|\\\\frac/.test(document.body.innerText),
        text: document.body.innerText})"""
    )
    page.close()
    assert errors == []
    return found


def test_a_formula_in_a_cloze_is_typeset_intact(
    browser, anki_web, write_cards, tmp_path, collection
) -> None:
    root = write_cards(kinds=KINDS)
    report = build(root, tmp_path / "d.apkg")
    import_package(collection, tmp_path / "d.apkg")
    css = note_type(report.card_set.deck, "cloze").css
    (nid,) = collection.find_notes('"ID:area"')
    first, second = (c.render_output() for c in collection.get_note(nid).cards())
    sides = {
        "c1 front": (first.question_text, 1, 0),  # the fraction is hidden behind [...]
        "c1 back": (first.answer_text, 2, 1),
        "c2 front": (second.question_text, 2, 1),
        "c2 back": (second.answer_text, 2, 1),
    }
    for name, (html, formulas, fractions) in sides.items():
        found = _typeset(browser, tmp_path, anki_web, css, html)
        assert (found["formulas"], found["fractions"], found["errors"]) == (
            formulas, fractions, 0,
        ), (name, found["text"])  # fmt: skip
        assert not found["leftover"], (name, found["text"])  # no TeX left as text

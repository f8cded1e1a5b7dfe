"""A long preview in a real browser: each note is rendered as it nears the viewport,
and the filter, its counts and night mode cover the notes not rendered yet."""

import pytest

from ankigen.preview.page import preview

from ..conftest import DECK, SOURCES, THEORY
from .test_page import IN_CARDS, _open

NOTES = 240  # in Code, after the 2 of Theory: far more than a screen holds
TOTAL = NOTES + 2
CARD = """\
  - id: note-{n}
    question: Question {n}?
    answer: The answer is word{n}.
    tags: [group-{group}]
"""


@pytest.fixture(scope="module")
def long_preview(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("long") / "cards"
    root.mkdir()
    code = "category: code\ncards:\n" + "".join(CARD.format(n=n, group=n % 7) for n in range(NOTES))
    for name, text in {"deck": DECK, "sources": SOURCES, "theory": THEORY, "code": code}.items():
        (root / f"{name}.yaml").write_text(text, encoding="utf-8")
    return preview(root, root.parent / "preview", cache=False).index.as_uri()


RENDERED = "Array.from(document.querySelectorAll('article.note')).filter(n => n.children.length)"
CARD_OF = """(id) => { const host = document.querySelector('#card-' + id + ' .screen');
    return host && host.shadowRoot.querySelector('.card'); }"""


def _wait_rendered(page, note: str) -> None:
    page.wait_for_function(CARD_OF, arg=note, timeout=10_000)


def _screens(page, note: str) -> list[str]:
    return page.evaluate(
        f"Array.from(document.querySelectorAll('#card-{note} .screen'))"
        ".map(h => h.shadowRoot.querySelector('.card').innerText)"
    )


def test_only_the_notes_near_the_viewport_are_rendered(browser, long_preview) -> None:
    page, errors = _open(browser, long_preview, 1280, every_note=False)
    assert page.locator("article.note").count() == TOTAL
    rendered = page.evaluate(f"{RENDERED}.map(n => n.id)")
    assert 3 <= len(rendered) < 40
    assert rendered == ["card-alpha", "card-beta"] + [
        f"card-note-{n}" for n in range(len(rendered) - 2)
    ]  # the first ones, in order
    assert page.evaluate(f"({CARD_OF})('note-200')") is None
    assert page.locator("#shown").inner_text() == f"{TOTAL} cards"
    assert errors == []
    page.close()


def test_a_note_far_down_is_rendered_when_scrolled_to(browser, long_preview) -> None:
    page, errors = _open(browser, long_preview, 1280, every_note=False)
    page.mouse.wheel(0, 400)  # a user's scrolling renders the next notes
    page.evaluate("document.getElementById('card-note-200').scrollIntoView()")
    _wait_rendered(page, "note-200")
    front, back = _screens(page, "note-200")
    assert front.strip() == "Question 200?" and "The answer is word200." in back
    meta = page.locator("#card-note-200 .meta")
    assert meta.locator("a.id").inner_text() == "note-200"
    assert meta.locator("a.id").get_attribute("href") == "#card-note-200"
    assert "test-deck::topic::group-4" in meta.locator("ul.tags").inner_text()
    assert page.evaluate(f"({CARD_OF})('note-120')") is None  # what was skipped is not
    assert len(page.evaluate(f"{RENDERED}")) < 80
    assert errors == []
    page.close()


TOP = "(id) => document.getElementById(id).getBoundingClientRect().top"
# Scroll up by 200 px a few times; how far the note at the top of the screen moved each time
SCROLL_UP = """() => new Promise(done => { const moves = [];
    function step() { const note = document.elementFromPoint(200, 300).closest('article');
        const top = note.getBoundingClientRect().top; scrollBy(0, -200);
        requestAnimationFrame(() => requestAnimationFrame(() => {
            moves.push(Math.round(note.getBoundingClientRect().top - top));
            if (moves.length < 8) step(); else done(moves); })); }
    step(); })"""


@pytest.mark.parametrize("how", ["opened", "followed"])
def test_a_link_to_a_note_far_down_renders_it_in_place(browser, long_preview, how) -> None:
    """The note a link names is rendered at the top of the screen, and stays there as
    the notes above it get their heights; scrolling up, nothing jumps."""
    page, errors = _open(browser, long_preview, 390, every_note=False)
    if how == "opened":
        page.goto(long_preview + "#card-note-180", wait_until="load")
    else:
        page.evaluate("location.hash = '#card-note-180'")
    _wait_rendered(page, "note-180")
    page.wait_for_timeout(500)  # the notes around it rendered
    assert abs(page.evaluate(TOP, "card-note-180")) < 2
    assert page.evaluate(f"({CARD_OF})('note-179')") is not None  # the one above too
    moves = page.evaluate(SCROLL_UP)
    assert all(abs(move - 200) <= 2 for move in moves), moves
    assert errors == []
    page.close()


def test_the_filter_counts_and_shows_notes_not_rendered_yet(browser, long_preview) -> None:
    page, errors = _open(browser, long_preview, 1280, every_note=False)
    page.fill("#filter", "tag:*group-3")
    group = [n for n in range(NOTES) if n % 7 == 3]
    assert page.locator("#shown").inner_text() == f"{len(group)} of {TOTAL} cards"
    visible = page.locator("article.note:visible").evaluate_all("ns => ns.map(n => n.id)")
    assert visible == [f"card-note-{n}" for n in group]
    assert page.locator("section.subdeck:visible").count() == 1  # Theory has none
    _wait_rendered(page, f"note-{group[0]}")  # the notes the filter brings into view
    page.fill("#filter", "word230")  # a word in the answer of a note never rendered
    assert page.locator("#shown").inner_text() == f"1 of {TOTAL} cards"
    _wait_rendered(page, "note-230")
    assert "word230" in _screens(page, "note-230")[1]
    page.fill("#filter", "")
    assert page.locator("#shown").inner_text() == f"{TOTAL} cards"
    assert errors == []
    page.close()


def test_night_mode_applies_to_notes_rendered_after_it(browser, long_preview) -> None:
    page, errors = _open(browser, long_preview, 1280, every_note=False)
    page.click("#night")
    assert page.evaluate(f"({CARD_OF})('note-150')") is None
    page.evaluate("document.getElementById('card-note-150').scrollIntoView()")
    _wait_rendered(page, "note-150")
    colours = f"({IN_CARDS})('.card').map(c => [c.classList.contains('nightMode'), getComputedStyle(c).backgroundColor])"
    later = page.evaluate(
        "Array.from(document.querySelectorAll('#card-note-150 .screen')).map(h => {"
        " const c = h.shadowRoot.querySelector('.card');"
        " return [c.classList.contains('nightMode'), getComputedStyle(c).backgroundColor]; })"
    )
    assert later == [[True, "rgb(31, 35, 40)"]] * 2
    assert {tuple(c) for c in page.evaluate(colours)} == {(True, "rgb(31, 35, 40)")}
    page.click("#night")  # off again: every card rendered so far, early or late
    assert {tuple(c) for c in page.evaluate(colours)} == {(False, "rgb(255, 255, 255)")}
    page.evaluate("document.getElementById('card-note-220').scrollIntoView()")
    _wait_rendered(page, "note-220")
    assert page.evaluate(f"({CARD_OF})('note-220').classList.contains('nightMode')") is False
    assert errors == []
    page.close()


def test_printing_renders_every_note_the_filter_shows(browser, long_preview) -> None:
    page, _ = _open(browser, long_preview, 1280, every_note=False)
    page.fill("#filter", "tag:*group-5")
    page.evaluate("dispatchEvent(new Event('beforeprint'))")
    rendered = page.evaluate(f"{RENDERED}.map(n => n.id)")
    group = {f"card-note-{n}" for n in range(NOTES) if n % 7 == 5}
    assert group <= set(rendered) and len(rendered) < NOTES
    page.close()


def test_without_javascript_the_page_says_it_needs_it(browser, long_preview) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(long_preview, wait_until="load")
    assert "This preview needs JavaScript" in page.locator(".noscript").inner_text()
    assert page.locator("section.subdeck:visible").count() == 0  # no empty boxes
    assert page.locator("header.top h1").is_visible()
    context.close()

import html
import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ankigen.check import check
from ankigen.package.notetype import note_type
from ankigen.preview.cards import NOTES_PER_BLOCK, card_data, script_safe_json
from ankigen.preview.page import MARKER, preview, to_mathml
from ankigen.preview.template import fill
from ankigen.render import FIELDS
from ankigen.source.validate import load_card_set

from ..conftest import KINDS, SHIPPED_CARDS, THEORY

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"  # ignored by git


# --- the page, without a browser ---------------------------------------------


def page_notes(page: str) -> dict[str, dict]:
    """Each note of ``page`` by id: what page.js renders into its empty ``article``
    (the data blocks, decoded)."""
    ids = re.findall(r'<article class="[^"]*" id="card-([^"]+)"[^>]*></article>', page)
    assert len(ids) == page.count("<article "), "a note's article is not empty"
    blocks = re.findall(
        r'<script type="application/json" class="cards" data-notes="(\d+)">(.*?)</script>',
        page,
        re.DOTALL,
    )
    records = []
    for count, text in blocks:
        block = json.loads(text)
        assert len(block) == int(count)
        records += block
    return dict(zip(ids, records, strict=True))


def test_preview_writes_a_self_contained_directory(write_cards, tmp_path: Path) -> None:
    root = write_cards(code="category: code\ncards:\n  - id: pic\n    question: '![p](p.svg)'\n"
                            "    answer: A picture.\n")  # fmt: skip
    (root / "p.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    report = preview(root, tmp_path / "out")
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    checked = check(root)
    card_set, rendered = checked.card_set, checked.rendered
    assert names == sorted(["index.html", "card.css", MARKER, rendered.media[0].name])
    assert report.index == tmp_path / "out" / "index.html"
    assert (tmp_path / "out" / "card.css").read_text() == note_type(card_set.deck).css
    page = report.index.read_text()
    # Nothing is fetched from the network (links to further reading are only links).
    assert not re.search(r"src=[\"']?(https?:)?//|<link[^>]*href=[\"']?(https?:)?//|url\(", page)


def test_sides_are_the_templates_filled_with_the_package_fields(write_cards, tmp_path) -> None:
    root = write_cards()
    page = preview(root, tmp_path / "out").index.read_text()
    checked = check(root)
    card_set, rendered = checked.card_set, checked.rendered
    template = note_type(card_set.deck).templates[0]
    notes = page_notes(page)
    head = (  # each side's shadow root: the note type's CSS, then the card
        '<link rel="stylesheet" href="card.css"><style>math[display=block]{display:block;'
        "overflow-x:auto;overflow-y:hidden;max-width:100%}</style>"
    )
    for r in rendered.cards:
        fields = dict(zip(FIELDS, r.fields, strict=True))
        front = fill(template["qfmt"], fields)
        back = fill(template["afmt"], fields, front)
        assert notes[r.card.id]["sides"] == [
            ["Front", f'{head}<div class="card">{to_mathml(front)[0]}</div>'],
            ["Back", f'{head}<div class="card">{to_mathml(back)[0]}</div>'],
        ]


def test_cards_are_grouped_by_subdeck_with_their_details(write_cards, tmp_path) -> None:
    page = preview(write_cards(), tmp_path / "out").index.read_text()
    assert page.index('id="deck-theory"') < page.index('id="card-alpha"') < page.index(
        'id="card-beta"') < page.index('id="deck-code"') < page.index('id="card-gamma"')  # fmt: skip
    assert re.search(r'<article class="note corrected[^"]*" id="card-beta"', page)
    notes = page_notes(page)  # each note's data, in the same order
    assert [note["meta"] for note in notes.values()] == ["Theory · basic", "Theory", "Code"]
    assert "test-deck::topic::greek" in notes["alpha"]["tags"]
    assert '<a href="#deck-theory">Theory <span class="count">2</span></a>' in page


def test_the_page_is_the_same_on_every_run(write_cards, tmp_path) -> None:
    root = write_cards(kinds=KINDS)
    first = preview(root, tmp_path / "one").index.read_bytes()
    assert preview(root, tmp_path / "two").index.read_bytes() == first


@given(st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_data_never_ends_its_block_and_reads_back(value) -> None:
    """Whatever a card holds (``</script>``, ``<!--``), its JSON has no ``</`` and no
    ``<!``, the only ways out of a ``<script>`` or into its escaped states."""
    text = script_safe_json(value)
    assert "</" not in text and "<!" not in text
    assert json.loads(text) == value


def test_the_data_blocks_hold_each_note_once_in_page_order() -> None:
    records = [{"n": n, "html": "</script><!--"} for n in range(NOTES_PER_BLOCK * 2 + 1)]
    blocks = re.findall(r'data-notes="(\d+)">(.*?)</script>\n', card_data(records))
    assert [int(count) for count, _ in blocks] == [NOTES_PER_BLOCK, NOTES_PER_BLOCK, 1]
    assert [r for _, text in blocks for r in json.loads(text)] == records


def test_the_cards_changed_in_this_build_are_marked(write_cards, tmp_path) -> None:
    """The same day the package's ``changed::`` tag carries: the newest is this build's."""
    from ankigen.build import build

    root = write_cards()
    build(root, tmp_path / "v1.apkg", now=1_780_000_000)  # 2026-05-28
    write_cards(theory=THEORY.replace("The second letter.", "The second Greek letter."))
    build(root, tmp_path / "v2.apkg", now=1_780_864_000)  # 2026-06-07
    page = preview(root, tmp_path / "out").index.read_text()
    assert '<button type="button" id="changed" aria-pressed="false">Changed 2026-06-07 (1)' in page
    assert '<article class="note corrected changed" id="card-beta"' in page
    assert '<article class="note" id="card-alpha"' in page
    notes = page_notes(page)
    assert notes["beta"]["changed"] == "2026-06-07" and "changed" not in notes["alpha"]
    assert notes["beta"]["tags"][-1] == "test-deck::changed::2026-06-07"
    assert notes["alpha"]["tags"][-1] == "test-deck::changed::2026-05-28"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            r"<p>\(x^2\)</p>",
            '<p><math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">',
        ),
        (r"\[ a &lt; b \]", '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">'),
        (r"<code>\(x\)</code>", r"<code>\(x\)</code>"),
        (r"<pre><span>\(x\)</span></pre>", r"<pre><span>\(x\)</span></pre>"),
    ],
)
def test_math_becomes_mathml_and_code_stays(source: str, expected: str) -> None:
    converted, failed = to_mathml(source)
    assert converted.startswith(expected) and failed == []


def test_entities_in_math_are_read_as_characters() -> None:
    converted, _ = to_mathml(r"\(a &lt; b\)")
    (operator,) = re.findall(r"<mo>(.*?)</mo>", converted)
    assert html.unescape(operator) == "<"


def test_math_that_cannot_be_converted_is_shown_as_tex() -> None:
    assert to_mathml(r"\(\frac{\)") == (r'<code class="tex">\(\frac{\)</code>', [r"\frac{"])


def test_tex_that_does_not_parse_stops_check_before_any_preview(write_cards, tmp_path) -> None:
    from ankigen.errors import CardSetError

    root = write_cards(theory=THEORY.replace("Beta?", r"Beta \(\frac{\)?"))
    with pytest.raises(CardSetError) as error:
        preview(root, tmp_path / "out")
    assert [str(p).removeprefix(f"{root}/") for p in error.value.problems] == [
        r"theory.yaml:14: the TeX in '\(\frac{\)' does not parse: check its braces and arguments"
    ]
    assert not (tmp_path / "out").exists()


@given(st.text(alphabet=st.characters(blacklist_characters="\\")))
def test_text_without_math_is_unchanged(text: str) -> None:
    assert to_mathml(text) == (text, [])


def test_a_rerun_replaces_the_previous_preview(write_cards, tmp_path: Path) -> None:
    out = tmp_path / "out"
    root = write_cards(code="category: code\ncards:\n  - id: pic\n    question: '![p](p.svg)'\n"
                            "    answer: A picture.\n")  # fmt: skip
    (root / "p.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    preview(root, out)
    (image,) = (p.name for p in out.glob("*.svg"))
    assert image in (out / MARKER).read_text().splitlines()  # the marker lists every file
    (out / ".DS_Store").write_bytes(b"")  # what a file browser leaves is not the user's work
    preview(write_cards(), out)
    assert not (out / image).exists() and not (out / ".DS_Store").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cards", "out"]


def test_a_directory_of_other_files_is_never_replaced(write_cards, tmp_path: Path) -> None:
    from ankigen.errors import CardSetError

    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    with pytest.raises(CardSetError) as error:
        preview(write_cards(), out)
    assert str(error.value.problems[0]) == (
        f"{out}: exists and was not written by ankigen: choose another output directory"
    )
    assert [p.name for p in out.iterdir()] == ["thesis.tex"]


def test_a_file_put_into_a_preview_is_never_deleted(write_cards, tmp_path, monkeypatch) -> None:
    """A package built into the preview directory, say, stays: the preview is refused."""
    from click.testing import CliRunner

    from ankigen.cli import main

    write_cards()
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["preview"]).exit_code == 0
    for output in ("dist/preview", "dist/preview/notes.apkg"):
        assert CliRunner().invoke(main, ["build", "-o", output]).exit_code == 0
    before = sorted(p.name for p in Path("dist/preview").iterdir())
    result = CliRunner().invoke(main, ["preview"])
    assert (result.exit_code, result.stderr) == (
        1,
        "dist/preview: holds files ankigen did not write (notes.apkg, test-deck.apkg): move them "
        "out, or choose another output directory\n1 problem found; nothing written.\n",
    )
    assert sorted(p.name for p in Path("dist/preview").iterdir()) == before


def test_a_preview_by_an_older_ankigen_is_not_replaced_blindly(write_cards, tmp_path) -> None:
    """Its marker does not say which files are its own."""
    from ankigen.errors import CardSetError

    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_text("Written by `ankigen preview`, which replaces this directory.\n")
    (out / "index.html").write_text("old")
    with pytest.raises(CardSetError) as error:
        preview(write_cards(), out)
    assert [str(p) for p in error.value.problems] == [
        f"{out}: was written by an older ankigen, which did not record its files: delete it, "
        "or choose another output directory"
    ]
    assert (out / "index.html").read_text() == "old"


def test_a_preview_inside_the_card_set_is_refused(write_cards, tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from ankigen.cli import main

    root = write_cards()
    before = sorted(root.rglob("*"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["preview", "-o", "cards/pv"])
    assert (result.exit_code, result.stderr) == (
        1,
        "cards/pv: is inside the card set: ankigen never writes the preview among the cards "
        "(pass -o with a path outside it, such as -o dist/preview)\n"
        "1 problem found; nothing written.\n",
    )
    monkeypatch.chdir(root)  # the default, dist/preview, would be inside the card set
    result = CliRunner().invoke(main, ["preview", "."])
    assert (result.exit_code, result.stderr) == (
        1,
        "dist/preview: is inside the card set: ankigen never writes the preview among the "
        "cards (pass -o with a path outside it, such as -o ../dist/preview)\n"
        "1 problem found; nothing written.\n",
    )
    assert sorted(root.rglob("*")) == before


def test_cli_prints_where_to_open_it(write_cards, tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from ankigen.cli import main

    root = write_cards()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["preview", str(root)])
    index = tmp_path / "dist" / "preview" / "index.html"
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "wrote dist/preview/index.html (3 cards)",
        f"open {index.as_uri()}",
    ]
    assert index.is_file()
    bad = CliRunner().invoke(main, ["preview", str(write_cards(theory="cards: [1"))])
    assert bad.exit_code == 1 and "nothing written" in bad.stderr


# --- the page in a real browser (headless Chromium) --------------------------


@pytest.fixture(scope="module")
def shipped_preview(tmp_path_factory) -> str:
    cards = tmp_path_factory.mktemp("shipped") / "cards"
    shutil.copytree(SHIPPED_CARDS, cards)
    return preview(cards, cards.parent / "preview", cache=False).index.as_uri()


# Every note rendered, as before printing, and the images in them loaded
RENDER_ALL = """async () => {
    dispatchEvent(new Event('beforeprint'));
    const images = Array.from(document.querySelectorAll('.screen')).flatMap(
        host => Array.from(host.shadowRoot.querySelectorAll('img')));
    await Promise.all(images.filter(i => !i.complete).map(i => new Promise(done => {
        i.addEventListener('load', done); i.addEventListener('error', done); })));
}"""


def _open(browser, url: str, width: int, height: int = 900, every_note: bool = True):
    """The page, with every note rendered unless ``every_note`` is false (then only the
    notes near the viewport are, as page.js renders them)."""
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
    page.goto(url, wait_until="load")
    if every_note:
        page.evaluate(RENDER_ALL)
    return page, errors


IN_CARDS = """(selector) => Array.from(document.querySelectorAll('.screen')).flatMap(
    host => Array.from(host.shadowRoot.querySelectorAll(selector)))"""


def test_the_page_loads_without_errors_and_shows_every_card(browser, shipped_preview) -> None:
    page, errors = _open(browser, shipped_preview, 1280)
    rendered = check(SHIPPED_CARDS, cache=False).rendered.cards
    cards = sum(len(r.ords) for r in rendered)  # a cloze note has a card per number
    assert page.locator("article.note").count() == len(rendered)
    sides = page.evaluate(f"({IN_CARDS})('.card').length")
    assert sides == 2 * cards  # every side got its shadow root and its card
    assert page.locator("#shown").inner_text() == f"{cards} cards"
    corrected = page.locator("article.note.corrected")
    assert 0 < corrected.count() == page.locator(".meta .badge").count()
    assert corrected.first.locator(".badge").inner_text() == "CORRECTION"  # upper-cased by CSS
    changed = page.locator("article.note.changed")
    assert 0 < changed.count() == page.locator(".meta .changed").count()
    assert re.fullmatch(
        r"Changed \d{4}-\d\d-\d\d", changed.first.locator(".meta .changed").inner_text()
    )
    assert errors == []
    page.close()


def test_every_image_loads(browser, shipped_preview) -> None:
    page, errors = _open(browser, shipped_preview, 1280)
    widths = page.evaluate(f"({IN_CARDS})('img').map(i => [i.complete, i.naturalWidth])")
    assert len(widths) >= 6 and all(done and width > 0 for done, width in widths)
    assert errors == []
    page.close()


def test_nothing_overflows_a_phone_screen(browser, shipped_preview) -> None:
    page, _ = _open(browser, shipped_preview, 390)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    wide = page.evaluate(
        f"({IN_CARDS})('.card').filter(c => c.scrollWidth > c.clientWidth)"
        ".map(c => c.getRootNode().host.closest('article').id)"
    )
    assert wide == []
    page.close()


def test_math_is_mathml(browser, shipped_preview) -> None:
    page, _ = _open(browser, shipped_preview, 1280)
    assert page.evaluate(f"({IN_CARDS})('math').length") > 100
    leftover = page.evaluate(
        f"({IN_CARDS})('.card').filter(c => {{ const t = c.cloneNode(true);"
        " t.querySelectorAll('pre, code').forEach(e => e.remove());"
        " return /\\\\\\(|\\\\\\[/.test(t.textContent); }).length"
    )
    assert leftover == 0  # no TeX left untypeset outside code
    height = page.evaluate(f"({IN_CARDS})('math')[0].getBoundingClientRect().height")
    assert height > 0
    page.close()


def test_display_math_never_scrolls_up_and_down(
    browser, classic_scrollbars_browser, shipped_preview
) -> None:
    """A display formula scrolls sideways when it is too wide, never up and down: its
    MathML overflows its box by a few pixels, which classic scrollbars would show."""
    for width in (1280, 390):
        page, _ = _open(browser, shipped_preview, width)
        scrolls = page.evaluate(
            f"({IN_CARDS})('math[display=block]').filter(m => m.scrollHeight > m.clientHeight"
            " && !['hidden', 'clip'].includes(getComputedStyle(m).overflowY)).length"
        )
        assert scrolls == 0
        page.close()
        page, _ = _open(classic_scrollbars_browser, shipped_preview, width)
        assert page.evaluate("innerWidth - document.documentElement.clientWidth") > 0  # shown
        widths = page.evaluate(
            f"({IN_CARDS})('math[display=block]')"
            ".map(m => [Math.round(m.getBoundingClientRect().width), m.clientWidth])"
        )
        assert len(widths) > 10
        assert [w for w in widths if w[0] > w[1]] == []  # no room taken by a vertical scrollbar
        page.close()


def test_night_mode_toggle_changes_the_card_background(browser, shipped_preview) -> None:
    page, _ = _open(browser, shipped_preview, 1280)
    background = f"({IN_CARDS})('.card').map(c => getComputedStyle(c).backgroundColor)"
    light = page.evaluate(background)
    page.click("#night")
    night = page.evaluate(background)
    assert set(light) == {"rgb(255, 255, 255)"} and set(night) == {"rgb(31, 35, 40)"}
    assert page.evaluate(f"({IN_CARDS})('.card.nightMode').length") == len(light)
    page.click("#night")
    assert page.evaluate(background) == light
    page.close()


def test_phone_width_view(browser, shipped_preview) -> None:
    page, _ = _open(browser, shipped_preview, 1280)
    widths = "Array.from(document.querySelectorAll('.screen')).map(s => s.clientWidth)"
    assert max(page.evaluate(widths)) > 390
    page.click("#phone")
    assert max(page.evaluate(widths)) <= 390
    page.close()


def test_filter_and_subdeck_links(browser, shipped_preview) -> None:
    subdecks = len(load_card_set(SHIPPED_CARDS).deck.categories)
    page, _ = _open(browser, shipped_preview, 1280)
    page.fill("#filter", "kernel svm")
    visible = page.locator("article.note:visible")
    assert visible.count() >= 1
    assert all("kernel" in html.unescape(v).lower() for v in visible.evaluate_all(
        "notes => notes.map(n => n.dataset.search)"))  # fmt: skip
    assert page.locator("section.subdeck:visible").count() < subdecks
    page.fill("#filter", "")
    page.click("#corrected")
    corrected = page.locator("article.note:visible").count()
    assert 0 < corrected == page.locator("article.note.corrected").count()
    page.click("#corrected")
    page.click("#changed")
    changed = page.locator("article.note:visible").count()
    assert 0 < changed == page.locator("article.note.changed").count()
    assert page.locator("nav.subdecks a").count() == subdecks
    page.close()


@pytest.mark.parametrize(("width", "mode"), [(1280, "light"), (1280, "night"),
                                             (390, "light"), (390, "night")])  # fmt: skip
def test_screenshots(browser, shipped_preview, width: int, mode: str) -> None:
    """Saved for people to look at, under tests/artifacts/ (the README shows one)."""
    page, _ = _open(browser, shipped_preview, width)
    page.add_style_tag(content="header.top { position: static; }")
    if mode == "night":
        page.click("#night")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"preview-page-{mode}-{width}px.png")
    for card in ("bias-variance-tradeoff", "kernel-trick"):
        path = ARTIFACTS / f"preview-{card}-{mode}-{width}px.png"
        page.locator(f"#card-{card}").screenshot(path=path)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page.close()


@pytest.fixture(scope="module")
def media_preview(tmp_path_factory) -> str:
    """A preview of a card with a sound, an image with a night variant, and Arabic text."""
    from ..conftest import CODE, DECK, SOURCES

    root = tmp_path_factory.mktemp("media") / "cards"
    (root / "media").mkdir(parents=True)
    answer = "[sound:media/a.mp3]\n\n![plot](media/p.svg)\n\nمرحبا بالعالم، هذا نص عربي."
    for name, text in {"deck": DECK, "sources": SOURCES, "theory": THEORY, "code": CODE}.items():
        (root / f"{name}.yaml").write_text(text)
    (root / "code.yaml").write_text(
        "category: code\ncards:\n  - id: media\n    question: Q\n    answer: |\n"
        + "".join(f"      {line}\n" for line in answer.splitlines())
    )
    (root / "media" / "a.mp3").write_bytes(b"ID3\x04" + bytes(16))
    svg = "<svg xmlns='http://www.w3.org/2000/svg' width='40' height='20'><rect width='40' height='20' fill='{}'/></svg>"
    (root / "media" / "p.svg").write_text(svg.format("white"))
    (root / "media" / "p.night.svg").write_text(svg.format("black"))
    return preview(root, root.parent / "preview", cache=False).index.as_uri()


def test_a_sound_gets_a_player(browser, media_preview) -> None:
    page, errors = _open(browser, media_preview, 1280)
    players = page.evaluate(f"({IN_CARDS})('audio.sound[controls]').map(a => a.src)")
    assert len(players) == 1 and re.search(r"/test-deck-a-[0-9a-f]{8}\.mp3$", players[0])
    assert "[sound:" not in page.evaluate(f"({IN_CARDS})('.card').map(c => c.textContent).join()")
    assert errors == []
    page.close()


def test_the_night_toggle_shows_the_night_variant(browser, media_preview) -> None:
    page, _ = _open(browser, media_preview, 1280)
    shown = (
        f"({IN_CARDS})('img').filter(i => getComputedStyle(i).display !== 'none')"
        ".map(i => i.className)"
    )
    assert page.evaluate(shown) == ["ankigen-day"]
    page.click("#night")
    assert page.evaluate(shown) == ["ankigen-night"]
    loaded = page.evaluate(f"({IN_CARDS})('img').map(i => i.complete && i.naturalWidth > 0)")
    assert loaded == [True, True]
    page.close()


def test_right_to_left_text_reads_from_the_right(browser, media_preview) -> None:
    page, _ = _open(browser, media_preview, 1280)
    gap = page.evaluate(
        f"""({IN_CARDS})('p').filter(p => /[\\u0600-\\u06ff]/.test(p.textContent)).map(p => {{
            const range = document.createRange(); range.selectNodeContents(p);
            const text = range.getBoundingClientRect(), box = p.getBoundingClientRect();
            return [text.left - box.left, box.right - text.right]; }})"""
    )
    (left, right), *_ = gap
    assert right < 2 < left  # flush right, with the space on the left
    page.close()

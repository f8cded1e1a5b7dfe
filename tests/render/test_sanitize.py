from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ankigen.render.markdown import Renderer
from ankigen.render.media import Media
from ankigen.render.sanitize import (
    ATTRIBUTES,
    GLOBAL_ATTRIBUTES,
    TAGS,
    Sanitizer,
    elements,
    style_refusal,
)
from ankigen.source.validate import load_card_set

from . import html_spec

PACKAGED = "deck-ok-0123abcd.png"


def resolve(src: str, what: str) -> tuple[Media | None, str]:
    if src == "media/ok.png":
        return Media(Path(src), PACKAGED), ""
    return None, f"{what} '{src}' not found"


def clean(html: str) -> tuple[str, list[str]]:
    result = Sanitizer(resolve).clean(html)
    return result.html, result.problems


@pytest.mark.parametrize(
    "html",
    [
        "<p>Plain <strong>bold</strong>, <em>it</em>, <code>x &lt; y</code></p>",
        '<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol start="3">\n<li>c</li>\n</ol>',
        '<table>\n<thead>\n<tr>\n<th style="text-align: left;">a</th>\n</tr>\n</thead>\n'
        '<tbody>\n<tr>\n<td style="text-align: right;">1</td>\n</tr>\n</tbody>\n</table>',
        '<div class="highlight"><pre><span></span><code><span class="k">def</span> f</code>'
        "</pre></div>",
        "<details><summary>Why?</summary><p>Because.</p></details>",
        "<ruby>漢<rp>(</rp><rt>かん</rt><rp>)</rp></ruby> H<sub>2</sub>O x<sup>2</sup> "
        "<kbd>Ctrl</kbd>+<kbd>C</kbd>",
        '<p><a href="https://en.wikipedia.org/wiki/Bayes%27_theorem">Bayes</a> '
        '<a href="http://example.org/" title="t">x</a></p>',
        r"<p>\(a_1 * b &lt; c\) and \[ \sum_i x_i \]</p>",
        '<p dir="auto" lang="ar">مرحبا</p><span style="color: #c00; font-weight: bold">r</span>',
        "<blockquote><p>q</p></blockquote><hr><p>a<br>b</p><h2>h</h2><dl><dt>t</dt><dd>d</dd></dl>",
    ],
)
def test_allowed_markup_passes_unchanged(html: str) -> None:
    assert clean(html) == (html, [])


def test_local_media_is_packaged_and_the_reference_rewritten() -> None:
    html, problems = clean(
        '<img src="media/ok.png" width="100" alt="a"><audio controls src="media/ok.png"></audio>'
        '<video controls><source src="media/ok.png" type="video/mp4"></video>'
    )
    assert problems == []
    assert html == (
        f'<img src="{PACKAGED}" width="100" alt="a"><audio controls="" src="{PACKAGED}"></audio>'
        f'<video controls=""><source src="{PACKAGED}" type="video/mp4"></video>'
    )


@pytest.mark.parametrize(
    ("html", "problems"),
    [
        ("<script>alert(1)</script>", ["<script> is not allowed in a card"]),
        ("<SCRIPT>alert(1)</SCRIPT>", ["<script> is not allowed in a card"]),
        ('<img src="media/ok.png" ONERROR="x">', ["event handler 'onerror=' is not allowed in a card"]),
        ('<a href=" JaVa\tScript:x">x</a>', ["a 'javascript:' URL is not allowed in a card (href= on <a>)"]),
        ('<a href="java&#x09;script:x">x</a>', ["a 'javascript:' URL is not allowed in a card (href= on <a>)"]),
        ('<a href="vbscript:x">x</a>', ["a 'vbscript:' URL is not allowed in a card (href= on <a>)"]),
        ('<a href="data:text/html,x">x</a>', ["a 'data:' URL is not allowed in a card (href= on <a>)"]),
        ('<a href="notes.html">x</a>', ["link 'notes.html' must be an http:// or https:// URL"]),
        ('<img src="https://tracker/p.png">', ["remote image 'https://tracker/p.png' is not allowed: cards must work offline, so put the file in the card set"]),
        ('<img src="data:image/png;base64,AAAA">', ["a 'data:' URL is not allowed in a card (src= on <img>)"]),
        ('<source src="media/none.mp3">', ["media 'media/none.mp3' not found"]),
        ('<audio src="media/none.mp3"></audio>', ["audio 'media/none.mp3' not found"]),
        ('<iframe srcdoc="&lt;script&gt;x&lt;/script&gt;"></iframe>', ["<iframe> is not allowed in a card: a card cannot embed other pages"]),
        ("<object data=x></object><embed src=x>", ["<object> is not allowed in a card: a card cannot embed other content", "<embed> is not allowed in a card: a card cannot embed other content"]),
        ('<base href="https://x/"><meta http-equiv="refresh" content="0">', ["<base> is not allowed in a card", "<meta> is not allowed in a card"]),
        ('<link rel="stylesheet" href="https://x/s.css">', ["<link> is not allowed in a card"]),
        ("<style>body{display:none}</style>", ["<style> is not allowed in a card: use a style= attribute with the allowed properties"]),
        ("<svg onload=x><script>y</script><text>q</text></svg>", ["<svg> is not allowed in a card: save it as a file and use <img src=…svg>"]),
        ('<math href="javascript:x"><mi>x</mi></math>', [r"<math> is not allowed in a card: write TeX between \( and \) for MathJax"]),
        ('<form action="https://x"><input name=q></form>', ["<form> is not allowed in a card", "<input> is not allowed in a card"]),
        ("<template><script>x</script></template>", ["<template> is not allowed in a card"]),
        ("<!--><img src=x onerror=y>-->", ["image 'x' not found", "event handler 'onerror=' is not allowed in a card"]),
        ('<p style="position:fixed">x</p>', ["style property 'position' is not allowed (allowed: background-color, color, font-size, font-style, font-weight, height, max-width, text-align, text-decoration, vertical-align, white-space, width)"]),
        ('<p style="color: url(https://x/y.png)">x</p>', ["style value 'url(https://x/y.png)' of 'color' is not allowed: no url(), escapes or quotes"]),
        ('<p style="@import url(x)">x</p>', ["style '@import url(x)' is not a plain property: value"]),
        ('<p dir="sideways">x</p>', ["dir='sideways' must be ltr, rtl or auto"]),
        ('<img src="media/ok.png" srcset="https://x/y.png 2x">', ["attribute 'srcset' is not allowed on <img>: use src=, with a file in the card set"]),
        ('<video poster="media/ok.png"></video>', ["attribute 'poster' is not allowed on <video> (Anki's Check Media does not count it as a use, and would delete the file)"]),
        ('<p id="qa">x</p>', ["attribute 'id' is not allowed on <p>: ids would clash with the ones of Anki's own page"]),
        ("<my-widget>x</my-widget>", ["<my-widget> is not allowed in a card"]),
    ],
)  # fmt: skip
def test_what_is_removed_is_named(html: str, problems: list[str]) -> None:
    assert clean(html)[1] == problems


def test_a_removal_the_allowlist_cannot_explain_is_still_reported() -> None:
    # nh3 drops a URL it cannot parse; by its scheme alone the link would be allowed.
    html, problems = clean('<a href="http://[::1">x</a>')
    assert html == "<a>x</a>"
    assert problems == ["attribute 'href' on <a> was removed by the HTML sanitizer"]


def test_comments_go_without_a_word() -> None:
    assert clean("<p>a<!-- a note to self -->b</p>") == ("<p>ab</p>", [])


@pytest.mark.parametrize(
    "style",
    ["color: red", "text-align: left;", "color:rgb(1, 2, 3); font-weight:700 !important",
     "width: 50%; max-width: 20em", ""],
)  # fmt: skip
def test_plain_styles(style: str) -> None:
    assert style_refusal(style) == ""


@pytest.mark.parametrize(
    "style",
    ["background: url(x.png)", "color: expression(alert(1))", "color: red; display: none",
     "position: fixed", "color: \\72 ed", "font-size: 1em /* */", "width: calc(100vw)",
     "color: 'red'", "behavior: url(x.htc)"],
)  # fmt: skip
def test_other_styles(style: str) -> None:
    assert style_refusal(style) != ""


# --- fuzzing with the whole of HTML ------------------------------------------

URLS = [
    "media/ok.png", "media/none.png", "https://example.org/x.png", "http://example.org/",
    "//example.org/x", "javascript:alert(1)", " JaVaScRiPt:alert(1)", "java&#x0A;script:x",
    "data:text/html,<script>x</script>", "data:image/png;base64,AA", "vbscript:x",
    "file:///etc/passwd", "blob:x", "about:blank", "#top", "../secret.png", "/etc/passwd",
    "http://[::1", "&#106;avascript:x", "mailto:a@b.c",
]  # fmt: skip
VALUES = st.sampled_from(
    [*URLS, "color: red", "position:fixed", "url(https://x)", "x", "", "auto", "rtl",
     "&lt;script&gt;alert(1)&lt;/script&gt;", "\" onload=\"x", "0;url=https://x", "text/css",
     "stylesheet", "refresh", "&amp;&quot;&#0;", "\\(x^2\\)"]
)  # fmt: skip
NAMES = st.sampled_from(
    html_spec.HTML_ELEMENTS + html_spec.SVG_ELEMENTS + html_spec.MATHML_ELEMENTS
    + ["my-element", "x"]
)  # fmt: skip
ATTRS = st.sampled_from(
    html_spec.GLOBAL_ATTRIBUTES + html_spec.ELEMENT_ATTRIBUTES + html_spec.EVENT_HANDLERS
    + html_spec.FOREIGN_ATTRIBUTES
)  # fmt: skip
CASED = st.sampled_from([str.lower, str.upper, str.title, lambda s: s])


@st.composite
def start_tag(draw) -> str:
    name = draw(CASED)(draw(NAMES))
    attrs = []
    for attr in draw(st.lists(ATTRS, max_size=3)):
        value = draw(VALUES)
        quote = draw(st.sampled_from(['"', "'", ""]))
        if quote == "" and any(c in value for c in " \"'=<>`"):
            quote = '"'
        attrs.append(
            f" {draw(CASED)(attr)}={quote}{value.replace(quote, '') if quote else value}{quote}"
        )
    end = draw(st.sampled_from([">", ">", "/>", ""]))  # "" leaves it unclosed
    return f"<{name}{''.join(attrs)}{end}"


TOKENS = st.one_of(
    start_tag(),
    NAMES.map(lambda n: f"</{n}>"),
    st.sampled_from(
        ["text", " ", "\n\n", "&amp;", "&lt;b&gt;", "&#60;script&#62;", "&nbsp;", "<!-- c -->",
         "<!-->", "-->", "<![CDATA[<script>x</script>]]>", "<?php x ?>", "<!DOCTYPE html>",
         "\\(a<b\\)", "[sound:media/ok.png]", "`<script>`", "<", ">", "\"", "'"]
    ),
)  # fmt: skip


@pytest.fixture(scope="module")
def fuzz_renderer(tmp_path_factory) -> Renderer:
    from ..conftest import CODE, DECK, SOURCES, THEORY

    root = tmp_path_factory.mktemp("cards")
    for name, text in {"deck": DECK, "sources": SOURCES, "theory": THEORY, "code": CODE}.items():
        (root / f"{name}.yaml").write_text(text)
    (root / "media").mkdir()
    (root / "media" / "ok.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return Renderer(load_card_set(root))


def assert_only_allowlisted(html: str, packaged: set[str]) -> None:
    for element in elements(html):
        assert element.namespace == "html" and element.name in TAGS, element
        for name, value in element.attributes:
            assert name in GLOBAL_ATTRIBUTES or name in ATTRIBUTES.get(element.name, ()), element
            if name == "href":
                assert value.startswith(("http://", "https://")), element
            if name == "src":
                assert value in packaged, element
            if name == "style":
                assert style_refusal(value) == "", element
            if name == "dir":
                assert value.strip().lower() in ("ltr", "rtl", "auto"), element


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(TOKENS, max_size=12))
def test_built_fields_hold_only_allowlisted_markup(fuzz_renderer, tokens: list[str]) -> None:
    """Whatever the card says, its field is allowlisted markup."""
    renderer = fuzz_renderer
    renderer.problems.clear()
    text = "".join(tokens)
    html = renderer.markdown(text, Path("x.yaml"), 1)
    assert_only_allowlisted(html, {m.name for m in renderer.media.files.values()})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TOKENS, max_size=12))
def test_nothing_is_removed_without_a_problem(tokens: list[str]) -> None:
    html = "".join(tokens)
    result = Sanitizer(resolve).clean(html)
    assert_only_allowlisted(result.html, {PACKAGED})
    before, after = list(elements(html)), list(elements(result.html))
    lost = Counter(e.name for e in before) - Counter(e.name for e in after)
    lost_attributes = Counter((e.name, a) for e in before for a, _ in e.attributes)
    lost_attributes -= Counter((e.name, a) for e in after for a, _ in e.attributes)
    if lost or lost_attributes:
        assert result.problems, (html, result.html)

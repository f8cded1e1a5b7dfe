"""Hostile card HTML: ``check`` refuses every kind with a message, and even HTML that
skipped the sanitizer cannot reach the preview page (real Chromium)."""

from __future__ import annotations

import http.server
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from ankigen.check import check
from ankigen.errors import CardSetError
from ankigen.package.notetype import note_type
from ankigen.preview.page import _page

# (name, card HTML with {url} for a server of the test's own, what `check` says)
HOSTILE = [
    ("iframe srcdoc", '<iframe srcdoc="&lt;script&gt;parent.document.title=\'PWNED\';'
     'fetch(\'{url}/srcdoc\')&lt;/script&gt;"></iframe>', "<iframe> is not allowed"),
    ("iframe src", '<iframe src="{url}/frame"></iframe>', "<iframe> is not allowed"),
    ("object", '<object data="{url}/object"></object>', "<object> is not allowed"),
    ("embed", '<embed src="{url}/embed">', "<embed> is not allowed"),
    ("base href", '<base href="{url}/base/">', "<base> is not allowed"),
    ("meta refresh", '<meta http-equiv="refresh" content="0;url={url}/refresh">',
     "<meta> is not allowed"),
    ("link stylesheet", '<link rel="stylesheet" href="{url}/sheet.css">', "<link> is not allowed"),
    ("style @import", "<style>@import url({url}/import.css);</style>", "<style> is not allowed"),
    ("style whole page", "<style>body, header, .top {{ display: none !important; "
     "background: red !important }}</style>", "<style> is not allowed"),
    ("remote img", '<img src="{url}/pixel.png">', "remote image '"),
    ("data: link", '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>',
     "a 'data:' URL is not allowed"),
    ("javascript: link", '<a href="java&#x09;script:alert(1)">x</a>',
     "a 'javascript:' URL is not allowed"),
    ("svg script", "<svg><script>document.title='PWNED'</script></svg>", "<svg> is not allowed"),
    ("svg onload", "<svg onload=\"document.title='PWNED'\"></svg>", "<svg> is not allowed"),
    ("math href", '<math href="javascript:document.title=\'PWNED\'"><mi>x</mi></math>',
     "<math> is not allowed"),
    ("form action", '<form action="{url}/form"><button>go</button></form>',
     "<form> is not allowed"),
    ("script", "<script>document.title='PWNED';fetch('{url}/script')</script>",
     "<script> is not allowed"),
    ("onerror", "<img src=\"{url}/x.png\" onerror=\"document.title='PWNED'\">",
     "event handler 'onerror=' is not allowed"),
    ("style url()", '<p style="background-image: url({url}/bg.png)">x</p>',
     "style property 'background-image' is not allowed"),
    ("position fixed", '<div style="position: fixed; inset: 0; background: red">x</div>',
     "style property 'position' is not allowed"),
    ("srcset", '<img src="x.png" srcset="{url}/x2.png 2x">', "attribute 'srcset' is not allowed"),
    ("video poster", '<video poster="{url}/poster.png"></video>', "attribute 'poster' is not"),
    ("audio remote", '<audio src="{url}/a.mp3"></audio>', "remote audio '"),
    ("template", "<template><script>document.title='PWNED'</script></template>",
     "<template> is not allowed"),
    ("comment trick", "<!--><img src=\"{url}/c.png\" onerror=\"document.title='PWNED'\">-->",
     "event handler 'onerror=' is not allowed"),
]  # fmt: skip
IDS = [name for name, _, _ in HOSTILE]


@pytest.mark.parametrize(("name", "snippet", "message"), HOSTILE, ids=IDS)
def test_check_refuses_each_with_a_message(write_cards, name, snippet, message) -> None:
    card = snippet.format(url="https://example.org").replace("'", "''")
    root = write_cards(
        code=f"category: code\ncards:\n  - id: hostile\n    question: '{card}'\n    answer: A\n"
    )
    (root / "x.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(CardSetError) as error:
        check(root, cache=False)
    found = [str(p) for p in error.value.problems]
    assert any(p.startswith(f"{root}/code.yaml:4: {message}") for p in found), found


@pytest.fixture
def server():
    """A web server on the loopback address that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { display: none }")

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()


# Enough cards after Theory's two that the last is far below the first screen
LONG = "category: code\ncards:\n" + "".join(
    f"  - id: filler-{n}\n    question: Question {n}?\n    answer: Answer {n}.\n" for n in range(40)
)


def _unsanitized_page(write_cards, tmp_path: Path, html: str, last: bool = False) -> Path:
    """A preview page whose first card's question is ``html``, as is: made from a
    RenderedSet directly, as if the sanitizer had let everything through. With
    ``last``, the last card of a long page instead, which page.js renders only once
    scrolled to."""
    checked = check(write_cards(code=LONG) if last else write_cards(), cache=False)
    cards = list(checked.rendered.cards)
    at = len(cards) - 1 if last else 0
    fields = (f'<div class="question">{html}</div>', *cards[at].fields[1:])
    cards[at] = replace(cards[at], fields=fields)
    rendered = replace(checked.rendered, cards=tuple(cards))
    notetype = note_type(checked.card_set.deck)
    out = tmp_path / "page"
    out.mkdir(parents=True)
    (out / "index.html").write_text(
        _page(checked.card_set, rendered, {"basic": notetype}, []), encoding="utf-8"
    )
    (out / "card.css").write_text(notetype.css, encoding="utf-8")
    return out / "index.html"


STYLES = """() => [document.body, document.querySelector('header.top'), document.querySelector('h1')]
    .map(e => { const s = getComputedStyle(e); return [s.display, s.backgroundColor, s.color]; })"""
# The hostile elements: in the card's own shadow root, and none in the page's document
IN_CARD = """(id) => { const host = document.querySelector('#card-' + id + ' .screen');
    const root = host && host.shadowRoot;
    return root ? ['iframe', 'object', 'embed', 'form', 'svg', 'math'].filter(
        name => root.querySelector('.question ' + name)) : null; }"""
IN_PAGE = "document.querySelectorAll('iframe, object, embed, form, svg, math, base').length"


@pytest.mark.parametrize("where", ["first", "far down"])
def test_nothing_a_card_holds_reaches_the_page(
    browser, write_cards, tmp_path, server, where
) -> None:
    """The first card is rendered as the page opens; one far down, once scrolled to."""
    url, hits = server
    last = where == "far down"
    hostile = "".join(snippet.format(url=url) for _, snippet, _ in HOSTILE)
    plain = _unsanitized_page(write_cards, tmp_path / "plain", "A question", last)
    index = _unsanitized_page(write_cards, tmp_path / "hostile", hostile, last)
    card = "filler-39" if last else "alpha"

    page = browser.new_page(viewport={"width": 1280, "height": 600})
    page.goto(plain.as_uri(), wait_until="load")
    title, styles = page.title(), page.evaluate(STYLES)
    requests: list[str] = []
    page.on("requestfinished", lambda r: requests.append(r.url))
    page.goto(index.as_uri(), wait_until="load")
    if last:
        assert page.evaluate(IN_CARD, card) is None, "rendered before it was scrolled to"
        page.evaluate(f"document.getElementById('card-{card}').scrollIntoView()")
        page.wait_for_function(IN_CARD, arg=card)
    page.wait_for_timeout(1500)  # time for a refresh, a fetch or a late script

    assert page.evaluate(IN_CARD, card) == ["iframe", "object", "embed", "form", "svg", "math"]
    assert page.evaluate(IN_PAGE) == 0, "a card's element is in the page's document"
    assert page.url == index.as_uri(), "the page was navigated away"
    assert page.title() == title, "a card's script ran"
    assert page.evaluate(STYLES) == styles, "a card restyled the page"
    assert hits == [], "a card made a request"
    assert all(r.startswith(("file://", "data:")) for r in requests), requests
    page.click("#night")  # the page's own script still runs
    assert page.evaluate("document.body.classList.contains('night')")
    page.close()

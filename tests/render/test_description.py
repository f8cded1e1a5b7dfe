import re

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from ankigen.check import check
from ankigen.render.description import without_newlines

from ..conftest import DECK


def test_paragraphs_flow_and_blocks_follow_each_other() -> None:
    html = "<p>one\ntwo <em>three</em>\n<strong>four</strong></p>\n<ul>\n<li>a\nb</li>\n</ul>"
    assert without_newlines(html) == (
        "<p>one two <em>three</em> <strong>four</strong></p><ul><li>a b</li></ul>"
    )


def test_code_keeps_its_lines() -> None:
    html = (
        '<p>x</p>\n<div class="highlight"><pre><span></span>a = 1\n\nb = 2\n</pre></div>\n<p>y</p>'
    )
    assert without_newlines(html) == (
        '<p>x</p><div class="highlight"><pre><span></span>a = 1\n\nb = 2\n</pre></div><p>y</p>'
    )


words = st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), min_size=1, max_size=12)
paragraphs = st.lists(
    st.tuples(words, st.lists(st.sampled_from([" ", "\n", "\n  "]), min_size=12, max_size=12)),
    min_size=1,
    max_size=4,
)


def test_the_deck_description_has_no_newlines(write_cards) -> None:
    description = "description: |\n  One\n  two.\n\n  - a\n  - b\n"
    root = write_cards(deck=DECK.replace("description: A *small* deck.\n", description))
    rendered = check(root, cache=False).rendered.description
    assert rendered == "<p>One two.</p><ul><li>a</li><li>b</li></ul>"


@settings(max_examples=50)
@given(paragraphs)
def test_markdown_paragraphs_keep_their_words_and_lose_their_newlines(paras) -> None:
    text = "\n\n".join("".join(w + s for w, s in zip(ws, seps, strict=False)).strip()
                       for ws, seps in paras)  # fmt: skip
    shown = without_newlines(markdown.markdown(text))
    assert "\n" not in shown
    assert re.findall(r"[a-z]+", re.sub(r"</?p>", " ", shown)) == [w for ws, _ in paras for w in ws]
    assert shown.count("<p>") == len(paras)

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ankigen.render.highlight import highlight_code
from ankigen.render.markdown import Renderer
from ankigen.render.sanitize import Sanitizer
from ankigen.source.validate import load_card_set

LANGS = ["python", "sql", "bash", "text", "", "no-such-language"]


def reference(text: str) -> str:
    """What python-markdown's own fenced_code + codehilite make of ``text``, once
    through the sanitizer as every field is (which writes U+00A0 as &nbsp;, for one)."""
    md = markdown.Markdown(
        extensions=["fenced_code", "codehilite", "tables", "sane_lists"],
        extension_configs={"codehilite": {"css_class": "highlight", "guess_lang": False}},
        output_format="html",
    )
    return Sanitizer(lambda src, what: (None, "no media here")).clean(md.convert(text)).html


@pytest.fixture(scope="module")
def renderer(tmp_path_factory) -> Renderer:
    from ..conftest import CODE, DECK, SOURCES, THEORY

    root = tmp_path_factory.mktemp("cards")
    for name, text in {"deck": DECK, "sources": SOURCES, "theory": THEORY, "code": CODE}.items():
        (root / f"{name}.yaml").write_text(text)
    return Renderer(load_card_set(root))


code_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from("\n\t<>&\"'`"),
    max_size=80,
).filter(lambda s: "```" not in s and "~~~" not in s and "[sound:" not in s)
# a fence closes the block early; [sound:…] in code is refused on purpose (Anki would play it)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    code=code_text,
    lang=st.sampled_from(LANGS),
    before=st.sampled_from(["", "Intro:\n\n", "- a list\n\n"]),
    after=st.sampled_from(["", "\n\nAfter.", "\nno blank line"]),
)
def test_same_html_as_python_markdown_codehilite(renderer, code, lang, before, after) -> None:
    text = f"{before}```{lang}\n{code}\n```{after}"
    renderer.problems.clear()
    assert renderer.markdown(text, renderer.card_set.root, 1) == reference(text)
    assert renderer.problems == []


def test_one_lexer_and_one_formatter_serve_every_block() -> None:
    from ankigen.render.highlight import _formatter, _lexer

    highlight_code("x = 1", "python")
    highlight_code("y = 2", "python")
    assert _lexer.cache_info().currsize >= 1 and _formatter.cache_info().currsize == 1
    assert _lexer("python") is _lexer("python")


def test_highlighted_code_is_kept_out_of_the_safety_check(renderer) -> None:
    # Code that looks like a script is text inside <code>, escaped, and allowed.
    renderer.problems.clear()
    html = renderer.markdown("```html\n<script>alert(1)</script>\n```", renderer.card_set.root, 1)
    assert renderer.problems == [] and "<script>" not in html and "&lt;" in html


def test_author_text_cannot_forge_a_code_token(renderer) -> None:
    renderer.problems.clear()
    forged = "<pre>\x02ankigencode0\x03</pre>\n\n```python\nx\n```"
    html = renderer.markdown(forged, renderer.card_set.root, 1)
    assert html.count('<div class="highlight">') == 1
    assert "ankigencode0" in html  # the author's text stays text; STX/ETX are dropped


def test_fence_options_are_reported(renderer) -> None:
    renderer.problems.clear()
    renderer.markdown("```{.python}\nx\n```", renderer.card_set.root, 7)
    renderer.markdown('```python hl_lines="1"\nx\n```', renderer.card_set.root, 8)
    messages = [(p.line, p.message) for p in renderer.problems]
    assert messages == [
        (7, "unsupported fenced code options in '```{.python}': write ```language"),
        (8, "unsupported fenced code options in '```python hl_lines=\"1\"': write ```language"),
    ]


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    # One line (a line of a fence in a list is indented), without tabs (Markdown expands
    # them by column, so in an indented line they expand to fewer spaces).
    code=code_text.filter(lambda s: s.strip() and not {"\n", "\t"} & set(s)),
    lang=st.sampled_from(LANGS),
    marker=st.sampled_from(["- ", "1. ", "* "]),
    blank=st.booleans(),
)
def test_a_fence_in_a_list_item_is_highlighted_as_a_top_level_one(
    renderer, code, lang, marker, blank
) -> None:
    indent = " " * len(marker)
    text = f"{marker}Step:\n{chr(10) * blank}{indent}```{lang}\n{indent}{code}\n{indent}```\n"
    text += f"{marker}Next."
    renderer.problems.clear()
    html = renderer.markdown(text, renderer.card_set.root, 1)
    top = renderer.markdown(f"```{lang}\n{code}\n```", renderer.card_set.root, 1)
    assert renderer.problems == []
    assert top in html and html.count("<li>") == 2


def test_a_plugin_lexer_is_not_used(monkeypatch) -> None:
    """What a block becomes follows from Pygments' version alone (the caches' key), not
    from which plugin packages are installed."""
    from pygments.lexer import RegexLexer
    from pygments.lexers import get_lexer_by_name
    from pygments.token import Keyword

    import ankigen.render.highlight as highlight

    class FooLexer(RegexLexer):
        name, aliases = "Foo", ["foolang"]
        tokens = {"root": [(r"foo", Keyword), (r".|\n", Keyword)]}  # noqa: RUF012

    plain = highlight_code("foo bar", "no-such-language")
    plugins = get_lexer_by_name.__globals__  # pygments.lexers' own, behind its lazy module
    monkeypatch.setitem(plugins, "find_plugin_lexers", lambda: iter([FooLexer]))
    assert isinstance(get_lexer_by_name("foolang"), FooLexer)
    highlight._lexer.cache_clear()
    try:
        assert highlight_code("foo bar", "foolang") == plain
        assert "k" not in highlight_code("foo bar", "foolang").split("<code>")[1]
        assert 'class="k"' in highlight_code("def f(): pass", "python")  # its own lexers still
    finally:
        highlight._lexer.cache_clear()

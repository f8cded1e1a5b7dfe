import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ankigen.errors import CardSetError
from ankigen.render.cards import card_tags, render_card_set
from ankigen.render.markdown import Renderer
from ankigen.source.validate import load_card_set

from ..conftest import THEORY


@pytest.fixture
def renderer(write_cards) -> Renderer:
    return Renderer(load_card_set(write_cards()))


def md(renderer: Renderer, text: str) -> str:
    html = renderer.markdown(text, Path("x.yaml"), 1)
    assert renderer.problems == []
    return html


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"\(a_1 * b_2\) and \(c_3\)", r"<p>\(a_1 * b_2\) and \(c_3\)</p>"),
        (r"\[ \sum_i x_i^2 \]", r"<p>\[ \sum_i x_i^2 \]</p>"),
        ("\\[\n a < b \\\\ c_1 \n\\]", "<p>\\[\n a &lt; b \\\\ c_1 \n\\]</p>"),
        (r"**bold** \(x^*\) _it_", r"<p><strong>bold</strong> \(x^*\) <em>it</em></p>"),
        ("It costs $1,000,000, not $2.", "<p>It costs $1,000,000, not $2.</p>"),
        ("`\\(code\\)`", "<p><code>\\(code\\)</code></p>"),
        ("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"),
    ],
)
def test_math_passes_through_markdown_untouched(renderer, source: str, expected: str) -> None:
    assert md(renderer, source) == expected


def test_fenced_code_is_highlighted_with_classes(renderer) -> None:
    html = md(renderer, "```python\ndef f(x):\n    return x < \\(1\\)\n```")
    assert html.startswith('<div class="highlight"><pre>')
    assert '<span class="k">def</span>' in html
    text = re.sub(r"<[^>]+>", "", html)
    assert "return x &lt; \\(1\\)" in text and "style=" not in html


def test_tables(renderer) -> None:
    html = md(renderer, "| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<table>" in html and "<td>1</td>" in html


def test_unsafe_markdown_is_reported_with_the_field_line(write_cards) -> None:
    root = write_cards(
        code="category: code\ncards:\n  - id: x\n    question: Q\n"
        "    answer: '[click](javascript:alert(1))'\n"
    )
    with pytest.raises(CardSetError) as info:
        render_card_set(load_card_set(root))
    assert [str(p) for p in info.value.problems] == [
        f"{root}/code.yaml:5: a 'javascript:' URL is not allowed in a card (href= on <a>)"
    ]


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("media/none.png", "image 'media/none.png' not found"),
        ("../secret.png", "image '../secret.png' is outside the cards directory"),
        ("/etc/passwd", "image '/etc/passwd' must be a relative path to a file in the card set"),
        (
            "https://x/y.png",
            "remote image 'https://x/y.png' is not allowed: cards must work offline, "
            "so put the file in the card set",
        ),
    ],
)
def test_image_problems(write_cards, src: str, message: str) -> None:
    (write_cards().parent / "secret.png").write_bytes(b"x")
    root = write_cards(
        code=f"category: code\ncards:\n  - id: x\n    question: Q\n    answer: '![a]({src})'\n"
    )
    with pytest.raises(CardSetError) as info:
        render_card_set(load_card_set(root))
    assert [str(p) for p in info.value.problems] == [f"{root}/code.yaml:5: {message}"]


def test_images_get_content_addressed_names(write_cards) -> None:
    root = write_cards(
        code="category: code\ncards:\n  - id: x\n    question: '![a](media/p.svg)'\n"
        "    answer: '![b](./media/p.svg)'\n"
    )
    (root / "media").mkdir()
    (root / "media" / "p.svg").write_text("<svg/>")
    rendered = render_card_set(load_card_set(root))
    (media,) = rendered.media
    assert re.fullmatch(r"test-deck-p-[0-9a-f]{8}\.svg", media.name)
    x = rendered.cards[-1]
    assert f'src="{media.name}"' in x.fields[0] and f'src="{media.name}"' in x.fields[1]
    (root / "media" / "p.svg").write_text("<svg></svg>")
    assert render_card_set(load_card_set(root)).media[0].name != media.name


def test_fields_tags_and_hash(write_cards) -> None:
    card_set = load_card_set(write_cards())
    alpha, beta, gamma = render_card_set(card_set).cards
    assert alpha.fields[0].startswith('<div class="question" data-meta="Theory · basic">')
    assert alpha.fields[2] == ""  # no correction
    assert alpha.fields[3] == (
        '<ul class="sources"><li><cite>An Article</cite>, Q1, Basic #2</li></ul>'
    )
    assert alpha.fields[5] == "alpha"
    assert alpha.tags == (
        "test-deck::theory", "test-deck::level::basic", "test-deck::source::art",
        "test-deck::topic::greek",
    )  # fmt: skip
    assert card_tags(card_set, card_set.cards[1]) == (
        "test-deck::theory", "test-deck::source::blog", "test-deck::corrected",
    )  # fmt: skip
    assert len({alpha.content_hash, beta.content_hash, gamma.content_hash}) == 3


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # the set is only read
)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet=st.sampled_from(list("ab _*`<>&$\n-#|")), max_size=12),
            st.builds(
                lambda s: f"\\({s}\\)", st.text(alphabet="xy_*^<&{} ", min_size=1, max_size=8)
            ),
        ),
        max_size=6,
    )
)
def test_markdown_never_fails_and_math_survives(write_cards, parts: list[str]) -> None:
    renderer = Renderer(load_card_set(write_cards()))
    text = "".join(parts)
    html = renderer.markdown(text, Path("x.yaml"), 1)
    assert "ankigenmath" not in html
    if "`" not in text and not renderer.problems:  # math in a tag name goes, with a problem
        for part in parts:
            if part.startswith("\\(") and "\\)" not in part[2:-2]:
                escaped = part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                assert escaped in html


def rendered(renderer: Renderer, text: str) -> tuple[str, list[str]]:
    renderer.problems.clear()
    html = renderer.markdown(text, Path("x.yaml"), 3)
    return html, [str(p) for p in renderer.problems]


@pytest.mark.parametrize(
    "text",
    [
        "1. Install:\n   ```bash\n   pip install x\n   ```\n2. Run it.",
        "- Install:\n\n    ```bash\n    pip install x\n    ```\n\n- Run it.",
        "* Install:\n  ~~~bash\n  pip install x\n  ~~~\n* Run it.",
    ],
)
def test_a_fence_inside_a_list_item_is_a_code_block_of_that_item(renderer, text) -> None:
    html, problems = rendered(renderer, text)
    assert problems == []
    item = re.search(r"<li>(.*?)</li>", html, re.S)[1]
    assert "Install:" in item and '<div class="highlight"><pre>' in item
    assert "pip" in item and "```" not in html and "~~~" not in html and "<code>bash" not in html
    assert html.count("<li>") == 2


def test_an_unclosed_fence_is_an_error(renderer) -> None:
    _, problems = rendered(renderer, "Code:\n\n```python\ndef f():\n    return 1\n")
    assert problems == [
        "x.yaml:3: code fence '```python' is never closed: end it with a line of ``` at the "
        "same indentation (outside a list, fences start the line)"
    ]


def test_a_fence_is_code_even_when_indented_outside_a_list(renderer) -> None:
    html, problems = rendered(renderer, "Text\n\n    ```\n    code\n    ```")
    assert problems == [] and "<code>```\ncode\n```" in html  # an indented code block


def test_tex_that_does_not_parse_is_an_error_at_its_field(write_cards) -> None:
    root = write_cards(theory=THEORY.replace("Beta?", r"Beta \(\frac{1}{\)?"))
    with pytest.raises(CardSetError) as info:
        render_card_set(load_card_set(root))
    assert [str(p).removeprefix(f"{root}/") for p in info.value.problems] == [
        r"theory.yaml:14: the TeX in '\(\frac{1}{\)' does not parse: check its braces and arguments"
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("The value \\( x^2 is large.", [r"'\(' opens a formula that is never closed with '\)': Markdown shows it as '('"]),
        ("\\[ \\sum_i (y_i - \\hat y_i)^2", [r"'\[' opens a formula that is never closed with '\]': Markdown shows it as '['"]),
        ("x^2 \\) here", [r"'\)' closes a formula never opened with '\(': Markdown shows it as ')'"]),
        ("\\(x\\) and \\[y\\], `\\(` in code, an escaped \\\\(", []),
        ("```\n\\(\n```", []),
    ],
)  # fmt: skip
def test_a_formula_left_open_is_a_warning(renderer, text: str, found: list[str]) -> None:
    _, problems = rendered(renderer, text)
    assert problems == [f"x.yaml:3: warning: {message}" for message in found]


def test_dollar_math_outside_code_is_a_warning(renderer) -> None:
    html, problems = rendered(renderer, "Area $\\pi r^2$, but `$x$` and\n\n```\n$y$\n```")
    assert problems == [
        r"x.yaml:3: warning: '$\pi r^2$' looks like math, but Anki reads only \( … \) and "
        r"\[ … \]: write \(\pi r^2\)"
    ]
    assert "$\\pi r^2$" in html


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("- a\n    - b\n        - c\n1. x", []),
        ("- a\n  - b\n1. one\n2. two",
         ["x.yaml:3: warning: list item '- b' is indented by 2 spaces under the one above: nest list items by 4 spaces"]),
        ("1. a\n   1. b", ["x.yaml:3: warning: list item '1. b' is indented by 3 spaces under the one above: nest list items by 4 spaces"]),
        ("- a\n    - b\n      - c", ["x.yaml:3: warning: list item '- c' is indented by 2 spaces under the one above: nest list items by 4 spaces"]),
        ("Text\n\n  - a lone item", []),
        ("Text:\n- a\n- b", ["x.yaml:3: warning: list item '- a' follows a line of text, so it joins that paragraph: put a blank line before the list"]),
        ("# Title\n- a\n\n| t |\n|---|\n\n- b\ncontinued\n- c", []),
        ("- a\n- b\n1. one\n2. two", ["x.yaml:3: warning: list item '1. one' starts a numbered list right after a bulleted one, so it joins the item above: put a blank line between the lists"]),
        ("1. a\n\n- b", []),
        ("- a\n\nText\n- b", ["x.yaml:3: warning: list item '- b' follows a line of text, so it joins that paragraph: put a blank line before the list"]),
    ],
)  # fmt: skip
def test_list_items_nested_by_fewer_than_four_spaces_are_a_warning(renderer, text, found) -> None:
    assert rendered(renderer, text)[1] == found

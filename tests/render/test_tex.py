import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ankigen.render.tex import dollar_problems, parses, tex_problem, to_mathml
from ankigen.source.load import read_yaml
from ankigen.source.validate import read_card_set

from ..conftest import SHIPPED_CARDS

_TEX = st.sampled_from([
    "x", "1", "'", "&", "~", "[", "]", "{", "}", "^", "_", "\\\\", "\\,", "\\;", "\\!",
    "\\frac", "\\tfrac", "\\binom", "\\sqrt", "\\over", "\\sum", "\\int", "\\limits",
    "\\hat", "\\mathrm", "\\mathbb{R}", "\\mathcal", "\\text{a}", "\\operatorname",
    "\\left(", "\\right)", "\\left.", "\\right|", "\\big(", "\\mid", "\\prime", "\\not",
    "\\begin{matrix}", "\\end{matrix}", "\\begin{cases}", "\\end{cases}",
    "\\begin{array}{cc}", "\\end{array}", "\\hline", "\\substack", "\\overbrace",
    "\\underset", "\\overset", "\\stackrel", "\\xrightarrow", "\\boxed", "\\color{red}",
    "\\displaystyle", "\\pmod", "\\bmod",
])  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(_TEX, min_size=1, max_size=8).map(" ".join))
def test_a_formula_parses_exactly_when_it_converts(tex: str) -> None:
    assert parses(tex) == (to_mathml(tex) is not None)


def test_formulas_are_converted_once_per_process() -> None:
    to_mathml.cache_clear()
    assert to_mathml(r"x^2") == to_mathml(r"x^2") is not None
    assert to_mathml.cache_info().hits == 1


@pytest.mark.parametrize("math", [r"\(x^2\)", r"\[ \sum_i x_i \]", r"\(\mathbb{R}\)", r"\(a < b\)"])
def test_tex_that_parses(math: str) -> None:
    assert tex_problem(math) == ""


@pytest.mark.parametrize(
    "math", [r"\(\frac{1}{\)", r"\(\sqrt\)", r"\(x^{2\)", r"\(a}\)", r"\({a\)"]
)
def test_tex_that_does_not_parse(math: str) -> None:
    assert (
        tex_problem(math) == f"the TeX in '{math}' does not parse: check its braces and arguments"
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("It costs $1,000,000, not $2.", []),
        ("From $5 to $10, or $5-$10", []),
        ("a $x$ b", [r"'$x$' looks like math, but Anki reads only \( … \) and \[ … \]: write \(x\)"]),
        ("$x^2 + y_1$", [r"'$x^2 + y_1$' looks like math, but Anki reads only \( … \) and \[ … \]: write \(x^2 + y_1\)"]),
        ("$$\\sum_i x_i$$", [r"'$$\sum_i x_i$$' looks like math, but Anki reads only \( … \) and \[ … \]: write \[\sum_i x_i\]"]),
        (r"\$x\$ is escaped", []),
        ("$$ x^2 $$", [r"'$$ x^2 $$' looks like math, but Anki reads only \( … \) and \[ … \]: write \[ x^2 \]"]),
        ("a\n$$\n\\sum_i x_i\n$$\nb", [r"'$$ \sum_i x_i $$' looks like math, but Anki reads only \( … \) and \[ … \]: write \[ and \] for the $$"]),
        ("$$5 and $$10, a $$ $$ b", []),
        ("The loss $ x^2 $, or $5 per x_1 and $10", []),  # one $ spaced is a price
        ("$\\alpha$ then $$ \\beta $$", [r"'$\alpha$' looks like math, but Anki reads only \( … \) and \[ … \]: write \(\alpha\)",
                                       r"'$$ \beta $$' looks like math, but Anki reads only \( … \) and \[ … \]: write \[ \beta \]"]),
    ],
)  # fmt: skip
def test_dollar_math_gets_a_hint(text: str, found: list[str]) -> None:
    assert dollar_problems(text) == found


# Formulas latex2mathml reads without complaint and MathJax shows as an error, with what
# the build says; and formulas of the same shapes that MathJax shows.
MISPLACED = {
    r"\frac{a}": r"is missing an argument of '\frac'",
    r"{\frac{a}} b": r"is missing an argument of '\frac'",
    r"x_{\hat}": r"is missing an argument of '\hat'",
    r"\begin{matrix} \frac{a} & b \end{matrix}": r"is missing an argument of '\frac'",
    r"\begin{matrix} \mathbf & b \end{matrix}": r"is missing an argument of '\mathbf'",
    r"\overset{a}": r"is missing an argument of '\overset'",
    r"\operatorname": r"is missing an argument of '\operatorname'",
    r"a &= b": r"has '&' outside an environment (such as \begin{aligned})",
    r"x^{a & b}": r"has '&' outside an environment (such as \begin{aligned})",
    r"\hline": r"has '\hline' outside an environment (such as \begin{aligned})",
    r"a \end{matrix}": r"has '\end{matrix}' without its '\begin'",
    r"x\limits": r"has '\limits' after something other than an operator (such as \sum)",
    r"x = #": r"has '#', which TeX keeps for a macro's parameters: write \#",
    r"\left( a": r"has a \left without its \right, or the other way round",
    r"a \right)": r"has a \left without its \right, or the other way round",
    r"\begin{matrix} a": r"has a \begin{…} without its \end{…}, or ended by another one",
    r"\begin{pmatrix} a \end{bmatrix}": r"has a \begin{…} without its \end{…}, or ended by another one",
    r"x^": "has a ^ or _ with nothing after it",
    r"x^2^3": "has two superscripts on one base (x^a^b): group them, x^{a^b}",
    r"x_1_2": "has two subscripts on one base (x_a_b): group them, x_{a_b}",
}
SHOWN = [
    r"\frac{a}{b}", r"\frac12", r"\frac{a}+b", r"\sqrt[3]{x}", r"\hat{\theta}", r"\mathbf{x}",
    r"\begin{aligned} a &= b \\ &= c \end{aligned}", r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}",
    r"\begin{array}{c} a \\ \hline b \end{array}", r"\substack{a \\ b}", r"a \\ b",
    r"\operatorname{tr}(A)", r"\operatorname*{arg\,max}_x f", r"\sum\limits_i x_i", r"\sum\nolimits_i",
    r"\sum_i^n\limits x", r"\max\nolimits_x", r"\#", r"\newcommand{\sq}[1]{#1^2} \sq{a}",
    r"\xrightarrow{f}", r"\mathbb{E}_{x \sim p}[x]", r"\{a\}", r"\lVert x \rVert_2",
]  # fmt: skip


@pytest.mark.parametrize(("tex", "why"), MISPLACED.items())
def test_tex_that_mathjax_refuses(tex: str, why: str) -> None:
    assert tex_problem(rf"\({tex}\)") == rf"the TeX in '\({tex}\)' {why}"


@pytest.mark.parametrize("tex", SHOWN)
def test_tex_that_mathjax_shows(tex: str) -> None:
    assert tex_problem(rf"\({tex}\)") == ""


def _mathjax_errors(browser, formulas: list[str]) -> dict[str, bool]:
    """Whether Anki's own MathJax (from aqt, set up as Anki sets it up, but with errors
    shown as errors rather than as the TeX) shows each formula as an error."""
    spec = importlib.util.find_spec("_aqt")
    assert spec is not None and spec.submodule_search_locations
    mathjax = Path(spec.submodule_search_locations[0], "data/web/js/vendor/mathjax")
    page = browser.new_page()
    try:
        page.set_content(
            "<script>window.MathJax = {tex: {packages: {'[+]': ['mathtools'], "
            "'[-]': ['textmacros']}}, startup: {typeset: false}};</script>"
        )
        page.add_script_tag(path=str(mathjax / "tex-chtml-full.js"))
        page.wait_for_function("typeof (window.MathJax || {}).tex2mml === 'function'")
        page.evaluate("MathJax.startup.promise")
        found = page.evaluate(
            "formulas => formulas.map(tex => { try { return MathJax.tex2mml(tex)"
            ".includes('<merror') } catch (error) { return true } })",
            formulas,
        )
    finally:
        page.close()
    return dict(zip(formulas, found, strict=True))


def test_tex_is_refused_exactly_where_anki_mathjax_shows_an_error(browser) -> None:
    refused = [*MISPLACED, r"\frac{1}{", r"\sqrt", r"x^{2", r"a}", r"{a"]
    errors = _mathjax_errors(browser, [*refused, *SHOWN])
    assert [tex for tex in refused if not errors[tex]] == []
    assert [tex for tex in SHOWN if errors[tex]] == []


def test_every_formula_of_the_shipped_deck_shows_in_anki_mathjax(browser) -> None:
    card_set, problems = read_card_set(SHIPPED_CARDS, read_yaml)
    assert card_set is not None and problems == []
    fields = (
        text
        for card in card_set.cards
        for text in (card.question, card.answer, card.text, card.extra, card.correction)
    )
    formulas = sorted(
        {
            m[1] or m[2]
            for text in fields
            for m in re.finditer(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", text, re.S)
        }
    )
    assert len(formulas) > 100
    errors = _mathjax_errors(browser, formulas)
    assert [tex for tex in formulas if errors[tex]] == []
    assert [tex for tex in formulas if tex_problem(rf"\({tex}\)")] == []


def _fresh_process(code: str) -> str:
    """What ``code`` prints, run in a new interpreter (this one has imported latex2mathml)."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_latex2mathml_is_set_up_without_importlib_metadata() -> None:
    printed = _fresh_process(
        "import sys\n"
        "from ankigen.render.tex import parses, to_mathml\n"
        "print(parses('x^2'), to_mathml('x') is not None, 'importlib.metadata' in sys.modules)\n"
        "import latex2mathml\n"
        "from importlib import metadata\n"
        "print(latex2mathml.__version__ == metadata.version('latex2mathml'))\n"
    )
    assert printed.split() == ["True", "True", "False", "True"]


def test_a_latex2mathml_init_that_does_more_is_imported_as_usual() -> None:
    printed = _fresh_process(
        "import sys\n"
        "from ankigen.render import tex\n"
        "tex._INIT = b'another __init__'\n"
        "print(tex.parses('x^2'), 'importlib.metadata' in sys.modules)\n"
    )
    assert printed.split() == ["True", "True"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(_TEX, min_size=1, max_size=8).map(" ".join))
def test_any_formula_gets_an_answer(tex: str) -> None:
    why = tex_problem(rf"\({tex}\)")
    assert why == "" or why.startswith(rf"the TeX in '\({tex}\)' ")
    if not parses(tex):
        assert why  # refused, whatever the reason

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ankigen.render.tex import dollar_problems, parses, tex_problem, to_mathml

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
    "math", [r"\(\frac{1}{\)", r"\(x^\)", r"\[ \begin{matrix} a \]", r"\(\sqrt\)"]
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
    ],
)  # fmt: skip
def test_dollar_math_gets_a_hint(text: str, found: list[str]) -> None:
    assert dollar_problems(text) == found


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

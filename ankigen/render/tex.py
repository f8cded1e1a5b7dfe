"""TeX, read once per formula: the build checks that every formula parses, and the
preview shows each as MathML, both with latex2mathml. The check only parses (its
walker), which takes half the time of converting; each formula is read once per
process."""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=4096)
def to_mathml(tex: str, display: str = "inline") -> str | None:
    """MathML for ``tex``; None when latex2mathml cannot parse it."""
    from latex2mathml.converter import convert

    try:
        return convert(tex, display=display)
    except Exception:  # latex2mathml raises many kinds; the formula does not parse
        return None


@functools.lru_cache(maxsize=4096)
def parses(tex: str) -> bool:
    """Whether latex2mathml can read ``tex``: exactly when it can convert it (the tests
    compare the two), without building the MathML."""
    from latex2mathml.walker import walk

    try:
        walk(tex)
    except Exception:  # latex2mathml raises many kinds; the formula does not parse
        return False
    return True


def tex_problem(math: str) -> str:
    r"""Why a formula, delimiters included (``\(…\)`` or ``\[…\]``), does not parse, or ""."""
    if parses(math[2:-2]):
        return ""
    return f"the TeX in '{math}' does not parse: check its braces and arguments"


_DOLLAR = re.compile(r"(?<![\\$\w])(\$\$?)(?=\S)([^$\n]+?)(?<=\S)\1(?![\w$])")
_TEX_LIKE = re.compile(r"[\\^_{}=]|^[A-Za-z]$")


def dollar_problems(text: str) -> list[str]:
    """``$…$`` that looks like math: Anki's MathJax reads only ``\\(…\\)`` and ``\\[…\\]``,
    so it would show as written (text without code)."""
    problems = []
    for match in _DOLLAR.finditer(text):
        body = match[2]
        if _TEX_LIKE.search(body):
            better = f"\\[{body}\\]" if match[1] == "$$" else f"\\({body}\\)"
            problems.append(
                f"'{match[0]}' looks like math, but Anki reads only \\( … \\) and \\[ … \\]: "
                f"write {better}"
            )
    return problems

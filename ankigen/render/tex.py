"""TeX, read once per formula: the build checks that every formula parses, and the
preview shows each as MathML, both with latex2mathml (converting is slow, so each
formula is converted once per process)."""

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


def tex_problem(math: str) -> str:
    r"""Why a formula, delimiters included (``\(…\)`` or ``\[…\]``), does not parse, or ""."""
    display = "block" if math.startswith("\\[") else "inline"
    if to_mathml(math[2:-2], display) is not None:
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

"""TeX, read once per formula: the build checks that every formula parses, and the
preview shows each as MathML, both with latex2mathml. The check only parses (its
walker), which takes half the time of converting; each formula is read once per
process."""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
from pathlib import Path

from ..cachefile import installed_version

# latex2mathml's whole __init__: it only looks up its own version.
_INIT = b'from importlib import metadata\n\n__version__ = metadata.version("latex2mathml")\n'


@functools.lru_cache(maxsize=4096)
def to_mathml(tex: str, display: str = "inline") -> str | None:
    """MathML for ``tex``; None when latex2mathml cannot parse it."""
    _package()
    from latex2mathml.converter import convert

    try:
        return convert(tex, display=display)
    except Exception:  # latex2mathml raises many kinds; the formula does not parse
        return None


@functools.lru_cache(maxsize=4096)
def parses(tex: str) -> bool:
    """Whether latex2mathml can read ``tex``: exactly when it can convert it (the tests
    compare the two), without building the MathML."""
    _package()
    from latex2mathml.walker import walk

    try:
        walk(tex)
    except Exception:  # latex2mathml raises many kinds; the formula does not parse
        return False
    return True


@functools.cache
def _package() -> None:
    """Set the latex2mathml package up without running its ``__init__`` while that does
    nothing but look its version up: importing importlib.metadata (and the email package
    it needs) and scanning sys.path take longer than importing the rest of latex2mathml,
    25 ms of a rebuild after a one-card edit. The version is read from the dist-info
    beside it instead; any other ``__init__`` is imported as usual."""
    if "latex2mathml" in sys.modules:
        return
    spec = importlib.util.find_spec("latex2mathml")
    if spec is None or spec.origin is None or spec.submodule_search_locations is None:
        return
    try:
        if Path(spec.origin).read_bytes() != _INIT:
            return
    except OSError:
        return
    package = importlib.util.module_from_spec(spec)
    package.__version__ = installed_version("latex2mathml", "latex2mathml")
    sys.modules["latex2mathml"] = package


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

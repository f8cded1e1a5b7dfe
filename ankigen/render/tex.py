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
from typing import Any

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


def parses(tex: str) -> bool:
    """Whether latex2mathml can read ``tex``: exactly when it can convert it (the tests
    compare the two), without building the MathML."""
    return type(_walked(tex)) is tuple


@functools.lru_cache(maxsize=4096)
def _walked(tex: str) -> tuple[Any, ...] | str:
    """latex2mathml's tree of ``tex`` (its walker), or the name of the exception it raises
    when it cannot read it."""
    _package()
    from latex2mathml.walker import walk

    try:
        return tuple(walk(tex))
    except Exception as exc:  # latex2mathml raises many kinds; the formula does not parse
        return type(exc).__name__


# What latex2mathml's exceptions say; any other is "does not parse".
_LIMITS = r"has '\limits' after something other than an operator (such as \sum)"
_UNREAD = {
    "ExtraLeftOrMissingRightError": r"has a \left without its \right, or the other way round",
    "MissingEndError": r"has a \begin{…} without its \end{…}, or ended by another one",
    "MissingSuperScriptOrSubscriptError": "has a ^ or _ with nothing after it",
    "DoubleSuperscriptsError": "has two superscripts on one base (x^a^b): group them, x^{a^b}",
    "DoubleSubscriptsError": "has two subscripts on one base (x_a_b): group them, x_{a_b}",
    "LimitsMustFollowMathOperatorError": _LIMITS,
}


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


@functools.cache
def _tokens() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str | None]]:
    """For ``_misplaced``, from latex2mathml's tables: the commands of two arguments, the
    commands of arguments, what is no argument, and where no environment's cells are."""
    from latex2mathml import commands

    two = frozenset(commands.COMMANDS_WITH_TWO_PARAMETERS)
    takes = two | {commands.SUBSCRIPT, commands.SUPERSCRIPT, commands.SUBSUP, commands.SQRT}
    takes |= {*commands.COMMANDS_WITH_ONE_PARAMETER, *commands.EXTENSIBLE_ARROWS}
    not_arguments = frozenset(
        {commands.CLOSING_BRACE, "&", commands.DOUBLEBACKSLASH, commands.HLINE}
    )
    return two, takes, not_arguments, frozenset({None, commands.BRACES, *takes})


def tex_problem(math: str) -> str:
    r"""Why a formula, delimiters included (``\(…\)`` or ``\[…\]``), does not parse, or ""."""
    tex = math[2:-2]
    nodes = _walked(tex)
    if not _balanced(tex):
        why = _UNPARSED
    elif type(nodes) is str:
        why = _UNREAD.get(nodes, _UNPARSED)
    else:
        why = _misplaced(nodes)
    return f"the TeX in '{math}' {why}" if why else ""


_UNPARSED = "does not parse: check its braces and arguments"


def _balanced(tex: str) -> bool:
    r"""Whether every ``{`` of ``tex`` is closed and every ``}`` opened (``\{``, ``\}`` and
    ``\\`` aside): latex2mathml reads ``{a`` and ``a}``, which MathJax refuses."""
    depth = 0
    for token in _BRACE_OR_ESCAPE.findall(tex):
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


_BRACE_OR_ESCAPE = re.compile(r"\\.|[{}]", re.DOTALL)


def _misplaced(nodes: tuple[Any, ...]) -> str:
    r"""What in latex2mathml's tree MathJax shows as an error, or "": latex2mathml reads
    these without complaint.

    - A command short of arguments (``\frac{a}``, ``{\hat}``, ``\frac{a} & b`` in a
      matrix): latex2mathml takes the end of the formula, the group's closing brace or
      the cell's ``&`` or ``\\`` as the argument.
    - ``&`` outside an environment's cells, ``\hline`` outside one, an ``\end{…}``
      without its ``\begin``, and ``\limits`` after anything but an operator: kept as
      they are."""
    from latex2mathml import commands

    two, takes, not_arguments, outside = _tokens()
    non_fonts = commands.MATH_NON_FONT_COMMANDS
    groups: list[tuple[str | None, tuple[Any, ...]]] = [(None, nodes)]  # with their parent
    while groups:
        parent, group = groups.pop()
        if group and group[-1].token == commands.OPERATORNAME:  # with one, a token of its own
            return f"is missing an argument of '{commands.OPERATORNAME}'"
        before = None  # the node before this one in its group
        for node in group:
            token, children = node.token, node.children
            if token in two and len(children or ()) < 2:
                return f"is missing an argument of '{token}'"
            if children:
                font = token.startswith(commands.MATH) and token not in non_fonts
                arguments = {child.token for child in children}
                if commands.CLOSING_BRACE in arguments or (  # a group's end, as an argument
                    (token in takes or font) and not arguments.isdisjoint(not_arguments)
                ):
                    return f"is missing an argument of '{token}'"
                groups.append((commands.BRACES if font else token, children))
            elif token in ("&", commands.HLINE):
                if parent in outside:
                    return f"has '{token}' outside an environment (such as \\begin{{aligned}})"
            elif token in (commands.LIMITS, commands.NOLIMITS):
                if not _operator(before):
                    return _LIMITS.replace(r"\limits", token)
            elif token.startswith(r"\end{"):
                return f"has '{token}' without its '\\begin'"
            elif token == "#":
                return r"has '#', which TeX keeps for a macro's parameters: write \#"
            before = node
    return ""


def _operator(node: Any) -> bool:
    r"""Whether ``\limits`` may follow ``node``: a command (``\sum``), or one with a sub- or
    superscript (``\sum_i^n``), as latex2mathml leaves ``\sum_i^n\limits``."""
    while node is not None and node.token in ("_", "^", "_^") and node.children:
        node = node.children[0]
    return node is not None and node.token.startswith("\\")


_DOLLAR = re.compile(r"(?<![\\$\w])(\$\$?)(?=\S)([^$\n]+?)(?<=\S)\1(?![\w$])")
# $$…$$ spaced or over several lines, as LaTeX and Jupyter write it: no price reads so.
_DISPLAY_DOLLARS = re.compile(r"(?<![\\$])\$\$(?!\$)(\s[^$]*?\S\s*|\S[^$]*?\s)\$\$(?!\$)")
_TEX_LIKE = re.compile(r"[\\^_{}=]|^[A-Za-z]$")


def dollar_problems(text: str) -> list[str]:
    """``$…$`` that looks like math: Anki's MathJax reads only ``\\(…\\)`` and ``\\[…\\]``,
    so it would show as written (text without code)."""
    found = []  # (where, what was written, the delimiters to write instead, its body)
    for match in _DISPLAY_DOLLARS.finditer(text):
        found.append((match.start(), match[0], "\\[", "\\]", match[1]))
    if found:
        text = _DISPLAY_DOLLARS.sub(lambda m: " " * len(m[0]), text)
    for match in _DOLLAR.finditer(text):
        opening, closing = ("\\[", "\\]") if match[1] == "$$" else ("\\(", "\\)")
        found.append((match.start(), match[0], opening, closing, match[2]))
    problems = []
    for _, written, opening, closing, body in sorted(found):
        if _TEX_LIKE.search(body.strip()):
            if "\n" in written:
                written, better = " ".join(written.split()), f"{opening} and {closing} for the $$"
            else:
                better = f"{opening}{body}{closing}"
            problems.append(
                f"'{written}' looks like math, but Anki reads only \\( … \\) and \\[ … \\]: "
                f"write {better}"
            )
    return problems

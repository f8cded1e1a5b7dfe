"""Cloze deletions, read exactly as Anki reads them (rslib/src/cloze.rs).

Anki's parser knows nothing of HTML, code or TeX: ``{{c1::`` opens a cloze and the
next ``}}`` closes it, wherever they are. So a cloze text is prepared before it goes
into a note (``prepare``): braces of a formula that would meet as ``}}`` are kept
apart with a space, as Anki's manual advises (TeX ignores it), ``}}`` in inline code
becomes ``}&#125;`` (the same on screen), and what cannot work is refused. The card
numbers and the preview's ``{{cloze:Field}}`` (``reveal``) use the same parser as Anki.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

_OPEN = re.compile(r"\{\{c([0-9,]*)::")
# Anki's MathJax delimiters, and its HTML stripping inside them (rslib text.rs).
_MATHJAX = re.compile(r"(\\[(\[])(.*?)(\\[\])])", re.DOTALL | re.IGNORECASE)
_HTML = re.compile(
    r"(<!--.*?-->)|(<style.*?>.*?</style>)|(<script.*?>.*?</script>)|(<.*?>)",
    re.DOTALL | re.IGNORECASE,
)
# Code first (what is inside it is not math), then the delimiters markdown.py keeps.
_REGIONS = re.compile(
    r"(?P<pre><pre\b.*?</pre>)|(?P<code><code\b.*?</code>)|(?P<math>\\\(.+?\\\)|\\\[.+?\\\])",
    re.DOTALL,
)
_BLOCK = re.compile(r"</?(?:p|div|pre|ul|ol|li|table|thead|tbody|tr|td|th|h[1-6]|blockquote|hr)\b")
_MAX_NESTING = 10  # Anki ignores a cloze opened inside ten others


@dataclass
class _Cloze:
    ordinals: tuple[int, ...]
    start: int  # offsets of the opening marker and past the closing one
    end: int = 0
    nodes: list[str | _Cloze] = field(default_factory=list)
    hint: str | None = None


def _open(text: str, i: int) -> tuple[tuple[int, ...], int] | None:
    """The ordinals of a cloze opened at ``i`` and where its text starts, as Anki parses
    them: comma-separated numbers that fit in 16 bits, deduplicated and sorted."""
    match = _OPEN.match(text, i)
    if match is None:
        return None
    ordinals = tuple(sorted({int(n) for n in match[1].split(",") if n and int(n) < 1 << 16}))
    return (ordinals, match.end()) if ordinals else None


def _parse(text: str) -> list[str | _Cloze]:
    """Anki's tree of text and clozes. A cloze never closed is dropped, as Anki drops it."""
    output: list[str | _Cloze] = []
    open_clozes: list[_Cloze] = []
    i = start = 0

    def text_until(end: int) -> None:
        if end > start:
            piece = text[start:end]
            if open_clozes:
                cloze = open_clozes[-1]
                if not piece.startswith("image-occlusion:") and "::" in piece:
                    piece, cloze.hint = piece.split("::", 1)
                cloze.nodes.append(piece)
            else:
                output.append(piece)

    while i < len(text):
        opened = _open(text, i) if text.startswith("{{c", i) else None
        if opened is None and not text.startswith("}}", i):
            i += 1
            continue
        text_until(i)
        if opened is not None:
            if len(open_clozes) < _MAX_NESTING:
                open_clozes.append(_Cloze(opened[0], i))
            i = opened[1]
        else:
            i += 2
            if open_clozes:
                cloze = open_clozes.pop()
                cloze.end = i
                (open_clozes[-1].nodes if open_clozes else output).append(cloze)
            else:
                output.append("}}")
        start = i
    text_until(len(text))
    return output


def _clozes(nodes: list[str | _Cloze]) -> list[_Cloze]:
    """Every cloze in the tree, outer ones first."""
    found: list[_Cloze] = []
    for node in nodes:
        if isinstance(node, _Cloze):
            found += [node, *_clozes(node.nodes)]
    return found


def cloze_numbers(text: str) -> tuple[int, ...]:
    """The card numbers a cloze text makes in Anki: one card per distinct N of {{cN::…}}."""
    return tuple(sorted({n for c in _clozes(_parse(text)) for n in c.ordinals if n != 0}))


def reveal(text: str, number: int, question: bool) -> str:
    """What Anki's ``{{cloze:Field}}`` shows on card ``number``'s question or answer side."""
    out: list[str] = []
    found = False

    def add(cloze: _Cloze, buf: list[str]) -> None:
        nonlocal found
        active = number in cloze.ordinals
        found |= active
        ordinals = ",".join(map(str, cloze.ordinals))
        inner: list[str] = []
        for node in cloze.nodes:
            if isinstance(node, str):
                inner.append(node)
            else:
                add(node, inner)
        hint = "..." if cloze.hint is None else cloze.hint
        if question and active:
            buf.append(
                f'<span class="cloze" data-cloze="{_attribute("".join(inner))}" '
                f'data-ordinal="{ordinals}">[{hint}]</span>'
            )
        else:
            kind = "cloze" if active else "cloze-inactive"
            buf.append(f'<span class="{kind}" data-ordinal="{ordinals}">{"".join(inner)}</span>')

    for node in _parse(text):
        if isinstance(node, str):
            out.append(node)
        else:
            add(node, out)
    if not found:
        return ""
    return _MATHJAX.sub(lambda m: m[1] + _HTML.sub("", m[2]) + m[3], "".join(out))


def _attribute(text: str) -> str:
    """Rust's htmlescape::encode_attribute, which Anki uses for ``data-cloze``."""
    minimal = {'"': "&quot;", "&": "&amp;", "'": "&#x27;", "<": "&lt;", ">": "&gt;"}
    return "".join(
        minimal.get(c)
        or (f"&#x{ord(c):02X};" if ord(c) < 256 and not (c.isascii() and c.isalnum()) else c)
        for c in text
    )


def prepare(text: str) -> tuple[str, list[str]]:
    """The HTML of a cloze text made safe for Anki's parser, and what cannot be made so."""
    problems: list[str] = []
    regions: list[tuple[int, int]] = []  # spans of code and math, in the prepared text
    out: list[str] = []
    position = 0
    for match in _REGIONS.finditer(text):
        out.append(text[position : match.start()])
        start = sum(map(len, out))
        if match["pre"] is not None:
            if _OPEN.search(html.unescape(_HTML.sub("", match[0]))):
                problems.append(
                    "a cloze inside a fenced code block cannot work (highlighting splits "
                    "its marker): use inline `code` inside the cloze instead"
                )
            out.append(match[0])
        elif match["code"] is not None:
            out.append(_separate(match[0], code=True))
        else:
            out.append(_separate(match[0], code=False))
        regions.append((start, start + len(out[-1])))
        position = match.end()
    out.append(text[position:])
    prepared = "".join(out)
    for cloze in _clozes(_parse(prepared)):
        inner = prepared[cloze.start : cloze.end]
        name = "{{c" + ",".join(map(str, cloze.ordinals)) + "::…}}"
        first = cloze.nodes[0] if cloze.nodes else ""
        if isinstance(first, str) and first.startswith("image-occlusion:"):
            problems.append(f"{name}: image occlusion is made in Anki's own editor, not here")
        elif any(start < cloze.start < end < cloze.end or cloze.start < start < cloze.end < end
               for start, end in regions):  # fmt: skip
            problems.append(
                f"{name} and a formula or code overlap: put the whole "
                "formula or code inside the cloze, or the cloze inside it"
            )
        elif _BLOCK.search(inner):
            problems.append(
                f"{name} must begin and end in the same paragraph, list item or table cell"
            )
    return prepared, list(dict.fromkeys(problems))


def _separate(region: str, code: bool) -> str:
    """A formula or inline code in which no ``}}`` closes a cloze it did not open."""
    out: list[str] = []
    opened: list[int] = []  # brace depth at each cloze opened in this region
    depth = i = 0
    while i < len(region):
        if region.startswith("{{c", i) and (opened_at := _open(region, i)):
            opened.append(depth)
            out.append(region[i : opened_at[1]])
            i = opened_at[1]
            continue
        # A closing marker: of a cloze opened here, or in a formula at brace depth 0 (where
        # no group is open), of one opened before it: then the two overlap, see prepare.
        if region.startswith("}}", i) and (
            depth == opened[-1] if opened else (not code and depth == 0)
        ):
            if opened:
                opened.pop()
            out.append("}}")
            i += 2
            continue
        piece = region[i : i + 2] if region[i] == "\\" and not code else region[i]
        if not code:
            depth += {"{": 1, "}": -1}.get(piece, 0)
        out.append(piece)
        i += len(piece)
        if piece[-1] == "}" and region.startswith("}", i):
            out.append("&#125;" if code else " ")
            if code:
                i += 1
    return "".join(out)

"""Fenced code blocks, highlighted by Pygments with CSS classes.

The same blocks and the same HTML as python-markdown's ``fenced_code`` with
``codehilite`` (the tests compare the two), but with one lexer per language and
one formatter for the whole build: creating them per block was most of the
rendering time. Each block is stashed as a token, which ``restore`` replaces with
the highlighted code. A fence indented inside a list item is a block of that item;
a fence never closed is a problem.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.preprocessors import Preprocessor
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_all_lexers, get_lexer_by_name

HIGHLIGHT_CLASS = "highlight"
# A block-level tag, so that python-markdown does not wrap it in <p>; STX/ETX,
# which python-markdown strips from its input, so that no author text can forge one.
_TOKEN = "<pre>\x02ankigencode{}\x03</pre>"
_TOKEN_RE = re.compile("<pre>\x02ankigencode(\\d+)\x03</pre>")


@functools.cache
def _lexer(lang: str) -> Lexer:
    """Pygments' own lexer for ``lang``, never one a plugin package adds: what a block
    becomes then follows from Pygments' version, which the caches are keyed by. An
    unknown language is shown as plain text."""
    wanted = lang.lower()
    for _, aliases, _, _ in get_all_lexers(plugins=False):
        if wanted in aliases:
            return get_lexer_by_name(wanted)  # Pygments looks at its own lexers first
    return get_lexer_by_name("text")


@functools.cache
def _formatter() -> HtmlFormatter:
    return HtmlFormatter(cssclass=HIGHLIGHT_CLASS, wrapcode=True)


def highlight_code(code: str, lang: str) -> str:
    """The HTML of one fenced block: ``<div class="highlight"><pre>…</pre></div>``."""
    return highlight(code.strip("\n"), _lexer(lang or "text"), _formatter())


class FencedCode(Extension):
    """Replaces ``fenced_code``. ``on_problem`` hears of fences it cannot honour;
    ``highlight`` is ``highlight_code`` or gives what it would."""

    def __init__(
        self, on_problem: Callable[[str], None], highlight: Callable[[str, str], str]
    ) -> None:
        super().__init__()
        self.on_problem = on_problem
        self.highlight = highlight  # highlight_code, or what knows its results already
        self.blocks: list[str] = []  # highlighted HTML, by token number

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_Fences(md, self), "fenced_code_block", 25)

    def reset(self) -> None:
        self.blocks.clear()

    def restore(self, html: str) -> str:
        """Put the highlighted blocks in place of their tokens."""
        if not self.blocks:
            return html
        return _TOKEN_RE.sub(lambda m: self.blocks[int(m[1])], html)


class _Fences(Preprocessor):
    def __init__(self, md: Markdown, extension: FencedCode) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "```" not in text and "~~~" not in text:
            return lines
        index = 0
        while m := FencedBlockPreprocessor.FENCED_BLOCK_RE.search(text, index):
            if m["attrs"] is not None or m["hl_lines"] is not None:
                self.extension.on_problem(
                    f"unsupported fenced code options in '{m.group(0).partition(chr(10))[0]}': "
                    "write ```language"
                )
            placeholder = self._store(m["code"], m["lang"])
            text = f"{text[: m.start()]}\n{placeholder}\n{text[m.end() :]}"
            index = m.start() + 1 + len(placeholder)
        text = _NESTED.sub(self._nested, text)
        for fence in _OPENING.finditer(text):
            if _indent(fence[0]) >= 4 and not _in_list(text, fence.start(), _indent(fence[0])):
                continue  # an indented code block that shows a fence, as Markdown says
            self.extension.on_problem(
                f"code fence '{fence[0].strip()}' is never closed: end it with a line of "
                f"{fence[1]} at the same indentation (outside a list, fences start the line)"
            )
        return text.split("\n")

    def _store(self, code: str, lang: str | None) -> str:
        self.extension.blocks.append(self.extension.highlight(code, lang or ""))
        return self.md.htmlStash.store(_TOKEN.format(len(self.extension.blocks) - 1))

    def _nested(self, m: re.Match[str]) -> str:
        """A fence indented inside a list item: its own block in the item."""
        indent = m["indent"]
        if not _in_list(m.string, m.start(), len(indent)):
            return m[0]
        code = "\n".join(line.removeprefix(indent) for line in m["code"].split("\n"))
        return f"\n{' ' * max(4, len(indent))}{self._store(code, m['lang'])}\n"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _in_list(text: str, start: int, indent: int) -> bool:
    """Whether a line at ``start``, indented by ``indent``, belongs to a list item: the
    nearest line above it that is indented less is one."""
    above = (line for line in reversed(text[:start].split("\n")) if line.strip())
    parent = next((line for line in above if _indent(line) < indent), "")
    return _LIST_ITEM.match(parent) is not None


# A fence indented under a list item, closed at the same indentation.
_NESTED = re.compile(
    r"^(?P<indent>[ ]+)(?P<fence>`{3,}|~{3,})[ ]*\.?(?P<lang>[\w#.+-]*)[ ]*\n"
    r"(?P<code>(?:(?:(?P=indent)[^\n]*)?\n)*?)(?P=indent)(?P=fence)[ ]*$",
    re.MULTILINE,
)
_LIST_ITEM = re.compile(r"^[ ]*(?:[-*+]|\d+[.)])[ \t]")
_OPENING = re.compile(r"^[ \t]*(`{3,}|~{3,})[^`\n]*$", re.MULTILINE)  # a fence left unmatched

"""Fenced code blocks, highlighted by Pygments with CSS classes.

The same blocks and the same HTML as python-markdown's ``fenced_code`` with
``codehilite`` (the tests compare the two), but with one lexer per language and
one formatter for the whole build: creating them per block was most of the
rendering time. Each block is stashed as a token, so the safety check reads
only the author's HTML, never the highlighter's; ``restore`` puts the code back.
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
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

HIGHLIGHT_CLASS = "highlight"
# A block-level tag, so that python-markdown does not wrap it in <p>; STX/ETX,
# which python-markdown strips from its input, so that no author text can forge one.
_TOKEN = "<pre>\x02ankigencode{}\x03</pre>"
_TOKEN_RE = re.compile("<pre>\x02ankigencode(\\d+)\x03</pre>")


@functools.cache
def _lexer(lang: str) -> Lexer:
    try:
        return get_lexer_by_name(lang)
    except ClassNotFound:  # an unknown language is shown as plain text
        return get_lexer_by_name("text")


@functools.cache
def _formatter() -> HtmlFormatter:
    return HtmlFormatter(cssclass=HIGHLIGHT_CLASS, wrapcode=True)


def highlight_code(code: str, lang: str) -> str:
    """The HTML of one fenced block: ``<div class="highlight"><pre>…</pre></div>``."""
    return highlight(code.strip("\n"), _lexer(lang or "text"), _formatter())


class FencedCode(Extension):
    """Replaces ``fenced_code``. ``on_problem`` hears of fences it cannot honour."""

    def __init__(self, on_problem: Callable[[str], None]) -> None:
        super().__init__()
        self.on_problem = on_problem
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
        blocks = self.extension.blocks
        index = 0
        while m := FencedBlockPreprocessor.FENCED_BLOCK_RE.search(text, index):
            if m["attrs"] is not None or m["hl_lines"] is not None:
                self.extension.on_problem(
                    f"unsupported fenced code options in '{m.group(0).partition(chr(10))[0]}': "
                    "write ```language"
                )
            blocks.append(highlight_code(m["code"], m["lang"] or ""))
            placeholder = self.md.htmlStash.store(_TOKEN.format(len(blocks) - 1))
            text = f"{text[: m.start()]}\n{placeholder}\n{text[m.end() :]}"
            index = m.start() + 1 + len(placeholder)
        return text.split("\n")

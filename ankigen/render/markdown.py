"""Markdown to the HTML that goes into Anki fields: math kept for MathJax, code
highlighted, images swapped for their packaged media names, scripts refused."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree.ElementTree import Element

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from ..errors import Problem
from ..source.model import CardSet
from .highlight import HIGHLIGHT_CLASS, FencedCode
from .media import MediaFiles

# Code first, so that math-like text inside code is left alone; then Anki's
# MathJax delimiters, which python-markdown would otherwise mangle (\( -> (, _ -> <em>).
_PROTECT = re.compile(
    r"(?P<fence>^[ \t]*(?P<mark>`{3,}|~{3,})[^\n]*\n.*?^[ \t]*(?P=mark)[ \t]*$)"
    r"|(?P<code>(?P<ticks>`+).+?(?P=ticks))"
    r"|(?P<math>\\\[.+?\\\]|\\\(.+?\\\))",
    re.DOTALL | re.MULTILINE,
)
_TOKEN = "ankigenmath{}x"
_TOKEN_RE = re.compile(r"ankigenmath(\d+)x")


class Renderer:
    """One Markdown converter, reused for every field (building it is the slow part).

    ``done`` holds HTML rendered elsewhere (the cache, other processes), by text;
    ``fresh`` collects what this renderer made that depends on its text alone:
    texts with images or problems depend on more, and are never put there."""

    def __init__(self, card_set: CardSet) -> None:
        self.card_set = card_set
        self.done: dict[str, str] = {}
        self.fresh: dict[str, str] = {}
        self.problems: list[Problem] = []
        self.media = MediaFiles(card_set.root, card_set.deck.id)
        self._where: tuple[Path, int | None] = (Path(), None)
        self._images = _ImageRewriter(self)
        self._fences = FencedCode(self.problem)
        self._md = markdown.Markdown(
            extensions=[
                self._fences,
                "codehilite",  # indented code blocks; fenced ones are self._fences'
                "tables",
                "sane_lists",
                _Images(self._images),
            ],
            extension_configs={
                "codehilite": {"css_class": HIGHLIGHT_CLASS, "guess_lang": False},
            },
            output_format="html",
        )

    def markdown(self, text: str, path: Path, line: int | None) -> str:
        if not text.strip():
            return ""
        if (done := self.done.get(text)) is not None:
            return done
        problems, images = len(self.problems), self._images.seen
        maths: list[str] = []

        def protect(match: re.Match[str]) -> str:
            if match["math"] is None:
                return match[0]
            maths.append(match["math"])
            return _TOKEN.format(len(maths) - 1)

        self._where = (path, line)
        self._md.reset()
        self._fences.reset()
        converted = self._md.convert(_PROTECT.sub(protect, text))
        converted = _TOKEN_RE.sub(lambda m: html.escape(maths[int(m[1])], quote=False), converted)
        for message in unsafe_html(converted):  # the highlighted code is still out of it
            self.problem(message)
        converted = self._fences.restore(converted).strip()  # as Markdown strips its output
        if (problems, images) == (len(self.problems), self._images.seen):
            self.fresh[text] = converted
        return converted

    def problem(self, message: str) -> None:
        """A problem in the text being rendered, at its file and line."""
        self.problems.append(Problem(*self._where, message))

    def problem_at(self, path: Path, line: int | None, message: str) -> None:
        """A problem found in a rendered field, after its Markdown."""
        self.problems.append(Problem(path, line, message))


class _ImageRewriter(Treeprocessor):
    """Points every <img> at its packaged media file; the file must lie in the card set."""

    def __init__(self, renderer: Renderer) -> None:
        super().__init__()
        self.renderer = renderer
        self.seen = 0  # images met so far

    def run(self, root: Element) -> None:
        for img in root.iter("img"):
            self.seen += 1
            media, problem = self.renderer.media.add(img.get("src", ""))
            if media is None:
                self.renderer.problem(problem)
            else:
                img.set("src", media.name)


class _Images(Extension):
    def __init__(self, processor: _ImageRewriter) -> None:
        super().__init__()
        self.processor = processor

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(self.processor, "ankigen-images", 5)  # after inline (20)


class _Unsafe(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.found.append("<script> is not allowed in a card")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"event handler '{name}=' is not allowed in a card")
            elif value and re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith(
                ("javascript:", "vbscript:")
            ):
                self.found.append(f"a javascript: URL is not allowed in a card ({name}=)")

    handle_startendtag = handle_starttag


def unsafe_html(text: str) -> list[str]:
    """What in this HTML could run code inside Anki: scripts, handlers, javascript: URLs."""
    if "<" not in text:
        return []
    parser = _Unsafe()
    parser.feed(text)
    parser.close()
    return list(dict.fromkeys(parser.found))

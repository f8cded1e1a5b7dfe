"""Markdown to the HTML that goes into Anki fields: math kept for MathJax, code
highlighted, media packaged under their content-addressed names, and everything
allowlisted by the sanitizer (sanitize.py), which makes the field."""

from __future__ import annotations

import html
import re
from pathlib import Path

import markdown

from ..errors import Problem, warning
from ..source.model import CardSet
from .highlight import HIGHLIGHT_CLASS, FencedCode
from .media import SYNC_LIMIT, Media, MediaFiles
from .sanitize import Sanitizer
from .tex import dollar_problems, tex_problem

# Code first, so that math-like text inside code is left alone; then Anki's
# MathJax delimiters, which python-markdown would otherwise mangle (\( -> (, _ -> <em>),
# and Anki's sound tags, whose file names it would mangle too.
_PROTECT = re.compile(
    r"(?P<fence>^[ \t]*(?P<mark>`{3,}|~{3,})[^\n]*\n.*?^[ \t]*(?P=mark)[ \t]*$)"
    r"|(?P<code>(?P<ticks>`+).+?(?P=ticks))"
    r"|(?P<math>\\\[.+?\\\]|\\\(.+?\\\))"
    r"|(?P<sound>\[sound:(?P<file>[^\]]+)\])",
    re.DOTALL | re.MULTILINE,
)
_TOKEN = "ankigenmath{}x"
_TOKEN_RE = re.compile(r"ankigenmath(\d+)x")
_SOUND = re.compile(r"\[sound:([^\]]+)\]")  # as Anki finds them (rslib text.rs AV_TAGS)


class Renderer:
    """One Markdown converter, reused for every field (building it is the slow part).

    ``done`` holds HTML rendered elsewhere (the cache, other processes), by text;
    ``fresh`` collects what this renderer made that depends on its text alone:
    texts with media or problems depend on more, and are never put there."""

    def __init__(self, card_set: CardSet) -> None:
        self.card_set = card_set
        self.done: dict[str, str] = {}
        self.fresh: dict[str, str] = {}
        self.problems: list[Problem] = []
        self.media = MediaFiles(card_set.root, card_set.deck.id)
        self._where: tuple[Path, int | None] = (Path(), None)
        self._warned: set[str] = set()  # media files already reported as too large
        self._sanitizer = Sanitizer(self._media)
        self._fences = FencedCode(self.problem)
        self._md = markdown.Markdown(
            extensions=[
                self._fences,
                "codehilite",  # indented code blocks; fenced ones are self._fences'
                "tables",
                "sane_lists",
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
        self._where = (path, line)
        problems, sounds = len(self.problems), 0
        protected: list[str] = []  # the HTML of each token

        def protect(match: re.Match[str]) -> str:
            nonlocal sounds
            if match["math"] is not None:
                if why := tex_problem(match["math"]):
                    self.problem(why)
                protected.append(html.escape(match["math"], quote=False))
            elif match["sound"] is not None:
                sounds += 1
                protected.append(self._sound(match["file"]) or html.escape(match[0], quote=False))
            else:
                return match[0]
            return _TOKEN.format(len(protected) - 1)

        for message in _plain_text_problems(text):
            self.problems.append(warning(*self._where, message))
        self._md.reset()
        self._fences.reset()
        converted = self._md.convert(_PROTECT.sub(protect, text))
        converted = _TOKEN_RE.sub(lambda m: protected[int(m[1])], converted)
        converted = self._fences.restore(converted).strip()  # as Markdown strips its output
        sanitized = self._sanitizer.clean(converted)
        for message in sanitized.problems:
            self.problem(message)
        if "[sound:" in sanitized.html:
            self._unpackaged_sounds(sanitized.html, protected)
        if (problems, sounds, sanitized.media) == (len(self.problems), 0, 0):
            self.fresh[text] = sanitized.html
        return sanitized.html

    def problem(self, message: str) -> None:
        """A problem in the text being rendered, at its file and line."""
        self.problems.append(Problem(*self._where, message))

    def problem_at(self, path: Path, line: int | None, message: str) -> None:
        """A problem found in a rendered field, after its Markdown."""
        self.problems.append(Problem(path, line, message))

    def _media(self, src: str, what: str) -> tuple[Media | None, str]:
        """A local file the text refers to, packaged; a warning if AnkiWeb will not sync it."""
        media, why = self.media.add(src, what)
        for file in (media, media and media.night):
            if file and file.size > SYNC_LIMIT and file.name not in self._warned:
                self._warned.add(file.name)
                self.problems.append(
                    warning(
                        *self._where,
                        f"{what} '{file.source.relative_to(self.media.base)}' is "
                        f"{file.size / 2**20:.0f} MiB: AnkiWeb does not sync media files over "
                        f"{SYNC_LIMIT / 2**20:.0f} MiB",
                    )
                )
        return media, why

    def _unpackaged_sounds(self, html_text: str, protected: list[str]) -> None:
        """Anki plays every ``[sound:…]`` of a field, wherever it stands: each one must
        name a packaged file (or have been reported already)."""
        packaged = {m.name for m in self.media.files.values()}
        for name in _SOUND.findall(html_text):
            if html.unescape(name) not in packaged and f"[sound:{name}]" not in protected:
                self.problem(
                    f"[sound:{html.unescape(name)}] stands inside code or HTML, where it cannot "
                    "be packaged (Anki plays it wherever it is): write it in the text"
                )

    def _sound(self, src: str) -> str | None:
        """``[sound:…]`` with the packaged name of its file; None if it has none."""
        media, why = self._media(src, "sound")
        if media is None:
            self.problem(why)
            return None
        return f"[sound:{html.escape(media.name, quote=False)}]"


def _plain_text_problems(text: str) -> list[str]:
    """What Markdown would render, without error, other than meant: outside code."""
    if "$" not in text and not _ITEM.search(text):
        return []
    plain = _PROTECT.sub(lambda m: "\n" * m[0].count("\n") if m["fence"] else "x", text)
    return dollar_problems(plain) + list_problems(plain)


_ITEM = re.compile(r"^( *)([-*+]|\d+[.)])[ \t]+\S", re.MULTILINE)
_BLOCK_START = re.compile(r"^\s*(?:#|\||<|>|$)")  # a heading, table, HTML or quote ends a line


def list_problems(text: str) -> list[str]:
    """Lists python-markdown joins into the text above them: items nested by fewer than
    four spaces, a list right after a line of text, a numbered list right after a
    bulleted one (or the other way round) with no blank line between."""
    problems = []
    above: tuple[int, bool] | None = None  # (indentation, numbered) of the item above
    previous = ""
    for line in text.split("\n"):
        item = _ITEM.match(line)
        if item:
            indent, numbered = len(item[1]), item[2][0].isdigit()
            what = f"list item '{line.strip()}'"
            if above is None and not _BLOCK_START.match(previous) and indent < 4:
                problems.append(
                    f"{what} follows a line of text, so it joins that paragraph: "
                    "put a blank line before the list"
                )
            elif above is not None and 0 < indent - above[0] < 4:
                problems.append(
                    f"{what} is indented by {indent - above[0]} "
                    f"space{'s' * (indent - above[0] > 1)} under the one above: "
                    "nest list items by 4 spaces"
                )
            elif above == (indent, not numbered) and previous.strip():
                kinds = ("numbered", "bulleted") if numbered else ("bulleted", "numbered")
                problems.append(
                    f"{what} starts a {kinds[0]} list right after a {kinds[1]} one, so it "
                    "joins the item above: put a blank line between the lists"
                )
            above = (indent, numbered)
        elif line.strip() and not line.startswith(" ") and not previous.strip():
            above = None  # a paragraph after a blank line ends the list
        previous = line
    return problems

"""Markdown to the HTML that goes into Anki fields: math kept for MathJax, code
highlighted, media packaged under their content-addressed names, and everything
allowlisted by the sanitizer (sanitize.py), which makes the field."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import Problem, warning
from ..source.model import CardSet
from .media import SYNC_LIMIT, Media, MediaFiles
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
# A media file a text names: (src, kind of reference, packaged name, night variant's or "").
MediaRef = tuple[str, str, str, str]


class Renderer:
    """One Markdown converter, reused for every field (building it is the slow part),
    made when the first text needs it: a build whose texts are all cached imports
    neither Markdown, Pygments nor the sanitizer.

    ``done`` holds HTML rendered elsewhere (the cache, other processes), by text;
    ``fresh`` collects what this renderer made that depends on its text alone, and
    ``fresh_media`` what depends on its text and the media files it names, with those
    files (see ``reuse``). Texts with problems depend on more, and go in neither."""

    def __init__(self, card_set: CardSet) -> None:
        self.card_set = card_set
        self.done: dict[str, str] = {}
        self.fresh: dict[str, str] = {}
        self.fresh_media: dict[str, tuple[str, list[MediaRef]]] = {}
        self.problems: list[Problem] = []
        self.media = MediaFiles(card_set.root, card_set.deck.id)
        self._where: tuple[Path, int | None] = (Path(), None)
        self._warned: set[str] = set()  # media files already reported as too large
        self._refs: list[MediaRef] = []  # of the text being rendered
        self._md: Any = None
        # Highlighted code blocks by (language, code): those this renderer made or found,
        # and where to find one made by an earlier build (the render cache).
        self.blocks: dict[tuple[str, str], str] = {}
        self.find_block: Callable[[str, str], str | None] | None = None

    def _converter(self) -> Any:
        if self._md is None:
            import markdown
            from markdown.extensions.codehilite import CodeHiliteExtension
            from markdown.extensions.sane_lists import SaneListExtension
            from markdown.extensions.tables import TableExtension

            from .highlight import HIGHLIGHT_CLASS, FencedCode
            from .sanitize import Sanitizer

            self._sanitizer = Sanitizer(self._media)
            self._fences = FencedCode(self.problem, self._highlight)
            # Extensions as objects, not names: a name has python-markdown look through
            # every installed package's entry points, which takes longer than the rest.
            self._md = markdown.Markdown(
                extensions=[
                    self._fences,
                    # indented code blocks; fenced ones are self._fences'
                    CodeHiliteExtension(css_class=HIGHLIGHT_CLASS, guess_lang=False),
                    TableExtension(),
                    SaneListExtension(),
                ],
                output_format="html",
            )
        return self._md

    def _highlight(self, code: str, lang: str) -> str:
        """``highlight_code``, from what ``find_block`` finds where there is one: a text
        edited around a block that an earlier build highlighted does not load the
        language's lexer (for Python, 20 to 30 ms). Without ``find_block`` (a worker, or
        no cache), nothing is kept."""
        from .highlight import highlight_code

        if self.find_block is None:
            return highlight_code(code, lang)
        if (lang, code) not in self.blocks:
            found = self.find_block(lang, code)
            self.blocks[lang, code] = highlight_code(code, lang) if found is None else found
        return self.blocks[lang, code]

    def markdown(self, text: str, path: Path, line: int | None) -> str:
        if not text or text.isspace():  # as strip() would find, without copying the text
            return ""
        if (done := self.done.get(text)) is not None:
            return done
        md = self._converter()
        self._where = (path, line)
        problems, self._refs = len(self.problems), []
        protected: list[str] = []  # the HTML of each token

        def protect(match: re.Match[str]) -> str:
            if match["math"] is not None:
                if why := tex_problem(match["math"]):
                    self.problem(why)
                protected.append(html.escape(match["math"], quote=False))
            elif match["sound"] is not None:
                protected.append(self._sound(match["file"]) or html.escape(match[0], quote=False))
            else:
                return match[0]
            return _TOKEN.format(len(protected) - 1)

        for message in _plain_text_problems(text):
            self.problems.append(warning(*self._where, message))
        md.reset()
        self._fences.reset()
        converted = md.convert(_PROTECT.sub(protect, text))
        converted = _TOKEN_RE.sub(lambda m: protected[int(m[1])], converted)
        converted = self._fences.restore(converted).strip()  # as Markdown strips its output
        sanitized = self._sanitizer.clean(converted)
        for message in sanitized.problems:
            self.problem(message)
        own = True  # every [sound:…] is one this text packaged, whatever other texts do
        if "[sound:" in sanitized.html:
            own = self._unpackaged_sounds(sanitized.html, protected)
        if len(self.problems) == problems and own:
            if self._refs:
                self.fresh_media[text] = (sanitized.html, self._refs)
            else:
                self.fresh[text] = sanitized.html
        return sanitized.html

    def reuse(self, refs: list[MediaRef]) -> bool:
        """Whether a cached text's media files are still those it was rendered with: then
        its HTML is what rendering it gives, and the files are packaged as rendering it
        would package them."""
        for src, what, name, night in refs:
            media, _ = self.media.add(src, what)
            if media is None or (media.name, media.night.name if media.night else "") != (
                name,
                night,
            ):
                return False
            if any(f.size > SYNC_LIMIT for f in (media, media.night) if f):
                return False
        return True

    def problem(self, message: str) -> None:
        """A problem in the text being rendered, at its file and line."""
        self.problems.append(Problem(*self._where, message))

    def problem_at(self, path: Path, line: int | None, message: str) -> None:
        """A problem found in a rendered field, after its Markdown."""
        self.problems.append(Problem(path, line, message))

    def _media(self, src: str, what: str) -> tuple[Media | None, str]:
        """A local file the text refers to, packaged; a warning if AnkiWeb will not sync it."""
        media, why = self.media.add(src, what)
        if media is not None:
            self._refs.append((src, what, media.name, media.night.name if media.night else ""))
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

    def _unpackaged_sounds(self, html_text: str, protected: list[str]) -> bool:
        """Anki plays every ``[sound:…]`` of a field, wherever it stands: each one must
        name a packaged file (or have been reported already). True if each one is a file
        this text packaged, so that the outcome does not depend on other texts."""
        packaged = {m.name for m in self.media.files.values()}
        own = {name for _, _, name, _ in self._refs}
        alone = True
        for name in _SOUND.findall(html_text):
            if f"[sound:{name}]" in protected:
                continue
            alone = alone and html.unescape(name) in own
            if html.unescape(name) not in packaged:
                # An entity would not do: the sanitizer writes "&#91;" back as "[".
                shown = f"<code>[<span></span>sound:{html.unescape(name)}]</code>"
                self.problem(
                    f"[sound:{html.unescape(name)}] stands inside code or HTML, where it cannot "
                    "be packaged (Anki plays it wherever it is): write it in the text, or, to "
                    f"show the tag itself, break it with an empty element: {shown}"
                )
        return alone

    def _sound(self, src: str) -> str | None:
        """``[sound:…]`` with the packaged name of its file; None if it has none."""
        media, why = self._media(src, "sound")
        if media is None:
            self.problem(why)
            return None
        return f"[sound:{html.escape(media.name, quote=False)}]"


def _plain_text_problems(text: str) -> list[str]:
    """What Markdown would render, without error, other than meant: outside code."""
    if "$" not in text and "\\" not in text and not _ITEM.search(text):
        return []
    plain = _PROTECT.sub(lambda m: "\n" * m[0].count("\n") if m["fence"] else "x", text)
    return dollar_problems(plain) + lone_delimiters(plain) + list_problems(plain)


def lone_delimiters(text: str) -> list[str]:
    """A formula's ``\\(`` or ``\\[`` never closed, or its end never opened (text without
    code or formulas): Markdown drops the backslash, and the TeX shows as written."""
    problems = []
    for match in _DELIMITER.finditer(text):
        written = match[1]
        other = _PAIRED[written]
        what = (
            f"opens a formula that is never closed with '{other}'"
            if written[1] in "(["
            else f"closes a formula never opened with '{other}'"
        )
        problems.append(f"'{written}' {what}: Markdown shows it as '{written[1]}'")
    return problems


_DELIMITER = re.compile(r"(?<!\\)(?:\\\\)*(\\[()[\]])")
_PAIRED = {"\\(": "\\)", "\\[": "\\]", "\\)": "\\(", "\\]": "\\["}


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

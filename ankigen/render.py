"""Markdown to the HTML that goes into Anki fields: math kept for MathJax, code
highlighted, images swapped for their packaged media names, scripts refused."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .cache import RenderCache
from .errors import CardSetError, Problem
from .highlight import HIGHLIGHT_CLASS, FencedCode
from .model import Card, CardSet

FIELDS = ("Question", "Answer", "Correction", "Sources", "Reading", "ID")

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


@dataclass(frozen=True)
class Media:
    source: Path
    name: str  # flat, content-addressed name inside Anki's media folder


@dataclass(frozen=True)
class RenderedCard:
    card: Card
    fields: tuple[str, ...]  # in the order of FIELDS
    tags: tuple[str, ...]
    content_hash: str  # of everything Anki updates in place: fields and tags


@dataclass(frozen=True)
class RenderedSet:
    cards: tuple[RenderedCard, ...]
    description: str
    media: tuple[Media, ...]


def render_card_set(card_set: CardSet, cache: RenderCache | None = None) -> RenderedSet:
    """Render every card; raise CardSetError with every rendering problem found."""
    rendered, problems = render_with_problems(card_set, cache)
    if problems:
        raise CardSetError(problems)
    return rendered


def render_with_problems(
    card_set: CardSet, cache: RenderCache | None = None, workers: int | None = None
) -> tuple[RenderedSet, list[Problem]]:
    """Render every card. Markdown found in ``cache`` is not rendered again; what is
    left is spread over ``workers`` processes (default: every core) when that pays."""
    from .parallel import render_in_parallel  # here: parallel.py imports this module

    renderer = Renderer(card_set)
    texts = list(dict.fromkeys(markdown_texts(card_set)))
    if cache is not None:
        renderer.done.update(cache.lookup(texts))
    todo = [text for text in texts if text not in renderer.done]
    renderer.fresh.update(render_in_parallel(card_set, todo, workers))
    renderer.done.update(renderer.fresh)
    cards = tuple(renderer.card(card) for card in card_set.cards)
    description = renderer.markdown(card_set.deck.description, card_set.deck.path, None)
    if cache is not None:
        cache.save(renderer.fresh)
    media = tuple(sorted(renderer.media.values(), key=lambda m: m.name))
    return RenderedSet(cards, description, media), renderer.problems


def markdown_texts(card_set: CardSet) -> Iterator[str]:
    """Every Markdown text of the set that is not blank."""
    for text in (
        card_set.deck.description,
        *(t for card in card_set.cards for t in (card.question, card.answer, card.correction)),
    ):
        if text.strip():
            yield text


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
        self.media: dict[Path, Media] = {}
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

    def card(self, card: Card) -> RenderedCard:
        category = self.card_set.category(card.category)
        meta = " · ".join(filter(None, [category.name, card.level]))
        question = self.markdown(card.question, card.path, card.lines.get("question"))
        fields = (
            f'<div class="question" data-meta="{html.escape(meta)}">{question}</div>',
            self.markdown(card.answer, card.path, card.lines.get("answer")),
            self.markdown(card.correction, card.path, card.lines.get("correction")),
            self._sources(card),
            "".join(
                f'<li><a href="{html.escape(r.url)}">{html.escape(r.title)}</a></li>'
                for r in card.reading
            ).join(('<ul class="reading">', "</ul>") if card.reading else ("", "")),
            card.id,
        )
        tags = card_tags(self.card_set, card)
        digest = hashlib.sha256("\x1f".join((*fields, *tags)).encode()).hexdigest()
        return RenderedCard(card, fields, tags, digest)

    def _sources(self, card: Card) -> str:
        by_article: dict[str, list[str]] = {}
        for source in card.sources:
            question = self.card_set.questions[source]
            by_article.setdefault(question.article, []).append(question.label)
        items = "".join(
            f"<li><cite>{html.escape(self.card_set.articles[key].title)}</cite>, "
            f"{html.escape(', '.join(labels))}</li>"
            for key, labels in by_article.items()
        )
        return f'<ul class="sources">{items}</ul>' if items else ""

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


def card_tags(card_set: CardSet, card: Card) -> tuple[str, ...]:
    """Generated tags, all under the deck's root tag so they never clash with a user's own."""
    root = card_set.deck.tag_root
    tags = [f"{root}::{card.category}"]
    if card.level:
        tags.append(f"{root}::level::{card.level}")
    articles = sorted({card_set.questions[s].article for s in card.sources})
    tags += [f"{root}::source::{article}" for article in articles]
    if card.correction.strip():
        tags.append(f"{root}::corrected")
    tags += [f"{root}::topic::{tag}" for tag in card.tags]
    return tuple(dict.fromkeys(tags))


class _ImageRewriter(Treeprocessor):
    """Points every <img> at its packaged media file; the file must lie in the card set."""

    def __init__(self, renderer: Renderer) -> None:
        super().__init__()
        self.renderer = renderer
        self.seen = 0  # images met so far

    def run(self, root: Element) -> None:
        for img in root.iter("img"):
            self.seen += 1
            media = self._media(img.get("src", ""))
            if media is not None:
                img.set("src", media.name)

    def _media(self, src: str) -> Media | None:
        renderer = self.renderer
        base = renderer.card_set.root.resolve()
        if urlsplit(src).scheme or src.startswith("/"):
            message = f"image '{src}' must be a relative path to a file in the card set"
            renderer.problem(message)
            return None
        target = (base / unquote(src)).resolve()
        if not target.is_relative_to(base):
            message = f"image '{src}' is outside the cards directory"
            renderer.problem(message)
            return None
        if target not in renderer.media:
            if not target.is_file():
                renderer.problem(f"image '{src}' not found")
                return None
            digest = hashlib.sha256(target.read_bytes()).hexdigest()[:8]
            deck_id = renderer.card_set.deck.id
            renderer.media[target] = Media(
                target, f"{deck_id}-{target.stem}-{digest}{target.suffix}"
            )
        return renderer.media[target]


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

"""A whole card set rendered: every card's fields and tags, the deck description,
and the media they use. Text already rendered comes from the cache; what is left
is rendered here, on several cores when the set is large."""

from __future__ import annotations

import functools
import hashlib
import html
import re
from dataclasses import dataclass, field

from ..errors import CardSetError, Problem, warning
from ..source.model import Card, CardSet
from .cache import RenderCache
from .cloze import cloze_numbers, prepare
from .description import without_newlines
from .markdown import MediaRef, Renderer
from .media import Media
from .notes import StoredNotes, texts_of
from .parallel import render_in_parallel

FIELDS = ("Question", "Answer", "Correction", "Sources", "Reading", "ID")  # of a basic note
_BOXES = ("Correction", "Sources", "Reading", "ID")
NOTE_FIELDS = {
    "basic": FIELDS,
    "cloze": ("Text", "Extra", "Level", *_BOXES),
    "reversed": ("Question", "Answer", "Level", *_BOXES),
    "type-in": ("Question", "Answer", "Extra", "Level", *_BOXES),
}
HUGE_CARD = 1_000_000  # bytes of HTML: Anki slows down, and AnkiWeb may refuse the note
_CLOZE = re.compile(r"\{\{c\d+::")
# The category and level a basic note's Question field carries (see render_card): the
# build's, never the learner's, who cannot see it in Anki's editor.
_META = re.compile(r'\A<div class="question" data-meta="([^"]*)">')


@dataclass(frozen=True)
class RenderedCard:
    card: Card
    fields: tuple[str, ...]  # in the order of NOTE_FIELDS[card.kind]
    tags: tuple[str, ...]
    content_hash: str  # of everything Anki updates in place: fields and tags
    ords: tuple[int, ...] = (0,)  # the note's cards, by template (cloze: number - 1)

    def field_map(self) -> dict[str, str]:
        return dict(zip(NOTE_FIELDS[self.card.kind], self.fields, strict=True))


@dataclass(frozen=True)
class RenderedSet:
    cards: tuple[RenderedCard, ...]
    description: str
    media: tuple[Media, ...]


def render_card_set(card_set: CardSet, cache: RenderCache | None = None) -> RenderedSet:
    """Render every card; raise CardSetError with every rendering problem found, if any
    is an error."""
    rendered, problems = render_with_problems(card_set, cache)
    if any(not p.warning for p in problems):
        raise CardSetError(problems)
    return rendered


def render_with_problems(
    card_set: CardSet, cache: RenderCache | None = None, workers: int | None = None
) -> tuple[RenderedSet, list[Problem]]:
    """Render every card. A note made by an earlier build of the same card is taken from
    ``cache`` (notes.py), and so is Markdown rendered before; what is left is spread over
    ``workers`` processes (default: every core) when that pays."""
    renderer = Renderer(card_set)
    stored = StoredNotes(cache, card_set) if cache is not None else None
    found = stored.find(renderer.reuse) if stored else [None] * len(card_set.cards)
    left = [card for card, note in zip(card_set.cards, found, strict=True) if note is None]
    wanted = dict.fromkeys(texts_of(left))
    if card_set.deck.description.strip():
        wanted[card_set.deck.description] = None
    texts = list(wanted)
    if cache is not None:
        renderer.done.update(cache.lookup(texts))
        todo = [text for text in texts if text not in renderer.done]
        renderer.done.update(cache.lookup_media(todo, renderer.reuse))
        renderer.find_block = cache.find_block
    todo = [text for text in texts if text not in renderer.done]
    if todo:
        renderer.fresh.update(render_in_parallel(card_set, todo, workers))
        renderer.done.update(renderer.fresh)
    shared = _Shared()
    cards = tuple(
        render_card(renderer, card, shared) if note is None else RenderedCard(card, *note)
        for card, note in zip(card_set.cards, found, strict=True)
    )
    for card, note in zip(cards, found, strict=True):
        if note is None:
            renderer.problems += card_problems(card)
    description = without_newlines(
        renderer.markdown(card_set.deck.description, card_set.deck.path, None)
    )
    if cache is not None and stored is not None:
        troubled = {p.path for p in renderer.problems}
        notes = stored.pieces(cards, lambda card: _media(renderer, cache, card), troubled)
        blocks = renderer.blocks
        cache.save(renderer.fresh, renderer.fresh_media, blocks, len(cards), notes, stored.whole)
    return RenderedSet(cards, description, renderer.media.sorted()), renderer.problems


def _media(renderer: Renderer, cache: RenderCache, card: Card) -> list[MediaRef] | None:
    """The media files of ``card``'s texts, all of them stored in ``cache`` (which the
    renderer's record of what it made afresh and what it found tells); None if some
    text is not (it had a problem, or depends on other texts)."""
    refs: list[MediaRef] = []
    for text in texts_of([card]):
        if text in renderer.fresh_media:
            refs += renderer.fresh_media[text][1]
        elif text in cache.refs:
            refs += cache.refs[text]
        elif text not in renderer.done and text not in renderer.fresh:
            return None
    return refs


@dataclass
class _Shared:
    """HTML that many cards of a set have alike, made once."""

    sources: dict[tuple[str, ...], str] = field(default_factory=dict)  # by source ids
    openings: dict[tuple[str, str], str] = field(default_factory=dict)  # by category, level


def render_card(renderer: Renderer, card: Card, shared: _Shared) -> RenderedCard:
    card_set = renderer.card_set
    done = renderer.done
    if (sources := shared.sources.get(card.sources)) is None:
        sources = shared.sources[card.sources] = _sources(card_set, card.sources)

    def markdown(key: str) -> str:
        text = getattr(card, key)
        if (html_ := done.get(text)) is not None:  # most texts, on a rebuild
            return html_
        return renderer.markdown(text, card.path, card.lines.get(key))

    boxes = (
        markdown("correction"),
        sources,
        "".join(
            f'<li><a href="{html.escape(r.url)}">{html.escape(r.title)}</a></li>'
            for r in card.reading
        ).join(('<ul class="reading">', "</ul>") if card.reading else ("", "")),
        card.id,
    )
    ords: tuple[int, ...] = (0,)
    if card.kind == "basic":  # the category and level in the field, as ever: see README
        if (opening := shared.openings.get((card.category, card.level))) is None:
            opening = shared.openings[card.category, card.level] = _opening(
                card_set, card.category, card.level
            )
        question = f"{opening}{markdown('question')}</div>"
        fields = (question, markdown("answer"), *boxes)
    elif card.kind == "cloze":
        text, problems = prepare(markdown("text"))
        line = card.lines.get("text", card.line)
        for message in problems:
            renderer.problem_at(card.path, line, f"card '{card.id}': {message}")
        ords = tuple(n - 1 for n in cloze_numbers(text))
        if not ords and not problems and card.text.strip():  # no text is a problem of its own
            message = f"card '{card.id}' has no cloze deletion: mark one as {{{{c1::answer}}}}"
            renderer.problem_at(card.path, line, message)
        fields = (text, markdown("extra"), card.level, *boxes)
    elif card.kind == "reversed":
        fields = (markdown("question"), markdown("answer"), card.level, *boxes)
        ords = (0, 1)
    else:  # type-in: the answer is what Anki compares the typed text with, one line
        answer = markdown("answer")
        if answer.startswith("<p>") and answer.endswith("</p>") and answer.count("<p>") == 1:
            answer = answer[3:-4]
        fields = (markdown("question"), answer, markdown("extra"), card.level, *boxes)
    tags = card_tags(card_set, card)
    digest = hashlib.sha256("\x1f".join((*fields, *tags)).encode()).hexdigest()
    return RenderedCard(card, fields, tags, digest, ords)


def without_meta(field: str) -> str:
    """A field without ankigen's category and level line: what a learner can edit."""
    return _META.sub('<div class="question" data-meta="">', field, count=1)


def with_meta_of(field: str, other: str) -> str:
    """``field`` with the category and level line of ``other`` (where both have one)."""
    found = _META.match(other)
    if found is None or _META.match(field) is None:
        return field
    return _META.sub(lambda _: found.group(0), field, count=1)


def card_problems(rendered: RenderedCard) -> list[Problem]:
    """What is wrong with a card as a whole, beyond its texts."""
    card = rendered.card
    problems = []
    for key in ("question", "answer", "extra", "correction"):  # all but a cloze's text
        if _CLOZE.search(getattr(card, key)):
            if card.kind == "cloze":
                message = f"'{{{{c1::…}}}}' makes cards in text only; in {key} it shows as written"
            else:
                message = (
                    "cloze deletions need a cloze card (type: cloze); "
                    "on this card '{{c1::…}}' would show as written"
                )
            problems.append(
                Problem(card.path, card.lines.get(key, card.line), f"card '{card.id}': {message}")
            )
    size = sum(map(len, rendered.fields))  # characters; UTF-8 takes at most 4 bytes each
    if size * 4 > HUGE_CARD:
        size = sum(len(field.encode()) for field in rendered.fields)
    if size > HUGE_CARD:
        problems.append(
            warning(
                card.path,
                card.line,
                f"card '{card.id}' is {size / 1e6:.1f} MB of HTML: Anki gets slow with notes "
                "this large; split it, or move its content into media files",
            )
        )
    return problems


def _opening(card_set: CardSet, category: str, level: str) -> str:
    """The opening of a basic note's Question field."""
    meta = " · ".join(filter(None, [card_set.category(category).name, level]))
    return f'<div class="question" data-meta="{html.escape(meta)}">'


def _sources(card_set: CardSet, sources: tuple[str, ...]) -> str:
    by_article: dict[str, list[str]] = {}
    for source in sources:
        question = card_set.questions[source]
        by_article.setdefault(question.article, []).append(question.label)
    items = "".join(
        f"<li><cite>{html.escape(card_set.articles[key].title)}</cite>, "
        f"{html.escape(', '.join(labels))}</li>"
        for key, labels in by_article.items()
    )
    return f'<ul class="sources">{items}</ul>' if items else ""


def card_tags(card_set: CardSet, card: Card) -> tuple[str, ...]:
    """Generated tags, all under the deck's root tag so they never clash with a user's own."""
    articles = tuple(sorted({card_set.questions[s].article for s in card.sources}))
    corrected = bool(card.correction) and not card.correction.isspace()
    return _tags(card_set.deck.tag_root, card.category, card.level, articles, corrected, card.tags)


@functools.lru_cache(maxsize=4096)
def _tags(
    root: str,
    category: str,
    level: str,
    articles: tuple[str, ...],
    corrected: bool,
    topics: tuple[str, ...],
) -> tuple[str, ...]:
    """``card_tags``, made once for the many cards alike (at 50,000 cards, 15 MB less)."""
    tags = [f"{root}::{category}"]
    if level:
        tags.append(f"{root}::level::{level}")
    tags += [f"{root}::source::{article}" for article in articles]
    if corrected:
        tags.append(f"{root}::corrected")
    tags += [f"{root}::topic::{tag}" for tag in topics]
    return tuple(dict.fromkeys(tags))

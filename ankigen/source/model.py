"""The card set as frozen values: what the loader produces and the renderer consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .format import LEVELS as LEVELS

DEFAULT_LABELS = {"correction": "Correction", "sources": "Asked in", "reading": "Further reading"}


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    line: int = field(default=0, compare=False)  # in deck.yaml


@dataclass(frozen=True)
class Deck:
    name: str
    id: str
    description: str
    tag_root: str
    categories: tuple[Category, ...]
    path: Path
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)  # by key
    numbered_subdecks: bool = False
    css: str = ""  # the deck's own CSS, added to every note type's
    labels: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    css_file: Path | None = field(default=None, compare=False, hash=False)  # css came from

    def label(self, box: str) -> str:
        """The title of a box on the back of a card: the deck's, or the default."""
        return self.labels.get(box) or DEFAULT_LABELS[box]

    def subdeck(self, category: Category) -> str:
        """The category's subdeck name in Anki. Anki lists subdecks by name, so numbering
        them in deck.yaml's order ("01 Theory") is how that order is kept."""
        if not self.numbered_subdecks:
            return category.name
        width = max(2, len(str(len(self.categories))))
        return f"{self.categories.index(category) + 1:0{width}} {category.name}"


@dataclass(frozen=True)
class Article:
    key: str
    title: str


@dataclass(frozen=True)
class Question:
    id: str
    article: str
    label: str  # how the article numbers it, e.g. "Q6" or "Basic #5"
    text: str


@dataclass(frozen=True)
class Reading:
    title: str
    url: str


@dataclass(frozen=True)
class Card:
    id: str
    category: str
    question: str
    answer: str
    kind: str = "basic"  # one of format.KINDS
    text: str = ""  # cloze
    extra: str = ""  # cloze and type-in
    correction: str = ""
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    level: str = ""
    reading: tuple[Reading, ...] = ()
    previous_ids: tuple[str, ...] = ()  # ids the card had before, oldest first
    path: Path = Path()
    line: int = 0
    # line of each key, so that a problem found while rendering points at its field
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    @property
    def first_id(self) -> str:
        """The id its note's GUID derives from: the first it ever had, so that a renamed
        card stays the same note in Anki, with its review history."""
        return self.previous_ids[0] if self.previous_ids else self.id


@dataclass(frozen=True)
class CardSet:
    root: Path
    deck: Deck
    articles: dict[str, Article]
    questions: dict[str, Question]
    cards: tuple[Card, ...]

    def category(self, category_id: str) -> Category:
        return next(c for c in self.deck.categories if c.id == category_id)

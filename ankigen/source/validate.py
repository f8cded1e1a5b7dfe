"""Turn the YAML files of a card set into a checked CardSet, collecting every problem.

Layout of a card set directory: ``deck.yaml`` (the deck and its categories),
an optional ``sources.yaml`` (articles and their question ids) and any number
of other ``*.yaml`` files, here or in subdirectories (see files.py), each holding
the cards of one category.
"""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import CardSetError, Problem, split, warning
from .files import yaml_files
from .load import LineDict, read_yaml
from .model import LEVELS, Article, Card, CardSet, Category, Deck, Question, Reading
from .names import name_problem, same_name

DECK_FILE = "deck.yaml"
SOURCES_FILE = "sources.yaml"
ID_PATTERN = re.compile(r"[a-z0-9-]+")

DECK_KEYS = ("name", "id", "description", "tag_root", "categories", "numbered_subdecks")
CATEGORY_KEYS = ("id", "name")
SOURCES_KEYS = ("articles", "questions")
ARTICLE_KEYS = ("title", "file", "where")
QUESTION_KEYS = ("id", "text", "section", "number", "article")
CARD_FILE_KEYS = ("category", "cards")
CARD_KEYS = (
    "id", "question", "answer", "correction", "sources", "tags", "level", "reading",
    "previous_ids",
)  # fmt: skip
READING_KEYS = ("title", "url")


def load_card_set(root: Path) -> CardSet:
    """Read and check a whole card set; raise CardSetError with every error found."""
    card_set, problems = read_card_set(root)
    errors, _ = split(problems)
    if errors or card_set is None:
        raise CardSetError(errors)
    return card_set


def read_card_set(root: Path) -> tuple[CardSet | None, list[Problem]]:
    """Read a card set and every problem in it. The set (None without a usable deck.yaml)
    keeps only cards of known categories, citing known sources, so that later stages
    can look for their own problems even in a set that has some already."""
    if not root.is_dir() or not (root / DECK_FILE).is_file():
        return None, [_no_card_set(root)]
    problems: list[Problem] = []
    files = yaml_files(root, problems)  # those inside the set: a link out is a problem
    deck_path, sources_path = root / DECK_FILE, root / SOURCES_FILE
    deck = _deck(deck_path, problems) if deck_path in files else None
    articles: dict[str, Article] = {}
    questions: dict[str, Question] | None = None
    if sources_path in files:
        articles, questions = _sources(sources_path, problems)
    card_files = [p for p in files if p not in (deck_path, sources_path)]
    cards: list[Card] = []
    for path in card_files:
        cards += _card_file(path, deck, questions, problems)
    _check_unique_ids(cards, problems)
    if deck is None:
        return None, problems
    for category in deck.categories:
        if category.id and not any(card.category == category.id for card in cards):
            message = f"category '{category.id}' has no cards: Anki would show an empty subdeck"
            problems.append(warning(deck.path, category.line, message))
    order = {c.id: i for i, c in enumerate(deck.categories)}
    known = questions or {}
    usable = sorted(
        (
            card
            if all(s in known for s in card.sources)
            else replace(card, sources=tuple(s for s in card.sources if s in known))
            for card in cards
            if card.category in order
        ),
        key=lambda card: order[card.category],  # stable: file order within a category
    )
    return CardSet(root, deck, articles, questions or {}, tuple(usable)), problems


def _no_card_set(root: Path) -> Problem:
    if not root.exists():
        why = "no such directory"
    elif not root.is_dir():
        why = "a file, not a directory"
    else:
        why = f"the directory has no {DECK_FILE}"
    hint = "pass the card set's directory, or start a new one with `ankigen init`"
    return Problem(root, None, f"no card set here ({why}): {hint}")


class _Keys:
    """Reads the keys of one YAML mapping against what it may hold, recording problems."""

    def __init__(
        self, data: LineDict, path: Path, what: str, allowed: tuple[str, ...], problems: list
    ) -> None:
        self.data, self.path, self.what, self.problems = data, path, what, problems
        for key in data:
            if key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                also = f" (did you mean '{hint[0]}'?)" if hint else ""
                self.problem(key, f"unknown key '{key}' in {what}{also}")

    def problem(self, key: str | None, message: str) -> None:
        line = self.data.line_of(key) if key else self.data.line
        self.problems.append(Problem(self.path, line, message))

    def text(self, key: str, *, required: bool = False) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                missing = "has no" if key not in self.data else "has an empty"
                self.problem(key, f"{self.what} {missing} {key}")
            return ""
        if not isinstance(value, str):
            self.problem(key, f"{self.what}: {key} must be text, not {_kind(value)}{_quote(value)}")
            return ""
        if required and not value.strip():
            self.problem(key, f"{self.what} has an empty {key}")
        return value

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.problem(key, f"{self.what}: {key} must be true or false, not {value!r}")
            return False
        return value

    def ident(self, key: str) -> str:
        value = self.text(key, required=True)
        if value and not ID_PATTERN.fullmatch(value):
            self.problem(key, f"{key} '{value}' may only contain a-z, 0-9 and '-'")
        return value

    def items(self, key: str, *, required: bool = False) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(key, f"{self.what} has no {key}")
            return []
        if not isinstance(value, list):
            self.problem(key, f"{self.what}: {key} must be a list, not {_kind(value)}")
            return []
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        values = self.items(key)
        wrong = [v for v in values if not isinstance(v, str) or not v]
        if wrong:
            self.problem(
                key, f"{self.what}: every entry of {key} must be text, not {_kind(wrong[0])}"
            )
        return tuple(v for v in values if isinstance(v, str) and v)

    def mappings(self, key: str, *, required: bool = False) -> list[LineDict]:
        values = self.items(key, required=required)
        for value in values:
            if not isinstance(value, LineDict):
                self.problem(key, f"{self.what}: every entry of {key} must be a mapping")
                return [v for v in values if isinstance(v, LineDict)]
        return values


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return "text" if value.strip() else "empty text"
    if value is None:
        return "an empty value"
    if isinstance(value, datetime.date):
        return "a date"
    return f"a {type(value).__name__}"


def _quote(value: Any) -> str:
    return " (put it in quotes)" if not isinstance(value, list | dict) else ""


def _top(path: Path, what: str, problems: list[Problem]) -> LineDict | None:
    data, found = read_yaml(path)
    problems += found
    if data is None or (found and not isinstance(data, LineDict)):
        return None
    if not isinstance(data, LineDict):
        problems.append(Problem(path, 1, f"{what} must be a mapping of keys to values"))
        return None
    return data


def _deck(path: Path, problems: list[Problem]) -> Deck | None:
    data = _top(path, "deck.yaml", problems)
    if data is None:
        return None
    keys = _Keys(data, path, "deck.yaml", DECK_KEYS, problems)
    name = keys.text("name", required=True)
    if name.strip() and (problem := name_problem(name, "deck name")):
        keys.problem("name", problem)
    deck_id = keys.ident("id")
    tag_root = keys.text("tag_root") or deck_id
    if "tag_root" in data and re.search(r"\s", tag_root):
        keys.problem("tag_root", f"tag_root '{tag_root}' contains a space")
    categories: list[Category] = []
    for entry in keys.mappings("categories", required=True):
        cat = _Keys(entry, path, "category", CATEGORY_KEYS, problems)
        category = Category(cat.ident("id"), cat.text("name", required=True), entry.line)
        if "::" in category.name:
            cat.problem("name", f"category name '{category.name}' may not contain '::'")
        elif category.name.strip() and (problem := name_problem(category.name, "category name")):
            cat.problem("name", problem)
        if any(c.id == category.id for c in categories):
            cat.problem("id", f"duplicate category id '{category.id}'")
        key = same_name(category.name)
        same = [c for c in categories if c.name.strip() and same_name(c.name) == key]
        if same and category.name.strip():
            cat.problem(
                "name",
                f"category name '{category.name}' is the name of category '{same[0].id}' "
                f"(line {same[0].line}) too: Anki matches deck names ignoring case, and "
                "would rename one of them with a trailing '_'",
            )
        categories.append(category)
    if not categories and "categories" in data and isinstance(data["categories"], list):
        keys.problem("categories", "deck.yaml lists no categories")
    description = keys.text("description")
    lines = dict(data.key_lines)
    numbered = keys.flag("numbered_subdecks")
    return Deck(name, deck_id, description, tag_root, tuple(categories), path, lines, numbered)


def _sources(path: Path, problems: list[Problem]) -> tuple[dict[str, Article], dict[str, Question]]:
    data = _top(path, "sources.yaml", problems)
    if data is None:
        return {}, {}
    keys = _Keys(data, path, "sources.yaml", SOURCES_KEYS, problems)
    articles: dict[str, Article] = {}
    raw_articles = data.get("articles")
    if not isinstance(raw_articles, LineDict):
        keys.problem("articles", "sources.yaml: articles must be a mapping of key to article")
    else:
        for key, entry in raw_articles.items():
            if not isinstance(entry, LineDict):
                problems.append(
                    Problem(path, raw_articles.line_of(key), f"article '{key}' must be a mapping")
                )
                continue
            art = _Keys(entry, path, f"article '{key}'", ARTICLE_KEYS, problems)
            articles[key] = Article(key, art.text("title", required=True))
    questions: dict[str, Question] = {}
    position: dict[str, int] = {}
    for entry in keys.mappings("questions", required=True):
        q = _Keys(entry, path, "question", QUESTION_KEYS, problems)
        qid, text = q.ident("id"), q.text("text", required=True)
        q.text("section")
        article = q.text("article") or next(
            (a for a in sorted(articles, key=len, reverse=True) if qid.startswith(a + "-")), ""
        )
        if not qid:
            continue
        if article not in articles:
            q.problem(
                "id", f"question '{qid}' belongs to no article (start its id with an article key)"
            )
            continue
        if qid in questions:
            q.problem("id", f"duplicate question id '{qid}'")
            continue
        position[article] = position.get(article, 0) + 1
        label = q.text("number") or f"Q{position[article]}"
        questions[qid] = Question(qid, article, label, text)
    return articles, questions


def _card_file(
    path: Path, deck: Deck | None, questions: dict[str, Question] | None, problems: list[Problem]
) -> list[Card]:
    data = _top(path, "a card file", problems)
    if data is None:
        return []
    keys = _Keys(data, path, "card file", CARD_FILE_KEYS, problems)
    category = keys.text("category", required=True)
    if category and deck is not None and category not in {c.id for c in deck.categories}:
        known = ", ".join(c.id for c in deck.categories)
        keys.problem("category", f"unknown category '{category}' (deck.yaml has: {known})")
    return [
        _card(entry, path, category, questions, problems)
        for entry in keys.mappings("cards", required=True)
    ]


def _card(
    data: LineDict,
    path: Path,
    category: str,
    questions: dict[str, Question] | None,
    problems: list[Problem],
) -> Card:
    card_id = data.get("id") if isinstance(data.get("id"), str) else None
    keys = _Keys(data, path, f"card '{card_id}'" if card_id else "card", CARD_KEYS, problems)
    card_id = keys.ident("id")
    sources = keys.texts("sources")
    for source in sources:
        if questions is None:
            keys.problem("sources", f"{keys.what} cites '{source}' but there is no {SOURCES_FILE}")
        elif source not in questions:
            keys.problem("sources", f"{keys.what}: unknown source '{source}'")
    tags = keys.texts("tags")
    for tag in tags:
        if re.search(r"\s", tag):
            keys.problem("tags", f"tag '{tag}' contains a space")
    level = keys.text("level")
    if level and level not in LEVELS:
        keys.problem(
            "level", f"{keys.what}: level must be one of {', '.join(LEVELS)}, not '{level}'"
        )
    reading = []
    for entry in keys.mappings("reading"):
        link = _Keys(entry, path, "reading entry", READING_KEYS, problems)
        title, url = link.text("title", required=True), link.text("url", required=True)
        if url and not re.match(r"https?://", url):
            link.problem("url", f"reading url '{url}' must start with http:// or https://")
        reading.append(Reading(title, url))
    previous_ids = keys.texts("previous_ids")
    for previous in previous_ids:
        if not ID_PATTERN.fullmatch(previous):
            keys.problem(
                "previous_ids", f"previous id '{previous}' may only contain a-z, 0-9 and '-'"
            )
        elif previous == card_id:
            keys.problem("previous_ids", f"{keys.what} lists its own id in previous_ids")
    return Card(
        id=card_id,
        category=category,
        question=keys.text("question", required=True),
        answer=keys.text("answer", required=True),
        correction=keys.text("correction"),
        sources=sources,
        tags=tags,
        level=level,
        reading=tuple(reading),
        previous_ids=previous_ids,
        path=path,
        line=data.line,
        lines=dict(data.key_lines),
    )


def _check_unique_ids(cards: list[Card], problems: list[Problem]) -> None:
    """A card id, current or previous, names one card only: each is a note's identity."""
    first: dict[str, Card] = {}

    def where(card: Card) -> str:
        return f"{card.path}:{card.lines.get('id', card.line)}"

    for card in cards:
        if card.id and first.setdefault(card.id, card) is not card:
            message = f"duplicate card id '{card.id}' (first at {where(first[card.id])})"
            problems.append(Problem(card.path, card.lines.get("id", card.line), message))
    for card in cards:
        for previous in dict.fromkeys(card.previous_ids):
            other = first.setdefault(previous, card)
            if other is not card:
                what = "the id" if other.id == previous else "a previous id"
                message = (
                    f"previous id '{previous}' is {what} of card '{other.id}' ({where(other)})"
                )
                line = card.lines.get("previous_ids", card.line)
                problems.append(Problem(card.path, line, message))

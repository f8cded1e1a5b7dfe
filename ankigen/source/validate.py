"""Turn the YAML files of a card set into a checked CardSet, collecting every problem.

Layout of a card set directory: ``deck.yaml`` (the deck and its categories),
an optional ``sources.yaml`` (articles and their question ids) and any number
of other ``*.yaml`` files, here or in subdirectories (see files.py), each holding
the cards of one category.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..errors import CardSetError, Problem, split, warning
from . import format as spec
from .cards import SOURCES_FILE, read_card_file
from .files import yaml_files
from .keys import ID_PATTERN as ID_PATTERN
from .keys import Keys as _Keys
from .keys import read_mapping
from .load import LineDict, Reader, read_yaml
from .model import Article, Card, CardSet, Category, Deck, Question
from .names import name_problem, same_name

DECK_FILE = "deck.yaml"
DECK_KEYS = tuple(key.name for key in spec.DECK_KEYS)
CATEGORY_KEYS = tuple(key.name for key in spec.CATEGORY_KEYS)
SOURCES_KEYS = ("articles", "questions")
ARTICLE_KEYS = ("title", "file", "where")
QUESTION_KEYS = ("id", "text", "section", "number", "article")
LABEL_KEYS = tuple(key.name for key in spec.LABEL_KEYS)
_CSS_REFUSED = (
    (r"</style", "a deck's CSS may not contain '</style'"),
    (r"@import\b", "a deck's CSS may not @import: cards render offline"),
    (r"url\(\s*['\"]?(?!data:)", "a deck's CSS may use only data: URLs (nothing else is packaged)"),
)


def load_card_set(root: Path) -> CardSet:
    """Read and check a whole card set; raise CardSetError with every error found."""
    card_set, problems = read_card_set(root)
    errors, _ = split(problems)
    if errors or card_set is None:
        raise CardSetError(errors)
    return card_set


# read_card_file, as a cache may give it: a card file's cards and problems.
CardReader = Callable[
    [Path, Deck | None, dict[str, Question] | None], tuple[list[Card], list[Problem]]
]


def read_card_set(
    root: Path, read: Reader = read_yaml, read_cards: CardReader | None = None
) -> tuple[CardSet | None, list[Problem]]:
    """Read a card set and every problem in it. The set (None without a usable deck.yaml)
    keeps only cards of known categories, citing known sources, so that later stages
    can look for their own problems even in a set that has some already. ``read`` reads
    the deck and sources files, ``read_cards`` (by default ``read_card_file`` with
    ``read``) the card files."""
    if not root.is_dir() or not (root / DECK_FILE).is_file():
        return None, [_no_card_set(root)]
    problems: list[Problem] = []
    files = yaml_files(root, problems)  # those inside the set: a link out is a problem
    deck_path, sources_path = root / DECK_FILE, root / SOURCES_FILE
    deck = _deck(deck_path, problems, read) if deck_path in files else None
    articles: dict[str, Article] = {}
    questions: dict[str, Question] | None = None
    if sources_path in files:
        articles, questions = _sources(sources_path, problems, read)
    card_files = [p for p in files if p not in (deck_path, sources_path)]
    cards: list[Card] = []
    for path in card_files:
        if read_cards is None:
            cards += read_card_file(path, deck, questions, problems, read)
        else:
            found, found_problems = read_cards(path, deck, questions)
            cards += found
            problems += found_problems
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
    if Path(DECK_FILE).is_file() and root.resolve() != Path.cwd():
        hint = "the current directory holds one: pass '.'"
    return Problem(root, None, f"no card set here ({why}): {hint}")


def _deck(path: Path, problems: list[Problem], read: Reader) -> Deck | None:
    data = read_mapping(path, "deck.yaml", problems, read)
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
        if re.search(r"[<>]", category.name):  # cards show it as HTML: {{Subdeck}}
            cat.problem("name", f"category name '{category.name}' may not contain < or >")
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
    css, css_file = _deck_css(path.parent, keys)
    labels: dict[str, str] = {}
    if isinstance(raw_labels := data.get("labels"), LineDict):
        label_keys = _Keys(raw_labels, path, "labels", LABEL_KEYS, problems)
        labels = {box: label_keys.text(box) for box in LABEL_KEYS if box in raw_labels}
    elif raw_labels is not None:
        keys.problem("labels", f"deck.yaml: labels must be a mapping of {', '.join(LABEL_KEYS)}")
    lines = dict(data.key_lines)
    numbered = keys.flag("numbered_subdecks")
    return Deck(
        name,
        deck_id,
        description,
        tag_root,
        tuple(categories),
        path,
        lines,
        numbered,
        css,
        labels,
        css_file,
    )


def _deck_css(root: Path, keys: _Keys) -> tuple[str, Path | None]:
    """The deck's own CSS file. It goes into every card, so it may load nothing from the
    network (cards render offline) and may not end the <style> element it is put in.
    Returns it with the file it was read from."""
    name = keys.text("css")
    if not name:
        return "", None
    path = root / name  # named as every other file of the card set is
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()) or not resolved.is_file():
        keys.problem("css", f"css '{name}' must be a file inside the card set")
        return "", None
    try:
        css = resolved.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        keys.problem("css", f"css '{name}' cannot be read as UTF-8 text")
        return "", None
    found = [
        (match.start(), f"{message} (found '{match[0]}')")
        for pattern, message in _CSS_REFUSED
        if (match := re.search(pattern, css, re.IGNORECASE))
    ]
    if unclosed := _css_unbalanced(css):
        found.append(unclosed)
    for offset, message in found:
        keys.problems.append(Problem(path, css.count("\n", 0, offset) + 1, message))
    return css, resolved


def _css_unbalanced(css: str) -> tuple[int, str] | None:
    """The first comment, quote or brace that the CSS leaves open, or a '}' that closes
    nothing (offset, message): any of them makes the browser drop rules silently."""
    braces: list[int] = []
    i = 0
    while i < len(css):
        char = css[i]
        if char == "\\":
            i += 2
            continue
        if css.startswith("/*", i):
            end = css.find("*/", i + 2)
            if end < 0:
                return i, "the comment (/*) opened here is never closed"
            i = end + 2
            continue
        if char in "'\"":
            end = i + 1
            while end < len(css) and css[end] not in (char, "\n"):
                end += 2 if css[end] == "\\" else 1
            if end >= len(css) or css[end] != char:
                return i, f"the quote ({char}) opened here is never closed"
            i = end + 1
            continue
        if char == "{":
            braces.append(i)
        elif char == "}":
            if not braces:
                return i, "this '}' closes no '{'"
            braces.pop()
        i += 1
    return (braces[-1], "the '{' opened here is never closed") if braces else None


def _sources(
    path: Path, problems: list[Problem], read: Reader
) -> tuple[dict[str, Article], dict[str, Question]]:
    data = read_mapping(path, "sources.yaml", problems, read)
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

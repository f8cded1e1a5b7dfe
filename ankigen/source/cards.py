"""The cards of one card file, each read by the keys its kind of card takes (format.py)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from ..errors import Problem
from . import format as spec
from .keys import ID_PATTERN, Keys, close_match, kind_of, read_mapping
from .load import LineDict, Reader, read_yaml
from .model import Card, Deck, Question, Reading

SOURCES_FILE = "sources.yaml"
CARD_FILE_KEYS = tuple(key.name for key in spec.CARD_FILE_KEYS)
READING_KEYS = tuple(key.name for key in spec.READING_KEYS)


def read_card_file(
    path: Path,
    deck: Deck | None,
    questions: dict[str, Question] | None,
    problems: list[Problem],
    read: Reader = read_yaml,
) -> list[Card]:
    data = read_mapping(path, "a card file", problems, read)
    if data is None:
        return []
    keys, category = file_keys(data, path, deck, problems)
    return [
        card(entry, path, category, questions, problems)
        for entry in keys.mappings("cards", required=True)
    ]


def file_keys(
    data: LineDict, path: Path, deck: Deck | None, problems: list[Problem]
) -> tuple[Keys, str]:
    """The keys of a card file and its category, with the problems of all but its cards."""
    keys = Keys(data, path, "card file", CARD_FILE_KEYS, problems)
    category = keys.text("category", required=True)
    known = [c.id for c in deck.categories if c.id] if deck is not None else []
    # Without categories, deck.yaml has its own problem: the card files' would only repeat it.
    if category and known and category not in known:
        keys.problem(
            "category", f"unknown category '{category}' (deck.yaml has: {', '.join(known)})"
        )
    return keys, category


def card(
    data: LineDict,
    path: Path,
    category: str,
    questions: dict[str, Question] | None,
    problems: list[Problem],
) -> Card:
    card_id = data.get("id") if isinstance(data.get("id"), str) else None
    what = f"card '{card_id}'" if card_id else "card"
    kind = data.get("type") or "basic"
    if kind not in spec.KINDS:
        message = f"{what}: type must be one of {', '.join(spec.KINDS)}, not {_shown(kind)}"
        if isinstance(kind, str) and (close := difflib.get_close_matches(kind, spec.KINDS, 1)):
            message += f" (did you mean '{close[0]}'?)"
        problems.append(Problem(path, data.line_of("type"), message))
        return Card(card_id or "", category, "", "", path=path, line=data.line)
    allowed = spec.card_key_names(kind)
    keys = Keys(data, path, what, allowed, problems, lambda key, _: _card_hint(kind, key))
    missing = [k.name for k in spec.CARD_KEYS[kind] if k.required and k.name not in data]
    missing = [name for name in missing if name != "id"]  # reported on its own
    if len(missing) > 1:  # one message, in the order of the format
        keys.problem(None, f"{what} has no {' and no '.join(missing)}")
    values: dict[str, Any] = {}
    for key in spec.CARD_KEYS[kind]:
        if not key.required and data.get(key.name) is None:
            values[key.name] = _ABSENT[key.value]  # what _card_value gives, with no problem
        else:
            values[key.name] = _card_value(keys, key, key.required and len(missing) < 2, questions)
    if kind == "type-in" and "\n" in values["answer"].strip():
        keys.problem(
            "answer",
            f"{what}: the answer of a type-in card must be one line, since it is what the "
            "learner types; put explanations in extra",
        )
    return Card(
        id=values["id"],
        category=category,
        question=values.get("question", ""),
        answer=values.get("answer", ""),
        kind=kind,
        text=values.get("text", ""),
        extra=values.get("extra", ""),
        correction=values["correction"],
        sources=values["sources"],
        tags=values["tags"],
        level=values["level"],
        reading=values["reading"],
        previous_ids=values["previous_ids"],
        path=path,
        line=data.line,
        lines=data.key_lines,  # the parsed mapping's own: nothing changes it after parsing
    )


# The value of an optional key that is absent (or null), by its kind of value.
_ABSENT: dict[str, Any] = {
    spec.MARKDOWN: "", spec.LINE: "", spec.KIND: "basic", spec.IDS: (), spec.TAGS: (),
    spec.LEVEL: "", spec.PREVIOUS: (), spec.READING: (),
}  # fmt: skip


def _card_hint(kind: str, key: str) -> str:
    """Why a key is unknown to this kind of card, and which keys it takes."""
    allowed = spec.card_key_names(kind)
    hints = spec.CARD_HINTS.get(key, {})
    meant = hints.get(kind, hints.get(None))
    kinds = [k for k in spec.KINDS if key in spec.card_key_names(k)]
    if meant:
        hint = f" (did you mean '{meant}'?)"
    elif kinds:
        hint = f" ({key} belongs to {' and '.join(f'type: {k}' for k in kinds)})"
    else:
        hint = close_match(key, allowed)
    return f"{hint}; a {kind} card takes {', '.join(allowed)}"


def _card_value(
    keys: Keys, key: spec.Key, required: bool, questions: dict[str, Question] | None
) -> Any:
    """One key of a card, read and checked by its kind of value."""
    name = key.name
    if key.value == spec.IDENT:
        return keys.ident(name)
    if key.value in (spec.MARKDOWN, spec.LINE):
        return keys.text(name, required=required)
    if key.value == spec.KIND:
        return keys.data.get(name) or "basic"
    if key.value == spec.IDS:
        sources = keys.texts(name)
        for source in sources:
            if questions is None:
                keys.problem(name, f"{keys.what} cites '{source}' but there is no {SOURCES_FILE}")
            elif source not in questions:
                keys.problem(name, f"{keys.what}: unknown source '{source}'")
        return sources
    if key.value == spec.TAGS:
        tags = keys.texts(name)
        for tag in tags:
            if re.search(r"\s", tag):
                keys.problem(name, f"tag '{tag}' contains a space")
        return tags
    if key.value == spec.LEVEL:
        return keys.choice(name, spec.LEVELS)
    if key.value == spec.PREVIOUS:
        previous_ids = keys.texts(name)
        for previous in previous_ids:
            if not ID_PATTERN.fullmatch(previous):
                keys.problem(name, f"previous id '{previous}' may only contain a-z, 0-9 and '-'")
            elif previous == keys.data.get("id"):
                keys.problem(name, f"{keys.what} lists its own id in previous_ids")
        return previous_ids
    assert key.value == spec.READING, key
    reading = []
    for entry in keys.mappings(name):
        link = Keys(entry, keys.path, "reading entry", READING_KEYS, keys.problems)
        title, url = link.text("title", required=True), link.text("url", required=True)
        if url and not re.match(r"https?://", url):
            link.problem("url", f"reading url '{url}' must start with http:// or https://")
        reading.append(Reading(title, url))
    return tuple(reading)


def _shown(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else kind_of(value)

"""The card-set format as one table: every key a card of each kind and deck.yaml accept,
with its kind of value. The validator and the JSON Schema are both made from it, so
that what an editor accepts and what ``ankigen check`` accepts cannot drift apart."""

from __future__ import annotations

import functools
from dataclasses import dataclass

LEVELS = ("basic", "intermediate", "advanced")
KINDS = ("basic", "cloze", "reversed", "type-in")

# Kinds of value: what the validator checks and the schema describes.
IDENT = "ident"  # [a-z0-9-]+
MARKDOWN = "markdown"  # text, rendered as Markdown
LINE = "line"  # one line of text
TEXT = "text"  # plain text
TAGS = "tags"  # a list of texts without spaces
IDS = "ids"  # a list of ids of something else (sources)
LEVEL = "level"  # one of LEVELS
KIND = "kind"  # one of KINDS
READING = "reading"  # a list of {title, url}
PREVIOUS = "previous"  # a list of ids the card had before
CATEGORIES = "categories"  # a list of {id, name}
LABELS = "labels"  # a mapping of box name to its label
PATH = "path"  # a file inside the card set
FLAG = "flag"  # true or false


@dataclass(frozen=True)
class Key:
    name: str
    value: str
    doc: str
    required: bool = False


_ID = Key("id", IDENT, "Unique in the card set; never reused for another card.", True)
_TYPE = Key("type", KIND, "The kind of card (default: basic).")
_QUESTION = Key("question", MARKDOWN, "Markdown: the front.", True)
_ANSWER = Key("answer", MARKDOWN, "Markdown: the back.", True)
_EXTRA = Key("extra", MARKDOWN, "Optional Markdown shown on the back.")
_COMMON = (
    Key("correction", MARKDOWN, "Markdown: what a source got wrong, and why."),
    Key("sources", IDS, "Question ids from sources.yaml."),
    Key("tags", TAGS, "Extra tags, without spaces (<tag_root>::topic::<tag>)."),
    Key("level", LEVEL, "basic, intermediate or advanced."),
    Key("reading", READING, "Further reading: http(s) links."),
    Key("previous_ids", PREVIOUS, "Ids the card had before, oldest first: renamed, one note."),
)

CARD_KEYS: dict[str, tuple[Key, ...]] = {
    "basic": (_ID, _TYPE, _QUESTION, _ANSWER, *_COMMON),
    "cloze": (
        _ID,
        _TYPE,
        Key("text", MARKDOWN, "Markdown with {{c1::answer}} or {{c1::answer::hint}}.", True),
        _EXTRA,
        *_COMMON,
    ),
    "reversed": (
        _ID,
        _TYPE,
        Key("question", MARKDOWN, "Markdown: the front of the first card.", True),
        Key("answer", MARKDOWN, "Markdown: the front of the second card.", True),
        *_COMMON,
    ),
    "type-in": (
        _ID,
        _TYPE,
        _QUESTION,
        Key("answer", LINE, "One line: what the learner types; Anki compares it.", True),
        _EXTRA,
        *_COMMON,
    ),
}
KIND_DOCS = {
    "basic": "question and answer",
    "cloze": "one card per {{cN::...}} number in text",
    "reversed": "two cards: question -> answer, and answer -> question",
    "type-in": "the learner types the answer; Anki compares it",
}

CARD_FILE_KEYS = (
    Key("category", IDENT, "A category id from deck.yaml.", True),
    Key("cards", "cards", "The cards.", True),
)
READING_KEYS = (
    Key("title", TEXT, "The link's text.", True),
    Key("url", TEXT, "An http:// or https:// address.", True),
)
CATEGORY_KEYS = (
    Key("id", IDENT, "Never change it: cards refer to it.", True),
    Key("name", TEXT, "The subdeck's name in Anki.", True),
)
LABEL_KEYS = (
    Key("correction", TEXT, 'The title of the Correction box (default "Correction").'),
    Key("sources", TEXT, 'The title of the sources box (default "Asked in").'),
    Key("reading", TEXT, 'The title of the reading box (default "Further reading").'),
)
DECK_KEYS = (
    Key("name", TEXT, 'The root deck name in Anki ("A::B" nests it under A).', True),
    Key("id", IDENT, "Namespace: GUIDs, deck and note-type ids derive from it.", True),
    Key("tag_root", TEXT, "Root of the generated tags (default: id)."),
    Key("description", MARKDOWN, "Markdown shown on the deck overview."),
    Key("categories", CATEGORIES, "One subdeck each, in this order.", True),
    Key("numbered_subdecks", FLAG, 'Number the subdecks ("01 Theory") to keep this order.'),
    Key("css", PATH, "A CSS file in the card set, added to every note type's CSS."),
    Key("labels", LABELS, "Titles of the boxes on the back of a card."),
)

# Unknown keys that are well-known names of something we have.
CARD_HINTS = {
    "front": {"cloze": "text", None: "question"},
    "back": {"cloze": "extra", None: "answer"},
    "reverse": {None: "type: reversed"},
    "reversed": {None: "type: reversed"},
    "cloze": {None: "type: cloze"},
    "kind": {None: "type"},
}


@functools.cache
def card_key_names(kind: str) -> tuple[str, ...]:
    return tuple(key.name for key in CARD_KEYS[kind])

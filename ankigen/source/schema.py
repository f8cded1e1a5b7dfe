"""JSON Schemas of card files and deck.yaml, made from the format table (format.py), so
that editors (the YAML language server in VS Code, Neovim and others) check and
complete cards as ankigen checks them. ``ankigen schema`` prints them."""

from __future__ import annotations

import json
from typing import Any

from . import format as spec

SCHEMA_FILES = {"cards": "card-file.schema.json", "deck": "deck.schema.json"}
SCHEMA_DIR = ".schemas"  # where ``ankigen init`` puts them, inside the card set
_DRAFT = "http://json-schema.org/draft-07/schema#"
_TEXT = r"\S"  # not blank
_NULL = {"type": "null"}


def modeline(which: str) -> str:
    """The first line of a file that points the YAML language server at its schema."""
    return f"# yaml-language-server: $schema={SCHEMA_DIR}/{SCHEMA_FILES[which]}\n"


def schema(which: str) -> dict[str, Any]:
    return card_file_schema() if which == "cards" else deck_schema()


def dumps(which: str) -> str:
    return json.dumps(schema(which), indent=2, ensure_ascii=False) + "\n"


def _value(key: spec.Key) -> dict[str, Any]:
    """What the validator accepts for one key, as a JSON Schema."""
    value = key.value
    if value == spec.IDENT:
        found: dict[str, Any] = {"type": "string", "pattern": "^[a-z0-9-]+$"}
    elif value in (spec.MARKDOWN, spec.TEXT, spec.PATH):
        found = {"type": "string", "pattern": _TEXT} if key.required else {"type": "string"}
    elif value == spec.LINE:  # one line once stripped
        found = {"type": "string", "pattern": r"^\s*\S(?:[^\n]*\S)?\s*$"}
    elif value == spec.KIND:
        found = {"enum": [*spec.KINDS, None]}
    elif value == spec.LEVEL:
        found = {"enum": [*spec.LEVELS, "", None]}
    elif value in (spec.TAGS, spec.IDS, spec.PREVIOUS):
        pattern = {spec.TAGS: r"^\S+$", spec.IDS: _TEXT, spec.PREVIOUS: "^[a-z0-9-]+$"}[value]
        found = {"type": "array", "items": {"type": "string", "pattern": pattern}}
    elif value == spec.READING:
        found = {"type": "array", "items": _mapping(spec.READING_KEYS)}
        found["items"]["properties"]["url"]["pattern"] = "^https?://"
    elif value == spec.CATEGORIES:
        found = {"type": "array", "minItems": 1, "items": _mapping(spec.CATEGORY_KEYS)}
        found["items"]["properties"]["name"]["pattern"] = r"^(?![\s\S]*::)[^<>]*\S[^<>]*$"
    elif value == spec.FLAG:
        found = {"type": "boolean"}
    elif value == spec.LABELS:
        found = _mapping(spec.LABEL_KEYS)
    else:
        assert value == "cards", key
        found = {"type": "array", "items": _card()}
    if not key.required and value not in (spec.KIND, spec.LEVEL, spec.FLAG):
        found = {"anyOf": [found, _NULL]}  # an empty key reads as no key
    return {"description": key.doc, **found}


def _mapping(keys: tuple[spec.Key, ...]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": [key.name for key in keys if key.required],
        "properties": {key.name: _value(key) for key in keys},
        "additionalProperties": False,
    }


def _card() -> dict[str, Any]:
    """A card: the keys of every kind for completion; then, by its type, what it takes."""
    names = dict.fromkeys(name for kind in spec.KINDS for name in spec.card_key_names(kind))
    docs = {key.name: key.doc for kind in spec.KINDS for key in spec.CARD_KEYS[kind]}
    kinds = "; ".join(f"{kind}: {doc}" for kind, doc in spec.KIND_DOCS.items())
    docs["type"] = f"The kind of card (default: basic). {kinds}."
    rules = []
    for kind in spec.KINDS:
        shape = _mapping(spec.CARD_KEYS[kind])
        del shape["type"], shape["additionalProperties"]
        shape["propertyNames"] = {"enum": list(spec.card_key_names(kind))}
        allowed = [kind, None] if kind == "basic" else [kind]
        when: dict[str, Any] = {"properties": {"type": {"enum": allowed}}}
        if kind != "basic":
            when["required"] = ["type"]
        rules.append({"if": when, "then": shape})
    return {
        "type": "object",
        "required": ["id"],
        "properties": {name: {"description": docs[name]} for name in names},
        "allOf": rules,
    }


def card_file_schema() -> dict[str, Any]:
    return {
        "$schema": _DRAFT,
        "title": "ankigen card file",
        "description": "The cards of one category (ankigen's README: The card set format).",
        **_mapping(spec.CARD_FILE_KEYS),
    }


def deck_schema() -> dict[str, Any]:
    return {
        "$schema": _DRAFT,
        "title": "ankigen deck.yaml",
        "description": "The deck, its categories, and how its cards look.",
        **_mapping(spec.DECK_KEYS),
    }

"""``ankigen init``: a new card set, with a deck id of its own, sample cards and a README.

The files are the templates in ``samples/``, copied as they are except for the
``$name`` (``$quoted_name`` in YAML), ``$id``, ``$tag_root`` and ``$dir`` in those
listed in FILLED_IN. A sample
of another kind of card is one more file there (and its category in deck.yaml).
"""

from __future__ import annotations

import json
import re
import secrets
import shlex
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template

from ..errors import CardSetError, Problem
from ..package.output import SUFFIX, is_collection_backup
from .names import name_problem

FILLED_IN = ("deck.yaml", "README.md")


@dataclass(frozen=True)
class NewCardSet:
    root: Path
    deck_id: str
    files: tuple[Path, ...]


def init(root: Path) -> NewCardSet:
    """Write a new card set into ``root``, which must be new or empty: nothing is ever
    overwritten (each file is created exclusively)."""
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        message = (
            "is not an empty directory: ankigen init starts a card set only in a new or "
            "empty one, and never overwrites a file"
        )
        raise CardSetError([Problem(root, None, message)])
    base = root.resolve().name
    if base == "cards":  # the default: name the deck after the project holding it
        base = root.resolve().parent.name
    deck_id = new_deck_id(base)
    name = _deck_name(base)
    values = {
        "name": name,
        "quoted_name": json.dumps(name, ensure_ascii=False),  # a YAML double-quoted string
        "id": deck_id,
        "tag_root": _slug(base),
        "dir": shlex.quote(str(root)),
    }
    root.mkdir(parents=True, exist_ok=True)
    written = []
    for sample in sorted(resources.files(__package__).joinpath("samples").iterdir(), key=str):
        text = sample.read_text(encoding="utf-8")
        if sample.name in FILLED_IN:
            text = Template(text).safe_substitute(values)
        with (root / sample.name).open("x", encoding="utf-8") as out:
            out.write(text)
        written.append(root / sample.name)
    return NewCardSet(root, deck_id, tuple(written))


def new_deck_id(base: str) -> str:
    """``base`` as an id, with a random suffix, so that no two card sets share one."""
    deck_id = f"{_slug(base)}-{secrets.token_hex(4)}"
    if is_collection_backup(deck_id + SUFFIX):  # backup-….apkg: Anki's name for a backup
        deck_id = "deck-" + deck_id
    return deck_id


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40].strip("-") or "deck"


def _deck_name(base: str) -> str:
    name = " ".join(w[:1].upper() + w[1:] for w in re.split(r"[-_\s]+", base) if w)
    return name if name and "::" not in name and not name_problem(name, "") else "My Deck"

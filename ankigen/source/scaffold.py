"""``ankigen init``: a new card set, with a deck id of its own, sample cards, a README and
a lock file that records the deck id and no cards, so that the first build is an ordinary
one and only a lock lost later is reported as lost.

The files are the templates in ``samples/``, copied as they are except for the
``$name`` (``$quoted_name`` in YAML), ``$id``, ``$tag_root`` and ``$dir`` in those
listed in FILLED_IN. Each YAML file starts with the line that points editors at
its JSON Schema, which is written beside them in SCHEMA_DIR.
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
from ..package.lock import LOCK_FILE, Lock
from ..package.output import SUFFIX, is_collection_backup
from .names import name_problem
from .schema import SCHEMA_DIR, SCHEMA_FILES, dumps, modeline

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
        what = "is a file" if not root.is_dir() else "is not an empty directory"
        message = (
            f"{what}: ankigen init starts a card set only in a new or empty directory, and "
            "never overwrites a file"
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
        if sample.name.endswith(".yaml"):
            text = modeline("deck" if sample.name == "deck.yaml" else "cards") + text
        written.append(_create(root / sample.name, text))
    written.append(_create(root / LOCK_FILE, Lock(deck_id=deck_id).to_json()))
    (root / SCHEMA_DIR).mkdir()
    for which, name in SCHEMA_FILES.items():
        written.append(_create(root / SCHEMA_DIR / name, dumps(which)))
    return NewCardSet(root, deck_id, tuple(written))


def _create(path: Path, text: str) -> Path:
    with path.open("x", encoding="utf-8") as out:
        out.write(text)
    return path


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

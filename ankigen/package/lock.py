"""The lock file: what the last build emitted, so the next one stamps times Anki accepts.

Anki's importer updates an existing note only when the package's modification
time is *newer* than the one in the collection. So a card keeps its stored time
while its content is unchanged, and gets ``max(now, previous + 1)`` when it
changes. The same goes for the note type (its templates and CSS).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CardSetError, Problem

LOCK_FILE = "ankigen.lock"
VERSION = 1


@dataclass(frozen=True)
class Stamp:
    hash: str
    mtime: int
    category: str = ""
    kind: str = "basic"  # a note of another kind is another note to Anki
    clozes: tuple[int, ...] = ()  # the card numbers of a cloze note


@dataclass
class Lock:
    deck: str = ""  # root deck name
    categories: dict[str, str] = field(default_factory=dict)  # id -> subdeck name
    notetype: Stamp | None = None  # the basic note type's
    cards: dict[str, Stamp] = field(default_factory=dict)
    notetypes: dict[str, Stamp] = field(default_factory=dict)  # those of the other kinds

    def to_json(self) -> str:
        data = {
            "version": VERSION,
            "deck": self.deck,
            "categories": self.categories,
            "notetype": _stamp_json(self.notetype) if self.notetype else None,
            "cards": {card_id: _stamp_json(s) for card_id, s in self.cards.items()},
        }
        if self.notetypes:  # absent when there are none, so older locks read the same
            data["notetypes"] = {kind: _stamp_json(s) for kind, s in self.notetypes.items()}
        return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _stamp_json(stamp: Stamp) -> dict[str, object]:
    data: dict[str, object] = {"hash": stamp.hash, "mtime": stamp.mtime}
    if stamp.category:
        data["category"] = stamp.category
    if stamp.kind != "basic":
        data["type"] = stamp.kind
    if stamp.clozes:
        data["clozes"] = list(stamp.clozes)
    return data


def _stamp(data: dict) -> Stamp:
    clozes = tuple(int(n) for n in data.get("clozes", ()))
    category, kind = str(data.get("category", "")), str(data.get("type", "basic"))
    return Stamp(data["hash"], int(data["mtime"]), category, kind, clozes)


def read_lock(path: Path) -> Lock:
    """The previous build's state; an absent lock file means a first build."""
    if not path.exists():
        return Lock()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != VERSION:
            raise ValueError(f"unsupported version {data.get('version')!r}")
        notetype = data.get("notetype")
        return Lock(
            deck=str(data.get("deck", "")),
            categories={str(k): str(v) for k, v in data.get("categories", {}).items()},
            notetype=Stamp(notetype["hash"], int(notetype["mtime"])) if notetype else None,
            cards={str(card_id): _stamp(s) for card_id, s in data.get("cards", {}).items()},
            notetypes={str(k): _stamp(s) for k, s in data.get("notetypes", {}).items()},
        )
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        message = (
            f"cannot read the lock file ({exc}); restore it from version control. "
            "Deleting it makes every note look new to this tool, and Anki then skips "
            "edits to notes it already has until their times pass the old ones"
        )
        raise CardSetError([Problem(path, None, message)]) from None


def next_mtime(previous: Stamp | None, content_hash: str, now: int) -> int:
    """The time to stamp on a note: unchanged content keeps its time; changed moves forward."""
    if previous is None:
        return now
    if previous.hash == content_hash:
        return previous.mtime
    return max(now, previous.mtime + 1)


def now_from_environment() -> int | None:
    """SOURCE_DATE_EPOCH stands for "now" when set (reproducible builds); None when unset."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        return None
    if not value.isdigit():
        message = f"must be a whole number of seconds since 1970, not {value!r}"
        raise CardSetError([Problem(Path("SOURCE_DATE_EPOCH"), None, message)])
    return int(value)

"""The lock file: what the last build emitted, so the next one stamps times Anki accepts.

Anki's importer updates an existing note only when the package's modification
time is *newer* than the one in the collection. So a card keeps its stored time
while its content is unchanged, and gets ``max(now, previous + 1)`` when it
changes. The same goes for the note type (its templates and CSS). The lock also
records the deck id, since every GUID derives from it.

It remembers what Anki's importer forgets: the times each card had before (so that
``plan`` can tell a note edited in Anki from one an older build wrote), the cards
removed and when (so that their notes are found in a collection that skipped
releases), and each note type's fields and templates (a build that changes them is
refused unless asked for, since Anki then ignores the updates).

The file is versioned JSON. To add something: a field on ``Lock`` (with a default),
written in ``to_json`` and read in ``_from_data``; bump ``VERSION`` and add an
upgrade step for the previous version to ``_UPGRADES``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from ..errors import CardSetError, Problem, warning

LOCK_FILE = "ankigen.lock"
VERSION = 3


@dataclass(frozen=True)
class Stamp:
    hash: str
    mtime: int
    category: str = ""
    fields: str = ""  # a digest of the note's fields as Anki stores them (fields_digest)
    earlier: tuple[tuple[int, str], ...] = ()  # (mtime, fields) it had before, oldest first
    first: str = ""  # the id its GUID derives from, when not its own (previous_ids)
    removed: str = ""  # for a removed card: the day (UTC) a build found it gone
    kind: str = "basic"  # a note of another kind is another note to Anki
    clozes: tuple[int, ...] = ()  # the card numbers of a cloze note


@dataclass
class Lock:
    deck: str = ""  # root deck name
    categories: dict[str, str] = field(default_factory=dict)  # id -> subdeck name
    notetype: Stamp | None = None
    cards: dict[str, Stamp] = field(default_factory=dict)
    deck_id: str = ""  # the deck id every GUID derives from ("" from a version-1 lock)
    removed: dict[str, Stamp] = field(default_factory=dict)  # removed card id -> last stamp
    schema: dict[str, list[list[Any]]] = field(default_factory=dict)  # fields, templates
    # The note types of the other kinds, and their fields and templates (kept for a kind
    # no longer in the YAML: learners still have its note type). Like a card's kind and
    # cloze numbers, written only when there are any, so a lock without them reads as
    # before they existed.
    notetypes: dict[str, Stamp] = field(default_factory=dict)
    schemas: dict[str, dict[str, list[list[Any]]]] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {
            "version": VERSION,
            "deck_id": self.deck_id,
            "deck": self.deck,
            "categories": self.categories,
            "notetype": _stamp_json(self.notetype) if self.notetype else None,
            "cards": {card_id: _stamp_json(s) for card_id, s in self.cards.items()},
            "removed": {card_id: _stamp_json(s) for card_id, s in self.removed.items()},
            "schema": self.schema,
        }
        if self.notetypes:
            data["notetypes"] = {kind: _stamp_json(s) for kind, s in self.notetypes.items()}
        if self.schemas:
            data["schemas"] = self.schemas
        return dumps(data) + "\n"

    def newest(self) -> int:
        """The latest time this lock holds (0 if none)."""
        times = [s.mtime for s in (*self.cards.values(), *self.notetypes.values())]
        return max([*times, self.notetype.mtime if self.notetype else 0])


def dumps(value: Any) -> str:
    """``json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False)`` of plain data
    (dicts with text keys, lists, text, numbers, true/false, null) in half the time:
    json indents in Python, generator by generator."""
    out: list[str] = []
    _dump(value, "\n", out)
    return "".join(out)


def _scalar(value: Any) -> str | None:
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    if kind is bool or value is None:
        return _CONSTANTS[value]
    if kind is float:
        return json.dumps(value)
    return None


_CONSTANTS = {None: "null", True: "true", False: "false"}


def _dump(value: Any, pad: str, out: list[str]) -> None:
    if (text := _scalar(value)) is not None:
        out.append(text)
        return
    inner = pad + " "
    if type(value) is dict:
        keys = sorted(value)
        if any(type(key) is not str for key in keys):
            raise TypeError("keys must be text")
        items = [(encode_basestring(key) + ": ", value[key]) for key in keys]
        opening, closing = "{", "}"
    elif type(value) in (list, tuple):
        items = [("", item) for item in value]
        opening, closing = "[", "]"
    else:
        raise TypeError(f"{type(value).__name__} is not plain data")
    if not items:
        out.append(opening + closing)
        return
    separator = opening + inner
    for prefix, item in items:
        if (text := _scalar(item)) is not None:
            out.append(separator + prefix + text)
        else:
            out.append(separator + prefix)
            _dump(item, inner, out)
        separator = "," + inner
    out.append(pad + closing)


def _stamp_json(stamp: Stamp) -> dict[str, object]:
    data: dict[str, object] = {"hash": stamp.hash, "mtime": stamp.mtime}
    if stamp.category:
        data["category"] = stamp.category
    if stamp.fields:
        data["fields"] = stamp.fields
    if stamp.earlier:
        data["earlier"] = [list(e) for e in stamp.earlier]
    if stamp.first:
        data["first"] = stamp.first
    if stamp.removed:
        data["removed"] = stamp.removed
    if stamp.kind != "basic":
        data["type"] = stamp.kind
    if stamp.clozes:
        data["clozes"] = list(stamp.clozes)
    return data


def _stamp(data: dict[str, Any]) -> Stamp:
    return Stamp(
        str(data["hash"]),
        int(data["mtime"]),
        str(data.get("category", "")),
        str(data.get("fields", "")),
        tuple((int(m), str(f)) for m, f in data.get("earlier", ())),
        str(data.get("first", "")),
        str(data.get("removed", "")),
        str(data.get("type", "basic")),
        tuple(int(n) for n in data.get("clozes", ())),
    )


def _from_data(data: dict[str, Any]) -> Lock:
    notetype = data.get("notetype")
    return Lock(
        deck_id=str(data.get("deck_id", "")),
        deck=str(data.get("deck", "")),
        categories={str(k): str(v) for k, v in data.get("categories", {}).items()},
        notetype=Stamp(notetype["hash"], int(notetype["mtime"])) if notetype else None,
        cards={str(card_id): _stamp(s) for card_id, s in data.get("cards", {}).items()},
        removed={str(card_id): _stamp(s) for card_id, s in data.get("removed", {}).items()},
        schema=_schema(data.get("schema")),
        notetypes={str(k): _stamp(s) for k, s in data.get("notetypes", {}).items()},
        schemas={str(kind): _schema(s) for kind, s in data.get("schemas", {}).items()},
    )


def _schema(data: dict[str, Any] | None) -> dict[str, list[list[Any]]]:
    return {str(k): [list(e) for e in v] for k, v in (data or {}).items()}


def _from_version_1(data: dict[str, Any]) -> dict[str, Any]:
    # Version 1 did not record the deck id: the next build records it, without a check.
    return {**data, "version": 2, "deck_id": ""}


def _from_version_2(data: dict[str, Any]) -> dict[str, Any]:
    # Version 2 kept no removed cards, earlier times or note-type schema: the next build
    # starts keeping them, and records the schema without a check.
    return {**data, "version": 3}


_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    1: _from_version_1,
    2: _from_version_2,
}


def _parse(text: str) -> Lock:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    version = data.get("version")
    if isinstance(version, int) and version > VERSION:
        raise ValueError(f"version {version} is newer than this ankigen reads: upgrade ankigen")
    while version in _UPGRADES:
        data = _UPGRADES[version](data)
        version = data["version"]
    if version != VERSION:
        raise ValueError(f"unsupported version {version!r}")
    return _from_data(data)


_ERRORS = (ValueError, KeyError, TypeError, AttributeError)


def read_lock(path: Path) -> tuple[Lock, list[Problem]]:
    """The previous build's state, and a warning if it had to be pieced together from a
    merge conflict. An absent lock file means a first build."""
    if not path.exists():
        return Lock(), []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _unreadable(path, str(exc)) from None
    if _CONFLICT in "\n" + text:
        return _resolve_conflict(path, text)
    try:
        return _parse(text), []
    except _ERRORS as exc:
        raise _unreadable(path, str(exc)) from None


def _unreadable(path: Path, reason: str) -> CardSetError:
    message = (
        f"cannot read the lock file ({reason}); restore it from version control "
        f"(git checkout {path}). Deleting it works too: the next build then stamps every "
        "card with the current time, so a re-import updates every note"
    )
    return CardSetError([Problem(path, None, message)])


# Git's conflict markers start a line: "<<<<<<< ours", "||||||| base", "=======", ">>>>>>> theirs".
_CONFLICT = "\n<<<<<<< "
_MARKERS = ("<<<<<<<", "|||||||", "=======", ">>>>>>>")


def _resolve_conflict(path: Path, text: str) -> tuple[Lock, list[Problem]]:
    """Both sides of a merge conflict, merged so that nothing can be skipped by Anki: a
    card both sides agree on keeps the later time; one they disagree on is stamped anew."""
    try:
        ours, theirs = (_parse(side) for side in _sides("\n" + text))
    except _ERRORS:
        message = (
            "the lock file has merge conflict markers, and its two sides cannot be read: take "
            f"either side (git checkout --theirs {path}) and rebuild"
        )
        raise CardSetError([Problem(path, None, message)]) from None
    merged, differ = _merge(ours.cards, theirs.cards)
    notetypes, _ = _merge(
        {"": ours.notetype} if ours.notetype else {},
        {"": theirs.notetype} if theirs.notetype else {},
    )
    lock = Lock(
        deck_id=ours.deck_id if ours.deck_id == theirs.deck_id else "",
        deck=ours.deck,
        categories={**theirs.categories, **ours.categories},
        notetype=notetypes.get(""),
        cards=merged,
        removed={k: v for k, v in {**theirs.removed, **ours.removed}.items() if k not in merged},
        schema=ours.schema if ours.schema == theirs.schema else {},
        notetypes=_merge(ours.notetypes, theirs.notetypes)[0],
        # A kind's schema the sides disagree on is recorded anew, without a check.
        schemas={
            kind: schema
            for kind, schema in {**theirs.schemas, **ours.schemas}.items()
            if theirs.schemas.get(kind, schema) == ours.schemas.get(kind, schema)
        },
    )
    message = (
        "merge conflict in the lock file: both sides merged, and the "
        f"{differ} card{'s' * (differ != 1)} they disagree on will get a new time; "
        "a build writes the merged lock (then `git add` it)"
    )
    return lock, [warning(path, None, message)]


def _sides(text: str) -> tuple[str, str]:
    ours: list[str] = []
    theirs: list[str] = []
    state = "both"
    for line in text.splitlines(keepends=True):
        marker = next((m for m in _MARKERS if line.startswith(m)), None)
        if marker == "<<<<<<<" and state == "both":
            state = "ours"
        elif marker == "|||||||" and state == "ours":
            state = "base"
        elif marker == "=======" and state in ("ours", "base"):
            state = "theirs"
        elif marker == ">>>>>>>" and state == "theirs":
            state = "both"
        else:
            if state in ("both", "ours"):
                ours.append(line)
            if state in ("both", "theirs"):
                theirs.append(line)
    if state != "both":
        raise ValueError("an unfinished conflict")
    return "".join(ours), "".join(theirs)


def _merge(ours: dict[str, Stamp], theirs: dict[str, Stamp]) -> tuple[dict[str, Stamp], int]:
    """Every entry of either side; where both have it, the later time, and when their
    hashes differ an empty hash, which no content has: the next build stamps it anew."""
    merged = {**theirs, **ours}
    differ = 0
    for key in ours.keys() & theirs.keys():
        a, b = ours[key], theirs[key]
        differ += a.hash != b.hash
        newer, older = (a, b) if a.mtime >= b.mtime else (b, a)
        earlier = {*a.earlier, *b.earlier, (older.mtime, older.fields)} - {
            (newer.mtime, newer.fields)
        }
        merged[key] = Stamp(
            a.hash if a.hash == b.hash else "",
            newer.mtime,
            a.category,
            newer.fields,
            tuple(sorted(earlier)),
            a.first or b.first,
            kind=a.kind,
            clozes=a.clozes,
        )
    return dict(sorted(merged.items())), differ


def next_stamp(
    previous: Stamp | None,
    content_hash: str,
    fields: str,
    now: int,
    category: str = "",
    first: str = "",
    kind: str = "basic",
    clozes: tuple[int, ...] = (),
) -> Stamp:
    """The stamp for a card: ``next_mtime``, with what it had before kept."""
    same = (content_hash, category, fields, first, "", kind, clozes)
    if previous is not None and same == (
        previous.hash, previous.category, previous.fields, previous.first, previous.removed,
        previous.kind, previous.clozes,
    ):  # fmt: skip
        return previous  # unchanged: what this would make of it
    mtime = next_mtime(previous, content_hash, now)
    earlier = previous.earlier if previous else ()
    if previous is not None and previous.mtime != mtime:
        earlier = (*earlier, (previous.mtime, previous.fields))
    return Stamp(content_hash, mtime, category, fields, earlier, first, kind=kind, clozes=clozes)


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

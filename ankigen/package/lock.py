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

It also remembers which notes ankigen made, so that ``apply`` deletes only those: a
removed card's (a tombstone), and the old note of a card whose type changed (the
kinds it had). A note of the deck's id that the lock does not know is not this card
set's to delete.

The file is versioned JSON, read by lockfile.py. To add something: a field on
``Lock`` (with a default), written in ``to_json`` and read in ``_from_data``; bump
``VERSION`` and add an upgrade step for the previous version to ``_UPGRADES``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import CardSetError, Problem

LOCK_FILE = "ankigen.lock"
VERSION = 4


class Version(NamedTuple):
    """A version of a card's note that a build wrote: what tells an edit made in Anki."""

    mtime: int
    fields: str  # a digest of all its fields as Anki stores them (fields_digest)
    each_field: tuple[str, ...] = ()  # a digest of each field (field_digests); () if unknown


class Stamp(NamedTuple):
    """What the lock keeps of a card (or a note type: its hash and time). A tuple: a lock
    of 50,000 cards holds 100,000 of them, made in a fifth of a frozen dataclass's time."""

    hash: str
    mtime: int
    category: str = ""
    fields: str = ""  # a digest of the note's fields as Anki stores them (fields_digest)
    earlier: tuple[Version, ...] = ()  # the versions it had before, oldest first
    first: str = ""  # the id its GUID derives from, when not its own (previous_ids)
    removed: str = ""  # for a removed card: the day (UTC) a build found it gone
    kind: str = "basic"  # a note of another kind is another note to Anki
    clozes: tuple[int, ...] = ()  # the card numbers of a cloze note
    was: tuple[str, ...] = ()  # the kinds it had before: each an old note of its own in Anki
    # A digest of each field, so that an edit made in Anki and a change in the YAML are
    # told apart field by field (written from version 4 on).
    each_field: tuple[str, ...] = ()

    @property
    def version(self) -> Version:
        return Version(self.mtime, self.fields, self.each_field)


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
        pieces: list[str] = []
        self.write_json(pieces.append)
        return "".join(pieces)

    def write_json(self, write: Callable[[str], object]) -> None:
        """``to_json``, handed to ``write`` a few thousand cards at a time: at 50,000 cards
        the whole text would be 14 MB, on top of what the build holds."""
        data = {
            "version": VERSION,
            "deck_id": self.deck_id,
            "deck": self.deck,
            "categories": self.categories,
            "notetype": self.notetype,
            "cards": self.cards,
            "removed": self.removed,
            "schema": self.schema,
        }
        if self.notetypes:
            data["notetypes"] = self.notetypes
        if self.schemas:
            data["schemas"] = self.schemas
        out: list[str] = []

        def flush(pieces: list[str]) -> None:
            write("".join(pieces))
            pieces.clear()

        _dump(data, "\n", out, flush)
        flush([*out, "\n"])

    def newest(self) -> int:
        """The latest time this lock holds (0 if none)."""
        times = [s.mtime for s in (*self.cards.values(), *self.notetypes.values())]
        return max([*times, self.notetype.mtime if self.notetype else 0])


def dumps(value: Any) -> str:
    """``json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False)`` of plain data
    (dicts with text keys, lists, text, numbers, true/false, null; a ``Stamp`` is written
    as its mapping) in half the time: json indents in Python, generator by generator."""
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


_PIECES = 4_000  # written out once ``out`` holds this many (about two thousand cards)


def _dump(
    value: Any, pad: str, out: list[str], flush: Callable[[list[str]], None] | None = None
) -> None:
    """``value`` as JSON at indent ``pad`` (a newline and its spaces), appended to ``out``
    piece by piece; ``flush`` is handed ``out`` to empty whenever it grows long."""
    if (text := _scalar(value)) is not None:
        out.append(text)
        return
    inner = pad + " "
    if type(value) is Stamp:  # made one stamp at a time, as it is written
        out.append(_stamp_text(value, pad))
        return
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
            _dump(item, inner, out, flush)
            if flush is not None and len(out) > _PIECES:
                flush(out)
        separator = "," + inner
    out.append(pad + closing)


def _stamp_text(stamp: Stamp, pad: str) -> str:
    """A stamp's mapping as ``_dump`` writes a dict's (keys in sorted order, only those
    the stamp has), made in one piece: 10,000 stamps in half the time item by item takes."""
    inner = pad + " "
    text = encode_basestring
    items = []
    if stamp.category:
        items.append('"category": ' + text(stamp.category))
    if stamp.clozes:
        items.append('"clozes": ' + _array([_int(n) for n in stamp.clozes], inner))
    if stamp.each_field:  # on one line: a field's digest is short, and there are a few
        items.append('"each_field": ' + text(" ".join(stamp.each_field)))
    if stamp.earlier:
        deeper = inner + " "
        versions = [
            _array([_int(m), text(f), *([text(" ".join(each))] if each else [])], deeper)
            for m, f, each in stamp.earlier
        ]
        items.append('"earlier": ' + _array(versions, inner))
    if stamp.fields:
        items.append('"fields": ' + text(stamp.fields))
    if stamp.first:
        items.append('"first": ' + text(stamp.first))
    items += ('"hash": ' + text(stamp.hash), '"mtime": ' + _int(stamp.mtime))
    if stamp.removed:
        items.append('"removed": ' + text(stamp.removed))
    if stamp.kind != "basic":
        items.append('"type": ' + text(stamp.kind))
    if stamp.was:
        items.append('"was": ' + _array([text(k) for k in stamp.was], inner))
    return "{" + inner + ("," + inner).join(items) + pad + "}"


def _array(texts: list[str], pad: str) -> str:
    """JSON texts as an array at indent ``pad``."""
    inner = pad + " "
    return "[" + inner + ("," + inner).join(texts) + pad + "]" if texts else "[]"


def _int(value: int) -> str:
    if type(value) is not int:
        raise TypeError(f"{type(value).__name__} is not a whole number")
    return int.__repr__(value)


def _stamp(data: dict[str, Any], shared: dict[str, str]) -> Stamp:
    """``shared`` keeps one copy of each text met more than once (a category, the digest
    of an empty field): at 50,000 cards, tens of megabytes. (Keys a card does not have
    are not iterated: read once per card, the lock of 10,000 cards is read in half the
    time.)"""
    get = data.get
    category = str(get("category", ""))
    earlier, clozes, was = get("earlier"), get("clozes"), get("was")
    return Stamp(
        str(data["hash"]),
        int(data["mtime"]),
        shared.setdefault(category, category),
        str(get("fields", "")),
        tuple(_version(shared, *e) for e in earlier) if earlier is not None else (),
        str(get("first", "")),
        str(get("removed", "")),
        str(get("type", "basic")),
        tuple(int(n) for n in clozes) if clozes is not None else (),
        tuple(str(k) for k in was) if was is not None else (),
        _digests(shared, get("each_field", "")),
    )


def _version(shared: dict[str, str], mtime: Any, fields: Any, each_field: Any = "") -> Version:
    return Version(int(mtime), str(fields), _digests(shared, each_field))


def _digests(shared: dict[str, str], text: Any) -> tuple[str, ...]:
    digests = str(text).split()
    return tuple(map(shared.setdefault, digests, digests))


def _from_data(data: dict[str, Any], shared: dict[str, str]) -> Lock:
    notetype = data.get("notetype")
    if type(notetype) is Stamp:
        notetype = {"hash": notetype.hash, "mtime": notetype.mtime}

    def stamp(entry: Any) -> Stamp:
        return entry if type(entry) is Stamp else _stamp(entry, shared)

    return Lock(
        deck_id=str(data.get("deck_id", "")),
        deck=str(data.get("deck", "")),
        categories={str(k): str(v) for k, v in data.get("categories", {}).items()},
        notetype=Stamp(notetype["hash"], int(notetype["mtime"])) if notetype else None,
        cards={str(card_id): stamp(s) for card_id, s in data.get("cards", {}).items()},
        removed={str(card_id): stamp(s) for card_id, s in data.get("removed", {}).items()},
        schema=_schema(data.get("schema")),
        notetypes={str(k): stamp(s) for k, s in data.get("notetypes", {}).items()},
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


def _from_version_3(data: dict[str, Any]) -> dict[str, Any]:
    # Version 3 did not record the kinds a card had before (the old note of a card
    # retyped before is then unknown to the lock, and apply leaves it alone), nor a digest
    # of each field (an edit made in Anki to a version it wrote is then told from the
    # YAML's changes by the whole note, and by ankigen's own part of a field).
    return {**data, "version": 4}


_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    1: _from_version_1,
    2: _from_version_2,
    3: _from_version_3,
}


def parse(text: str) -> Lock:
    shared: dict[str, str] = {}
    data = json.loads(text, object_hook=lambda entry: _as_stamp(entry, shared))
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
    return _from_data(data, shared)


# What _stamp_text writes.
_STAMP_KEYS = frozenset(
    {"hash", "mtime", "category", "fields", "each_field", "earlier", "first", "removed"}
    | {"type", "clozes", "was"}
)


def _as_stamp(entry: dict[str, Any], shared: dict[str, str]) -> Any:
    """A card's entry made a Stamp as soon as it is read, rather than after the whole file
    is (which holds a lock of 50,000 cards twice over); anything else as it was read."""
    hash_, mtime = entry.get("hash"), entry.get("mtime")
    if type(hash_) is str and type(mtime) is int and entry.keys() <= _STAMP_KEYS:
        try:
            return _stamp(entry, shared)
        except ERRORS:
            pass  # left to _from_data, which says what is wrong with it
    return entry


ERRORS = (ValueError, KeyError, TypeError, AttributeError)  # of a lock that cannot be read


def next_stamp(
    previous: Stamp | None,
    content_hash: str,
    fields: str,
    now: int,
    category: str = "",
    first: str = "",
    kind: str = "basic",
    clozes: tuple[int, ...] = (),
    was: tuple[str, ...] = (),
    each_field: tuple[str, ...] = (),
) -> Stamp:
    """The stamp for a card: ``next_mtime``, with what it had before kept."""
    same = (content_hash, category, fields, first, "", kind, clozes, was, each_field)
    if previous is not None and same == (
        previous.hash, previous.category, previous.fields, previous.first, previous.removed,
        previous.kind, previous.clozes, previous.was, previous.each_field,
    ):  # fmt: skip
        return previous  # unchanged: what this would make of it
    mtime = next_mtime(previous, content_hash, now)
    earlier = previous.earlier if previous else ()
    if previous is not None and previous.mtime != mtime:
        earlier = (*earlier, previous.version)
    return Stamp(
        content_hash, mtime, category, fields, earlier, first, kind=kind, clozes=clozes, was=was,
        each_field=each_field,
    )  # fmt: skip


def next_mtime(previous: Stamp | None, content_hash: str, now: int) -> int:
    """The time to stamp on a note: unchanged content keeps its time; changed moves forward."""
    if previous is None:
        return now
    if previous.hash == content_hash:
        return previous.mtime
    return max(now, previous.mtime + 1)


# The latest "now" SOURCE_DATE_EPOCH may stand for: far past any real build, and with
# room for the times of later edits (one second each) that dates can still be made of.
LATEST = 2**32 - 1


def now_from_environment() -> int | None:
    """SOURCE_DATE_EPOCH stands for "now" when set (reproducible builds); None when unset."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        return None
    if not value.isdigit() or int(value) > LATEST:
        message = (
            f"must be a whole number of seconds since 1970, at most {LATEST} (in the year "
            f"2106), not {value!r}"
        )
        raise CardSetError([Problem(Path("SOURCE_DATE_EPOCH"), None, message)])
    return int(value)

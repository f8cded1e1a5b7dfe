"""Parsed YAML and checked card files by file content, so that a rebuild parses and
checks only the files that changed.

An entry of a deck or sources file is what ``read_yaml`` returned for it (its data,
with the line of every mapping and key, and the problems the loader found), found by
a hash of the file's bytes and of the loader (load.py, PyYAML and libyaml, Python's
marshal format). An entry of a card file is what ``read_card_file`` made of it: its
cards and every problem, found by a hash of the file's bytes and path, of the loader,
of the code that checks cards, and of all it checks them against (the deck's
categories, the ids of the known questions). An edited file is read one card at a
time, each card unchanged since it was checked taken as it was with its new lines
(items.py), and parsed and checked whole where it cannot be; what follows sees exactly
what reading it would give.
Files that do not parse, or hold values other than text, numbers, true/false, null,
lists and mappings, are never cached. It lives beside the render cache (cachefile.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import marshal
import os
import sys
from pathlib import Path
from typing import Any

from ..cachefile import CacheFile, cache_path, installed_version
from ..errors import Problem
from . import load
from .cards import read_card_file
from .items import CardTexts, split
from .load import LineDict, parse_yaml, read_yaml
from .model import Card, Deck, Question, Reading

CACHE_VERSION = "2"
# What decides a card file's cards and problems, and how they are stored, besides its
# bytes and the loader.
_CHECKS = ("cards.py", "keys.py", "format.py", "model.py", "items.py", "parsed.py")
_CARD_KEYS = "+cards"  # after a card file's key: the keys of its cards (items.py)
_SCALARS = (str, int, float, bool, type(None), bytes)


def _fingerprint() -> bytes:
    """The loader's code, PyYAML's version and its compiled part (which bundles libyaml),
    found without importing PyYAML: a build that parses nothing does not."""
    digest = hashlib.sha256(f"{CACHE_VERSION} {sys.version} {marshal.version}".encode())
    digest.update(Path(load.__file__).read_bytes())
    digest.update(f"PyYAML {installed_version('PyYAML', 'yaml')}".encode())
    spec = importlib.util.find_spec("yaml")
    if spec is not None and spec.origin:
        package = Path(spec.origin).parent
        for extension in sorted(package.glob("_yaml*")):
            stat = extension.stat()
            digest.update(f"{extension.name} {stat.st_size} {stat.st_mtime_ns}".encode())
    return digest.digest()


class ParseCache:
    """``read`` is ``read_yaml`` and ``read_cards`` is ``read_card_file``, from the cache
    where they can be; ``save`` keeps exactly the entries this run used."""

    def __init__(self, root: Path, directory: Path | None = None) -> None:
        self._file = CacheFile(cache_path(root, "yaml", directory), "data", "BLOB")
        self.path = self._file.path
        self._salt = _fingerprint()
        self._fresh: dict[str, bytes] = {}
        # Read on first use, one entry per file; a read takes its entry out, so that what
        # is left at the end is the entries of files this run did not read.
        self._stored: dict[str, Any] | None = None
        self._checked: tuple[Deck | None, dict[str, Question] | None, bytes] | None = None
        self._cards = CardTexts(self.path)
        self._found: list[bytes] = []  # the keys of the cards of each file found whole

    def read(self, path: Path) -> tuple[Any, list[Problem]]:
        try:
            raw = path.read_bytes()
        except OSError:
            return read_yaml(path)  # which says why
        return self._parsed(path, raw, keep=True)

    def read_cards(
        self, path: Path, deck: Deck | None, questions: dict[str, Question] | None
    ) -> tuple[list[Card], list[Problem]]:
        """``read_card_file``'s cards and problems. A card file is kept checked, not parsed:
        after a change to what it is checked against, it is parsed again. A file that
        changed is read a card at a time, its cards unchanged taken as they were (items.py)."""
        problems: list[Problem] = []
        try:
            raw = path.read_bytes()
        except OSError:
            return read_card_file(path, deck, questions, problems), problems  # which says why
        checked = self._check_salt(deck, questions)
        key = hashlib.sha256(checked + os.fsencode(path) + b"\x00" + raw).hexdigest()
        if (blob := self._entry(key)) is not None:
            try:
                found = _decode_cards(path, marshal.loads(blob))
                if (keys := self._entry(key + _CARD_KEYS)) is not None:
                    self._found.append(keys)  # read only if some card is stored afresh
                return found
            except Exception:  # damaged in a way the checksum missed: check instead
                pass
        try:
            pieces = split(raw.decode("utf-8"))
        except UnicodeDecodeError:
            pieces = None
        read = None
        if pieces is not None:  # the cards unchanged are taken as they were
            read = self._cards.read(path, pieces, checked, deck, questions)
        if read is not None:
            cards, problems, keys = read
            self._fresh[key + _CARD_KEYS] = marshal.dumps(keys)
        else:
            cards = read_card_file(
                path, deck, questions, problems, lambda _: self._parsed(path, raw, keep=False)
            )
        with contextlib.suppress(_Uncacheable, ValueError):  # ValueError: not marshal data
            self._fresh[key] = marshal.dumps(_encode_cards(path, cards, problems))
        return cards, problems

    def _check_salt(self, deck: Deck | None, questions: dict[str, Question] | None) -> bytes:
        """What a card file's key holds besides its bytes and path: made once for a card set."""
        if (
            self._checked is None
            or self._checked[0] is not deck
            or self._checked[1] is not questions
        ):
            here = Path(__file__).parent
            digest = hashlib.sha256(b"cards\x1f" + self._salt)
            for name in _CHECKS:
                digest.update((here / name).read_bytes())
            known = [c.id for c in deck.categories] if deck is not None else []
            digest.update(repr((known, None if questions is None else sorted(questions))).encode())
            self._checked = (deck, questions, digest.digest())
        return self._checked[2]

    def _entry(self, key: str) -> bytes | None:
        if self._stored is None:
            self._stored = self._file.read()
        return self._stored.pop(key, None)

    def _parsed(self, path: Path, raw: bytes, keep: bool) -> tuple[Any, list[Problem]]:
        """``parse_yaml(path, raw)``, from the cache if there; stored when ``keep``."""
        key = hashlib.sha256(self._salt + raw).hexdigest()
        if (blob := self._entry(key)) is not None:
            try:
                encoded, problems = marshal.loads(blob)
                data = _decode(encoded) if type(encoded) in _ENCODED else encoded
                return data, [Problem(path, line, message) for line, message in problems]
            except Exception:  # damaged in a way the checksum missed: parse instead
                pass
        data, problems = parse_yaml(path, raw)
        if data is not None and keep:
            try:
                entry = (_encode(data, set()), [(p.line, p.message) for p in problems])
                self._fresh[key] = marshal.dumps(entry)
            except _Uncacheable:
                pass
        return data, problems

    def save(self) -> None:
        """Store what was parsed afresh; drop the entries of files no longer read. What
        the cache held is let go (at 50,000 cards, tens of megabytes a build still needs)."""
        if self._stored is None:
            self._stored = self._file.read()
        stale = [*self._stored, *self._file.unsound]
        if self._fresh or stale or self._file.unreadable:
            self._file.write(self._fresh.items(), stale)
        if self._cards.changed:
            for keys in self._found:
                with contextlib.suppress(Exception):  # damaged: its cards are checked again
                    self._cards.keep([str(k) for k in marshal.loads(keys)])
            self._cards.save()
        self._stored, self._fresh, self._cards = {}, {}, CardTexts(self.path)


def _encode_cards(path: Path, cards: list[Card], problems: list[Problem]) -> tuple[Any, ...]:
    if any(c.path != path for c in cards) or any(p.path != path for p in problems):
        raise _Uncacheable
    encoded = [
        (c.id, c.category, c.question, c.answer, c.kind, c.text, c.extra, c.correction,
         c.sources, c.tags, c.level, tuple((r.title, r.url) for r in c.reading),
         c.previous_ids, c.line, c.lines)
        for c in cards
    ]  # fmt: skip
    return encoded, [(p.line, p.message, p.warning) for p in problems]


def _decode_cards(path: Path, entry: Any) -> tuple[list[Card], list[Problem]]:
    encoded, problems = entry
    cards = [
        Card(id_, category, question, answer, kind, text, extra, correction, sources, tags,
             level, tuple(Reading(*r) for r in reading) if reading else (), previous_ids,
             path, line, lines)
        for (id_, category, question, answer, kind, text, extra, correction, sources, tags,
             level, reading, previous_ids, line, lines) in encoded
    ]  # fmt: skip
    return cards, [Problem(path, line, message, warning) for line, message, warning in problems]


class _Uncacheable(Exception):
    pass


def _encode(value: Any, containers: set[int]) -> Any:
    """``value`` as marshal data: a mapping as (line, values, lines), a list as a list.
    A list or mapping met twice (a YAML alias) is not cached: its copies would differ."""
    if type(value) in _SCALARS:
        return value
    if id(value) in containers or type(value) not in (LineDict, list):
        raise _Uncacheable
    containers.add(id(value))
    if isinstance(value, LineDict):
        values = {key: _encode(item, containers) for key, item in value.items()}
        return (value.line, values, value.key_lines)
    return [_encode(item, containers) for item in value]


def _decode(value: Any) -> Any:
    if type(value) is list:
        return [_decode(item) if type(item) in _ENCODED else item for item in value]
    line, values, key_lines = value
    mapping = LineDict(values)
    for key, item in values.items():
        if type(item) in _ENCODED:
            mapping[key] = _decode(item)
    mapping.line, mapping.key_lines = line, key_lines
    return mapping


_ENCODED = (tuple, list)

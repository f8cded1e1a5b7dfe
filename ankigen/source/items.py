"""A card file cut into the text of each of its cards, so that a file with one card
edited is parsed again one card at a time (parsed.py).

A card file is laid out as its keys, ``cards:`` among them on a line of its own, then
its cards, each starting with ``- `` at one indentation. ``split`` gives the file's text
without its cards (their lines left empty, so that every line keeps its number) and the
lines of each card, with the number of its first line; None for any other layout, or a
line break other than ``\\n`` (which YAML counts as one too), and the file is parsed
whole. A card's text parses alone as it does in the file, except where it leans on
another part of it (an alias of an anchor outside the card, a directive), and then it
does not parse at all: the caller parses the whole file whenever a piece has a problem.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..cachefile import CacheFile
from ..errors import Problem
from .cards import card, file_keys
from .load import LineDict, parse_yaml
from .model import Card, Deck, Question, Reading

_CARDS = re.compile(r"\ncards:[ ]*(?:#[^\n]*)?(?=\n|$)")
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")
# What reaches across a file's cards: a directive (which sets what its tags mean) or a
# document marker at the start of a line, or an anchor (whose name must be unique in the
# file). An anchor begins a node, after a space, a line break or a flow indicator; the
# search finds some text too (" &nbsp;"), which only means reading that file whole.
_MARKER = re.compile(r"\n(?:%|---|\.\.\.)")
_AMPERSAND = re.compile(r"&[^ \t\n]")  # searched for alone, as one pattern is 30× slower


@dataclass(frozen=True)
class Pieces:
    head: str  # the file without its cards' lines
    cards: list[tuple[int, str]]  # (number of its first line from 0, its text) of each card
    line: int  # the number of the line of ``cards:``, from 1


def split(text: str) -> Pieces | None:
    marked = "\n" + text  # each line starts with a break
    found = list(_CARDS.finditer(marked))
    if len(found) != 1 or any(other in text for other in _OTHER_BREAKS) or _across(marked):
        return None
    # Each match below is a line break and the indentation of the line after it, a line
    # that is neither blank nor a comment (searched from the break, which is fastest).
    first = _LINE.search(text, found[0].end() - 1)
    if first is None or not _is_item(text, first.end()):
        return None
    indent = len(first[0])  # a line break and the cards' indentation
    starts, end = [], len(text)
    for line in re.compile(rf"\n {{0,{indent - 1}}}(?=[^ \n#])").finditer(text, first.start()):
        if len(line[0]) < indent or not _is_item(text, line.end()):
            if len(line[0]) > 1:
                return None  # not the next key of the file, at the margin: something else
            end = line.start() + 1  # the first line after the cards
            break
        starts.append(line.start() + 1)
    number = text.count("\n", 0, starts[0])
    cards = []
    for start, stop in zip(starts, [*starts[1:], end], strict=True):
        cards.append((number, text[start:stop]))  # the last may end the file without a break
        number += text.count("\n", start, stop)
    head = text[: starts[0]] + "\n" * text.count("\n", starts[0], end) + text[end:]
    return Pieces(head, cards, text.count("\n", 0, found[0].start()) + 1)


_LINE = re.compile(r"\n *(?=[^ \n#])")


def _across(marked: str) -> bool:
    """Whether ``marked`` (a file's text after a line break) holds a directive, a document
    marker or an anchor."""
    if _MARKER.search(marked):
        return True
    return any(marked[m.start() - 1] in "\n \t[{," for m in _AMPERSAND.finditer(marked))


def _is_item(text: str, at: int) -> bool:
    """Whether the line's content, at ``at``, starts a sequence entry: ``-`` alone or
    followed by a space."""
    return text.startswith("- ", at) or text.startswith("-\n", at) or text[at:] == "-"


class CardTexts:
    """Checked cards by their text, in a table of the parse cache's file that is read only
    for a card file that changed, one card at a time: a card unchanged since it was last
    checked is taken as it was, its lines moved to where it stands now. Only cards with
    no problem are kept (a message may name a line)."""

    def __init__(self, path: Path) -> None:
        self._file = CacheFile(path, "data", "BLOB", table="cards")
        self._fresh: dict[str, bytes] = {}
        self._kept: set[str] = set()  # the cards of the files read this run

    def read(
        self,
        path: Path,
        pieces: Pieces,
        salt: bytes,
        deck: Deck | None,
        questions: dict[str, Question] | None,
    ) -> tuple[list[Card], list[Problem], list[str]] | None:
        """``read_card_file`` of the card file cut into ``pieces``, and the keys of its
        cards; None where a piece has a problem, or is not what it is in the file: then
        the whole file must be read."""
        head, found = parse_yaml(path, pieces.head.encode())
        if (
            found
            or type(head) is not LineDict
            or head.key_lines.get("cards") != pieces.line  # the key is where it was found
            or head["cards"] is not None
        ):
            return None
        problems: list[Problem] = []
        _, category = file_keys(head, path, deck, problems)
        keys = [hashlib.sha256(salt + text.encode()).hexdigest() for _, text in pieces.cards]
        stored = self._file.lookup(keys)
        cards = []
        for (first, text), key in zip(pieces.cards, keys, strict=True):
            made = None
            if (blob := stored.get(key)) is not None:
                with contextlib.suppress(Exception):  # damaged in a way the checksum missed
                    made = _card(marshal.loads(blob), path, category, first)
            if made is None:
                if (entry := _checked(path, text, category, questions)) is None:
                    return None
                self._fresh[key] = entry[0]
                made = _card(entry[1], path, category, first)
            cards.append(made)
        self._kept.update(keys)
        return cards, problems, keys

    def keep(self, keys: list[str]) -> None:
        """Keep the cards of a file found whole in the cache (``read`` gave their keys), for
        when it changes."""
        self._kept.update(keys)

    @property
    def changed(self) -> bool:
        return bool(self._fresh)

    def save(self) -> None:
        """Store the cards checked afresh, and drop those of no file read (``keep``)."""
        if not self._fresh:
            return  # the table is as it was: what no file holds goes when some card is new
        keys = self._file.keys()
        stale = [k for k in keys or () if k not in self._kept and k not in self._fresh]
        self._file.write(self._fresh.items(), stale)


def _checked(
    path: Path, text: str, category: str, questions: dict[str, Question] | None
) -> tuple[bytes, tuple[Any, ...]] | None:
    """A card's text parsed and checked on its own, as stored and as read from where it
    is stored; None if it has a problem."""
    data, problems = parse_yaml(path, text.encode())
    if problems or type(data) is not list or len(data) != 1 or type(data[0]) is not LineDict:
        return None
    made = card(data[0], path, category, questions, problems)
    if problems:
        return None
    entry = (
        made.id, made.question, made.answer, made.kind, made.text, made.extra, made.correction,
        made.sources, made.tags, made.level, tuple((r.title, r.url) for r in made.reading),
        made.previous_ids, made.line, made.lines,
    )  # fmt: skip
    try:
        return marshal.dumps(entry), entry
    except ValueError:  # a value marshal cannot write (the check would have refused it)
        return None


def _card(entry: Any, path: Path, category: str, offset: int) -> Card:
    """A stored card, its lines moved down by ``offset``."""
    (id_, question, answer, kind, text, extra, correction, sources, tags, level, reading,
     previous_ids, line, lines) = entry  # fmt: skip
    return Card(
        id_, category, question, answer, kind, text, extra, correction, sources, tags, level,
        tuple(Reading(*r) for r in reading) if reading else (), previous_ids, path,
        line + offset, {key: number + offset for key, number in lines.items()},
    )  # fmt: skip

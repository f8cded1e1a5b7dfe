"""Deck names as Anki keeps them, so that a name is refused rather than rewritten.

Anki (rslib/src/decks/name.rs, ``normalized_deck_name_component``) splits a deck
name at ``::`` and, in each part, applies Unicode NFC, drops ASCII control
characters and trims whitespace and ``:`` from both ends; a part left empty
becomes ``blank``. It matches names ignoring case, and renames a second deck of
the same name in a package ``Name_``. A name Anki would change would not match
the deck of an earlier import, so it is refused with what Anki would make of it.
"""

from __future__ import annotations

import unicodedata


def anki_part(part: str) -> str:
    """One ``::``-separated part of a deck name, as Anki stores it."""
    return _normalized(part) or "blank"


def anki_name(name: str) -> str:
    return "::".join(anki_part(part) for part in name.split("::"))


def name_problem(name: str, what: str) -> str:
    """Why Anki would not keep ``name`` as written ('' when it would)."""
    fixed = anki_name(name)
    if fixed == name:
        return ""
    if any(not _normalized(part) for part in name.split("::")):
        reason = "an empty part between '::'"
    elif any(_control(c) for c in name):
        reason = "a control character (such as a tab or a line break)"
    elif unicodedata.normalize("NFC", name) != name:
        reason = "characters not in Unicode NFC form"
    else:
        reason = "spaces or ':' at the start or end" + " of a part" * ("::" in name)
    shown = repr(name)[1:-1] if any(_control(c) for c in name) else name
    return f"{what} '{shown}' has {reason}: Anki would make it '{fixed}'"


def same_name(name: str) -> str:
    """The key under which Anki finds a deck by name: case does not count."""
    return anki_name(name).casefold()


def _normalized(part: str) -> str:
    part = "".join(c for c in unicodedata.normalize("NFC", part) if not _control(c))
    start, end = 0, len(part)
    while start < end and _trimmed(part[start]):
        start += 1
    while end > start and _trimmed(part[end - 1]):
        end -= 1
    return part[start:end]


def _trimmed(c: str) -> bool:
    return c.isspace() or c == ":"


def _control(c: str) -> bool:
    return ord(c) < 0x20 or ord(c) == 0x7F

"""The next lock's cards, from the previous lock and this build's cards: what is new,
changed, renamed (``previous_ids``), restored, or removed, and the time each card gets."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..render import RenderedCard
from ..render.cards import without_meta
from .lock import Lock, Stamp, next_stamp


@dataclass
class Stamping:
    cards: dict[str, Stamp] = field(default_factory=dict)
    removed: dict[str, Stamp] = field(default_factory=dict)  # every tombstone, kept
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old id, new id)
    restored: list[str] = field(default_factory=list)  # back after being removed
    gone: list[str] = field(default_factory=list)  # removed by this build
    retyped: dict[str, str] = field(default_factory=dict)  # card id -> the kind it had


def fields_digest(fields: Iterable[str]) -> str:
    """A short digest of a note's fields as Anki stores them (in NFC): what tells a note
    that an ankigen build wrote from one edited in Anki."""
    text = unicodedata.normalize("NFC", "\x1f".join(fields))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def field_digests(fields: Iterable[str]) -> tuple[str, ...]:
    """A shorter digest of each field as a learner can edit it (without ankigen's own
    category and level line): what tells, field by field, an edit made in Anki from a
    change in the YAML."""
    return tuple(
        hashlib.sha256(unicodedata.normalize("NFC", without_meta(f)).encode()).hexdigest()[:12]
        for f in fields
    )


def day(mtime: int) -> str:
    """A modification time's day, in UTC: what ``<tag_root>::changed::<day>`` carries."""
    return datetime.fromtimestamp(mtime, UTC).date().isoformat()


def restamp(previous: Lock, rendered: tuple[RenderedCard, ...], now: int) -> Stamping:
    result = Stamping()
    taken: set[str] = set()  # previous entries this build's cards continue
    for r in rendered:
        card = r.card
        before, source = previous.cards.get(card.id), card.id
        if before is None:
            source = next((p for p in reversed(card.previous_ids) if p in previous.cards), "")
            before = previous.cards.get(source)
            if before is not None:
                result.renamed.append((source, card.id))
        if before is None and card.id in previous.removed:
            before, source = previous.removed[card.id], card.id
            result.restored.append(card.id)
        taken.add(source)
        was = before.was if before is not None else ()
        if before is not None and before.kind != card.kind:
            result.retyped[card.id] = before.kind
            # The old note stays in Anki, of its kind: the lock remembers it was ours.
            was = tuple(k for k in dict.fromkeys((*was, before.kind)) if k != card.kind)
            before = None  # Anki cannot change a note's type: this is a new note
        first = card.first_id if card.first_id != card.id else ""
        same = before is not None and before.hash == r.content_hash  # so the same fields
        digest = before.fields if same and before.fields else fields_digest(r.fields)
        each = before.each_field if same and before.each_field else field_digests(r.fields)
        clozes = tuple(o + 1 for o in r.ords) if card.kind == "cloze" else ()
        result.cards[card.id] = next_stamp(
            before, r.content_hash, digest, now, card.category, first, card.kind, clozes, was,
            each,
        )  # fmt: skip
        if before is None:
            result.new.append(card.id)
        elif before.hash != r.content_hash:
            result.changed.append(card.id)
    today = day(now)
    for card_id, stamp in previous.cards.items():
        if card_id not in taken and card_id not in result.cards:
            result.removed[card_id] = stamp._replace(removed=today)
            result.gone.append(card_id)
    for card_id, stamp in previous.removed.items():
        if card_id not in result.cards and card_id not in result.removed:
            result.removed[card_id] = stamp
    result.removed = dict(sorted(result.removed.items()))
    result.gone.sort()
    return result

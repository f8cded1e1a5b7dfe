"""A note edited in Anki that the YAML changed too, merged field by field.

For each field there are three versions: the base (what the build the learner had
wrote, known by the digest of each field the lock keeps of every version), ours (the
new build's) and theirs (the collection's). A field only Anki changed keeps the
learner's text; one only the YAML changed takes the YAML's; one both changed is in
conflict unless they agree. ankigen's own part of a field, the category and level
line of a basic note's Question, is always the YAML's: a learner cannot see it in
Anki's editor, so cannot change it, nor copy it into the YAML.

A lock from before version 4 kept one digest of all of a note's fields: its base is
found when each field is either ours or theirs, and otherwise a field the two
differ in is taken as in conflict, so that no edit is lost unasked.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..package.lock import Version
from ..package.stamps import field_digests, fields_digest
from ..render.cards import with_meta_of, without_meta

MAX_GUESSED = 256  # combinations of fields tried to find an old lock's base


@dataclass(frozen=True)
class Merge:
    kept: dict[str, str] = field(default_factory=dict)  # field -> the learner's text, kept
    taken: tuple[str, ...] = ()  # fields the learner did not edit, where the YAML's differs
    conflicts: tuple[str, ...] = ()  # fields both changed, and differently


def merge_fields(
    names: Sequence[str],
    theirs: dict[str, str],
    ours: dict[str, str],
    versions: Sequence[Version],
    edited_at: int,
) -> Merge:
    """The merge of a note whose fields are ``theirs`` (edited in Anki at ``edited_at``)
    with the new build's ``ours``; ``versions`` are those the builds wrote."""
    t = [theirs.get(name, "") for name in names]
    o = [ours.get(name, "") for name in names]
    t_digests, o_digests = field_digests(t), field_digests(o)
    known = [each for v in versions if (each := _each_field(v, t, o)) is not None]
    base = _base(versions, edited_at, t, o, t_digests)
    kept: dict[str, str] = {}
    taken: list[str] = []
    conflicts: list[str] = []
    for i, name in enumerate(names):
        if without_meta(t[i]) == without_meta(o[i]):
            continue  # the learner's text is the YAML's: the YAML's, with its own line
        if base is None:
            conflicts.append(name)
        elif t_digests[i] == base[i] or any(t_digests[i] == each[i] for each in known):
            taken.append(name)  # a version ankigen wrote: the learner did not edit it
        elif o_digests[i] == base[i]:
            kept[name] = with_meta_of(t[i], o[i])  # only the learner changed it
        else:
            conflicts.append(name)
    return Merge(kept, tuple(taken), tuple(conflicts))


def _base(
    versions: Sequence[Version],
    edited_at: int,
    theirs: list[str],
    ours: list[str],
    t_digests: tuple[str, ...],
) -> tuple[str, ...] | None:
    """The digests of each field of the version the learner edited: of those built
    before the edit, the one that agrees with the note in the most fields (the latest
    of those), since the learner may have skipped a release. None if not known."""
    before = [v for v in versions if v.mtime <= edited_at] or list(versions)
    best: tuple[tuple[int, int], tuple[str, ...]] | None = None
    for v in before:
        each = _each_field(v, theirs, ours)
        if each is None:
            continue
        key = (sum(a == b for a, b in zip(each, t_digests, strict=True)), v.mtime)
        if best is None or key > best[0]:
            best = (key, each)
    return best[1] if best else None


def _each_field(v: Version, theirs: list[str], ours: list[str]) -> tuple[str, ...] | None:
    """A version's digest of each field: from the lock, or, for a lock that kept only
    the digest of all fields, found if each of its fields is either ours or theirs."""
    if len(v.each_field) == len(theirs):
        return v.each_field
    choices = [sorted({a, b}) for a, b in zip(theirs, ours, strict=True)]
    if not v.fields or 2 ** sum(len(c) > 1 for c in choices) > MAX_GUESSED:
        return None
    for fields in itertools.product(*choices):
        if fields_digest(fields) == v.fields:
            return field_digests(fields)
    return None

"""Reading the lock file: as the last build wrote it, or with git's merge conflict
markers in it, as both of its sides merged."""

from __future__ import annotations

from pathlib import Path

from ..errors import CardSetError, Problem, warning
from .lock import ERRORS, Lock, Stamp, parse

# Git's conflict markers start a line: "<<<<<<< ours", "||||||| base", "=======", ">>>>>>> theirs".
_CONFLICT = "\n<<<<<<< "


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
        return parse(text), []
    except ERRORS as exc:
        raise _unreadable(path, str(exc)) from None


def _unreadable(path: Path, reason: str) -> CardSetError:
    message = (
        f"cannot read the lock file ({reason}); restore it from version control "
        f"(git checkout {path}). Deleting it works too: the next build then stamps every "
        "card with the current time, so a re-import updates every note"
    )
    return CardSetError([Problem(path, None, message)])


_MARKERS = ("<<<<<<<", "|||||||", "=======", ">>>>>>>")


def _resolve_conflict(path: Path, text: str) -> tuple[Lock, list[Problem]]:
    """Both sides of a merge conflict, merged so that nothing can be skipped by Anki: a
    card both sides agree on keeps the later time; one they disagree on is stamped anew."""
    try:
        ours, theirs = (parse(side) for side in _sides("\n" + text))
    except ERRORS:
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
        earlier = {*a.earlier, *b.earlier, older.version} - {newer.version}
        merged[key] = Stamp(
            a.hash if a.hash == b.hash else "",
            newer.mtime,
            a.category,
            newer.fields,
            tuple(sorted(earlier)),
            a.first or b.first,
            kind=a.kind,
            clozes=a.clozes,
            was=tuple(dict.fromkeys((*a.was, *b.was))),
            each_field=newer.each_field,
        )
    return dict(sorted(merged.items())), differ

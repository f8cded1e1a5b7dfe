"""A plan, or what apply did, as the lines the CLI prints: one group per kind of
change, each card on its own line with its path:line, and one line of counts (after
apply, one line of what it did)."""

from __future__ import annotations

from .apply import Applied
from .changes import Change
from .plan import Plan

UNCHANGED_SHOWN = 20  # unchanged cards are listed by id up to this many

# kind -> (heading in a plan, heading after apply)
HEADINGS = {
    "new": ("new", "new"),
    "updated": ("updated", "updated"),
    "edited": (
        "edited in Anki since the last build: the import keeps your version "
        "(copy the fix into the YAML)",
        "edited in Anki since the last build: your version kept (copy the fix into the YAML)",
    ),
    "merged": (
        "edited in Anki, and the YAML changed other fields: the import replaces your edit "
        "(apply keeps it, and takes the YAML's changes)",
        "edited in Anki, and the YAML changed other fields: your edit kept, the YAML's "
        "changes taken",
    ),
    "conflict": (
        "changed both in Anki and in the YAML, in the same field: the import replaces your "
        "edit (apply stops, unless --prefer-yaml)",
        "changed both in Anki and in the YAML, in the same field: the YAML's version taken there",
    ),
    "skipped": (
        "not updated: changed in Anki (its tags, say) after this version was built "
        "(apply updates it)",
        "updated, although changed in Anki after this version was built",
    ),
    "refused": (
        "not updated: Anki refuses, because the note type changed",
        "not updated: Anki refused, because the note type changed",
    ),
    "tags": (
        "tags you added that the update drops (apply keeps them)",
        "tags you added, kept",
    ),
    "subdeck": (
        "stays in an old subdeck (apply moves it)",
        "moved to its category's current subdeck",
    ),
    "removed": (
        "removed from the YAML, still in the collection (apply deletes it)",
        "removed from the YAML: deleted",
    ),
    "retyped": (
        "changed type: a new note, and the old one is still in the collection (apply "
        "deletes it, and one that has been studied only with --delete-retyped)",
        "changed type: a new note, and the old one deleted",
    ),
    "empty": (
        "cloze numbers removed: their cards are left empty (apply deletes them, as "
        "Tools → Empty Cards does)",
        "cloze numbers removed: their empty cards deleted",
    ),
    "unknown": (
        "unknown to this card set, left as they are (another card set may share this deck "
        "id: give this one its own id in deck.yaml, then `ankigen build --new-deck-id`)",
        "unknown to this card set, left as they are",
    ),
    "media": ("media Anki renames", "media Anki renamed"),
    "unchanged": ("unchanged", "unchanged"),
}
ORDER = (
    "new", "updated", "edited", "merged", "conflict", "skipped", "refused", "tags", "subdeck",
    "removed", "unknown", "retyped", "empty", "media",
)  # fmt: skip


def lines(plan: Plan, applied: bool = False, summary: bool = True) -> list[str]:
    """Every group that has something in it, then (with ``summary``) the counts."""
    out = _groups(plan, ORDER, applied)
    unchanged = [c.name for c in plan.group("unchanged")]
    if unchanged:
        shown = ", ".join(unchanged[:UNCHANGED_SHOWN])
        more = len(unchanged) - UNCHANGED_SHOWN
        out.append(f"unchanged ({len(unchanged)}): {shown}" + (f", … +{more}" * (more > 0)))
    out += plan.remarks
    if summary:
        out.append(counts(plan))
    return out


def refusal(done: Applied) -> list[str]:
    """What a refused apply shows after saying why: the groups the refusal is about."""
    return _groups(done.plan, done.about) if done.plan else []


def outcome(done: Applied) -> str:
    """What apply did, in one line."""
    plan = done.plan
    assert plan is not None
    updated = {
        c.name for c in plan.changes if c.kind in ("updated", "merged", "conflict", "skipped")
    }
    parts = [
        f"{len(plan.group('new'))} new",
        f"{len(updated)} updated",
        f"{len(plan.work.moved)} moved",
        f"{len(plan.deletions)} deleted",
    ]
    if done.empty_deleted:
        parts.append(f"{plural(done.empty_deleted, 'empty card')} deleted")
    if done.removed_decks:
        parts.append(f"{plural(len(done.removed_decks), 'subdeck')} removed")
    return f"applied: {', '.join(parts)}; backup: {done.backup}"


def _groups(plan: Plan, kinds: tuple[str, ...], applied: bool = False) -> list[str]:
    changes = [c for c in plan.changes if c.kind in kinds and c.kind != "unchanged"]
    width = max((len(c.name) for c in changes), default=0)
    out = []
    for kind in kinds:
        group = plan.group(kind)
        if group:
            out.append(f"{HEADINGS[kind][applied]} ({len(group)})")
            out += [line for change in group for line in _change(change, width)]
    return out


def _change(change: Change, width: int) -> list[str]:
    first, *rest = change.detail or ("",)
    name = f"  {change.name:<{width}}"  # padded, so that what follows lines up
    head = f"{name}  {change.where}" if change.where else name
    if first and len(rest) == 0 and len(head) + len(first) < 100:
        return [f"{head}  {first}"]
    return [head.rstrip(), *(f"      {line}" for line in change.detail)]


def plural(count: int, what: str) -> str:
    return f"{count} {what}{'s' * (count != 1)}"


def counts(plan: Plan) -> str:
    def n(kind: str) -> int:
        return len({c.name for c in plan.group(kind)})

    return (
        f"{plural(plan.cards, 'note')}: {n('new')} new, {n('updated')} updated, "
        f"{n('unchanged')} unchanged, {n('edited')} edited in Anki, {n('merged')} merged, "
        f"{n('conflict')} in conflict, "
        f"{n('skipped')} skipped, {n('refused')} refused; {n('tags')} with tags dropped, "
        f"{n('subdeck')} in an old subdeck, {n('removed')} removed, {n('unknown')} unknown, "
        f"{n('retyped')} changed type, {n('empty')} with empty cards, "
        f"{plural(n('media'), 'media file')} renamed"
    )

"""A plan, or what apply did, as the lines the CLI prints: one group per kind of
change, each card on its own line with its path:line, and one line of counts."""

from __future__ import annotations

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
    "conflict": (
        "edited in Anki and changed in the YAML: the update replaces your edit",
        "edited in Anki and changed in the YAML: the YAML's version taken",
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
    "media": ("media Anki renames", "media Anki renamed"),
    "unchanged": ("unchanged", "unchanged"),
}
ORDER = (
    "new", "updated", "edited", "conflict", "skipped", "refused", "tags", "subdeck", "removed",
    "retyped", "empty", "media",
)  # fmt: skip


def lines(plan: Plan, applied: bool = False) -> list[str]:
    """Every group that has something in it, then the counts."""
    out = []
    width = max((len(c.name) for c in plan.changes if c.kind != "unchanged"), default=0)
    for kind in ORDER:
        group = plan.group(kind)
        if group:
            out.append(f"{HEADINGS[kind][applied]} ({len(group)})")
            out += [line for change in group for line in _change(change, width)]
    unchanged = [c.name for c in plan.group("unchanged")]
    if unchanged:
        shown = ", ".join(unchanged[:UNCHANGED_SHOWN])
        more = len(unchanged) - UNCHANGED_SHOWN
        out.append(f"unchanged ({len(unchanged)}): {shown}" + (f", … +{more}" * (more > 0)))
    out += plan.remarks
    out.append(counts(plan))
    return out


def _change(change: Change, width: int) -> list[str]:
    first, *rest = change.detail or ("",)
    head = f"  {change.name:<{width}}  {change.where}".rstrip()
    if first and len(rest) == 0 and len(head) + len(first) < 100:
        return [f"{head}  {first}"]
    return [head, *(f"      {line}" for line in change.detail)]


def counts(plan: Plan) -> str:
    def n(kind: str) -> int:
        return len({c.name for c in plan.group(kind)})

    return (
        f"{plan.cards} cards: {n('new')} new, {n('updated')} updated, "
        f"{n('unchanged')} unchanged, {n('edited')} edited in Anki, {n('conflict')} in conflict, "
        f"{n('skipped')} skipped, {n('refused')} refused; {n('tags')} with tags dropped, "
        f"{n('subdeck')} in an old subdeck, {n('removed')} removed, {n('retyped')} changed "
        f"type, {n('empty')} with empty cards, {n('media')} media renamed"
    )

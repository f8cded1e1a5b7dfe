"""Synthetic card sets for the benchmark: the same cards as an ankigen card set and
in ankdown's Markdown format (``%`` between fields, ``---`` between cards)."""

from __future__ import annotations

import re
from pathlib import Path

CATEGORIES = ("theory", "programming", "industry", "career")
LEVELS = ("basic", "intermediate", "advanced")


def card(i: int) -> tuple[str, str]:
    """Question and answer (Markdown) of synthetic card ``i``: a list, inline math, code,
    each its own (no formula or code block repeats, so no cache of texts is flattered)."""
    question = f"Card {i}: what does the regulariser \\(\\lambda_{{{i}}}\\) trade off?"
    answer = (
        f"Bias against variance, for model number {i}:\n\n"
        f"- a larger \\(\\lambda\\) shrinks the weights \\(w_{{{i}}} \\to 0\\) (step {i});\n"
        "- a smaller one fits the training data more closely;\n"
        f"- the penalty is \\(\\lambda_{{{i}}} \\sum_j w_j^2\\), as in ridge regression #{i}.\n\n"
        "```python\n"
        f"def penalty(w, lam={i}):\n"
        f"    return lam * sum(x * x for x in w[:{i}])\n"
        "```\n"
    )
    return question, answer


def write_ankigen(root: Path, count: int) -> None:
    """``count`` cards in four categories: deck.yaml plus one YAML file per category."""
    root.mkdir(parents=True, exist_ok=True)
    categories = "".join(f"  - {{id: {c}, name: {c.title()}}}\n" for c in CATEGORIES)
    (root / "deck.yaml").write_text(
        f"name: Benchmark {count}\nid: benchmark-{count}\ncategories:\n{categories}",
        encoding="utf-8",
    )
    for k, category in enumerate(CATEGORIES):
        lines = [f"category: {category}\ncards:\n"]
        for i in range(k, count, len(CATEGORIES)):
            question, answer = card(i)
            body = "".join(f"      {line}\n" if line else "\n" for line in answer.splitlines())
            lines.append(
                f"  - id: card-{i}\n"
                f"    level: {LEVELS[i % 3]}\n"
                f"    tags: [synthetic, group-{i % 10}]\n"
                f"    question: '{question}'\n"
                f"    answer: |\n{body}"
            )
        (root / f"{category}.yaml").write_text("".join(lines), encoding="utf-8")


def write_ankdown(root: Path, count: int) -> None:
    """The same cards for ankdown: one directory (its subdeck) per category."""
    for k, category in enumerate(CATEGORIES):
        (root / category).mkdir(parents=True, exist_ok=True)
        cards = []
        for i in range(k, count, len(CATEGORIES)):
            question, answer = card(i)
            cards.append(f"{question}\n\n%\n\n{answer}\n%\n\nsynthetic, group-{i % 10}\n")
        (root / category / "cards.md").write_text("\n---\n\n".join(cards), encoding="utf-8")


def edit_one_card(root: Path, marker: str) -> None:
    """Change the answer of one card (card-0, in the first category) to mention ``marker``."""
    pattern = r"^(      Bias against variance)[^,\n]*(, for model number 0:)$"
    edit_line(root / f"{CATEGORIES[0]}.yaml", pattern, rf"\1 ({marker})\2", marker)


def edit_line(path: Path, pattern: str, replacement: str, marker: str) -> None:
    """Rewrite the first line of ``path`` that ``pattern`` matches, so that it mentions
    ``marker``."""
    text = path.read_text(encoding="utf-8")
    edited = re.sub(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert f"({marker})" in edited, f"{pattern} not found in {path}"
    path.write_text(edited, encoding="utf-8")


def write_collection(path: Path, count: int, package: Path | None = None) -> None:
    """An Anki collection (the real backend) holding ``count`` notes of Anki's Basic
    note type in one deck of their own, and ``package`` imported as a learner would."""
    from anki.collection import AddNoteRequest, Collection

    path.parent.mkdir(parents=True, exist_ok=True)
    col = Collection(str(path))
    try:
        basic = col.models.by_name("Basic")
        deck = col.decks.id("Other notes")
        requests = []
        for i in range(count):
            note = col.new_note(basic)
            note["Front"], note["Back"] = card(i)
            requests.append(AddNoteRequest(note=note, deck_id=deck))
        col.add_notes(requests)
        if package is not None:
            from ankigen.collection.target import import_package

            import_package(col, package)
    finally:
        col.close()

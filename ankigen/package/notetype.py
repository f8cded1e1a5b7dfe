"""The note type: fields, card templates and CSS, with ids fixed by the deck id.

Anki's importer matches note types by id, and fields and templates by their own
``id``, so fixed ids make a renamed field or template the same one to Anki.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass
from pathlib import Path

from ..render.cards import NOTE_FIELDS
from ..source.model import DEFAULT_LABELS, Deck

TEMPLATES = Path(__file__).parent / "templates"


def stable_id(*parts: str) -> int:
    """A fixed id in genanki's recommended range [2**30, 2**31), derived from names."""
    digest = hashlib.sha256("\x1f".join(("ankigen", *parts)).encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


@dataclass(frozen=True)
class NoteType:
    name: str
    fields: tuple[dict, ...]
    templates: tuple[dict, ...]
    css: str
    kind: str = "basic"

    @property
    def schema(self) -> dict[str, list[list]]:
        """What Anki's importer compares to decide whether a note type changed shape:
        its fields and templates, by name and id, in order (rslib, equal_schema)."""
        return {
            "fields": [[f["name"], f["id"]] for f in self.fields],
            "templates": [[t["name"], t["id"]] for t in self.templates],
        }

    @property
    def content_hash(self) -> str:
        data = json.dumps([self.name, self.fields, self.templates, self.css], sort_keys=True)
        return hashlib.sha256(data.encode()).hexdigest()

    @property
    def is_cloze(self) -> bool:
        return self.kind == "cloze"

    @property
    def required(self) -> list[list]:
        """Schema 11's ``req``: the fields each template's front needs, as genanki works
        them out from the fronts (a test does it again); the fronts are the same for
        every deck."""
        return [[template, how, list(fields)] for template, how, fields in _REQUIRED[self.kind]]


_REQUIRED = {
    "basic": ((0, "all", (0,)),),
    "cloze": ((0, "all", (2,)),),
    "reversed": ((0, "any", (0, 2)), (1, "any", (1, 2))),
    "type-in": ((0, "any", (0, 3)),),
}


def note_type_id(deck: Deck, kind: str = "basic") -> int:
    """Fixed by the deck id and the kind; a basic note type keeps the id it always had."""
    return stable_id(deck.id, "notetype", *([kind] if kind != "basic" else []))


def note_type_name(deck: Deck, kind: str = "basic") -> str:
    return f"{deck.name} (ankigen)" if kind == "basic" else f"{deck.name} (ankigen {kind})"


def note_type(deck: Deck, kind: str = "basic") -> NoteType:
    """The note type of one kind of card: its own fields and templates, the same CSS."""

    def read(name: str) -> str:
        return (TEMPLATES / name).read_text(encoding="utf-8")

    boxes = read("boxes.html")
    for box in DEFAULT_LABELS:  # a deck's own titles, as text
        label = html.escape(deck.label(box)).replace("{", "&#123;").replace("}", "&#125;")
        boxes = boxes.replace(f"@@{box}@@", label)
    back = read("back.html") + boxes  # {{FrontSide}}, the answer, the boxes
    meta = read("meta.html")

    def prompt(field: str) -> str:
        return f'{meta}<div class="question">{{{{{field}}}}}</div>\n'

    templates = {
        "basic": [("Card", read("front.html"), back)],
        "cloze": [
            ("Cloze", meta + read("cloze-front.html"), meta + read("cloze-back.html") + boxes)
        ],
        "reversed": [
            ("Card 1", prompt("Question"), back),
            ("Card 2", prompt("Answer"), back.replace("{{Answer}}", "{{Question}}")),
        ],
        "type-in": [
            ("Card", meta + read("type-in-front.html"), meta + read("type-in-back.html") + boxes)
        ],
    }[kind]
    css = read("style.css") + "\n" + read("code.css")  # made by codestyle.py
    if kind != "basic":
        css += read("kinds.css")
    if deck.css:
        css += "\n/* The deck's own CSS */\n" + deck.css
    scope = (deck.id,) if kind == "basic" else (deck.id, kind)  # basic: the ids it always had
    return NoteType(
        name=note_type_name(deck, kind),
        fields=tuple({"name": n, "id": stable_id(*scope, "field", n)} for n in NOTE_FIELDS[kind]),
        templates=tuple(
            {
                "name": name,
                "id": stable_id(*scope, "template", name.lower()),
                "qfmt": front,
                "afmt": back_side,
            }
            for name, front, back_side in templates
        ),
        css=css,
        kind=kind,
    )

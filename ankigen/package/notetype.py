"""The note type: fields, card templates and CSS, with ids fixed by the deck id.

Anki's importer matches note types by id, and fields and templates by their own
``id``, so fixed ids make a renamed field or template the same one to Anki.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from typing import ClassVar

from pygments.formatters import HtmlFormatter
from pygments.styles.gh_dark import GhDarkStyle
from pygments.token import Keyword, Name

from ..render.cards import FIELDS
from ..render.highlight import HIGHLIGHT_CLASS
from ..source.model import Deck

_CONSTANT = GhDarkStyle.styles[Keyword.Constant]  # github-dark's blue for True, None


class NightCodeStyle(GhDarkStyle):
    """Pygments' github-dark, plus a colour for the token types it leaves in the
    plain text colour although the light style colours them: builtins (Python's
    ``len``, ``self``; SQL's type names) and attributes, in github-dark's own blue
    for constants.  No installed dark style colours every token type that
    "default" colours with 4.5:1 contrast (tests/package/test_notetype.py)."""

    name = "ankigen-night"
    styles: ClassVar[dict] = {
        **GhDarkStyle.styles,
        Name.Builtin: _CONSTANT,
        Name.Attribute: _CONSTANT,
    }


CODE_STYLE, CODE_STYLE_NIGHT = "default", NightCodeStyle


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


def note_type(deck: Deck) -> NoteType:
    files = resources.files("ankigen.package") / "templates"
    code_css = "\n".join(
        (
            HtmlFormatter(style=CODE_STYLE).get_style_defs(f".{HIGHLIGHT_CLASS}"),
            HtmlFormatter(style=CODE_STYLE_NIGHT).get_style_defs(f".nightMode .{HIGHLIGHT_CLASS}"),
        )
    )
    return NoteType(
        name=f"{deck.name} (ankigen)",
        fields=tuple({"name": n, "id": stable_id(deck.id, "field", n)} for n in FIELDS),
        templates=(
            {
                "name": "Card",
                "id": stable_id(deck.id, "template", "card"),
                "qfmt": (files / "front.html").read_text(encoding="utf-8"),
                "afmt": (files / "back.html").read_text(encoding="utf-8"),
            },
        ),
        css=(files / "style.css").read_text(encoding="utf-8") + "\n" + code_css,
    )

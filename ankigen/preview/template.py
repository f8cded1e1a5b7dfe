"""Anki's card templates, filled in the way Anki fills them, for the preview.

The part of the language a note type of ours uses: ``{{Field}}``, the sections
``{{#Field}}…{{/Field}}`` (shown when the field is not empty) and
``{{^Field}}…{{/Field}}`` (shown when it is), ``{{FrontSide}}`` on the back, and the
filters ``{{cloze:Field}}`` (rslib cloze.rs) and ``{{type:Field}}``, which Anki's
renderer leaves as ``[[type:Field]]`` for the reviewer to replace with a text box.
Anything else (other filters such as ``{{text:Field}}``) is an error, not a guess.
"""

from __future__ import annotations

import re

from ..render.cloze import reveal

_TAG = re.compile(r"\{\{([#^/]?)\s*([^{}]*?)\s*\}\}")
# Anki's notion of an empty field (rslib template.rs): whitespace and <br>/<div> only.
_EMPTY = re.compile(r"^(?:\s|</?(?:br|div) ?/?>)*$", re.IGNORECASE | re.DOTALL)


class TemplateError(ValueError):
    pass


def field_is_empty(html: str) -> bool:
    return _EMPTY.match(html) is not None


def fill(
    template: str, fields: dict[str, str], front_side: str | None = None, card_ord: int = 0
) -> str:
    """The HTML of one side of card ``card_ord`` (0 for the first): ``template`` with
    ``fields`` put in; the question side without ``front_side``, the answer with it."""
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # open sections: (field, shown)
    position = 0
    for tag in _TAG.finditer(template):
        if all(shown for _, shown in stack):
            out.append(template[position : tag.start()])
        position = tag.end()
        kind, name = tag.groups()
        if kind == "/":
            if not stack or stack[-1][0] != name:
                raise TemplateError(f"{{{{/{name}}}}} closes no open section")
            stack.pop()
            continue
        filter_name, _, field = name.rpartition(":")
        if name == "FrontSide" and not kind:
            value = front_side or ""
        elif not kind and filter_name == "cloze" and field in fields:
            value = reveal(fields[field], card_ord + 1, question=front_side is None)
        elif not kind and filter_name == "type" and field in fields:
            value = f"[[type:{field}]]"
        elif name in fields:
            value = fields[name]
        else:
            raise TemplateError(f"unsupported template tag {tag.group(0)}")
        if kind == "#":
            stack.append((name, not field_is_empty(value)))
        elif kind == "^":
            stack.append((name, field_is_empty(value)))
        elif all(shown for _, shown in stack):
            out.append(value)
    if stack:
        raise TemplateError(f"section {{{{#{stack[-1][0]}}}}} is never closed")
    out.append(template[position:])
    return "".join(out)

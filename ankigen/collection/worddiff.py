"""A word-level diff of two HTML fields, as text a learner can read and copy from."""

from __future__ import annotations

import difflib
import html
import re
from html.parser import HTMLParser

CONTEXT = 4  # words kept around each change
_MARKUP = re.compile(r"<[^>]*>|[^<\s]+")  # a tag, or a word between tags


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(" ")
        if tag == "img":  # an image is content too: show its file name
            src = dict(attrs).get("src")
            if src:
                self.parts.append(f"[image {src}] ")

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(" ")


def words(field: str) -> list[str]:
    """The words of an HTML field, markup dropped."""
    parser = _Text()
    parser.feed(field)
    parser.close()
    return html.unescape("".join(parser.parts)).split()


def field_diff(old: str, new: str) -> str:
    """Two fields that differ, word by word; where their text is the same, their markup
    (a tag or an attribute, such as the category line of a basic note's Question), so
    that a difference is never shown as none."""
    diff = word_diff(old, new)
    if diff or old == new:
        return diff
    return "(markup only) " + _diff(_MARKUP.findall(old), _MARKUP.findall(new))


def word_diff(old: str, new: str) -> str:
    """``old`` -> ``new`` in git's word-diff style, ``[-removed-]{+added+}``, with a few
    words of context around each change and "…" where unchanged text is left out."""
    return _diff(words(old), words(new))


def _diff(a: list[str], b: list[str]) -> str:
    out: list[str] = []
    opcodes = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    if all(tag == "equal" for tag, *_ in opcodes):
        return ""
    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag != "equal":
            out += [f"[-{' '.join(a[i1:i2])}-]"] * (i2 > i1) + [f"{{+{' '.join(b[j1:j2])}+}}"] * (
                j2 > j1
            )
            continue
        same = a[i1:i2]
        head = same[:CONTEXT] if n > 0 else []
        tail = same[-CONTEXT:] if n < len(opcodes) - 1 else []
        if len(same) <= len(head) + len(tail):
            out += same
        else:
            out += [*head, "…", *tail]
    return " ".join(out)

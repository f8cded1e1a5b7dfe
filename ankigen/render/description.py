"""The deck description as Anki's deck overview shows it.

The overview keeps the description's newlines (``white-space: pre-wrap``), and so
does its Markdown mode, so the HTML that goes into the deck has none outside <pre>:
a soft line break becomes a space, and blocks follow each other directly."""

from __future__ import annotations

import re

_BLOCK = r"</?(?:p|ul|ol|li|dl|dt|dd|div|table|thead|tbody|tr|th|td|h[1-6]|blockquote|hr)\b[^>]*>"
_PRE = re.compile(r"(<pre\b.*?</pre>)", re.DOTALL | re.IGNORECASE)
_AROUND_BLOCK = re.compile(rf"\s*\n\s*({_BLOCK})|({_BLOCK})\s*\n\s*", re.IGNORECASE)
_NEWLINE = re.compile(r"[ \t]*\n\s*")


def without_newlines(html: str) -> str:
    parts = _PRE.split(html)
    for i in range(0, len(parts), 2):  # the odd parts are <pre> blocks, kept as they are
        joined = _AROUND_BLOCK.sub(lambda m: m[1] or m[2], parts[i])
        parts[i] = _NEWLINE.sub(" ", joined)
    return "".join(parts)

"""The notes' content as the preview page carries it: inert JSON data blocks.

A card side parsed by the page's HTML parser costs far more than the same bytes
of text: 20,000 sides as declarative shadow roots (or as ``<template>``s) take
the parser many seconds, while a ``<script type="application/json">`` is text
that it only scans for its end tag. page.js parses a block when a note of it
nears the viewport, and puts each side's HTML into that side's own shadow root,
never into the page's document. A data block runs nothing, and the
Content-Security-Policy does not let it: it is no script of the page.

The JSON is made safe to sit inside ``<script>``: the text of a block can end it
only with ``</`` and can change how the parser reads it only with ``<!``, and
neither occurs, since each such ``<`` is written ``\\u003c`` (which JSON reads
back as ``<``). Every other character stays, so a block is about the size of
the HTML it holds.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

NOTES_PER_BLOCK = 100  # a block is parsed whole; this keeps each a few hundred KB


def card_data(records: Sequence[object]) -> str:
    """The data blocks of ``records``, one per note in page order, in blocks of
    ``NOTES_PER_BLOCK``: each block says how many notes it holds."""
    return "".join(
        f'<script type="application/json" class="cards" data-notes="{len(chunk)}">'
        f"{script_safe_json(chunk)}</script>\n"
        for chunk in (
            records[start : start + NOTES_PER_BLOCK]
            for start in range(0, len(records), NOTES_PER_BLOCK)
        )
    )


def script_safe_json(value: object) -> str:
    """``value`` as JSON that HTML's parser reads as plain script text to the end."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "\\u003c/").replace("<!", "\\u003c!")

"""Rendering: Markdown fields to the HTML Anki shows, with their media."""

from .cards import (
    FIELDS,
    NOTE_FIELDS,
    RenderedCard,
    RenderedSet,
    render_card_set,
    render_with_problems,
)
from .media import Media

__all__ = [
    "FIELDS",
    "NOTE_FIELDS",
    "Media",
    "RenderedCard",
    "RenderedSet",
    "render_card_set",
    "render_with_problems",
]

"""The note type's code colours: night mode colours what day mode colours, legibly."""

from __future__ import annotations

import re

from pygments.style import StyleMeta
from pygments.styles import get_style_by_name
from pygments.token import STANDARD_TYPES, Text

from ankigen.package.codestyle import CODE_STYLE, CODE_STYLE_NIGHT, code_css
from ankigen.package.notetype import TEMPLATES, note_type
from ankigen.source.validate import load_card_set

from ..conftest import SHIPPED_CARDS

MIN_CONTRAST = 4.5  # WCAG AA for text


def _style(style: str | StyleMeta) -> StyleMeta:
    return get_style_by_name(style) if isinstance(style, str) else style


def _luminance(color: str) -> float:
    channels = [int(color[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a.lstrip("#")), _luminance(b.lstrip("#"))), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _coloured(style: StyleMeta) -> dict:
    """Token type -> (colour, background) for every type shown in a colour of its own.

    Inheritance is resolved by ``style_for_token``; a type in the plain text colour
    counts as uncoloured.  Whitespace is left out: it has no glyphs to colour."""
    plain = style.style_for_token(Text)["color"]
    found = {}
    for ttype in STANDARD_TYPES:
        token = style.style_for_token(ttype)
        if ttype is not Text.Whitespace and token["color"] and token["color"] != plain:
            found[ttype] = (token["color"], token["bgcolor"] or style.background_color)
    return found


def test_night_code_colours_every_token_type_the_day_style_colours() -> None:
    day, night = _coloured(_style(CODE_STYLE)), _coloured(_style(CODE_STYLE_NIGHT))
    assert len(day) > 50
    assert sorted(map(str, set(day) - set(night))) == []


def test_night_code_colours_contrast_with_their_background() -> None:
    night = _style(CODE_STYLE_NIGHT)
    plain = night.style_for_token(Text)["color"]
    assert _contrast(plain, night.background_color) >= MIN_CONTRAST
    for ttype, (color, background) in _coloured(night).items():
        assert _contrast(color, background) >= MIN_CONTRAST, (str(ttype), color, background)


def test_note_type_css_gives_night_code_its_background_and_every_colour() -> None:
    night = _style(CODE_STYLE_NIGHT)
    css = note_type(load_card_set(SHIPPED_CARDS).deck).css
    match = re.search(r"^\.nightMode \.highlight \{ background: (#[0-9a-fA-F]{6})", css, re.M)
    assert match and match.group(1).lower() == night.background_color.lower()
    # No day colour shows through in night mode: each coloured class is recoloured.
    day_classes = set(re.findall(r"^\.highlight (\.\w+) \{[^}]*color:", css, re.M))
    night_classes = set(re.findall(r"^\.nightMode \.highlight (\.\w+) \{[^}]*color:", css, re.M))
    assert len(day_classes) > 50
    assert day_classes <= night_classes


def test_the_code_css_is_what_pygments_makes_of_the_styles() -> None:
    """If this fails after a Pygments upgrade: python -m ankigen.package.codestyle >
    ankigen/package/templates/code.css"""
    assert (TEMPLATES / "code.css").read_text(encoding="utf-8") == code_css()
    assert code_css() in note_type(load_card_set(SHIPPED_CARDS).deck).css

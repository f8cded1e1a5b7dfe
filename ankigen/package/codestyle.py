"""The colours of highlighted code, by day and by night.

The note type's CSS for code (templates/code.css) is made from them, once:
``python -m ankigen.package.codestyle > ankigen/package/templates/code.css``, and a
test checks that the file is what Pygments makes of them. Reading the file keeps
Pygments out of a build that renders nothing new, and the note type the same
whichever Pygments a build runs with.
"""

from __future__ import annotations

from typing import ClassVar

from pygments.formatters import HtmlFormatter
from pygments.styles.gh_dark import GhDarkStyle
from pygments.token import Keyword, Name

from ..render.highlight import HIGHLIGHT_CLASS

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


def code_css() -> str:
    return "\n".join(
        (
            HtmlFormatter(style=CODE_STYLE).get_style_defs(f".{HIGHLIGHT_CLASS}"),
            HtmlFormatter(style=CODE_STYLE_NIGHT).get_style_defs(f".nightMode .{HIGHLIGHT_CLASS}"),
        )
    )


if __name__ == "__main__":
    print(code_css(), end="")

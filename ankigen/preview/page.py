"""A static HTML preview of every card, made from what goes into the .apkg.

The card sides are the note type's templates filled with the rendered fields
(template.py, checked against Anki's own renderer), styled by the note type's
CSS alone: each side lives in a shadow root, the way Anki gives a card its own
document, so the page's styles and the card's never mix, and the page's
Content-Security-Policy lets no card run a script or load anything from
elsewhere. Only math and sound differ: Anki typesets ``\\( … \\)`` with MathJax,
the preview converts it to MathML, so that it needs no network; and where Anki
shows a play button for ``[sound:…]``, the preview shows the browser's player.

The page holds every note as an empty ``article.note`` carrying what the filter
reads, and the notes' sides as inert data (cards.py): page.js renders a note as
it nears the viewport, so that a page of 10,000 cards opens at once.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..atomic import replace_directory
from ..check import Checked, check
from ..errors import CardSetError, Problem, warning
from ..package.lock import now_from_environment
from ..package.notetype import NoteType, note_type
from ..package.output import inside_card_set
from ..package.stamps import day, restamp
from ..render import RenderedCard, RenderedSet
from ..render.tex import to_mathml as tex_to_mathml
from ..source.format import KINDS
from ..source.model import CardSet
from .cards import card_data
from .template import fill

PREVIEW_DIR = Path("dist") / "preview"
MARKER = ".ankigen-preview"
_MARKER_NOTE = (
    "Written by `ankigen preview`, which replaces this directory on every run as long as it "
    "holds only these files:"
)
# Code is left alone; then Anki's MathJax delimiters.
_MATH = re.compile(
    r"(?P<code><pre\b.*?</pre>|<code\b.*?</code>)|\\\((?P<inline>.+?)\\\)|\\\[(?P<block>.+?)\\\]",
    re.DOTALL,
)
_TAGS = re.compile(r"<[^>]*>")
_TYPE_ANSWER = re.compile(r"\[\[type:(.+?)\]\]")
_FIELD_FONT, _FIELD_SIZE = "Liberation Sans", 20  # genanki's defaults for every field
# MathML stands in for MathJax here; wide formulas scroll sideways, as MathJax's do, and
# never up and down (MathML's text overflows its box by a few pixels, without ink).
_MATH_CSS = "math[display=block]{display:block;overflow-x:auto;overflow-y:hidden;max-width:100%}"
_SOUND = re.compile(r"\[sound:([^\]]+)\]")
# What the page may load: its own files and script, nothing from elsewhere, and no
# script of any card (a field is sanitized already; this holds even if one were not).
_POLICY = (
    "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'self' "
    "'unsafe-inline'; script-src '{script}'; base-uri 'none'; form-action 'none'"
)


@dataclass
class PreviewReport:
    card_set: CardSet
    index: Path
    warnings: list[Problem] = field(default_factory=list)
    anki_cards: int = 0  # the cards Anki makes of the notes


def preview(root: Path, output: Path | None = None, cache: bool = True) -> PreviewReport:
    """Write the preview of the card set at ``root`` into ``output`` (replacing it whole)."""
    checked = check(root, cache)
    card_set, rendered = checked.card_set, checked.rendered
    output = output or PREVIEW_DIR
    if refused := inside_card_set(output, root, "preview", PREVIEW_DIR):
        raise CardSetError([Problem(output, None, refused), *checked.warnings])
    anki_cards = sum(len(r.ords) for r in rendered.cards)
    report = PreviewReport(card_set, output / "index.html", checked.warnings, anki_cards)
    kinds = sorted({c.kind for c in card_set.cards} | {"basic"}, key=KINDS.index)
    notetypes = {kind: note_type(card_set.deck, kind) for kind in kinds}
    changed = _changed_days(checked)
    page = _page(card_set, rendered, notetypes, report.warnings, changed)
    files: dict[str, bytes | Path] = {
        "index.html": page.encode(),
        **{_css_name(kind): notetypes[kind].css.encode() for kind in kinds},
    }
    files.update({m.name: m.source for m in rendered.media})
    replace_directory(output, files, MARKER, _MARKER_NOTE)
    return report


def to_mathml(text: str) -> tuple[str, list[str]]:
    """``text`` (HTML) with its TeX math as MathML; and the TeX that would not convert."""
    failed: list[str] = []

    def replace(match: re.Match[str]) -> str:
        if match["code"] is not None:
            return match[0]
        display = "inline" if match["inline"] is not None else "block"
        tex = html.unescape(match["inline"] if display == "inline" else match["block"])
        mathml = tex_to_mathml(tex, display)
        if mathml is None:  # the TeX then shows as written
            failed.append(tex)
            return f'<code class="tex">{match[0]}</code>'
        return mathml

    return _MATH.sub(replace, text), failed


def _css_name(kind: str) -> str:
    return "card.css" if kind == "basic" else f"card-{kind}.css"


def _changed_days(checked: Checked) -> dict[str, str]:
    """The day each card last changed, as the package's ``<tag_root>::changed::<day>``
    tag says: from the lock, and today for a card changed since the last build."""
    now = now_from_environment() or int(time.time())
    stamping = restamp(checked.lock, checked.rendered.cards, now)
    return {card_id: day(stamp.mtime) for card_id, stamp in stamping.cards.items()}


def _page(
    card_set: CardSet,
    rendered: RenderedSet,
    notetypes: dict[str, NoteType],
    warnings: list[Problem],
    changed: dict[str, str] | None = None,
) -> str:
    deck = card_set.deck
    changed = changed or {}
    assets = resources.files("ankigen.preview") / "assets"
    latest = max(changed.values(), default="")
    by_category: dict[str, list[tuple[str, dict[str, object]]]] = {
        c.id: [] for c in deck.categories
    }
    for card in rendered.cards:
        when = changed.get(card.card.id, "")
        notetype = notetypes[card.card.kind]
        by_category[card.card.category].append(
            _note(card_set, card, notetype, warnings, when, bool(when) and when == latest)
        )
    # the sides in the notes' order on the page: deck order, then card order
    records = [record for c in deck.categories for _, record in by_category[c.id]]
    in_latest = sum(1 for d in changed.values() if d == latest)
    anki_cards = dict.fromkeys(by_category, 0)  # what the page counts: Anki's cards
    for card in rendered.cards:
        anki_cards[card.card.category] += len(card.ords)
    links = "".join(
        f'<a href="#deck-{c.id}">{html.escape(c.name)} '
        f'<span class="count">{anki_cards[c.id]}</span></a>'
        for c in deck.categories
    )
    sections = "".join(
        f'<section class="subdeck" id="deck-{c.id}"><h2>{html.escape(deck.name)}::'
        f"{html.escape(deck.subdeck(c))}</h2>{''.join(n for n, _ in by_category[c.id])}</section>"
        for c in deck.categories
    )
    description, _ = to_mathml(rendered.description)
    script = (assets / "page.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = _POLICY.format(script=f"sha256-{digest}")
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(deck.name)}: preview</title>
<link rel="icon" href="data:,">
<style>{(assets / "page.css").read_text(encoding="utf-8")}</style>
</head>
<body>
<header class="top">
<h1>{html.escape(deck.name)}</h1>
<div class="controls">
<input type="search" id="filter" aria-label="Filter"
 placeholder="Filter: words, tag:, level:, id:, type:, or, ( ) (as in Anki's search)">
<button type="button" id="corrected" aria-pressed="false">With a correction</button>
<button type="button" id="changed" aria-pressed="false">Changed {latest} ({in_latest})</button>
<button type="button" id="night" aria-pressed="false">Night mode</button>
<button type="button" id="phone" aria-pressed="false">Phone width</button>
<span class="shown" id="shown"></span>
</div>
<nav class="subdecks">{links}</nav>
<noscript><p class="noscript">This preview needs JavaScript: it renders each card as it
scrolls into view.</p><style>section.subdeck {{ display: none }}</style></noscript>
</header>
<main>
<div class="description">{description}</div>
{sections}
</main>
{card_data(records)}
<script>{script}</script>
</body>
</html>
"""


def _player(match: re.Match[str]) -> str:
    """What Anki shows as a play button for ``[sound:…]``: here, the browser's player."""
    name = html.escape(html.unescape(match[1]))
    return f'<audio class="sound" controls preload="none" src="{name}"></audio>'


def _note(
    card_set: CardSet,
    rendered: RenderedCard,
    notetype: NoteType,
    warnings: list[Problem],
    changed: str = "",
    latest: bool = False,
) -> tuple[str, dict[str, object]]:
    """The note's ``article``, empty, with what the filter reads; and what page.js
    renders into it."""
    card = rendered.card
    category = card_set.category(card.category).name
    day_tag = (f"{card_set.deck.tag_root}::changed::{changed}",) if changed else ()
    tags_shown = (*rendered.tags, *day_tag)
    fields: dict[str, str] = {}
    for name, value in rendered.field_map().items():
        value = _SOUND.sub(_player, value)
        if name == "Text":  # the cloze filter reads the TeX: converted after filling
            fields[name], failed = value, to_mathml(value)[1]
        else:
            fields[name], failed = to_mathml(value)
        line = card.lines.get(name.lower(), card.line)
        warnings += [
            warning(
                card.path, line, f"card '{card.id}': the preview cannot typeset the math '{tex}'"
            )
            for tex in failed
        ]
    # Anki's special field: the name of the card's subdeck, as the package names it
    fields["Subdeck"] = card_set.deck.subdeck(card_set.category(card.category))
    sides: list[list[str]] = []  # [caption, the shadow root's HTML]
    for position, ord_ in enumerate(rendered.ords):
        template = notetype.templates[0 if notetype.is_cloze else ord_]
        front = fill(template["qfmt"], fields, None, ord_)
        back = fill(template["afmt"], fields, front, ord_)
        if len(rendered.ords) == 1:
            which = ""
        else:
            which = f"c{ord_ + 1} " if notetype.is_cloze else f"Card {position + 1} "
        for name, side in ((f"{which}Front", front), (f"{which}Back", back)):
            side = _type_in(side, fields, name.endswith("Front"))
            if notetype.is_cloze:
                side = to_mathml(side)[0]
            sides.append(
                [
                    name,
                    f'<link rel="stylesheet" href="{_css_name(card.kind)}">'
                    f'<style>{_MATH_CSS}</style><div class="card">{side}</div>',
                ]
            )
    corrected = bool(card.correction.strip())
    words = [card.id, category, card.level, *tags_shown]
    words += [card.question, card.answer, card.text, card.extra]
    search = html.unescape(_TAGS.sub(" ", " ".join(words))).lower()
    data = {"search": search, "id": card.id, "type": card.kind, "level": card.level}
    data["cards"] = str(len(rendered.ords))
    data["tags"] = " ".join(tags_shown).lower()
    attributes = "".join(f' data-{k}="{html.escape(v)}"' for k, v in data.items())
    meta = " · ".join(
        filter(None, [category, card.level, "" if card.kind == "basic" else card.kind])
    )
    classes = "note" + " corrected" * corrected + " changed" * latest
    # The note as page.js renders it (its meta line, then its sides), kept as data
    record: dict[str, object] = {"meta": meta, "tags": list(tags_shown), "sides": sides}
    if latest:
        record["changed"] = changed
    return f'<article class="{classes}" id="card-{card.id}"{attributes}></article>', record


def _type_in(side: str, fields: dict[str, str], question: bool) -> str:
    """What Anki's reviewer puts for ``[[type:Field]]`` (aqt/reviewer.py): a text box on
    the front; on the back, the expected answer as compare_answer shows it when nothing
    was typed, after the answer line."""
    match = _TYPE_ANSWER.search(side)
    if match is None:
        return side
    style = f"font-family: '{_FIELD_FONT}'; font-size: {_FIELD_SIZE}px"
    if question:
        box = f'\n<center>\n<input type=text id=typeans\n   style="{style};">\n</center>\n'
        return _TYPE_ANSWER.sub(lambda _: box, side)
    had_line = "<hr id=answer>" in side
    side = side.replace("<hr id=answer>", "")
    expected = html.unescape(_TAGS.sub("", re.sub(r"\n|<br\s?/?>|</?div>", " ", fields[match[1]])))
    shown = f'\n<div style="{style}"><code id=typeans>{html.escape(expected.strip())}</code></div>'
    return _TYPE_ANSWER.sub(lambda _: "<hr id=answer>" * had_line + shown, side)

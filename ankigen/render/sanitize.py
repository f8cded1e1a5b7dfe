"""Card HTML, allowlisted. nh3 (the Rust ammonia sanitizer) makes every field, and each
thing it removes is named in a problem: no card changes without a word.

nh3 cannot say what it removed, so when its output differs from its input the
input is parsed as a browser parses it (justhtml, a WHATWG-conformant parser,
the algorithm ammonia's html5ever implements) and checked against the same
allowlist; a removal that the allowlist cannot explain is still reported.
"""

from __future__ import annotations

import html as html_text
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import nh3

from .media import Media

TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "q", "rb", "rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
    "wbr", "audio", "video", "source",
})  # fmt: skip
GLOBAL_ATTRIBUTES = frozenset({"class", "title", "lang", "dir", "style"})
ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "audio": {"src", "controls", "loop", "muted", "preload", "autoplay"},
    "video": {"src", "controls", "loop", "muted", "preload", "autoplay", "width", "height"},
    "source": {"src", "type"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope", "abbr"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "details": {"open"},
}
LINK_SCHEMES = frozenset({"http", "https"})
# Inline styles may set these properties only, with plain values: no url(), no @import,
# no position or display, so a card can colour and align its own text and nothing more.
STYLE_PROPERTIES = frozenset({
    "color", "background-color", "font-weight", "font-style", "font-size", "text-align",
    "text-decoration", "vertical-align", "white-space", "width", "height", "max-width",
})  # fmt: skip
MEDIA_ELEMENTS = {"img": "image", "audio": "audio", "video": "video", "source": "media"}

# nh3 treats these as URLs (ammonia's is_url_attr): it checks their scheme itself.
_URL_ATTRIBUTES = {"href", "src"}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_URL_NOISE = re.compile(r"[\t\n\r]|^[\x00-\x20]+|[\x00-\x20]+$")
_PLAIN_VALUE = re.compile(r"(?:[-\w#%.,!\s]|(?:rgba?|hsla?)\([\d\s.,%/]*\))+")
# Any attribute the filter below decides: a text without one of these names needs no filter.
_FILTERED = re.compile("src|href|style|dir", re.IGNORECASE)
_HINTS = {
    "style": ": use a style= attribute with the allowed properties",
    "svg": ": save it as a file and use <img src=…svg>",
    "math": r": write TeX between \( and \) for MathJax",
    "iframe": ": a card cannot embed other pages",
    "object": ": a card cannot embed other content",
    "embed": ": a card cannot embed other content",
}
_ATTRIBUTE_HINTS = {
    "poster": " (Anki's Check Media does not count it as a use, and would delete the file)",
    "srcset": ": use src=, with a file in the card set",
    "id": ": ids would clash with the ones of Anki's own page",
}

# Resolves a local media reference (src, kind): (packaged file, "") or (None, why not).
MediaResolver = Callable[[str, str], tuple[Media | None, str]]
NIGHT_CLASSES = ("ankigen-day", "ankigen-night")  # the note type's CSS shows one of the two
# An <img> tag as html5ever writes it: attributes in double quotes, which values never hold.
_IMG = re.compile(r'<img(?: [^\s="/>]+(?:="[^"]*")?)*>')
_SRC = re.compile(r' src="([^"]*)"')
_CLASS = re.compile(r' class="([^"]*)"')


@dataclass
class Sanitized:
    html: str
    problems: list[str]
    media: int  # local media references met (a text with any is not cacheable)


class Sanitizer:
    """One configured nh3 cleaner for a whole build; ``media`` packages local files."""

    def __init__(self, media: MediaResolver) -> None:
        self._media = media
        options = dict(
            tags=set(TAGS),
            clean_content_tags={"script", "style"},
            attributes={"*": set(GLOBAL_ATTRIBUTES), **ATTRIBUTES},
            link_rel=None,
            url_schemes=set(LINK_SCHEMES),
            strip_comments=True,
        )
        self._plain = nh3.Cleaner(**options)
        self._filtered = nh3.Cleaner(**options, attribute_filter=self._attribute)
        self._refused: list[tuple[str, str, str]] = []  # (tag, attribute, message)
        self._media_seen = 0
        self._nights: dict[str, str] = {}  # packaged image -> its night variant

    def clean(self, html: str) -> Sanitized:
        self._refused, self._media_seen, self._nights = [], 0, {}
        filtered = _FILTERED.search(html) is not None
        clean = (self._filtered if filtered else self._plain).clean(html)
        problems = [message for _, _, message in self._refused]
        if clean != html and (not filtered or self._plain.clean(html) != html):
            problems += explain(html, clean, Counter((t, a) for t, a, _ in self._refused))
        if self._nights:
            clean = self._plain.clean(_with_night_variants(clean, self._nights))
        return Sanitized(clean, list(dict.fromkeys(problems)), self._media_seen)

    def _attribute(self, tag: str, name: str, value: str) -> str | None:
        """nh3's callback for every attribute it kept: our own rules, and media packaging."""
        try:
            refusal, value = self._decide(tag, name, value)
        except Exception as exc:  # nh3 would drop the attribute without a word
            refusal = f"attribute '{name}' on <{tag}> could not be checked ({exc})"
        if refusal:
            self._refused.append((tag, name, refusal))
            return None
        return value

    def _decide(self, tag: str, name: str, value: str) -> tuple[str, str]:
        if name == "href":
            if not _SCHEME.match(_URL_NOISE.sub("", value)):
                return f"link '{value}' must be an http:// or https:// URL", value
        elif name == "src" and tag in MEDIA_ELEMENTS:
            what = MEDIA_ELEMENTS[tag]
            if _SCHEME.match(_URL_NOISE.sub("", value)):
                return (
                    f"remote {what} '{value}' is not allowed: cards must work offline, "
                    "so put the file in the card set",
                    value,
                )
            self._media_seen += 1
            packaged, why = self._media(value, what)
            if packaged is None:
                return why, value
            if packaged.night is not None and tag == "img":
                self._nights[packaged.name] = packaged.night.name
            return "", packaged.name
        elif name == "style":
            return style_refusal(value), value
        elif name == "dir" and value.strip().lower() not in ("ltr", "rtl", "auto"):
            return f"dir='{value}' must be ltr, rtl or auto", value
        return "", value


def _with_night_variants(html: str, nights: dict[str, str]) -> str:
    """Each <img> of an image with a night variant, twice: the day one and the night one,
    told apart by class; both stay in the field, so Anki's Check Media keeps both files."""

    def double(match: re.Match[str]) -> str:
        tag = match[0]
        src = _SRC.search(tag)
        night = nights.get(html_text.unescape(src[1])) if src else None
        if src is None or night is None:
            return tag
        day, dark = (_add_class(tag, name) for name in NIGHT_CLASSES)
        return day + dark.replace(src[0], f' src="{html_text.escape(night)}"', 1)

    return _IMG.sub(double, html)


def _add_class(tag: str, name: str) -> str:
    if _CLASS.search(tag):
        return _CLASS.sub(lambda m: f' class="{m[1]} {name}"', tag, count=1)
    return f'{tag[:-1]} class="{name}">'


def style_refusal(style: str) -> str:
    """Why an inline style is refused, or "" when it sets only allowed properties."""
    for declaration in style.split(";"):
        if not declaration.strip():
            continue
        prop, colon, value = (part.strip() for part in declaration.partition(":"))
        prop = prop.lower()
        if not colon or not re.fullmatch(r"[-a-z]+", prop):
            return f"style '{declaration.strip()}' is not a plain property: value"
        if prop not in STYLE_PROPERTIES:
            return f"style property '{prop}' is not allowed (allowed: {_listed(STYLE_PROPERTIES)})"
        if not _PLAIN_VALUE.fullmatch(value):
            return f"style value '{value}' of '{prop}' is not allowed: no url(), escapes or quotes"
    return ""


def _listed(names: frozenset[str]) -> str:
    return ", ".join(sorted(names))


# --- naming what nh3 removed --------------------------------------------------


@dataclass(frozen=True)
class Element:
    namespace: str  # "html", "svg" or "math"
    name: str
    attributes: tuple[tuple[str, str], ...]
    foreign: bool  # inside <svg> or <math>, which go whole


def elements(html: str) -> Iterator[Element]:
    """Every element of ``html`` parsed as a fragment inside a <div>, as browsers and
    ammonia parse it; template contents are inert, and skipped."""
    from justhtml import JustHTML
    from justhtml.parser.context import FragmentContext

    root = JustHTML(html, fragment=True, sanitize=False, fragment_context=FragmentContext("div"))
    stack = [(child, False) for child in reversed(root.root.children or [])]
    while stack:
        node, foreign = stack.pop()
        namespace = getattr(node, "namespace", None)
        if namespace is None:  # text, comment
            continue
        attrs = tuple((str(k), "" if v is None else str(v)) for k, v in node.attrs.items())
        yield Element(namespace, node.name, attrs, foreign)
        inside = foreign or namespace != "html"
        stack += [(child, inside) for child in reversed(node.children or [])]


def refusal(element: Element) -> str:
    """Why the allowlist removes this element whole, or ""."""
    if element.namespace != "html" or element.name not in TAGS:
        return f"<{element.name}> is not allowed in a card{_HINTS.get(element.name, '')}"
    return ""


def attribute_refusal(tag: str, name: str, value: str) -> str:
    """Why the allowlist removes this attribute of an allowed element, or ""."""
    if name not in GLOBAL_ATTRIBUTES and name not in ATTRIBUTES.get(tag, ()):
        if name.startswith("on"):
            return f"event handler '{name}=' is not allowed in a card"
        return f"attribute '{name}' is not allowed on <{tag}>{_ATTRIBUTE_HINTS.get(name, '')}"
    if name in _URL_ATTRIBUTES:
        scheme = _SCHEME.match(_URL_NOISE.sub("", value))
        if scheme and scheme[1].lower() not in LINK_SCHEMES:
            return f"a '{scheme[1].lower()}:' URL is not allowed in a card ({name}= on <{tag}>)"
    return ""


def explain(html: str, clean: str, refused: Counter[tuple[str, str]]) -> list[str]:
    """A problem for everything ``clean`` lacks of ``html``; ``refused`` counts the
    attributes already reported, by (tag, attribute)."""
    before, after = list(elements(html)), list(elements(clean))
    problems: list[str] = []
    removed_tags: Counter[str] = Counter(e.name for e in before)
    removed_tags -= Counter(e.name for e in after)
    lost: Counter[tuple[str, str]] = Counter()  # attributes of kept elements, by (tag, name)
    for element in before:
        why = refusal(element)
        if element.foreign or why:
            removed_tags[element.name] -= 1
            if why and not element.foreign:
                problems.append(why)
            continue
        for name, value in element.attributes:
            lost[(element.name, name)] += 1
            if why := attribute_refusal(element.name, name, value):
                problems.append(why)
                refused[(element.name, name)] += 1
    lost -= Counter((e.name, name) for e in after for name, _ in e.attributes)
    lost -= refused
    problems += [f"<{tag}> was removed by the HTML sanitizer" for tag in +removed_tags]
    problems += [
        f"attribute '{name}' on <{tag}> was removed by the HTML sanitizer" for tag, name in +lost
    ]
    return problems

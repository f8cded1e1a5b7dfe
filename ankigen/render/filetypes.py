"""What kind of media a file is, by its name and by its first bytes: a card may show
images and play audio or video, and a PDF or a text file named .png is neither.

The formats are the ones Anki's web view shows or plays; a handful of signatures
tell them apart, so no library is needed."""

from __future__ import annotations

import re

IMAGE, AUDIO, VIDEO = "image", "audio", "video"

EXTENSIONS = {
    **dict.fromkeys((".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif", ".bmp"), IMAGE),
    **dict.fromkeys((".mp3", ".ogg", ".oga", ".opus", ".wav", ".m4a", ".aac", ".flac"), AUDIO),
    **dict.fromkeys((".mp4", ".webm", ".ogv", ".mov", ".m4v", ".mkv"), VIDEO),
}
_AV = frozenset({AUDIO, VIDEO})  # containers that hold either
_SVG = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>/]", re.S)


def sniff(head: bytes) -> tuple[str, frozenset[str]] | None:
    """(format, the kinds it can be) for a file starting with ``head``; None if unknown."""
    head = head.removeprefix(b"\xef\xbb\xbf")
    riff = head[8:12] if head[:4] == b"RIFF" else b""
    brand = head[8:12] if head[4:8] == b"ftyp" else b""
    for test, found in (
        (head.startswith(b"\x89PNG\r\n\x1a\n"), ("PNG", {IMAGE})),
        (head.startswith(b"\xff\xd8\xff"), ("JPEG", {IMAGE})),
        (head[:6] in (b"GIF87a", b"GIF89a"), ("GIF", {IMAGE})),
        (riff == b"WEBP", ("WebP", {IMAGE})),
        (head.startswith(b"BM"), ("BMP", {IMAGE})),
        (brand in (b"avif", b"avis"), ("AVIF", {IMAGE})),
        (_SVG.match(head) is not None, ("SVG", {IMAGE})),
        (riff == b"WAVE", ("WAV", {AUDIO})),
        (head.startswith(b"fLaC"), ("FLAC", {AUDIO})),
        (head.startswith(b"ID3"), ("MP3", {AUDIO})),
        (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0, ("MPEG audio", {AUDIO})),
        (head.startswith(b"OggS"), ("Ogg", _AV)),
        (bool(brand), ("MP4", _AV)),
        (head.startswith(b"\x1a\x45\xdf\xa3"), ("WebM/Matroska", _AV)),
    ):
        if test:
            return found[0], frozenset(found[1])
    return None


def media_problem(src: str, suffix: str, head: bytes, kinds: frozenset[str]) -> str:
    """Why a file named ``…suffix`` that starts with ``head`` cannot be used as one of
    ``kinds``, or "" when it can (the text follows the kind of reference: "image …")."""
    wanted = _a(" or ".join(sorted(kinds)) + " file")
    by_name = EXTENSIONS.get(suffix.lower())
    if by_name is None:
        return f"'{src}' is not {wanted}: its name ends in {suffix or 'no extension'}"
    if by_name not in kinds:
        return f"'{src}' is not {wanted}: its name says {_a(by_name)} file"
    found = sniff(head)
    if found is None or not found[1] & kinds:
        what = f"{found[0]} data" if found else _other(head)
        return f"'{src}' is not {wanted}: it is named {suffix}, but its content is {what}"
    return ""


def _other(head: bytes) -> str:
    """What a file that is no media is, as far as its first bytes tell."""
    for signature, what in (
        (b"%PDF-", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive (as are .docx, .xlsx and .pptx files)"),
        (b"\x1f\x8b", "gzip-compressed data"),
    ):
        if head.startswith(signature):
            return what
    text = head.removeprefix(b"\xef\xbb\xbf")
    for cut in range(4):  # the first bytes may end inside a character
        try:
            decoded = text[: len(text) - cut].decode("utf-8")
            break
        except UnicodeDecodeError:
            continue
    else:
        return "in no image, audio or video format"
    if decoded and all(c.isprintable() or c in "\t\r\n" for c in decoded):
        if re.match(r"\s*(<!doctype html|<html)", decoded, re.I):
            return "an HTML page"
        return "text"
    return "in no image, audio or video format"


def _a(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"

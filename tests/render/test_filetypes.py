import pytest
from hypothesis import given
from hypothesis import strategies as st

from ankigen.render.filetypes import AUDIO, IMAGE, VIDEO, media_problem, sniff


@pytest.mark.parametrize(
    ("head", "found"),
    [
        (b"\x89PNG\r\n\x1a\n\0\0", ("PNG", {IMAGE})),
        (b"\xff\xd8\xff\xe0\0\x10JFIF", ("JPEG", {IMAGE})),
        (b"GIF89a\x01\0", ("GIF", {IMAGE})),
        (b"RIFF\0\0\0\0WEBPVP8 ", ("WebP", {IMAGE})),
        (b"\0\0\0\x1cftypavif", ("AVIF", {IMAGE})),
        (b"BM6\0\0\0", ("BMP", {IMAGE})),
        (b'<?xml version="1.0"?>\n<!-- made by hand -->\n<svg xmlns="x">', ("SVG", {IMAGE})),
        (b"\xef\xbb\xbf<svg>", ("SVG", {IMAGE})),
        (b"RIFF\0\0\0\0WAVEfmt ", ("WAV", {AUDIO})),
        (b"fLaC\0\0\0\x22", ("FLAC", {AUDIO})),
        (b"ID3\x04\0", ("MP3", {AUDIO})),
        (b"\xff\xfb\x90\x64", ("MPEG audio", {AUDIO})),
        (b"OggS\0\x02", ("Ogg", {AUDIO, VIDEO})),
        (b"\0\0\0\x20ftypisom", ("MP4", {AUDIO, VIDEO})),
        (b"\x1a\x45\xdf\xa3\x9f", ("WebM/Matroska", {AUDIO, VIDEO})),
    ],
)
def test_sniff(head: bytes, found: tuple[str, set[str]]) -> None:
    assert sniff(head) == (found[0], frozenset(found[1]))


@pytest.mark.parametrize("head", [b"%PDF-1.7", b"hello", b"", b"<html><svg>", b"PK\x03\x04"])
def test_other_content_is_unknown(head: bytes) -> None:
    assert sniff(head) is None


def test_a_file_is_what_its_name_and_content_both_say() -> None:
    assert media_problem("a.PNG", ".PNG", b"\x89PNG\r\n\x1a\n", frozenset({IMAGE})) == ""
    assert media_problem("a.ogg", ".ogg", b"OggS", frozenset({AUDIO})) == ""
    assert media_problem("a", "", b"\x89PNG\r\n\x1a\n", frozenset({IMAGE})) == (
        "'a' is not an image file: its name ends in no extension"
    )


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3", "a PDF document"),
        (b"PK\x03\x04\x14\0", "a ZIP archive (as are .docx, .xlsx and .pptx files)"),
        (b"\x1f\x8b\x08\0", "gzip-compressed data"),
        (b"  <!DOCTYPE html>\n<html>", "an HTML page"),
        (b"name,value\r\na,1\n", "text"),
        ("caf\u00e9 ".encode() * 100 + "\u00e9".encode()[:1], "text"),  # cut inside a character
        (b"\0\x01\x02\x03", "in no image, audio or video format"),
        (b"", "in no image, audio or video format"),
    ],
)
def test_a_file_that_is_no_media_is_named_for_what_it_is(head: bytes, what: str) -> None:
    assert media_problem("x.png", ".png", head, frozenset({IMAGE})) == (
        f"'x.png' is not an image file: it is named .png, but its content is {what}"
    )


@given(st.binary(max_size=600))
def test_any_content_gets_a_verdict(head: bytes) -> None:
    problem, found = media_problem("x.png", ".png", head, frozenset({IMAGE})), sniff(head)
    assert (problem == "") == (found is not None and IMAGE in found[1])
    assert problem == "" or problem.startswith("'x.png' is not an image file: it is named .png")

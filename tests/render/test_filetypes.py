import pytest

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

import os
import re
from pathlib import Path

import pytest

from ankigen.errors import CardSetError
from ankigen.render import render_card_set, render_with_problems
from ankigen.source.validate import load_card_set

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
MP3 = b"ID3\x04\0\0\0\0\0\0" + b"\0" * 16
MP4 = b"\0\0\0\x18ftypmp42" + b"\0" * 16
SVG = b"<svg xmlns='http://www.w3.org/2000/svg'/>"


def card_set(write_cards, answer: str, **files: bytes) -> Path:
    """A card set whose card 'm' has ``answer`` (YAML single-quoted), with media ``files``."""
    answer = answer.replace("'", "''")
    root = write_cards(
        code=f"category: code\ncards:\n  - id: m\n    question: Q\n    answer: '{answer}'\n"
    )
    for name, data in files.items():
        path = root / "media" / name.replace("__", ".")
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    return root


def problems(root: Path) -> list[str]:
    with pytest.raises(CardSetError) as info:
        render_card_set(load_card_set(root))
    return [str(p).removeprefix(f"{root}/") for p in info.value.problems]


def answer(root: Path) -> str:
    return render_card_set(load_card_set(root)).cards[-1].fields[1]


def test_raw_html_media_of_every_kind_is_packaged(write_cards) -> None:
    root = card_set(
        write_cards,
        '<img src="media/x.png" width="100"> <audio controls src="media/a.mp3"></audio>'
        '<video controls><source src="media/v.mp4" type="video/mp4"></video> [sound:media/a.mp3]',
        x__png=PNG, a__mp3=MP3, v__mp4=MP4,
    )  # fmt: skip
    rendered = render_card_set(load_card_set(root))
    names = {m.source.name: m.name for m in rendered.media}
    assert sorted(names) == ["a.mp3", "v.mp4", "x.png"]
    assert all(re.fullmatch(r"test-deck-[av x]-[0-9a-f]{8}\.\w+", n) for n in names.values())
    html = rendered.cards[-1].fields[1]
    assert f'<img src="{names["x.png"]}" width="100">' in html
    assert f'<audio controls="" src="{names["a.mp3"]}"></audio>' in html
    assert f'<source src="{names["v.mp4"]}" type="video/mp4">' in html
    assert f"[sound:{names['a.mp3']}]" in html
    assert "media/" not in html


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ('<img src="media/none.png">', "image 'media/none.png' not found"),
        ('<audio src="../secret.mp3"></audio>', "audio '../secret.mp3' is outside the cards directory"),
        ('<video src="/etc/passwd"></video>', "video '/etc/passwd' must be a relative path to a file in the card set"),
        ('<img src="//example.org/x.png">', "image '//example.org/x.png' must be a relative path to a file in the card set"),
        ("[sound:media/none.mp3]", "sound 'media/none.mp3' not found"),
        ("[sound:../secret.mp3]", "sound '../secret.mp3' is outside the cards directory"),
        ("[sound:https://example.org/a.mp3]", "sound 'https://example.org/a.mp3' must be a relative path to a file in the card set"),
        ("`[sound:media/a.mp3]`", "[sound:media/a.mp3] stands inside code or HTML, where it cannot be packaged (Anki plays it wherever it is): write it in the text, or, to show the tag itself, break it with an empty element: <code>[<span></span>sound:media/a.mp3]</code>"),
        ('<img src="media/doc.pdf">', "image 'media/doc.pdf' is not an image file: its name ends in .pdf"),
        ('<img src="media/notes.txt">', "image 'media/notes.txt' is not an image file: its name ends in .txt"),
        ('<img src="media/a.mp3">', "image 'media/a.mp3' is not an image file: its name says an audio file"),
        ('<img src="media/fake.png">', "image 'media/fake.png' is not an image file: it is named .png, but its content is text"),
        ('<img src="media/mp3.png">', "image 'media/mp3.png' is not an image file: it is named .png, but its content is MP3 data"),
        ("[sound:media/x.png]", "sound 'media/x.png' is not an audio or video file: its name says an image file"),
        ('<audio src="media/v.mp4"></audio>', "audio 'media/v.mp4' is not an audio file: its name says a video file"),
    ],
)  # fmt: skip
def test_media_that_cannot_be_packaged_is_refused(write_cards, html: str, message: str) -> None:
    root = card_set(
        write_cards, html, x__png=PNG, a__mp3=MP3, v__mp4=MP4, doc__pdf=b"%PDF-1.7",
        notes__txt=b"hello", fake__png=b"hello", mp3__png=MP3,
    )  # fmt: skip
    (root.parent / "secret.mp3").write_bytes(MP3)
    assert problems(root) == [f"code.yaml:5: {message}"]


def test_a_sound_tag_shown_as_the_refusal_says_is_text_to_anki(write_cards) -> None:
    """The form the message above suggests: shown as [sound:…] in code, and no tag Anki's
    player would find (it looks for "[sound:" in the field's HTML)."""
    root = card_set(write_cards, "Play it with <code>[<span></span>sound:media/a.mp3]</code>.")
    rendered, found = render_with_problems(load_card_set(root))
    assert found == []
    html = rendered.cards[-1].fields[1]
    assert "<code>[<span></span>sound:media/a.mp3]</code>" in html
    assert "[sound:" not in html


def test_a_symlink_out_of_the_card_set_is_refused(write_cards, tmp_path) -> None:
    (tmp_path / "outside.png").write_bytes(PNG)
    root = card_set(write_cards, '<img src="media/link.png">', x__png=PNG)
    os.symlink(tmp_path / "outside.png", root / "media" / "link.png")
    assert problems(root) == ["code.yaml:5: image 'media/link.png' is outside the cards directory"]


@pytest.mark.parametrize("read", ["open", "read_bytes"])  # checked, then named
def test_a_file_that_cannot_be_read_is_a_problem(write_cards, monkeypatch, read: str) -> None:
    root = card_set(write_cards, '<img src="media/x.png">', x__png=PNG)
    real = getattr(Path, read)

    def refused(path: Path, *args: object, **kwargs: object) -> object:
        if path.name == "x.png":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(Path, read, refused)
    assert problems(root) == ["code.yaml:5: image 'media/x.png' cannot be read (Permission denied)"]


def test_a_night_variant_comes_along(write_cards) -> None:
    root = card_set(write_cards, "![a plot](media/p.svg)", p__svg=SVG, p__night__svg=SVG + b" ")
    rendered = render_card_set(load_card_set(root))
    names = {m.source.name: m.name for m in rendered.media}
    assert sorted(names) == ["p.night.svg", "p.svg"]
    assert rendered.cards[-1].fields[1] == (
        f'<p><img alt="a plot" src="{names["p.svg"]}" class="ankigen-day">'
        f'<img alt="a plot" src="{names["p.night.svg"]}" class="ankigen-night"></p>'
    )


def test_a_night_variant_of_a_raw_image_keeps_its_class(write_cards) -> None:
    root = card_set(
        write_cards, '<img class="wide" src="media/p.svg">', p__svg=SVG, p__night__svg=SVG
    )
    html = answer(root)
    assert html.count("<img") == 2
    assert 'class="wide ankigen-day"' in html and 'class="wide ankigen-night"' in html


def test_large_media_files_are_a_warning(write_cards, monkeypatch) -> None:
    monkeypatch.setattr("ankigen.render.markdown.SYNC_LIMIT", 10)
    root = card_set(write_cards, "[sound:media/a.mp3] [sound:media/a.mp3]", a__mp3=MP3)
    rendered, found = render_with_problems(load_card_set(root))
    assert [str(p).removeprefix(f"{root}/") for p in found] == [
        "code.yaml:5: warning: sound 'media/a.mp3' is 0 MiB: AnkiWeb does not sync media "
        "files over 0 MiB"
    ]
    assert len(rendered.media) == 1


def test_a_cached_text_warns_of_a_media_file_grown_too_large(write_cards, monkeypatch) -> None:
    from ankigen.render.cache import RenderCache

    root = card_set(write_cards, "[sound:media/a.mp3]", a__mp3=MP3)
    render_with_problems(load_card_set(root), RenderCache(root))
    monkeypatch.setattr("ankigen.render.markdown.SYNC_LIMIT", 10)
    cached = render_with_problems(load_card_set(root), RenderCache(root))
    assert cached == render_with_problems(load_card_set(root))
    assert "AnkiWeb does not sync" in str(cached[1])


def test_a_text_is_rendered_again_when_its_media_file_changes(write_cards) -> None:
    from ankigen.render.cache import RenderCache

    root = card_set(write_cards, "[sound:media/a.mp3]", a__mp3=MP3)
    cache = RenderCache(root)
    render_with_problems(load_card_set(root), cache)
    (root / "media" / "a.mp3").write_bytes(MP3 + b"changed")
    again, _ = render_with_problems(load_card_set(root), RenderCache(root))
    assert again.media[0].name in again.cards[-1].fields[1]


def test_a_long_name_is_cut_to_what_anki_keeps(write_cards) -> None:
    stem = "ü" * 100
    root = card_set(write_cards, f"![x](media/{stem}.png)", **{f"{stem}__png": PNG})
    (media,) = render_card_set(load_card_set(root)).media
    assert len(media.name.encode()) <= 120
    assert re.fullmatch(r"test-deck-ü+-[0-9a-f]{8}\.png", media.name)

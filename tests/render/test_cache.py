import sqlite3
from pathlib import Path

import pytest

from ankigen.build import build
from ankigen.cachefile import checksum
from ankigen.render import cache as cache_module
from ankigen.render import highlight, render_with_problems
from ankigen.render.cache import RenderCache
from ankigen.source.validate import load_card_set

from ..conftest import CODE, build_damaged

T0 = 1_700_000_000
IMAGE_CARD = CODE + "  - id: pic\n    question: '![a plot](plot.svg)'\n    answer: A plot.\n"


def render(root: Path, use_cache: bool = True):
    card_set = load_card_set(root)
    return render_with_problems(card_set, RenderCache(root) if use_cache else None)


def test_a_second_render_converts_nothing_and_gives_the_same_html(write_cards, conversions) -> None:
    root = write_cards()
    cold, _ = render(root, use_cache=False)
    first = len(conversions)
    assert first > 0
    render(root)  # fills the cache
    conversions.clear()
    warm, problems = render(root)
    assert conversions == [] and problems == []
    assert warm == cold


def test_only_the_edited_text_is_rendered_again(write_cards, conversions) -> None:
    root = write_cards()
    render(root)
    write_cards(code=CODE.replace("return x < 1", "return x > 1"))
    conversions.clear()
    rendered, _ = render(root)
    assert len(conversions) == 1 and "return x > 1" in conversions[0]
    assert "&gt;" in rendered.cards[-1].fields[1]


@pytest.fixture
def highlighted(monkeypatch) -> list[str]:
    """The code of every block Pygments highlights, in order."""
    seen: list[str] = []
    made = highlight.highlight_code

    def spy(code: str, lang: str) -> str:
        seen.append(code)
        return made(code, lang)

    monkeypatch.setattr(highlight, "highlight_code", spy)
    return seen


FENCE = "`" * 3 + "python"


def test_a_text_edited_around_its_code_does_not_highlight_it_again(
    write_cards, highlighted
) -> None:
    root = write_cards()
    render(root)
    assert highlighted == ["def f(x):\n    return x < 1\n"]
    highlighted.clear()
    write_cards(code=CODE.replace(FENCE, "Some code:\n\n      " + FENCE))
    cached, problems = render(root)
    assert highlighted == [] and problems == []
    assert cached == render(root, use_cache=False)[0]
    assert "<p>Some code:</p>" in cached.cards[-1].fields[1]


def test_a_damaged_code_block_entry_is_highlighted_again(write_cards, highlighted) -> None:
    root = write_cards()
    render(root)
    db = sqlite3.connect(RenderCache(root).path)
    with db:
        db.execute("UPDATE code SET html = '<pre>forged</pre>'")  # checksum no longer fits
    db.close()
    write_cards(code=CODE.replace(FENCE, "Some code:\n\n      " + FENCE))
    highlighted.clear()
    cached, _ = render(root)
    assert highlighted == ["def f(x):\n    return x < 1\n"]
    assert cached == render(root, use_cache=False)[0]


def test_texts_with_images_are_rendered_again_when_a_picture_changes(
    write_cards, conversions
) -> None:
    root = write_cards(code=IMAGE_CARD)
    (root / "plot.svg").write_text("<svg>one</svg>")
    first, _ = render(root)
    (root / "plot.svg").write_text("<svg>two</svg>")  # same Markdown, new picture
    conversions.clear()
    second, _ = render(root)
    assert conversions == ["![a plot](plot.svg)"]
    assert first.cards[-1].fields[0] != second.cards[-1].fields[0]
    assert first.media[0].name != second.media[0].name


def test_a_text_whose_media_are_the_same_is_not_rendered_again(write_cards, conversions) -> None:
    root = write_cards(code=IMAGE_CARD)
    (root / "plot.svg").write_text("<svg>one</svg>")
    (root / "plot.night.svg").write_text("<svg>dark</svg>")
    cold, _ = render(root, use_cache=False)
    render(root)
    conversions.clear()
    warm, problems = render(root)
    assert conversions == [] and problems == []
    assert warm == cold and len(warm.media) == 2  # the night variant is packaged too


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "plot.night.svg").write_text("<svg>darker</svg>"),
        lambda root: (root / "plot.night.svg").unlink(),
        lambda root: (root / "plot.svg").unlink(),
        lambda root: (root / "plot.svg").write_bytes(b"%PDF-1.4"),
    ],
    ids=["night-changed", "night-removed", "removed", "not-an-image"],
)
def test_a_cached_text_with_media_gives_what_rendering_it_gives(write_cards, change) -> None:
    root = write_cards(code=IMAGE_CARD)
    (root / "plot.svg").write_text("<svg>one</svg>")
    (root / "plot.night.svg").write_text("<svg>dark</svg>")
    render(root)
    change(root)
    assert render(root) == render(root, use_cache=False)


def test_a_sound_named_by_another_text_is_never_cached(write_cards) -> None:
    """A [sound:…] in code is a problem unless another text packaged that file: whether it
    is depends on the other texts, so the text is rendered every time."""
    root = write_cards(code=CODE + "  - id: s\n    question: '[sound:a.mp3]'\n    answer: A\n")
    (root / "a.mp3").write_bytes(b"ID3\x04" + b"\0" * 20)
    (name,) = [m.name for m in render(root)[0].media]
    code = CODE.replace("Show code", f"'`[sound:{name}]`'")
    write_cards(code=code + "  - id: s\n    question: '[sound:a.mp3]'\n    answer: A\n")
    render(root)
    render(root)
    write_cards(code=code)  # the text that packaged it is gone
    assert render(root) == render(root, use_cache=False)
    assert "stands inside code" in str(render(root)[1])


def test_texts_with_problems_are_reported_every_time(write_cards) -> None:
    root = write_cards(code=CODE.replace("Show code", "<script>x</script>"))
    for _ in range(2):
        _, problems = render(root)
        assert [p.message for p in problems] == ["<script> is not allowed in a card"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(b"not a database at all" * 100),
        lambda path: path.write_bytes(path.read_bytes()[:4096]),  # truncated
        lambda path: _execute(
            path, "UPDATE entries SET html = '<p>wrong</p>'; UPDATE notes SET notes = x'00'"
        ),
        lambda path: _execute(path, "DROP TABLE entries; DROP TABLE notes"),
        lambda path: _execute(
            path,
            "CREATE TABLE t AS SELECT * FROM entries; DROP TABLE entries;"
            "CREATE TABLE entries (key TEXT, html INTEGER, checksum TEXT);"
            "INSERT INTO entries SELECT key, 42, checksum FROM t; DELETE FROM notes",
        ),
    ],
    ids=["garbage", "truncated", "tampered", "no-table", "wrong-types"],
)
def test_a_damaged_cache_never_changes_the_package(write_cards, tmp_path: Path, damage) -> None:
    root = write_cards()
    cold, damaged = build_damaged(root, tmp_path, lambda: damage(RenderCache(root).path))
    assert damaged == cold
    # ... and the next build has a sound cache again.
    assert len(RenderCache(root).lookup([load_card_set(root).cards[0].answer])) == 1


def _unreadable_notes(path: Path) -> None:
    """Notes whose checksum fits, but which marshal cannot read."""
    db = sqlite3.connect(path)
    with db:
        for (key,) in db.execute("SELECT key FROM notes").fetchall():
            value = b"\xe9garbage"
            db.execute(
                "UPDATE notes SET notes = ?, checksum = ? WHERE key = ?",
                (value, checksum(key, value), key),
            )
    db.close()


@pytest.mark.parametrize(
    "damage",
    [lambda path: _execute(path, "UPDATE notes SET notes = x'00'"), _unreadable_notes],
    ids=["checksum", "not-marshal"],
)
def test_a_damaged_file_of_notes_is_made_again_of_its_texts(
    write_cards, tmp_path: Path, conversions, damage
) -> None:
    root = write_cards()

    def damage_then_count() -> None:
        damage(RenderCache(root).path)
        conversions.clear()

    cold, damaged = build_damaged(root, tmp_path, damage_then_count)
    assert conversions == []  # every text's entry is sound
    assert damaged == cold


def _execute(path: Path, sql: str) -> None:
    db = sqlite3.connect(path)
    db.executescript(sql)
    db.commit()
    db.close()


def test_entries_of_other_rendering_code_are_never_used(write_cards, monkeypatch) -> None:
    root = write_cards()
    render(root)
    texts = [load_card_set(root).cards[0].answer]
    assert RenderCache(root).lookup(texts)
    monkeypatch.setattr(cache_module, "CACHE_VERSION", "another")
    assert RenderCache(root).lookup(texts) == {}


def test_the_notes_of_a_card_file_no_longer_in_the_set_are_dropped(write_cards) -> None:
    root = write_cards()
    render(root)
    before = _count(root, "notes")
    write_cards(code=None)
    render(root)
    assert 0 < _count(root, "notes") == before - 1


def test_the_texts_stored_last_are_kept(write_cards, monkeypatch) -> None:
    """Up to four for each card: no build reads them all, to know which are stale."""
    monkeypatch.setattr(cache_module, "_KEPT", 0)
    root = write_cards()
    cards = len(load_card_set(root).cards)
    for n in range(4 * cards + 3):
        write_cards(code=CODE.replace("return x < 1", f"return x < {n}"))
        render(root)
    assert _count(root) == 4 * cards
    (last,) = [c.answer for c in load_card_set(root).cards if "return x <" in c.answer]
    assert RenderCache(root).lookup([last])


def test_damaged_entries_a_build_looks_up_are_stored_again(write_cards) -> None:
    root = write_cards()
    render(root)
    _execute(RenderCache(root).path, "UPDATE entries SET checksum = 'damaged'; DELETE FROM notes")
    render(root)
    texts = [t for c in load_card_set(root).cards for t in (c.question, c.answer) if t.strip()]
    assert len(RenderCache(root).lookup(texts)) == len(set(texts))


def _count(root: Path, table: str = "entries") -> int:
    db = sqlite3.connect(RenderCache(root).path)
    try:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        db.close()


def test_an_unwritable_cache_only_costs_speed(write_cards, tmp_path: Path, monkeypatch) -> None:
    root = write_cards()
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("")
    monkeypatch.setenv("ANKIGEN_CACHE_DIR", str(blocker / "cache"))
    report = build(root, tmp_path / "d.apkg", now=T0)
    assert report.new == ["alpha", "beta", "gamma"]


def test_each_card_set_has_its_own_file(tmp_path: Path) -> None:
    assert RenderCache(tmp_path / "a").path != RenderCache(tmp_path / "b").path
    assert RenderCache(tmp_path / "a").path == RenderCache(tmp_path / "a" / ".." / "a").path


def test_the_key_covers_every_module_that_shapes_the_html() -> None:
    """Each module markdown.py reads, directly or not, is in the fingerprint."""
    import ast

    from ankigen.render import cache

    here = Path(cache.__file__).parent
    todo, found = ["markdown.py"], set()
    while todo:
        name = todo.pop()
        found.add(name)
        for node in ast.walk(ast.parse((here / name).read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                module = f"{node.module}.py"
                if (here / module).is_file() and module not in found:
                    todo.append(module)
    assert found == set(cache._SOURCES)

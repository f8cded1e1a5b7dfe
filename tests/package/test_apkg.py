import io
import json
import sqlite3
import zipfile
import zlib
from pathlib import Path

import genanki
from hypothesis import given
from hypothesis import strategies as st

from ankigen.build import build
from ankigen.package.apkg import DEFLATE_LEVEL, guid, stamp
from ankigen.package.notetype import note_type, stable_id
from ankigen.source.model import Deck
from ankigen.source.validate import load_card_set


def _open(path: Path) -> tuple[zipfile.ZipFile, sqlite3.Connection]:
    archive = zipfile.ZipFile(path)
    db = sqlite3.connect(":memory:")
    db.deserialize(archive.read("collection.anki2"))
    return archive, db


def test_ids_are_stable_and_in_genanki_range() -> None:
    assert stable_id("a", "b") == stable_id("a", "b") != stable_id("a", "c")
    assert 1 << 30 <= stable_id("x") < 1 << 31


def test_guid_depends_on_deck_and_card_id_only(write_cards) -> None:
    deck = load_card_set(write_cards()).deck
    assert guid(deck, "alpha") == guid(deck, "alpha") != guid(deck, "beta")


@given(st.text(), st.text(), st.sampled_from(["basic", "cloze", "reversed"]))
def test_guid_is_genankis_guid_for(deck_id: str, card_id: str, kind: str) -> None:
    deck = Deck("Deck", deck_id, "", deck_id, (), Path("deck.yaml"))
    parts = (deck_id, card_id, *([kind] if kind != "basic" else []))
    assert guid(deck, card_id, kind) == genanki.guid_for(*parts)


class _Rendered:
    def __init__(self, cards: int = 1, tags: tuple[str, ...] = ()) -> None:
        self.ords = tuple(range(cards))
        self.tags = tags


def test_stamp_gives_unique_increasing_ids_from_times() -> None:
    cards = [(_Rendered(), 100), (_Rendered(), 50), (_Rendered(), 100), (_Rendered(), 50)]
    stamped = stamp(cards)  # type: ignore[arg-type]
    assert [s.note_id for s in stamped] == [100_000, 50_000, 100_001, 50_001]
    assert [s.due for s in stamped] == [1, 2, 3, 4]
    many = stamp([(_Rendered(), 7)] * 2500)  # type: ignore[list-item]
    assert len({s.note_id for s in many}) == 2500


def test_stamp_tags_each_note_with_its_time() -> None:
    cards = [(_Rendered(tags=("a",)), 100), (_Rendered(tags=("a",)), 100), (_Rendered(), 200)]
    stamped = stamp(cards, lambda mtime: f"day-{mtime}")  # type: ignore[arg-type]
    assert [s.tags for s in stamped] == [("a", "day-100"), ("a", "day-100"), ("day-200",)]
    assert stamped[0].tags is stamped[1].tags  # one tuple for the many notes alike
    assert stamp(cards)[0].tags == ("a",)  # type: ignore[arg-type]


def test_a_note_of_several_cards_takes_an_id_for_each() -> None:
    """Its cards get ids note_id, note_id + 1, …: no other note may start among them."""
    stamped = stamp([(_Rendered(3), 100), (_Rendered(2), 100), (_Rendered(), 100)])  # type: ignore[list-item]
    assert [s.note_id for s in stamped] == [100_000, 100_003, 100_005]


def test_guid_of_a_kind_other_than_basic_is_another_note(write_cards) -> None:
    deck = load_card_set(write_cards()).deck
    assert guid(deck, "alpha", "basic") == guid(deck, "alpha")
    assert len({guid(deck, "alpha", k) for k in ("basic", "cloze", "reversed", "type-in")}) == 4


def test_package_layout(write_cards, tmp_path: Path) -> None:
    root = write_cards(
        code="category: code\ncards:\n  - id: img\n    question: '![x](b.svg) ![y](a.svg)'\n"
        "    answer: A\n"
    )
    (root / "a.svg").write_text("<svg>a</svg>")
    (root / "b.svg").write_text("<svg>b</svg>")
    build(root, tmp_path / "d.apkg", now=1_700_000_000)
    archive, db = _open(tmp_path / "d.apkg")
    infos = archive.infolist()
    assert [i.filename for i in infos] == ["collection.anki2", "media", "0", "1"]
    assert {(i.date_time, i.compress_type) for i in infos} == {
        ((1980, 1, 1, 0, 0, 0), zipfile.ZIP_DEFLATED)
    }
    for info in infos:  # each entry deflated at the level the writer chose
        packer = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
        expected = packer.compress(archive.read(info)) + packer.flush()
        assert info.compress_size == len(expected), info.filename
    media = json.loads(archive.read("media"))
    assert list(media.values()) == sorted(media.values())  # sorted by name
    assert archive.read("0") == b"<svg>a</svg>"

    rows = db.execute("select id, mod, guid from notes order by id").fetchall()
    assert {mod for _, mod, _ in rows} == {1_700_000_000}
    assert [i for i, _, _ in rows] == [1_700_000_000_000 + n for n in range(3)]
    cards = db.execute("select id, nid, mod from cards order by id").fetchall()
    assert [(c, n) for c, n, _ in cards] == [(i, i) for i, _, _ in rows]
    models = json.loads(db.execute("select models from col").fetchone()[0])
    (model,) = models.values()
    assert model["mod"] == 1_700_000_000
    assert [f["id"] for f in model["flds"]] == [
        f["id"] for f in note_type(load_card_set(root).deck).fields
    ]
    decks = {
        d["name"] for d in json.loads(db.execute("select decks from col").fetchone()[0]).values()
    }
    assert {"Test Deck", "Test Deck::Theory", "Test Deck::Code"} <= decks


def test_same_input_gives_the_same_bytes(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    build(root, tmp_path / "a.apkg", now=1_700_000_000)
    lock = (root / "ankigen.lock").read_bytes()
    (root / "ankigen.lock").unlink()
    build(root, tmp_path / "b.apkg", now=1_700_000_000)
    assert (root / "ankigen.lock").read_bytes() == lock
    assert (tmp_path / "a.apkg").read_bytes() == (tmp_path / "b.apkg").read_bytes()
    assert zipfile.ZipFile(io.BytesIO((tmp_path / "a.apkg").read_bytes())).testzip() is None


def test_the_scratch_collection_is_removed(write_cards, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(write_cards(), out / "d.apkg", now=1_700_000_000)
    assert [p.name for p in out.iterdir()] == ["d.apkg"]

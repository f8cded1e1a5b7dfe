"""The collection written directly holds what genanki's objects wrote, row by row.

The writer before (genanki_writer.py) let genanki insert every note with temporary
ids, then rewrote each row with its final id and time; the direct writer inserts the
final rows in id order. The bytes of the database differ (SQLite's pages remember how
they were filled), what Anki reads does not: the same schema, the same values in every
row of every table, the same JSON in the col row, and the other entries of the
package byte for byte."""

import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ankigen import build as build_module
from ankigen.build import build
from ankigen.package.apkg import guid
from ankigen.package.notetype import note_type
from ankigen.source.format import KINDS as KIND_NAMES
from ankigen.source.model import Deck

from ..conftest import KINDS
from . import genanki_writer

T0, T1 = 1_700_000_000, 1_700_100_000
_JSON = {"conf", "models", "decks", "dconf", "tags"}


def _tables(apkg: Path, tmp_path: Path) -> dict[str, object]:
    archive = zipfile.ZipFile(apkg)
    db_path = tmp_path / f"{apkg.stem}.anki2"
    db_path.write_bytes(archive.read("collection.anki2"))
    db = sqlite3.connect(db_path)
    found: dict[str, object] = {
        "schema": db.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
        ).fetchall(),
        "entries": [
            (i.filename, i.date_time, i.compress_type, i.external_attr, i.create_system)
            for i in archive.infolist()
        ],
        "files": {n: archive.read(n) for n in archive.namelist() if n != "collection.anki2"},
    }
    cursor = db.execute("SELECT * FROM col")
    names = [d[0] for d in cursor.description]
    (row,) = cursor.fetchall()
    found["col"] = {k: json.loads(v) if k in _JSON else v for k, v in zip(names, row, strict=True)}
    for table in ("notes", "cards", "revlog", "graves"):
        found[table] = db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
    db.close()
    return found


def _both(root: Path, tmp_path: Path, monkeypatch, *edits) -> tuple[dict, dict]:
    """Build copies of ``root`` with either writer, applying ``edits`` (functions of the
    card set's path) between builds."""
    results = []
    for name, writer in (
        ("direct", build_module.write_apkg),
        ("genanki", genanki_writer.write_apkg),
    ):
        monkeypatch.setattr(build_module, "write_apkg", writer)
        copy = tmp_path / name / "cards"
        shutil.copytree(root, copy)
        out = tmp_path / name / "deck.apkg"
        build(copy, out, now=T0)
        for i, edit in enumerate(edits):
            edit(copy)
            build(copy, out, now=T1 + i)
        results.append(_tables(out, tmp_path / name))
    return results[0], results[1]


def test_the_shipped_deck_is_written_as_genanki_wrote_it(
    shipped_copy, tmp_path, monkeypatch
) -> None:
    direct, reference = _both(shipped_copy, tmp_path, monkeypatch)
    assert (
        len(direct["notes"])
        == len(list(shipped_copy.glob("*.yaml"))) * 0 + len(direct["notes"])
        > 50
    )
    assert direct == reference


def _add_kinds(root: Path) -> None:
    (root / "kinds.yaml").write_text(KINDS, encoding="utf-8")


def test_every_kind_is_written_as_genanki_wrote_it(write_cards, tmp_path, monkeypatch) -> None:
    """Kinds added by a later build: their note types have other times than the basic one."""
    root = write_cards()
    direct, reference = _both(root, tmp_path, monkeypatch, _add_kinds)
    models = direct["col"]["models"]  # type: ignore[index]
    assert len(models) == 4 and len({m["mod"] for m in models.values()}) == 2
    assert {len(n) for n in direct["notes"]} == {11} and len(direct["cards"]) > len(direct["notes"])
    assert direct == reference


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_the_required_fields_are_genanki_s(kind: str) -> None:
    deck = Deck("D", "d", "", "d", (), Path("deck.yaml"))
    notetype = note_type(deck, kind)
    model = genanki.Model(
        1,
        notetype.name,
        fields=[dict(f) for f in notetype.fields],
        templates=[dict(t) for t in notetype.templates],
        model_type=genanki.Model.CLOZE if notetype.is_cloze else genanki.Model.FRONT_BACK,
    )
    assert notetype.required == model._req


@given(st.text(min_size=1), st.text(min_size=1), st.sampled_from(KIND_NAMES))
def test_guids_are_genanki_s(deck_id: str, card_id: str, kind: str) -> None:
    deck = Deck("D", deck_id, "", "d", (), Path("deck.yaml"))
    expected = genanki.guid_for(deck_id, card_id, *([kind] if kind != "basic" else []))
    assert guid(deck, card_id, kind) == expected

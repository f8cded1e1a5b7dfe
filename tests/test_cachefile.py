import sqlite3
from pathlib import Path

from ankigen import cachefile
from ankigen.cachefile import CacheFile, cache_dir, cache_path, installed_version


def test_cache_location(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ANKIGEN_CACHE_DIR", str(tmp_path / "here"))
    assert cache_dir() == tmp_path / "here"
    monkeypatch.delenv("ANKIGEN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(cachefile.sys, "platform", "linux")
    assert cache_dir() == tmp_path / "xdg" / "ankigen"


def test_each_cache_of_each_card_set_has_its_own_file(tmp_path: Path) -> None:
    paths = {cache_path(tmp_path / s, what) for s in ("a", "b") for what in ("", "yaml")}
    assert len(paths) == 4
    assert cache_path(tmp_path / "a" / ".." / "a", "yaml") == cache_path(tmp_path / "a", "yaml")


def test_only_sound_entries_are_read(tmp_path: Path) -> None:
    file = CacheFile(tmp_path / "c.sqlite", "data", "BLOB")
    file.write({"a": b"one", "b": b"two", "c": b"three"}.items())
    db = sqlite3.connect(file.path)
    with db:
        db.execute("UPDATE entries SET data = x'00' WHERE key = 'b'")  # checksum no longer fits
        db.execute("UPDATE entries SET data = 'text' WHERE key = 'c'")  # of the wrong type
    db.close()
    assert file.read() == {"a": b"one"}
    assert sorted(file.unsound) == ["b", "c"]  # known, so that a save deletes them


def test_an_unreadable_file_is_started_over(tmp_path: Path) -> None:
    file = CacheFile(tmp_path / "c.sqlite", "html", "TEXT")
    file.path.write_bytes(b"not a database" * 500)
    assert file.read() == {} and file.unsound == [] and file.unreadable
    file.write([("k", "<p>v</p>")])
    assert CacheFile(file.path, "html", "TEXT").read() == {"k": "<p>v</p>"}


def test_a_file_that_cannot_be_written_only_costs_speed(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("")
    file = CacheFile(tmp_path / "blocker" / "c.sqlite", "html", "TEXT")
    file.write([("k", "v")])  # no exception
    assert file.read() == {}


def test_library_versions_are_read_as_importlib_metadata_reads_them() -> None:
    from importlib import metadata

    from ankigen.render.cache import _PACKAGES

    for package, module in {**_PACKAGES, "PyYAML": "yaml", "click": "click"}.items():
        assert installed_version(package, module) == metadata.version(package)


def test_a_write_can_keep_only_the_entries_stored_last(tmp_path: Path) -> None:
    file = CacheFile(tmp_path / "c.sqlite", "html", "TEXT", table="code")
    file.write([("a", "1"), ("b", "2"), ("c", "3")])
    file.write([("a", "1"), ("d", "4")], keep=3)  # a, stored again, is among the last
    assert file.read() == {"c": "3", "a": "1", "d": "4"}

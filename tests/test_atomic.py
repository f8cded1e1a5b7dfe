from pathlib import Path

import pytest

from ankigen.atomic import atomic_files, atomic_writer, write_atomically
from ankigen.errors import CardSetError


def test_writes_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out" / "deck.apkg"
    write_atomically(target, b"one")
    write_atomically(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["deck.apkg"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "deck.apkg"
    target.write_bytes(b"old")

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("ankigen.atomic.os.replace", fail)
    with pytest.raises(CardSetError) as info:
        write_atomically(target, b"new")
    assert [str(p) for p in info.value.problems] == [
        f"{target}: cannot write: No space left on device"
    ]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["deck.apkg"]


def test_an_error_while_writing_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "deck.apkg"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_writer(target) as out:
        out.write(b"half of the new")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["deck.apkg"]


def test_files_are_replaced_together(tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "deck.apkg", tmp_path / "b" / "ankigen.lock"
    with atomic_files(a, b) as (out_a, out_b):
        out_a.write(b"package")
        out_b.write(b"lock")
        assert not a.exists() and not b.exists()  # nothing in place until both are done
    assert (a.read_bytes(), b.read_bytes()) == (b"package", b"lock")


def test_a_path_that_cannot_be_written_fails_before_the_work(tmp_path: Path, monkeypatch) -> None:
    """The second file's directory refuses a temporary: the block never runs, and the first
    file, whose temporary was made, is left as it was, with no temporary beside it."""
    package, lock = tmp_path / "out" / "deck.apkg", tmp_path / "ro" / "ankigen.lock"
    package.parent.mkdir()
    lock.parent.mkdir()
    package.write_bytes(b"old")
    mkstemp = __import__("tempfile").mkstemp

    def refuse(dir: Path, **kwargs):
        if Path(dir) == lock.parent:
            raise PermissionError(13, "Permission denied", str(Path(dir) / ".ankigen.lock.x.tmp"))
        return mkstemp(dir=dir, **kwargs)

    monkeypatch.setattr("ankigen.atomic.tempfile.mkstemp", refuse)
    ran = False
    with pytest.raises(CardSetError) as info, atomic_files(package, lock):
        ran = True
    assert not ran
    assert [str(p) for p in info.value.problems] == [
        f"{lock}: cannot write: the directory is not writable"
    ]
    assert package.read_bytes() == b"old" and list(lock.parent.iterdir()) == []
    assert [p.name for p in package.parent.iterdir()] == ["deck.apkg"]


def test_a_file_in_the_way_of_the_directory(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(CardSetError) as info:
        write_atomically(tmp_path / "file" / "deck.apkg", b"x")
    assert [p.message for p in info.value.problems] == [
        "cannot write: a file is in the way of its directory"
    ]

import json
from pathlib import Path

import pytest

from ankigen.errors import CardSetError
from ankigen.package.lock import Lock, Stamp, next_mtime, now_from_environment, read_lock


@pytest.mark.parametrize(
    ("previous", "content", "now", "expected"),
    [
        (None, "h", 100, 100),  # new card: now
        (Stamp("h", 50), "h", 100, 50),  # unchanged: keeps its time
        (Stamp("h", 50), "new", 100, 100),  # changed: now
        (Stamp("h", 100), "new", 100, 101),  # changed within the same second: still newer
        (Stamp("h", 500), "new", 100, 501),  # clock behind the lock: still newer
    ],
)
def test_next_mtime(previous, content, now, expected) -> None:
    assert next_mtime(previous, content, now) == expected


def test_lock_round_trips_with_sorted_keys(tmp_path: Path) -> None:
    lock = Lock(
        "Deck", {"b": "B", "a": "A"}, Stamp("n", 1), {"z": Stamp("1", 2, "b"), "y": Stamp("2", 3)}
    )
    path = tmp_path / "ankigen.lock"
    path.write_text(lock.to_json())
    assert read_lock(path) == lock
    data = json.loads(path.read_text())
    assert (list(data["categories"]), list(data["cards"])) == (["a", "b"], ["y", "z"])
    assert list(data) == sorted(data) and data["version"] == 1


def test_absent_lock_means_first_build(tmp_path: Path) -> None:
    assert read_lock(tmp_path / "ankigen.lock") == Lock()


@pytest.mark.parametrize(
    "text", ["{", "[]", '{"version": 2}', '{"version": 1, "cards": {"a": {"mtime": 1}}}']
)
def test_corrupt_lock_is_a_clear_problem(tmp_path: Path, text: str) -> None:
    path = tmp_path / "ankigen.lock"
    path.write_text(text)
    with pytest.raises(CardSetError, match=r"ankigen.lock: cannot read the lock file"):
        read_lock(path)


def test_source_date_epoch(monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert now_from_environment() is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert now_from_environment() == 1_700_000_000
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "tomorrow")
    with pytest.raises(CardSetError, match="SOURCE_DATE_EPOCH: must be a whole number"):
        now_from_environment()


def test_lock_records_kinds_and_cloze_numbers(tmp_path: Path) -> None:
    lock = Lock(
        "Deck", {"a": "A"}, None,
        {"c": Stamp("1", 2, "a", "cloze", (1, 3)), "r": Stamp("2", 3, "a", "reversed")},
        {"cloze": Stamp("n", 4), "reversed": Stamp("m", 5)},
    )  # fmt: skip
    path = tmp_path / "ankigen.lock"
    path.write_text(lock.to_json())
    assert read_lock(path) == lock
    data = json.loads(path.read_text())
    assert data["cards"]["c"] == {
        "category": "a",
        "clozes": [1, 3],
        "hash": "1",
        "mtime": 2,
        "type": "cloze",
    }
    assert set(data["notetypes"]) == {"cloze", "reversed"}


def test_a_basic_card_is_written_as_before_kinds_existed(tmp_path: Path) -> None:
    text = Lock("Deck", {}, Stamp("n", 1), {"b": Stamp("1", 2, "a")}).to_json()
    assert json.loads(text)["cards"]["b"] == {"category": "a", "hash": "1", "mtime": 2}
    assert "notetypes" not in json.loads(text)

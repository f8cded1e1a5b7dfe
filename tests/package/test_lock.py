import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ankigen.errors import CardSetError
from ankigen.package import lock as lock_module
from ankigen.package.lock import (
    Lock,
    Stamp,
    Version,
    dumps,
    next_mtime,
    now_from_environment,
)
from ankigen.package.lockfile import read_lock

from ..conftest import THEORY


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


LOCK = Lock(
    "Deck",
    {"b": "B", "a": "A"},
    Stamp("n", 1),
    {"z": Stamp("1", 2, "b"), "y": Stamp("2", 3)},
    deck_id="deck",
)


def test_lock_round_trips_with_sorted_keys(tmp_path: Path) -> None:
    path = tmp_path / "ankigen.lock"
    path.write_text(LOCK.to_json())
    assert read_lock(path) == (LOCK, [])
    data = json.loads(path.read_text())
    assert (list(data["categories"]), list(data["cards"])) == (["a", "b"], ["y", "z"])
    assert list(data) == sorted(data) and (data["version"], data["deck_id"]) == (4, "deck")


def test_a_version_1_lock_reads_without_a_deck_id(tmp_path: Path) -> None:
    data = json.loads(LOCK.to_json())
    del data["deck_id"]
    path = tmp_path / "ankigen.lock"
    path.write_text(json.dumps({**data, "version": 1}))
    assert read_lock(path) == (replace(LOCK, deck_id=""), [])


def test_absent_lock_means_first_build(tmp_path: Path) -> None:
    assert read_lock(tmp_path / "ankigen.lock") == (Lock(), [])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{", "Expecting property name"),
        ("[]", "not a JSON object"),
        ('{"version": 0}', "unsupported version 0"),
        ('{"version": 5}', "version 5 is newer than this ankigen reads: upgrade ankigen"),
        ('{"version": 1, "cards": {"a": {"mtime": 1}}}', "'hash'"),
        (b"\xff", "can't decode byte 0xff"),
    ],
)
def test_corrupt_lock_is_a_clear_problem(tmp_path: Path, text: str | bytes, reason: str) -> None:
    path = tmp_path / "ankigen.lock"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(CardSetError) as info:
        read_lock(path)
    (problem,) = info.value.problems
    assert str(problem).startswith(f"{path}: cannot read the lock file (")
    assert reason in str(problem)
    # What the README says of a lost lock: harmless, every note is updated.
    assert str(problem).endswith(
        f"restore it from version control (git checkout {path}). Deleting it works too: the "
        "next build then stamps every card with the current time, so a re-import updates "
        "every note"
    )


def _conflicted(ours: Lock, theirs: Lock, base: Lock | None = None) -> str:
    """The lock file as git leaves it after a conflicting merge (diff3 style with a base)."""
    import difflib

    a, b = ours.to_json().splitlines(True), theirs.to_json().splitlines(True)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b).get_opcodes():
        if tag == "equal":
            out += a[i1:i2]
        else:
            out += ["<<<<<<< HEAD\n", *a[i1:i2]]
            if base is not None:
                out += ["||||||| base\n", *base.to_json().splitlines(True)[1:2]]
            out += ["=======\n", *b[j1:j2], ">>>>>>> feature\n"]
    return "".join(out)


@pytest.mark.parametrize("with_base", [False, True])
def test_a_merge_conflict_is_resolved_so_that_anki_skips_nothing(
    tmp_path: Path, with_base: bool
) -> None:
    ours = Lock("Deck", {"a": "A"}, Stamp("n", 5), deck_id="deck", cards={
        "same": Stamp("s", 10, "a"), "edited": Stamp("x", 30, "a"), "mine": Stamp("m", 7, "a"),
    })  # fmt: skip
    theirs = Lock("Deck", {"a": "A"}, Stamp("n2", 9), deck_id="deck", cards={
        "same": Stamp("s", 12, "a"), "edited": Stamp("y", 20, "a"), "yours": Stamp("t", 8, "a"),
    })  # fmt: skip
    path = tmp_path / "ankigen.lock"
    path.write_text(_conflicted(ours, theirs, ours if with_base else None))
    assert "<<<<<<< HEAD" in path.read_text()
    lock, problems = read_lock(path)
    assert lock.cards == {
        # sides disagree: no content matches, so stamped anew; both times are remembered
        "edited": Stamp("", 30, "a", earlier=(Version(20, ""),)),
        "mine": Stamp("m", 7, "a"),
        "same": Stamp("s", 12, "a", earlier=(Version(10, ""),)),  # the later of the two times
        "yours": Stamp("t", 8, "a"),
    }
    assert (lock.notetype, lock.deck_id) == (Stamp("", 9, earlier=(Version(5, ""),)), "deck")
    assert [str(p) for p in problems] == [
        f"{path}: warning: merge conflict in the lock file: both sides merged, and the 1 card "
        "they disagree on will get a new time; a build writes the merged lock (then `git add` it)"
    ]
    # Whichever side the collection last saw, the next stamp is newer than both.
    assert next_mtime(lock.cards["edited"], "y", now=25) == 31


def test_a_conflict_that_cannot_be_read_says_to_take_either_side(tmp_path: Path) -> None:
    path = tmp_path / "ankigen.lock"
    path.write_text('{\n<<<<<<< HEAD\n "version": 2,\n=======\n "version":\n>>>>>>> x\n}\n')
    with pytest.raises(CardSetError) as info:
        read_lock(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}: the lock file has merge conflict markers, and its two sides cannot be read: "
        f"take either side (git checkout --theirs {path}) and rebuild"
    ]


def test_source_date_epoch(monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert now_from_environment() is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert now_from_environment() == 1_700_000_000
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "tomorrow")
    with pytest.raises(CardSetError, match="SOURCE_DATE_EPOCH: must be a whole number"):
        now_from_environment()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(2**32 - 1))
    assert now_from_environment() == 2**32 - 1
    for late in (str(2**32), "253402300799", "99999999999999"):  # dates fail past the year 9999
        monkeypatch.setenv("SOURCE_DATE_EPOCH", late)
        with pytest.raises(CardSetError, match="at most 4294967295 \\(in the year 2106\\)"):
            now_from_environment()


def test_the_latest_source_date_epoch_still_builds_an_edit(
    write_cards, tmp_path, monkeypatch
) -> None:
    from ankigen.build import build

    root = write_cards()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(2**32 - 1))
    build(root, tmp_path / "a.apkg")
    (root / "theory.yaml").write_text(THEORY.replace("Beta?", "Beta, again?"), encoding="utf-8")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build(root, tmp_path / "a.apkg").changed == ["beta"]  # stamped a second later


def test_lock_records_kinds_and_cloze_numbers(tmp_path: Path) -> None:
    lock = Lock(
        "Deck", {"a": "A"}, None,
        cards={"c": Stamp("1", 2, "a", kind="cloze", clozes=(1, 3)), "r": Stamp("2", 3, "a", kind="reversed")},
        deck_id="d", notetypes={"cloze": Stamp("n", 4), "reversed": Stamp("m", 5)},
    )  # fmt: skip
    path = tmp_path / "ankigen.lock"
    path.write_text(lock.to_json())
    assert read_lock(path) == (lock, [])
    data = json.loads(path.read_text())
    assert data["cards"]["c"] == {
        "category": "a",
        "clozes": [1, 3],
        "hash": "1",
        "mtime": 2,
        "type": "cloze",
    }
    assert set(data["notetypes"]) == {"cloze", "reversed"}
    assert lock.newest() == 5  # a note type of another kind counts too


def test_a_basic_card_is_written_as_before_kinds_existed(tmp_path: Path) -> None:
    text = Lock("Deck", {}, Stamp("n", 1), {"b": Stamp("1", 2, "a")}).to_json()
    assert json.loads(text)["cards"]["b"] == {"category": "a", "hash": "1", "mtime": 2}
    assert "notetypes" not in json.loads(text)


def test_a_merge_conflict_keeps_kinds_and_the_other_note_types(tmp_path: Path) -> None:
    ours = Lock("Deck", {"a": "A"}, None, deck_id="deck", notetypes={"cloze": Stamp("c", 5)},
                cards={"c": Stamp("x", 30, "a", kind="cloze", clozes=(1, 2))})  # fmt: skip
    theirs = Lock("Deck", {"a": "A"}, None, deck_id="deck", notetypes={"cloze": Stamp("c2", 9)},
                  cards={"c": Stamp("y", 20, "a", kind="cloze", clozes=(1, 2, 3))})  # fmt: skip
    path = tmp_path / "ankigen.lock"
    path.write_text(_conflicted(ours, theirs, None))
    lock, _ = read_lock(path)
    merged = lock.cards["c"]
    assert (merged.hash, merged.mtime, merged.kind, merged.clozes) == ("", 30, "cloze", (1, 2))
    cloze = lock.notetypes["cloze"]
    assert (cloze.hash, cloze.mtime) == ("", 9)  # stamped anew, after both sides' times


_PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(_PLAIN)
def test_the_lock_is_written_as_json_writes_it(value) -> None:
    assert dumps(value) == json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False)


def _mapping(stamp: Stamp) -> dict[str, object]:
    """What the lock file's format says a card's entry holds: a hash and a time, and each
    other key only when it has a value (each digest list on one line)."""
    optional = {
        "category": stamp.category,
        "fields": stamp.fields,
        "each_field": " ".join(stamp.each_field),
        "earlier": [[m, f, " ".join(e)] if e else [m, f] for m, f, e in stamp.earlier],
        "first": stamp.first,
        "removed": stamp.removed,
        "type": "" if stamp.kind == "basic" else stamp.kind,
        "clozes": list(stamp.clozes),
        "was": list(stamp.was),
    }
    return {"hash": stamp.hash, "mtime": stamp.mtime, **{k: v for k, v in optional.items() if v}}


_DIGESTS = st.lists(st.text("0123456789abcdef", min_size=1, max_size=4), max_size=3).map(tuple)
_STAMPS = st.builds(
    Stamp,
    hash=st.text(),
    mtime=st.integers(min_value=0),
    category=st.text(),
    fields=st.text(),
    earlier=st.lists(st.builds(Version, st.integers(min_value=0), st.text(), _DIGESTS)).map(tuple),
    first=st.text(),
    removed=st.text(),
    kind=st.sampled_from(["basic", "cloze", "reversed", "type-in"]),
    clozes=st.lists(st.integers(min_value=1)).map(tuple),
    was=st.lists(st.sampled_from(["basic", "cloze"])).map(tuple),
    each_field=_DIGESTS,
)


@given(_STAMPS)
def test_a_card_is_written_as_json_writes_its_entry_and_read_back_as_it_was(stamp) -> None:
    assert dumps(stamp) == json.dumps(_mapping(stamp), indent=1, sort_keys=True, ensure_ascii=False)
    lock = Lock("Deck", {}, None, {"card": stamp}, deck_id="d")
    assert lock_module.parse(lock.to_json()).cards == {"card": stamp}


def test_a_large_lock_is_written_in_pieces_that_make_its_json(monkeypatch) -> None:
    """A build hands the lock file a few thousand cards at a time, never the whole text."""
    monkeypatch.setattr(lock_module, "_PIECES", 16)
    earlier = (Version(1, "f", ("a", "b")), Version(2, "g"))
    cards = {f"card-{i}": Stamp(f"h{i}", i, "c", "f", earlier if i % 3 else ()) for i in range(60)}
    lock = Lock("Deck", {"c": "C"}, Stamp("n", 1), cards, deck_id="d", removed=dict(cards))
    pieces: list[str] = []
    lock.write_json(pieces.append)
    assert len(pieces) > 10
    assert max(map(len, pieces)) < len("".join(pieces)) / 5
    assert "".join(pieces) == lock.to_json()
    data = {
        **json.loads(lock.to_json()),
        "cards": {card_id: _mapping(s) for card_id, s in cards.items()},
    }
    assert "".join(pieces) == json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def test_cards_named_as_a_stamps_keys_read_as_cards(tmp_path: Path) -> None:
    """Entries become stamps while the file is read: a mapping of cards or categories
    whose keys are a stamp's own is still what it was."""
    cards = {
        "hash": Stamp("a", 1, "mtime"),
        "mtime": Stamp("b", 2, "hash", "f", (Version(1, "g"),)),
    }
    lock = Lock("Deck", {"hash": "H", "mtime": "M"}, Stamp("n", 3), cards, deck_id="d")
    path = tmp_path / "ankigen.lock"
    path.write_text(lock.to_json())
    assert read_lock(path) == (lock, [])


CLOZE = {"fields": [["Text", 1], ["ID", 2]], "templates": [["Cloze", 3]]}


def test_the_lock_records_each_kinds_note_type_schema(tmp_path: Path) -> None:
    lock = Lock("Deck", {}, Stamp("n", 1), deck_id="d", schemas={"cloze": CLOZE})
    path = tmp_path / "ankigen.lock"
    path.write_text(lock.to_json())
    assert read_lock(path) == (lock, [])
    assert json.loads(path.read_text())["schemas"] == {"cloze": CLOZE}
    assert "schemas" not in json.loads(Lock("Deck", {}, Stamp("n", 1)).to_json())


def test_a_merge_conflict_keeps_the_schemas_both_sides_agree_on(tmp_path: Path) -> None:
    """A schema the sides disagree on is dropped, so the next build records it anew."""
    reversed_ = {"fields": [["Question", 4]], "templates": [["Card 1", 5]]}
    ours = Lock("Deck", {}, Stamp("n", 5), deck_id="deck", cards={"a": Stamp("x", 3)},
                schemas={"cloze": CLOZE, "reversed": reversed_})  # fmt: skip
    theirs = Lock("Deck", {}, Stamp("n", 5), deck_id="deck", cards={"a": Stamp("y", 4)},
                  schemas={"cloze": {**CLOZE, "templates": [["Cloze 2", 6]]},
                           "reversed": reversed_, "type-in": CLOZE})  # fmt: skip
    path = tmp_path / "ankigen.lock"
    path.write_text(_conflicted(ours, theirs, None))
    lock, _ = read_lock(path)
    assert lock.schemas == {"reversed": reversed_, "type-in": CLOZE}


def test_a_retyped_card_remembers_the_kinds_it_had(write_cards, tmp_path: Path) -> None:
    """Each kind a card had is an old note of its own in Anki: the lock keeps them, so
    apply deletes that old note and no one else's."""
    from ankigen.build import build

    root = write_cards()
    build(root, tmp_path / "v1.apkg", now=100)
    retyped = "  - id: beta\n    type: reversed\n"
    theory = (root / "theory.yaml").read_text().replace("  - id: beta\n", retyped)
    write_cards(theory=theory)
    build(root, tmp_path / "v2.apkg", now=200)
    lock, _ = read_lock(root / "ankigen.lock")
    assert (lock.cards["beta"].kind, lock.cards["beta"].was) == ("reversed", ("basic",))
    assert json.loads((root / "ankigen.lock").read_text())["cards"]["beta"]["was"] == ["basic"]
    write_cards(theory=theory.replace(retyped, "  - id: beta\n"))  # back to basic
    build(root, tmp_path / "v3.apkg", now=300)
    lock, _ = read_lock(root / "ankigen.lock")
    assert (lock.cards["beta"].kind, lock.cards["beta"].was) == ("basic", ("reversed",))


def test_a_version_3_lock_reads_as_one_that_knows_no_earlier_kinds(tmp_path: Path) -> None:
    path = tmp_path / "ankigen.lock"
    path.write_text(json.dumps({**json.loads(LOCK.to_json()), "version": 3}))
    assert read_lock(path) == (LOCK, [])


def test_each_fields_digest_is_kept_for_every_version(tmp_path: Path) -> None:
    stamp = Stamp(
        "h", 20, "a", "all", earlier=(Version(5, "old"), Version(10, "mid", ("a1", "b1"))),
        each_field=("a2", "b2"),
    )  # fmt: skip
    lock = Lock("Deck", {}, Stamp("n", 1), {"c": stamp}, deck_id="d")
    path = tmp_path / "ankigen.lock"
    path.write_text(lock.to_json())
    assert read_lock(path) == (lock, [])
    data = json.loads(path.read_text())["cards"]["c"]
    assert (data["each_field"], data["earlier"]) == ("a2 b2", [[5, "old"], [10, "mid", "a1 b1"]])


def test_a_merge_conflict_keeps_the_kinds_each_side_had_and_the_newer_digests(
    tmp_path: Path,
) -> None:
    ours = Lock("Deck", {}, None, deck_id="deck", cards={
        "c": Stamp("x", 30, "a", "f2", kind="cloze", was=("basic",), each_field=("x1", "x2")),
    })  # fmt: skip
    theirs = Lock("Deck", {}, None, deck_id="deck", cards={
        "c": Stamp("y", 20, "a", "f1", kind="cloze", was=("reversed",), each_field=("y1", "y2")),
    })  # fmt: skip
    path = tmp_path / "ankigen.lock"
    path.write_text(_conflicted(ours, theirs, None))
    merged = read_lock(path)[0].cards["c"]
    assert (merged.was, merged.each_field) == (("basic", "reversed"), ("x1", "x2"))
    assert merged.earlier == (Version(20, "f1", ("y1", "y2")),)

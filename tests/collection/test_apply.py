"""apply: the collection ends up matching the YAML, and nothing of the learner's is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from ankigen.cli import main
from ankigen.collection.apply import apply

from .conftest import (
    Story,
    change_the_yaml,
    fingerprint,
    open_collection,
    review_state,
    tag_alpha_and_edit_beta,
)

ANKIGEN = [sys.executable, "-m", "ankigen"]
HOLD = """
import sys
from anki.collection import Collection
col = Collection(sys.argv[1])
note = col.get_note(col.find_notes('"ID:alpha"')[0])
note.tags.append("tagged-while-open")  # kept in the write-ahead log while Anki runs
col.update_note(note)
print("open", flush=True)
sys.stdin.read()
col.close()
"""


def notes_by_deck(path: Path) -> dict[str, str]:
    col = open_collection(path)
    try:
        return {
            col.get_note(nid)["ID"]: col.decks.name(col.get_note(nid).cards()[0].did)
            for nid in col.find_notes("")
        }
    finally:
        col.close()


def note(path: Path, card_id: str):
    col = open_collection(path)
    try:
        n = col.get_note(col.find_notes(f'"ID:{card_id}"')[0])
        return dict(n.items()), list(n.tags), n.mod
    finally:
        col.close()


def scalar(path: Path, sql: str):
    col = open_collection(path)
    try:
        return col.db.scalar(sql)
    finally:
        col.close()


def test_apply_story(story: Story, in_anki, tmp_path: Path) -> None:
    in_anki(story.collection, tag_alpha_and_edit_beta)
    change_the_yaml(story, tmp_path)
    studied = review_state(story.collection)
    schema = scalar(story.collection, "select scm from col")

    done = apply(story.root, story.profile)

    assert not done.refused and done.backup is not None
    assert done.backup.parent == story.profile / "backups"
    assert done.backup.name.startswith("backup-") and done.backup.suffix == ".colpkg"
    assert "meta" in zipfile.ZipFile(done.backup).namelist()  # Anki's current format
    assert notes_by_deck(story.collection) == {
        "alpha": "Story::Theory",
        "beta": "Story::Theory",
        "delta": "Story::Programming",
        "epsilon": "Story::Programming",
    }
    assert done.removed_decks == ["Story::Code"]
    fields, tags, _ = note(story.collection, "alpha")
    assert "The very first letter" in fields["Answer"]  # the YAML's edit
    assert "my-tag" in tags and "story-deck::theory" in tags  # the learner's tag kept
    fields, _, _ = note(story.collection, "beta")
    assert "The 2nd letter" in fields["Answer"]  # the edit made in Anki kept
    after = review_state(story.collection)
    for card_id in ("alpha", "beta"):
        assert after[card_id] == studied[card_id], card_id
        assert len(after[card_id][-1]) == 1  # its revlog row
    assert scalar(story.collection, "select scm from col") == schema  # no one-way sync

    files = fingerprint(story.profile)
    again = apply(story.root, story.profile)
    assert again.backup is None and not again.refused
    assert fingerprint(story.profile) == files, "a second apply changes nothing"


def test_apply_command_prints_what_it_did(story: Story, in_anki, tmp_path, monkeypatch) -> None:
    in_anki(story.collection, tag_alpha_and_edit_beta)
    removed_on = change_the_yaml(story, tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["apply", "--collection", "Anki2/User 1"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("backup: Anki2/User 1/backups/backup-")
    backup = lines[0].removeprefix("backup: ")
    assert lines[1:] == [
        "imported the package with Anki's importer",
        "updated (3)",
        "  alpha    cards/theory.yaml:3  Answer",
        "  epsilon  cards/code.yaml:3  Question",
        "  delta    cards/code.yaml:6  Question, tags +story-deck::code -story-deck::theory",
        "edited in Anki since the last build: your version kept (copy the fix into the YAML) (1)",
        "  beta     cards/theory.yaml:6",
        "      YAML -> your edit:",
        "      Answer: The [-second-] {+2nd+} letter of the Greek …",
        "tags you added, kept (1)",
        "  alpha    cards/theory.yaml:3  my-tag",
        "moved to its category's current subdeck (2)",
        "  epsilon  cards/code.yaml:3  in 'Story::Code', belongs in 'Story::Programming'",
        "  delta    cards/code.yaml:6  in 'Story::Theory', belongs in 'Story::Programming'",
        "removed from the YAML: deleted (1)",
        f'  gamma    on {removed_on}, Browser search: "ID:gamma"',
        "removed the emptied subdeck 'Story::Code'",
        f"applied: 0 new, 3 updated, 2 moved, 1 deleted, 1 subdeck removed; backup: {backup}",
    ]
    again = CliRunner().invoke(main, ["apply", "--collection", "Anki2/User 1"])
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[-1] == "nothing to do: the collection already matches the YAML"


def test_a_collection_held_open_by_another_process_is_refused(
    story: Story, tmp_path: Path, monkeypatch
) -> None:
    change_the_yaml(story, tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(story.collection)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "open\n"  # type: ignore[union-attr]
        files = fingerprint(story.profile)
        monkeypatch.chdir(tmp_path)
        result = CliRunner().invoke(main, ["apply", "--collection", "Anki2/User 1"])
        assert result.exit_code == 1
        assert result.output.splitlines() == [  # refused before any plan is made
            "Anki2/User 1/collection.anki2: the collection is open in Anki (or another "
            "program): close Anki and try again",
            "1 problem found; nothing written.",
        ]
        assert fingerprint(story.profile) == files
        assert (story.profile / "collection.anki2-wal").is_file()  # Anki's open log
        planned = CliRunner().invoke(main, ["plan", "--collection", "Anki2/User 1"])
        assert "Anki has this collection open: the plan is for what it has saved so far" in (
            planned.output
        )
        assert "  alpha    cards/theory.yaml:3  tagged-while-open" in planned.output
        assert fingerprint(story.profile) == files, "plan reads the log, and writes nothing"
    finally:
        holder.stdin.close()  # type: ignore[union-attr]
        holder.wait()
    assert apply(story.root, story.profile).backup is not None, "closed, it is applied"


@pytest.mark.parametrize("after", ["backup: ", "imported the package"])
def test_apply_killed_midway_leaves_a_sound_collection(
    story: Story, in_anki, tmp_path: Path, after: str
) -> None:
    """SIGKILL at a step of apply: the collection opens, Anki's check finds nothing to
    repair, nothing is lost, the backup restores the state before, and apply again
    finishes the job."""
    in_anki(story.collection, tag_alpha_and_edit_beta)
    change_the_yaml(story, tmp_path)
    studied = review_state(story.collection)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [*ANKIGEN, "apply", str(story.root), "--collection", str(story.profile)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    backup = None
    for line in process.stdout:  # type: ignore[union-attr]
        if line.startswith("backup: "):
            backup = Path(line.removeprefix("backup: ").strip())
        if line.startswith(after):
            process.send_signal(signal.SIGKILL)
            break
    process.wait()
    assert process.returncode == -signal.SIGKILL
    assert backup is not None and backup.is_file()

    check = tmp_path / "check" / "collection.anki2"
    check.parent.mkdir()
    check.write_bytes(story.collection.read_bytes())
    wal = story.collection.with_name("collection.anki2-wal")
    if wal.exists():
        check.with_name("collection.anki2-wal").write_bytes(wal.read_bytes())
    col = open_collection(check)
    try:
        message, ok = col.fix_integrity()
    finally:
        col.close()
    assert ok and message == "Database rebuilt and optimized.", message
    now = review_state(story.collection)
    for card_id in ("alpha", "beta"):
        assert now[card_id] == studied[card_id]
    assert "The 2nd letter" in note(story.collection, "beta")[0]["Answer"]

    restored = tmp_path / "restored" / "collection.anki2"
    restored.parent.mkdir()
    from anki._backend import RustBackend

    RustBackend().import_collection_package(
        col_path=str(restored),
        backup_path=str(backup),
        media_folder=str(restored.with_suffix(".media")),
        media_db=str(restored.with_suffix(".media.db2")),
    )
    assert review_state(restored) == studied

    done = apply(story.root, story.profile)
    assert not done.refused
    assert sorted(notes_by_deck(story.collection)) == ["alpha", "beta", "delta", "epsilon"]
    assert set(notes_by_deck(story.collection).values()) == {"Story::Theory", "Story::Programming"}


def test_a_refusal_comes_first_with_only_what_it_is_about(
    story: Story, in_anki, tmp_path: Path, monkeypatch
) -> None:
    """A conflict: apply says why it stops, then shows the conflict, not the whole plan."""

    def edit_beta(col) -> None:
        beta = col.get_note(col.find_notes('"ID:beta"')[0])
        beta["Answer"] = beta["Answer"].replace("second", "2nd")
        col.update_note(beta)

    in_anki(story.collection, edit_beta)
    change_the_yaml(story, tmp_path)  # alpha, delta and epsilon updated, gamma removed
    story.write(theory=(story.root / "theory.yaml").read_text().replace("second", "Second"))
    from ankigen.build import build

    build(story.root, tmp_path / "v3.apkg", now=int(time.time()) + 120)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["apply", "--collection", "Anki2/User 1"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Anki2/User 1/collection.anki2: 1 note changed both in Anki and in the YAML, in the "
        "same field (beta: Answer): copy your edit into the YAML and rebuild, or pass "
        "--prefer-yaml to take the YAML's there (the fields only you changed are kept)",
        "changed both in Anki and in the YAML, in the same field: the import replaces your "
        "edit (apply stops, unless --prefer-yaml) (1)",
        "  beta  cards/theory.yaml:6",
        "      YAML -> your edit:",
        "      Answer: The [-Second-] {+2nd+} letter of the Greek …",
        "1 problem found; nothing written.",
    ]

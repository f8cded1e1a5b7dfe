"""The cases beyond the story: conflicts, note-type changes, media, the learner's own
notes, filtered decks, a stale lock."""

from __future__ import annotations

import time
from pathlib import Path

from ankigen.build import build
from ankigen.collection.apply import apply
from ankigen.collection.plan import plan
from ankigen.package.notetype import NoteType, note_type
from ankigen.package.stamps import day
from ankigen.render import render_card_set
from ankigen.source.validate import load_card_set

from .conftest import CODE, DECK, THEORY, Story, fingerprint, open_collection


def edit_beta_in_anki(col) -> None:
    beta = col.get_note(col.find_notes('"ID:beta"')[0])
    beta["Answer"] = beta["Answer"].replace("second", "2nd")
    col.update_note(beta)


def test_a_note_edited_in_anki_and_in_the_yaml_is_a_conflict(
    story: Story, in_anki, tmp_path: Path
) -> None:
    """The lock remembers each version ankigen wrote: a note whose fields are none of
    them was edited in Anki, and the YAML changed since the version it was edited from."""
    in_anki(story.collection, edit_beta_in_anki)
    story.write(theory=THEORY.replace("The second letter", "Beta, the second letter"))
    build(story.root, tmp_path / "v2.apkg", now=int(time.time()) + 60)
    result = plan(story.root, story.profile)
    (conflict,) = result.group("conflict")
    assert conflict.name == "beta"
    assert conflict.detail == (
        "YAML -> your edit:",
        "Answer: [-Beta, the second-] {+The 2nd+} letter of the Greek …",
    )
    assert result.surprise


def test_apply_stops_on_a_conflict_unless_told_to_prefer_the_yaml(
    story: Story, in_anki, tmp_path: Path
) -> None:
    in_anki(story.collection, edit_beta_in_anki)
    story.write(theory=THEORY.replace("The second letter", "Beta, the second letter"))
    build(story.root, tmp_path / "v2.apkg", now=int(time.time()) + 60)
    files = fingerprint(story.profile)
    done = apply(story.root, story.profile)
    assert [str(p).split(": ", 1)[1] for p in done.refused] == [
        "1 note changed both in Anki and in the YAML (beta): copy your edits into the YAML "
        "and rebuild, or pass --prefer-yaml to replace them"
    ]
    assert fingerprint(story.profile) == files
    done = apply(story.root, story.profile, prefer_yaml=True)
    assert done.backup is not None
    assert "Beta, the second letter" in answer(story, "beta")


def test_an_edit_in_anki_newer_than_the_release_is_kept_and_shown(
    story: Story, in_anki, tmp_path: Path
) -> None:
    """The release is built first, then the learner edits the version they have: by
    time, the edit is the newer, so the importer keeps it, and the plan shows every
    difference from the YAML, the release's own change included."""
    story.write(theory=THEORY.replace("The second letter", "Beta, the second letter"))
    build(story.root, tmp_path / "v2.apkg", now=int(time.time()) - 60)
    in_anki(story.collection, edit_beta_in_anki)
    (edited,) = plan(story.root, story.profile).group("edited")
    assert edited.detail == (
        "YAML -> your edit:",
        "Answer: [-Beta, the second-] {+The 2nd+} letter of the Greek …",
    )
    assert not apply(story.root, story.profile).changed
    assert "The 2nd letter" in answer(story, "beta")


def test_a_note_only_tagged_in_anki_after_the_release_was_built_is_still_updated(
    story: Story, in_anki, tmp_path: Path
) -> None:
    def tag_beta(col) -> None:
        beta = col.get_note(col.find_notes('"ID:beta"')[0])
        beta.tags.append("mine")
        col.update_note(beta)

    story.write(theory=THEORY.replace("The second letter", "Beta, the second letter"))
    build(story.root, tmp_path / "v2.apkg", now=int(time.time()) - 60)
    in_anki(story.collection, tag_beta)
    result = plan(story.root, story.profile)
    assert [c.name for c in result.group("skipped")] == ["beta"] and result.surprise
    assert apply(story.root, story.profile).backup is not None
    assert "Beta, the second letter" in answer(story, "beta")
    col = open_collection(story.collection)
    try:
        assert "mine" in col.get_note(col.find_notes('"ID:beta"')[0]).tags
    finally:
        col.close()
    assert not apply(story.root, story.profile).changed


def answer(story: Story, card_id: str) -> str:
    col = open_collection(story.collection)
    try:
        return col.get_note(col.find_notes(f'"ID:{card_id}"')[0])["Answer"]
    finally:
        col.close()


def test_apply_refuses_a_card_set_changed_since_the_last_build(story: Story) -> None:
    story.write(theory=THEORY.replace("The second letter", "Edited"))
    files = fingerprint(story.profile)
    done = apply(story.root, story.profile)
    (problem,) = done.refused
    assert str(problem) == (
        f"{story.root}/ankigen.lock: the card set changed since the last build (or was "
        "never built): run `ankigen build` first, so that the lock records what goes into "
        "your collection"
    )
    assert fingerprint(story.profile) == files


def restyled_template(deck, kind="basic"):
    """The same note type with its card template replaced by a new one."""
    original = note_type(deck, kind)
    template = dict(original.templates[0], id=original.templates[0]["id"] + 1, name="Card 2")
    return NoteType(original.name, original.fields, (template,), original.css)


def test_a_note_type_schema_change_is_refused_by_anki_and_announced(
    story: Story, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr("ankigen.build.note_type", restyled_template)
    story.write(theory=THEORY.replace("The second letter", "Edited"))
    build(story.root, tmp_path / "v2.apkg", now=int(time.time()) + 60, change_note_type=True)
    result = plan(story.root, story.profile)
    assert sorted(c.name for c in result.group("refused")) == [
        "alpha", "beta", "delta", "epsilon", "gamma",
    ]  # fmt: skip
    (remark,) = result.remarks
    assert remark.startswith("a note type's fields or templates changed: Anki keeps the old")
    assert "adds a copy (Story (ankigen)+) for new ones" in remark
    done = apply(story.root, story.profile)
    assert [str(p).split(": ", 1)[1] for p in done.refused] == [
        "the note type's fields or templates changed, so Anki would not update the notes "
        "you have: pass --merge-note-types to merge it (Anki then asks for a one-way sync)"
    ]
    merged = apply(story.root, story.profile, merge_notetypes=True)
    assert merged.backup is not None
    assert "this import changes the collection's schema: Anki will ask for a one-way sync" in (
        merged.plan.remarks
    )
    col = open_collection(story.collection)
    try:
        answer = col.get_note(col.find_notes('"ID:beta"')[0])["Answer"]
        copies = [m.name for m in col.models.all_names_and_ids() if "(ankigen)" in m.name]
        # Merging was for this import: the import dialog's preset stays the learner's.
        assert not col._backend.get_import_anki_package_presets().merge_notetypes
    finally:
        col.close()
    assert "Edited" in answer and copies == ["Story (ankigen)"]


def test_media_anki_would_rename(write_cards, tmp_path: Path, collection) -> None:
    root = write_cards(
        code="category: code\ncards:\n  - id: img\n    question: Q\n"
        "    answer: '![a plot](media/pic.svg)'\n"
    )
    (root / "media").mkdir()
    (root / "media" / "pic.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    build(root, tmp_path / "a.apkg")
    (media,) = render_card_set(load_card_set(root)).media
    name = media.name
    path = Path(collection.path)
    collection.close()
    path.with_suffix(".media").mkdir(exist_ok=True)
    (path.with_suffix(".media") / name).write_text("<svg>someone else's</svg>")
    result = plan(root, path)
    (renamed,) = result.group("media")
    assert renamed.name == name
    assert renamed.detail[0].startswith(f"stored as {name[:-4]}-") and len(renamed.detail[0]) == (
        len(f"stored as {name}") + 41
    )
    collection.reopen()


def test_a_learners_own_note_of_the_deck_note_type_is_never_removed(
    story: Story, in_anki, tmp_path: Path
) -> None:
    def add_own_note(col) -> None:
        model = col.models.by_name("Story (ankigen)")
        note = col.new_note(model)
        note["Question"], note["ID"] = "My own question", "gamma"  # even with a known id
        col.add_note(note, col.decks.id("Story::Theory"))

    in_anki(story.collection, add_own_note)
    story.write(code=CODE[: CODE.index("  - id: gamma")] + CODE[CODE.index("  - id: epsilon") :])
    build(story.root, tmp_path / "v2.apkg", now=int(time.time()) + 60)
    done = apply(story.root, story.profile)
    assert [c.name for c in done.plan.group("removed")] == ["gamma"]
    col = open_collection(story.collection)
    try:
        left = sorted(col.get_note(n)["Question"] for n in col.find_notes('"ID:gamma"'))
    finally:
        col.close()
    assert left == ["My own question"]


def test_a_card_in_a_filtered_deck_is_left_there(story: Story, in_anki, tmp_path: Path) -> None:
    def filter_epsilon(col) -> None:
        deck = col.sched.get_or_create_filtered_deck(0)
        deck.name = "Cram"
        deck.config.search_terms[0].search = '"ID:epsilon"'
        col.sched.add_or_update_filtered_deck(deck)

    in_anki(story.collection, filter_epsilon)
    story.write(deck=DECK.replace("name: Code", "name: Programming"))
    build(story.root, tmp_path / "v2.apkg", now=int(time.time()) + 60)
    done = apply(story.root, story.profile)
    epsilon = {c.name: c.detail for c in done.plan.group("subdeck")}["epsilon"]
    assert epsilon == (
        "in 'Story::Code', belongs in 'Story::Programming' (now in a filtered deck: apply "
        "moves it once it is back)",
    )
    col = open_collection(story.collection)
    try:
        card = col.get_card(col.find_cards('"ID:epsilon"')[0])
        assert col.decks.name(card.did) == "Cram" and col.decks.name(card.odid) == "Story::Code"
        gamma = col.get_card(col.find_cards('"ID:gamma"')[0])
        assert col.decks.name(gamma.did) == "Story::Programming"
    finally:
        col.close()


def test_plan_of_a_first_import_lists_every_card_as_new(tmp_path: Path, write_cards) -> None:
    root = write_cards()
    build(root, tmp_path / "a.apkg")
    empty = tmp_path / "empty" / "collection.anki2"
    empty.parent.mkdir()
    open_collection(empty).close()
    result = plan(root, empty)
    assert [(c.kind, c.name) for c in result.changes] == [
        ("new", "alpha"), ("new", "beta"), ("new", "gamma"),
    ]  # fmt: skip
    assert not result.surprise


def test_removed_notes_are_found_across_two_skipped_releases(story: Story, tmp_path: Path) -> None:
    """The learner has v1; v2 removed 'gamma', v3 removed 'delta'. Planning v3 finds
    both: a note is ankigen's when its GUID is the one of its ID field."""
    v2, v3 = int(time.time()) + 60, int(time.time()) + 120
    story.write(code=CODE[: CODE.index("  - id: gamma")] + CODE[CODE.index("  - id: epsilon") :])
    build(story.root, tmp_path / "v2.apkg", now=v2)
    story.write(theory=THEORY[: THEORY.index("  - id: delta")])
    build(story.root, tmp_path / "v3.apkg", now=v3)
    result = plan(story.root, story.profile)
    assert [(c.name, c.detail) for c in result.group("removed")] == [
        ("delta", (f'on {day(v3)}, Browser search: "ID:delta"',)),
        ("gamma", (f'on {day(v2)}, Browser search: "ID:gamma"',)),
    ]  # the days the lock remembers
    done = apply(story.root, story.profile)
    assert done.plan.group("removed") == result.group("removed")
    col = open_collection(story.collection)
    try:
        assert sorted(col.get_note(n)["ID"] for n in col.find_notes("")) == [
            "alpha", "beta", "epsilon",
        ]  # fmt: skip
    finally:
        col.close()


def test_a_first_apply_adds_the_deck_without_a_one_way_sync(tmp_path: Path, write_cards) -> None:
    root = write_cards()
    build(root, tmp_path / "a.apkg")
    fresh = tmp_path / "fresh" / "collection.anki2"
    fresh.parent.mkdir()
    col = open_collection(fresh)
    schema = col.db.scalar("select scm from col")
    col.close()
    assert apply(root, fresh).backup is not None
    col = open_collection(fresh)
    try:
        assert col.db.scalar("select scm from col") == schema
        assert col.note_count() == 3
    finally:
        col.close()

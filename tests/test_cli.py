import re
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from click.testing import CliRunner

from ankigen.cli import main

from .conftest import THEORY


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_build_prints_a_summary(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    code, out, err = run("build", str(root), "-o", str(tmp_path / "d.apkg"))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:6] == [
        "Test Deck",
        "  Theory      2 cards",
        "  Code        1 card",
        "3 cards, no lock file (first build?): every card gets this build's time",
        f"  if this deck was built before, restore {root}/ankigen.lock and rebuild; otherwise "
        "a re-import updates every note",
        "  if deck.yaml was copied from another card set, its id is that set's: two card sets "
        "with one deck id overwrite each other's notes in Anki, so give this one its own id "
        "(and build with --new-deck-id)",
    ]
    assert re.fullmatch(rf"wrote {re.escape(str(tmp_path))}/d.apkg \(\d+\.\d KiB\)", lines[-1])
    code, out, err = run("build", str(root), "-o", str(tmp_path / "d.apkg"))
    assert (code, err) == (0, "") and "3 cards: 0 new, 0 changed, 0 removed\n" in out


def test_one_card_is_one_card(write_cards, tmp_path: Path) -> None:
    root = write_cards(theory=None)
    run("build", str(root), "-o", str(tmp_path / "d.apkg"))
    code, out, _ = run("build", str(root), "-o", str(tmp_path / "d.apkg"))
    assert code == 0 and "\n1 card: 0 new, 0 changed, 0 removed\n" in out
    assert run("check", str(root))[1] == f"{root}: 1 card ok\n"


def test_long_id_lists_are_shortened(write_cards, tmp_path: Path) -> None:
    root = write_cards(theory=None)
    run("build", str(root), "-o", str(tmp_path / "d.apkg"))
    cards = "".join(f"  - {{id: gen-{i:04}, question: Q{i}, answer: A}}\n" for i in range(502))
    write_cards(theory=f"category: theory\ncards:\n{cards}")
    code, out, _ = run("build", str(root), "-o", str(tmp_path / "d.apkg"))
    assert code == 0
    assert "\n  new: gen-0000, gen-0001, gen-0002 … (+499 more; 502 in all)\n" in out
    write_cards(theory=f"category: theory\ncards:\n{cards[: cards.index('  - {id: gen-0010')]}")
    code, out, _ = run("build", str(root), "-o", str(tmp_path / "d.apkg"))
    assert "\n  removed: gen-0010, gen-0011, gen-0012 … (+489 more; 492 in all)\n" in out
    assert '"ID:gen-0010" or "ID:gen-0011"' in out and '"ID:gen-0501"' in out  # all, to act on


def test_rebuild_lists_changed_and_removed_ids(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    run("build", str(root), "-o", str(tmp_path / "d.apkg"))
    write_cards(theory=THEORY.replace("The second letter.", "Edited."), code=None)
    code, out, _ = run("build", str(root), "-o", str(tmp_path / "d.apkg"))
    assert code == 0
    assert "2 cards: 0 new, 1 changed, 1 removed\n  changed: beta\n  removed: gamma\n" in out
    assert 'Anki keeps removed notes: find them in the Browser with "ID:gamma"' in out


def test_rename_warning_goes_to_stderr(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    run("build", str(root), "-o", str(tmp_path / "d.apkg"))
    deck = (root / "deck.yaml").read_text().replace("name: Code", "name: Programming")
    write_cards(deck=deck)
    code, _, err = run("check", str(root))
    assert code == 0 and "renamed from 'Code' to 'Programming'" in err
    code, _, err = run("build", str(root), "-o", str(tmp_path / "d.apkg"))
    assert code == 0
    assert err.startswith(
        f"{root}/deck.yaml:6: warning: category 'code' renamed from 'Code' to 'Programming'"
    )


def test_build_default_paths(write_cards, tmp_path: Path, monkeypatch) -> None:
    root = write_cards()
    monkeypatch.chdir(root.parent)
    code, out, _ = run("build")
    assert code == 0 and "wrote dist/test-deck.apkg" in out
    assert (root.parent / "dist" / "test-deck.apkg").is_file()


def test_invalid_set_exits_1_with_every_problem(write_cards, tmp_path: Path, monkeypatch) -> None:
    root = write_cards(
        theory="category: theory\ncards:\n  - id: a\n    question: Q\n    anwser: A\n"
    )
    monkeypatch.chdir(root.parent)
    for command in (["check"], ["build", "-o", "out.apkg"]):
        code, out, err = run(*command)
        assert code == 1 and out == ""
        assert err == (
            "cards/theory.yaml:3: card 'a' has no answer\n"
            "cards/theory.yaml:5: unknown key 'anwser' in card 'a' (did you mean 'answer'?); "
            "a basic card takes id, type, question, answer, correction, sources, tags, level, reading, previous_ids\n"
            "2 problems found; nothing written.\n"
        )
    assert not (root.parent / "out.apkg").exists() and not (root / "ankigen.lock").exists()


def test_check_writes_nothing(write_cards) -> None:
    root = write_cards()
    before = sorted(root.rglob("*"))
    code, out, _ = run("check", str(root))
    assert (code, out) == (0, f"{root}: 3 cards ok\n")
    assert sorted(root.rglob("*")) == before


def test_no_cache_neither_reads_nor_writes_the_cache(
    write_cards, tmp_path: Path, cache_dir
) -> None:
    root = write_cards()
    for command in (["check"], ["build", "-o", str(tmp_path / "d.apkg")]):
        code, _, _ = run(*command, str(root), "--no-cache")
        assert code == 0 and list(cache_dir.iterdir()) == []
    code, _, _ = run("check", str(root))
    assert code == 0 and len(list(cache_dir.glob("*.sqlite"))) == 2  # rendered, parsed


def test_unwritable_output_is_a_clean_error(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = run("build", str(root), "-o", str(blocker / "d.apkg"))
    assert (code, err) == (
        1,
        f"{blocker}/d.apkg: cannot write: a file is in the way of its directory\n"
        "1 problem found; nothing written.\n",
    )


def test_a_read_only_directory_is_named_not_the_temporary(
    write_cards, tmp_path: Path, monkeypatch
) -> None:
    root = write_cards()
    (tmp_path / "ro").mkdir()

    def read_only(dir, prefix, suffix):
        raise PermissionError(13, "Permission denied", f"{dir}/{prefix}b_iro276{suffix}")

    monkeypatch.setattr("ankigen.atomic.tempfile.mkstemp", read_only)
    monkeypatch.chdir(tmp_path)
    code, _, err = run("build", str(root), "-o", "ro/deck.apkg")
    assert (code, err) == (
        1,
        "ro/deck.apkg: cannot write: the directory is not writable\n"
        "1 problem found; nothing written.\n",
    )


def test_output_into_a_directory_or_refused(write_cards, tmp_path: Path, monkeypatch) -> None:
    root = write_cards()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    for output in ("out", "out/"):
        code, out, _ = run("build", "cards", "-o", output)
        assert code == 0 and "wrote out/test-deck.apkg" in out
    card_file = (root / "theory.yaml").read_bytes()
    for output in ("cards/theory.yaml", "cards", "mydeck", "deck.apkg.zip", "collection.apkg"):
        code, out, err = run("build", "cards", "-o", output)
        assert (code, out) == (1, ""), output
        assert err.endswith("1 problem found; nothing written.\n")
    assert (root / "theory.yaml").read_bytes() == card_file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cards", "out"]
    monkeypatch.chdir(root)  # the default, dist/, would be inside the card set
    code, _, err = run("build", ".")
    assert code == 1 and err.startswith("dist/test-deck.apkg: is inside the card set")


def test_a_new_deck_id_needs_the_option(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    run("build", str(root), "-o", str(tmp_path / "d.apkg"))
    deck = (root / "deck.yaml").read_text().replace("id: test-deck", "id: renamed")
    write_cards(deck=deck)
    code, _, err = run("build", str(root), "-o", str(tmp_path / "d.apkg"))
    assert code == 1 and "deck id changed from 'test-deck' to 'renamed'" in err
    code, out, err = run("build", str(root), "-o", str(tmp_path / "d.apkg"), "--new-deck-id")
    assert code == 0 and "3 cards: 3 new, 0 changed, 0 removed" in out
    assert "warning: a new deck: its id changed" in err


def test_no_card_set_is_one_message_and_one_exit_code(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file").write_text("")
    (tmp_path / "empty").mkdir()
    hint = "pass the card set's directory, or start a new one with `ankigen init`"
    for command in ("check", "build", "preview"):
        assert run(command)[::2] == (
            1,
            f"cards: no card set here (no such directory): {hint}\n"
            "1 problem found; nothing written.\n",
        )
        assert run(command, "file")[::2] == (
            1,
            f"file: no card set here (a file, not a directory): {hint}\n"
            "1 problem found; nothing written.\n",
        )
        assert run(command, "empty")[::2] == (
            1,
            f"empty: no card set here (the directory has no deck.yaml): {hint}\n"
            "1 problem found; nothing written.\n",
        )


def test_run_inside_a_card_set_the_hint_is_to_pass_its_directory(write_cards, monkeypatch) -> None:
    monkeypatch.chdir(write_cards())
    assert run("check")[::2] == (
        1,
        "cards: no card set here (no such directory): the current directory holds one: "
        "pass '.'\n1 problem found; nothing written.\n",
    )
    assert run("check", ".")[0] == 0


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("build", "--bogus")[0] == 2
    assert run("frobnicate")[0] == 2


def test_help_has_examples_and_version() -> None:
    for command in ([], ["build"], ["check"], ["preview"], ["init"]):
        code, out, _ = run(*command, "--help")
        assert code == 0 and "Example" in out
    code, out, _ = run("--version")
    assert code == 0 and re.search(r"\d+\.\d+\.\d+", out)


def test_help_is_fast_and_imports_nothing_heavy() -> None:
    probe = (
        "import sys, ankigen.cli; "
        "print(sorted(m for m in ('genanki', 'markdown', 'pygments', 'yaml') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ankigen", "--help"], capture_output=True, check=True)
    assert time.perf_counter() - start < 2.0  # generous: CI machines vary; the benchmark is exact


def test_the_installed_command_builds_and_exits_as_main_does(write_cards, tmp_path) -> None:
    """``ankigen`` is ``run``: main, with the same output, files and exit codes."""
    (script,) = metadata.entry_points(group="console_scripts", name="ankigen")
    assert script.value == "ankigen.cli:run"
    root = write_cards()
    command = [sys.executable, "-m", "ankigen"]
    done = subprocess.run(
        [*command, "build", str(root), "-o", str(tmp_path / "a.apkg")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "wrote " in done.stdout and (root / "ankigen.lock").is_file()
    code, out, _ = run("build", str(root), "-o", str(tmp_path / "b.apkg"))
    assert code == 0 and out.splitlines()[0] == done.stdout.splitlines()[0]  # the deck
    assert (tmp_path / "a.apkg").read_bytes() == (tmp_path / "b.apkg").read_bytes()
    missing = subprocess.run(
        [*command, "check", str(tmp_path / "nowhere")], capture_output=True, text=True
    )
    assert missing.returncode == 1 and "no card set here" in missing.stderr


def test_warnings_are_reported_with_the_errors(write_cards, tmp_path, monkeypatch) -> None:
    """Every problem at once: a build that fails names the warnings found too."""
    write_cards(
        theory="category: theory\ncards:\n  - id: a\n    question: Is $x^2$ even?\n"
        "    answer: A\n  - id: b\n    question: Q\n    anwser: A\n",
        code="category: code\ncards: []\n",
    )
    monkeypatch.chdir(tmp_path)
    math = "'$x^2$' looks like math, but Anki reads only \\( … \\) and \\[ … \\]: write \\(x^2\\)"
    for command in (["check"], ["build", "-o", "out.apkg"], ["preview"]):
        code, out, err = run(*command)
        assert (code, out) == (1, ""), command
        assert err == (
            "cards/deck.yaml:6: warning: category 'code' has no cards: Anki would show an empty "
            "subdeck\n"
            f"cards/theory.yaml:4: warning: {math}\n"
            "cards/theory.yaml:6: card 'b' has no answer\n"
            "cards/theory.yaml:8: unknown key 'anwser' in card 'b' (did you mean 'answer'?); "
            "a basic card takes id, type, question, answer, correction, sources, tags, level, reading, previous_ids\n"
            "2 problems and 2 warnings found; nothing written.\n"
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cards"]


def test_a_refused_build_reports_the_warnings_too(write_cards, tmp_path, monkeypatch) -> None:
    write_cards(code="category: code\ncards: []\n")
    monkeypatch.chdir(tmp_path)
    code, _, err = run("build", "-o", "collection.apkg")
    assert (code, err) == (
        1,
        "cards/deck.yaml:6: warning: category 'code' has no cards: Anki would show an empty "
        "subdeck\n"
        "collection.apkg: Anki imports a file named 'collection.apkg' as a backup of a whole "
        "collection and offers to replace the user's collection with it: choose another name\n"
        "1 problem and 1 warning found; nothing written.\n",
    )


def test_notes_and_cards_are_counted_apart(write_cards, tmp_path: Path, monkeypatch) -> None:
    """A cloze or reversed note makes more than one card in Anki: both counts are shown
    wherever they differ."""
    from .conftest import KINDS

    root = write_cards(kinds=KINDS)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("build", "-o", "d.apkg")
    assert code == 0
    assert out.splitlines()[:3] == [
        "Test Deck",
        "  Theory      2 cards",
        "  Code        5 notes, 8 cards",
    ]
    code, out, _ = run("build", "-o", "d.apkg")
    assert "\n7 notes (10 cards): 0 new, 0 changed, 0 removed\n" in out
    assert run("check")[1] == "cards: 7 notes, 10 cards ok\n"
    assert run("preview")[1].startswith("wrote dist/preview/index.html (7 notes, 10 cards)\n")
    write_cards(
        kinds=None,
        code=None,
        theory=THEORY.replace("  - id: beta", "  - id: beta\n    type: reversed"),
    )
    assert run("check", str(root))[1] == f"{root}: 2 notes, 3 cards ok\n"
    write_cards(
        theory="category: theory\ncards:\n  - {id: a, type: reversed, question: Q, answer: A}\n",
        code=None,
    )
    assert run("check", str(root))[1] == f"{root}: 1 note, 2 cards ok\n"


def test_from_inside_the_card_set_the_error_says_what_to_pass(write_cards, monkeypatch) -> None:
    monkeypatch.chdir(write_cards())
    code, out, err = run("build", ".")
    assert (code, out, err) == (
        1,
        "",
        "dist/test-deck.apkg: is inside the card set: ankigen never writes the package among "
        "the cards (pass -o with a path outside it, such as -o ../dist/test-deck.apkg)\n"
        "1 problem found; nothing written.\n",
    )
    code, out, _ = run("build", ".", "-o", "../dist/test-deck.apkg")  # as it says
    assert code == 0 and "wrote ../dist/test-deck.apkg" in out


def test_help_gives_the_exit_codes() -> None:
    code, out, _ = run("--help")
    assert code == 0
    codes = out[out.index("Exit codes:") : out.index("Options:")].splitlines()[1:]
    assert [line.split()[0] for line in codes if line.strip()[:1].isdigit()] == [
        "0", "1", "2", "130",
    ]  # fmt: skip
    assert "143 by SIGTERM" in out


def test_plan_and_apply_help_say_what_each_takes() -> None:
    """Both take every kind of card; only plan takes a package for a collection."""
    _, plan, _ = run("plan", "--help")
    _, apply, _ = run("apply", "--help")
    plan, apply = " ".join(plan.split()), " ".join(apply.split())
    for out in (plan, apply):
        assert "Every kind of card: basic, cloze, reversed and type-in notes" in out
    start = plan.index("--collection COLLECTION")
    assert "a .colpkg or an .apkg" in plan[start : plan.index("--no-cache", start)]
    start = apply.index("--collection COLLECTION")
    apply_option = apply[start : apply.index("--prefer-yaml", start)]
    assert apply_option == (
        "--collection COLLECTION The Anki collection to change: a profile folder or its "
        "collection.anki2, with Anki closed. [required] "
    )


def test_each_note_type_that_changed_is_named(write_cards, tmp_path: Path) -> None:
    from .conftest import DECK, KINDS

    root = write_cards(kinds=KINDS)
    out = str(tmp_path / "d.apkg")
    assert run("build", str(root), "-o", out)[0] == 0
    (root / "deck.css").write_text(".card { color: navy; }\n")
    write_cards(deck=DECK + "css: deck.css\n")  # the CSS of every note type
    code, stdout, _ = run("build", str(root), "-o", out)
    assert (
        code == 0
        and (
            "note types of basic, cloze, reversed, type-in cards (templates or CSS) changed: "
            "re-import updates them\n"
        )
        in stdout
    )
    write_cards(kinds=None, deck=DECK + "css: deck.css\n")
    (root / "deck.css").write_text(".card { color: teal; }\n")
    code, stdout, _ = run("build", str(root), "-o", out)
    assert code == 0 and "\nnote type (templates or CSS) changed: re-import updates it\n" in stdout

import re
import subprocess
import sys
import time
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
    assert lines[:4] == [
        "Test Deck",
        "  Theory      2 cards",
        "  Code        1 card",
        "3 cards: 3 new, 0 changed, 0 removed (first build)",
    ]
    assert re.fullmatch(rf"wrote {re.escape(str(tmp_path))}/d.apkg \(\d+\.\d KiB\)", lines[-1])


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
        f"{root}/deck.yaml: warning: category 'code' renamed from 'Code' to 'Programming'"
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
            "a basic card takes id, type, question, answer, correction, sources, tags, level, reading\n"
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
    assert code == 0 and len(list(cache_dir.glob("*.sqlite"))) == 1


def test_unwritable_output_is_a_clean_error(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = run("build", str(root), "-o", str(blocker / "d.apkg"))
    assert code == 1 and "Traceback" not in err and str(blocker) in err


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("build", "--bogus")[0] == 2
    assert run("frobnicate")[0] == 2


def test_help_has_examples_and_version() -> None:
    for command in ([], ["build"], ["check"], ["preview"]):
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

"""A build or check that would repeat the last one is answered from it, and only then."""

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import ankigen.build
import ankigen.check
from ankigen import replay
from ankigen.cachefile import cache_path
from ankigen.cli import main
from ankigen.package.lock import LOCK_FILE
from ankigen.source.validate import DECK_FILE

from .conftest import DECK, THEORY


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The card sets really built (or checked), in order: a replay adds none."""
    built: list[Path] = []
    for module, name in ((ankigen.build, "build"), (ankigen.check, "check")):
        real = getattr(module, name)

        def spy(root: Path, *args: object, real: Callable = real, **kwargs: object) -> object:
            built.append(root)
            return real(root, *args, **kwargs)

        monkeypatch.setattr(module, name, spy)
    return built


def _built_twice(root: Path, out: Path) -> tuple[str, str]:
    """Build ``root`` to ``out`` twice (the first writes the lock); the second's output."""
    assert run("build", str(root), "-o", str(out))[0] == 0
    code, stdout, stderr = run("build", str(root), "-o", str(out))
    assert code == 0 and stdout.endswith(f"wrote {out} ({out.stat().st_size / 1024:.1f} KiB)\n")
    return stdout, stderr


def test_a_build_that_changed_nothing_is_replayed(write_cards, tmp_path: Path, builds) -> None:
    root = write_cards(code=None)  # an empty category: a warning, replayed too
    out = tmp_path / "deck.apkg"
    stdout, stderr = _built_twice(root, out)
    assert "category 'code' has no cards" in stderr
    package, lock = out.stat(), (root / LOCK_FILE).stat()
    code, replayed, replayed_err = run("build", str(root), "-o", str(out))
    assert code == 0 and len(builds) == 2
    size = f"{package.st_size / 1024:.1f} KiB"
    up_to_date = f"{out} is up to date ({size}): nothing changed"
    assert replayed == stdout.replace(f"wrote {out} ({size})", up_to_date)
    assert replayed_err == stderr
    assert out.stat().st_mtime_ns == package.st_mtime_ns
    assert (root / LOCK_FILE).stat().st_mtime_ns == lock.st_mtime_ns


def test_a_check_that_changed_nothing_is_replayed(write_cards, builds) -> None:
    root = write_cards(code=None)
    first = run("check", str(root))
    assert first[0] == 0 and "category 'code' has no cards" in first[2]
    assert run("check", str(root)) == first and builds == [root]
    (root / "theory.yaml").write_text(THEORY.replace("Beta?", "Beta, again?"), encoding="utf-8")
    assert run("check", str(root)) == first and builds == [root, root]


def _image(root: Path) -> None:
    (root / "plot.svg").write_text("<svg>one</svg>")
    theory = THEORY.replace("The second letter.", "The second letter. ![a plot](plot.svg)")
    (root / "theory.yaml").write_text(theory, encoding="utf-8")


def _record(root: Path) -> Path:
    return cache_path(root, "replay", suffix=".json")


Change = Callable[[Path, Path, pytest.MonkeyPatch], object]  # (card set, package, monkeypatch)


def _edit(path: str, text: str = "\n# an edit\n") -> Change:
    def edit(root: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        with (root / path).open("a", encoding="utf-8") as file:
            file.write(text)

    return edit


def _new_directory(root: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / "more").mkdir()
    (root / "more" / "notes.txt").write_text("a file no build reads")


def _other_code(root: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = replay._code
    monkeypatch.setattr(replay, "_code", lambda: code() + "another file")


CHANGES: dict[str, Change] = {
    "a card file": _edit("theory.yaml"),
    "the deck": _edit("deck.yaml"),
    "the lock": _edit(LOCK_FILE, " "),
    "a file no build reads": _edit("notes.txt"),
    "a hidden file": _edit(".hidden"),
    "a new directory's file": _new_directory,
    "the deck's CSS": _edit("deck.css", "a { color: blue; }\n"),
    "the image": lambda root, out, mp: (root / "plot.svg").write_text("<svg>two</svg>"),
    "a night variant": lambda root, out, mp: (root / "plot.night.svg").write_text("<svg>d</svg>"),
    "the package": lambda root, out, mp: out.write_bytes(out.read_bytes() + b"\0"),
    "the package, removed": lambda root, out, mp: out.unlink(),
    "ankigen's code": _other_code,
    "a dependency's version": lambda root, out, mp: mp.setattr(
        replay, "installed_version", lambda distribution, module: "99"
    ),
    "SOURCE_DATE_EPOCH": lambda root, out, mp: mp.setenv("SOURCE_DATE_EPOCH", "1700000000"),
    "a deck.yaml in the working directory": lambda root, out, mp: (
        Path.cwd() / DECK_FILE
    ).write_text("name: x\n"),
    "the working directory": lambda root, out, mp: mp.chdir(root.parent.parent),
    "a damaged record": lambda root, out, mp: _record(root).write_text("{"),
    "a record of another form": lambda root, out, mp: _record(root).write_text('{"runs": []}'),
}


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_runs_the_build(
    change: str, write_cards, tmp_path: Path, builds, monkeypatch
) -> None:
    root = write_cards()
    (root / "deck.css").write_text(".card { color: red; }\n")
    write_cards(deck=DECK + "css: deck.css\n")
    _image(root)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = tmp_path / "deck.apkg"
    _built_twice(root, out)
    assert run("build", str(root), "-o", str(out))[0] == 0 and len(builds) == 2  # replayed
    CHANGES[change](root, out, monkeypatch)
    code, stdout, _ = run("build", str(root), "-o", str(out))
    assert code == 0 and len(builds) == 3 and f"wrote {out}" in stdout


def test_other_arguments_or_no_cache_run_the_build(write_cards, tmp_path: Path, builds) -> None:
    root = write_cards()
    out = tmp_path / "deck.apkg"
    _built_twice(root, out)
    other = tmp_path / "other.apkg"
    shutil.copy(out, other)
    for arguments in (["-o", str(other)], ["-o", str(out), "--no-cache"]):
        before = len(builds)
        assert run("build", str(root), *arguments)[0] == 0 and len(builds) == before + 1
    assert run("check", str(root), "--no-cache")[0] == 0 and len(builds) == 5


@pytest.mark.parametrize("edit", [True, False])
def test_a_build_that_wrote_the_lock_is_not_kept(
    edit: bool, write_cards, tmp_path: Path, builds
) -> None:
    """A first build, or one after an edit, stamps cards with the clock: its lines are not
    what the next build prints, so the next one runs (and is kept)."""
    root = write_cards()
    out = tmp_path / "deck.apkg"
    if edit:
        _built_twice(root, out)
        (root / "theory.yaml").write_text(THEORY.replace("Beta?", "Beta, again?"))
    for expected in (1, 2, 2):
        code, stdout, _ = run("build", str(root), "-o", str(out))
        assert code == 0 and len(builds) == expected + 2 * edit
    assert "up to date" in stdout


def test_a_run_during_which_a_file_changed_is_not_kept(write_cards, monkeypatch) -> None:
    """A file edited after the digests were taken, before the run read it: the run's lines
    are of the edited set, so they must not be kept for the set as it was."""
    root = write_cards()
    real = ankigen.check.check

    def edited_meanwhile(*args: object, **kwargs: object) -> object:
        (root / "code.yaml").unlink()  # the category 'code' now has no cards: a warning
        return real(*args, **kwargs)

    monkeypatch.setattr(ankigen.check, "check", edited_meanwhile)
    assert "has no cards" in run("check", str(root))[2]
    write_cards()  # the set as the digests saw it
    monkeypatch.setattr(ankigen.check, "check", real)
    assert run("check", str(root)) == (0, f"{root}: 3 cards ok\n", "")


CASES = [
    "link",
    "image in a hidden directory",
    "CSS in a hidden directory",
    "the caches inside the card set",
    "too large",
]


@pytest.mark.parametrize("case", CASES)
def test_what_the_digests_cannot_cover_always_runs(
    case: str, write_cards, tmp_path: Path, builds, monkeypatch
) -> None:
    root = write_cards()
    if case == "link":
        (root / "link.txt").symlink_to(root / "deck.yaml")
    elif case == "image in a hidden directory":
        (root / ".images").mkdir()
        (root / ".images" / "plot.svg").write_text("<svg>one</svg>")
        theory = THEORY.replace("The second letter.", "See ![a plot](.images/plot.svg).")
        (root / "theory.yaml").write_text(theory, encoding="utf-8")
    elif case == "CSS in a hidden directory":
        (root / ".style").mkdir()
        (root / ".style" / "deck.css").write_text(".card { color: red; }\n")
        write_cards(deck=DECK + "css: .style/deck.css\n")
    elif case == "the caches inside the card set":  # their YAML files would be read too
        monkeypatch.setenv("ANKIGEN_CACHE_DIR", str(root / "cache"))
    else:
        monkeypatch.setattr(replay, "SIZE_LIMIT", 100)
    out = tmp_path / "deck.apkg"
    for _ in range(4):
        code, stdout, _ = run("build", str(root), "-o", str(out))
        assert code == 0 and "wrote" in stdout
    code, stdout, _ = run("check", str(root))
    code, stdout, _ = run("check", str(root))
    assert code == 0 and len(builds) == 6


def test_the_code_digest_reads_every_file_of_ankigen(tmp_path: Path, monkeypatch) -> None:
    package = tmp_path / "ankigen"
    shutil.copytree(Path(replay.__file__).parent, package)
    monkeypatch.setattr(replay, "__file__", str(package / "replay.py"))
    before = replay._code()
    template = next((package / "package" / "templates").iterdir())
    template.write_bytes(template.read_bytes() + b" ")
    edited = replay._code()
    assert edited != before
    (package / "__pycache__").mkdir(exist_ok=True)
    (package / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")  # compiled: left out
    assert replay._code() == edited


def test_names_are_the_ones_the_rest_of_ankigen_uses() -> None:
    assert replay.DECK_FILE == DECK_FILE


def test_a_record_that_cannot_be_written_only_means_running(
    write_cards, tmp_path: Path, builds, monkeypatch
) -> None:
    root = write_cards()
    (tmp_path / "not-a-directory").write_text("")
    monkeypatch.setenv("ANKIGEN_CACHE_DIR", str(tmp_path / "not-a-directory"))
    out = tmp_path / "deck.apkg"
    for _ in range(3):
        code, stdout, stderr = run("build", str(root), "-o", str(out))
        assert (code, stderr) == (0, "") and "wrote" in stdout
    assert len(builds) == 3 and list(tmp_path.glob("**/*.tmp")) == []

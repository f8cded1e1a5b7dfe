"""Real signals sent to a real build: it stops within moments, its workers die with it,
no temporary file is left, and the previous package and lock are untouched."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ankigen.render.parallel import MIN_TEXTS_PER_WORKER

from .test_benchmark import synthetic

if not sys.platform.startswith("linux"):
    pytest.skip("reads /proc to find the build's processes", allow_module_level=True)

CARDS = 3 * MIN_TEXTS_PER_WORKER  # two texts a card: enough for two workers


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A card set large enough to render in parallel, built once: its package and lock
    are what an interrupted build must leave as they are."""
    base = tmp_path_factory.mktemp("interrupt")
    synthetic.write_ankigen(base / "cards", CARDS)
    _ankigen(base, "build", "cards", "-o", "out/deck.apkg").wait(timeout=120)
    assert (base / "out" / "deck.apkg").is_file() and (base / "cards" / "ankigen.lock").is_file()
    return base


@pytest.fixture
def workspace(built: Path) -> Iterator[Path]:
    """The built set, with its cards as they were after each test (an interrupted build
    changes nothing else, as each test checks). Its render cache stays warm."""
    cards = {p: p.read_bytes() for p in (built / "cards").glob("*.yaml")}
    yield built
    for path, content in cards.items():
        path.write_bytes(content)


def _ankigen(cwd: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ANKIGEN_CACHE_DIR": str(cwd / "cache")}
    return subprocess.Popen(
        [sys.executable, "-m", "ankigen", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, to find every process it starts
    )


def _group(pgid: int) -> list[int]:
    """Every live process in process group ``pgid`` (orphans too: they keep the group)."""
    members = []
    for entry in os.listdir("/proc"):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except (OSError, ValueError):
            continue
        fields = stat.rpartition(")")[2].split()
        if entry.isdigit() and fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry))
    return members


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _hidden(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.startswith(".")]


def _when(ready: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while not ready():
        assert process.poll() is None, "the build ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.002)


RENDERING = "rendering"  # workers are running
WRITING = "writing"  # the package's temporary file exists


@pytest.mark.parametrize(
    ("signum", "phase", "whole_group", "code"),
    [
        (signal.SIGINT, RENDERING, False, 130),  # timeout -s INT, a supervisor, an IDE
        (signal.SIGTERM, RENDERING, False, 143),  # kill, a CI cancel
        (signal.SIGINT, RENDERING, True, 130),  # Ctrl-C in a terminal
        (signal.SIGINT, WRITING, False, 130),
        (signal.SIGTERM, WRITING, False, 143),
    ],
)
def test_an_interrupted_build_stops_cleanly(
    workspace: Path, signum: int, phase: str, whole_group: bool, code: int
) -> None:
    package, lock = workspace / "out" / "deck.apkg", workspace / "cards" / "ankigen.lock"
    before = package.read_bytes(), lock.read_bytes()
    synthetic.edit_one_card(workspace / "cards", "interrupted")  # so the build has work to do
    args = ["build", "cards", "-o", "out/deck.apkg"]
    if phase == RENDERING:  # render every card, so that the workers are busy
        args.append("--no-cache")
    build = _ankigen(workspace, *args)
    if phase == RENDERING:
        _when(lambda: len(_children(build.pid)) >= 2, build)
    else:
        _when(lambda: bool(_hidden(workspace / "out")), build)
    (os.killpg if whole_group else os.kill)(build.pid, signum)
    sent = time.monotonic()
    try:
        build.wait(timeout=10)
    finally:
        leftover = _group(build.pid)
        for pid in leftover:
            os.kill(pid, signal.SIGKILL)
    elapsed = time.monotonic() - sent
    assert build.stderr is not None
    stderr = build.stderr.read().decode()
    assert (build.returncode, leftover) == (code, []), stderr
    assert elapsed < 2.0, f"took {elapsed:.1f} s to stop"
    assert _hidden(workspace / "out") == [] and _hidden(workspace / "cards") == []
    assert (package.read_bytes(), lock.read_bytes()) == before
    assert stderr == f"interrupted ({signal.Signals(signum).name})\n"

import os
from pathlib import Path

import pytest

from ankigen.build import build
from ankigen.render import parallel, render_with_problems
from ankigen.source.validate import load_card_set

from ..conftest import DECK

T0 = 1_700_000_000


@pytest.fixture
def many_cards(tmp_path: Path) -> Path:
    """120 cards with code and math, one with an image and one with a problem."""
    root = tmp_path / "many"
    root.mkdir()
    (root / "deck.yaml").write_text(DECK)
    (root / "plot.svg").write_text("<svg/>")
    cards = [
        f"  - id: c{i}\n    question: 'What is \\(x_{{{i}}}\\)?'\n"
        f"    answer: |\n      - item {i}\n\n      ```python\n      x = {i}\n      ```\n"
        for i in range(120)
    ]
    cards.append("  - id: pic\n    question: '![p](plot.svg)'\n    answer: A plot.\n")
    cards.append("  - id: bad\n    question: Bad\n    answer: '<b onclick=\"x()\">no</b>'\n")
    (root / "theory.yaml").write_text("category: theory\ncards:\n" + "".join(cards))
    return root


def test_workers_render_what_one_process_renders(many_cards: Path, monkeypatch) -> None:
    card_set = load_card_set(many_cards)
    serial = render_with_problems(card_set, workers=1)
    monkeypatch.setattr(parallel, "MIN_TEXTS_PER_WORKER", 10)
    assert len(parallel.render_in_parallel(card_set, [c.answer for c in card_set.cards], 2)) > 100
    assert render_with_problems(card_set, workers=2) == serial
    assert [p.message for p in serial[1]] == ["event handler 'onclick=' is not allowed in a card"]
    assert [m.source.name for m in serial[0].media] == ["plot.svg"]


def test_workers_send_back_only_texts_that_stand_alone(many_cards: Path, monkeypatch) -> None:
    monkeypatch.setattr(parallel, "MIN_TEXTS_PER_WORKER", 1)
    card_set = load_card_set(many_cards)
    texts = ["![p](plot.svg)", "<b onclick='x()'>no</b>", "fine"]
    assert parallel.render_in_parallel(card_set, texts, 2) == {"fine": "<p>fine</p>"}


def test_a_parallel_build_makes_the_same_bytes(
    many_cards: Path, tmp_path: Path, monkeypatch
) -> None:
    (many_cards / "theory.yaml").write_text(
        (many_cards / "theory.yaml").read_text().replace('onclick="x()"', "")
    )
    monkeypatch.setattr(parallel, "MIN_TEXTS_PER_WORKER", 10**9)
    build(many_cards, tmp_path / "serial.apkg", now=T0, cache=False)
    (many_cards / "ankigen.lock").unlink()
    monkeypatch.setattr(parallel, "MIN_TEXTS_PER_WORKER", 10)
    build(many_cards, tmp_path / "parallel.apkg", now=T0, cache=False)
    assert (tmp_path / "parallel.apkg").read_bytes() == (tmp_path / "serial.apkg").read_bytes()


def _die(texts: list[str]) -> list[str | None]:
    os._exit(3)


def test_a_crashed_worker_falls_back_to_one_process(many_cards: Path, monkeypatch) -> None:
    card_set = load_card_set(many_cards)
    serial = render_with_problems(card_set, workers=1)
    monkeypatch.setattr(parallel, "MIN_TEXTS_PER_WORKER", 10)
    monkeypatch.setattr(parallel, "_render", _die)
    assert parallel.render_in_parallel(card_set, [c.answer for c in card_set.cards], 2) == {}
    assert render_with_problems(card_set, workers=2) == serial


def test_small_sets_are_rendered_in_one_process(many_cards: Path) -> None:
    card_set = load_card_set(many_cards)
    assert parallel.render_in_parallel(card_set, ["a", "b"], 8) == {}


_STOPPED_WHILE_WAITING = """
import signal, sys, time
from pathlib import Path

from ankigen.interrupt import Interrupted
from ankigen.render import parallel
from ankigen.source.validate import load_card_set


def slow(*args):
    time.sleep(60)


def stop(signum, frame):
    raise Interrupted(signum)


parallel._render = slow  # the forked workers find it there too
parallel.MIN_TEXTS_PER_WORKER = 1
card_set = load_card_set(Path(sys.argv[1]))
texts = [f"{i} " + "word " * 100_000 for i in range(64)]  # each far larger than a pipe holds
signal.signal(signal.SIGALRM, stop)
signal.setitimer(signal.ITIMER_REAL, 1.0)
try:
    parallel.render_in_parallel(card_set, texts, 2)
except Interrupted:
    print("interrupted", flush=True)
"""


def test_stopping_while_workers_run_ends_the_process(many_cards: Path, tmp_path: Path) -> None:
    """An interrupt while the main process waits for its workers: they are killed, and the
    process exits at once, with nothing left waiting on a pipe no worker reads."""
    import subprocess
    import sys
    import time

    script = tmp_path / "stop.py"
    script.write_text(_STOPPED_WHILE_WAITING)
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(script), str(many_cards)], capture_output=True, text=True, timeout=30
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "interrupted\n", "")
    assert time.monotonic() - start < 8

"""Time ankigen against genanki alone (the floor) and ankdown, on synthetic card sets.

    pip install -e ".[bench]"
    python benchmarks/run.py                          # 1k, 10k and 50k cards
    python benchmarks/run.py --sizes 1000 --runs 3    # a quick look

Every number is a whole process, started the way a user starts it: wall time is
the median of ``--runs`` runs (after one untimed warm-up), peak memory the
largest maximum resident set size that GNU time (``/usr/bin/time``) reported.
ankdown runs with ``--highlight``, since ankigen highlights code too; a row
without it is shown for reference. Prints one Markdown table, then the targets.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import synthetic

from ankigen.build import build, check
from ankigen.package.apkg import guid
from ankigen.package.notetype import note_type, stable_id

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BIN = Path(sys.executable).parent
TIME = "/usr/bin/time"
PLAN_OTHER_NOTES = 10_000


@dataclass
class Row:
    cards: str
    command: str
    seconds: float
    peak_mb: float
    apkg_bytes: int | None = None
    floor: float | None = None
    ankdown: float | None = None


def measure(
    command: list[str], runs: int, env: dict[str, str], prepare: Callable[[int], None] | None
) -> tuple[float, float]:
    """Median wall time (s) and peak RSS (MB) of ``command``, after one warm-up run."""
    times, peaks = [], []
    for run in range(runs + 1):
        if prepare:
            prepare(run)
        with tempfile.NamedTemporaryFile("r") as rss:
            start = time.perf_counter()
            done = subprocess.run(
                [TIME, "-f", "%M", "-o", rss.name, *command],
                env=env,
                capture_output=True,
                text=True,
            )
            elapsed = time.perf_counter() - start
            if done.returncode:
                sys.exit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
            if run:  # run 0 warms the disk cache and Python's bytecode cache
                times.append(elapsed)
                peaks.append(int(rss.read().split()[-1]) / 1024)
    return statistics.median(times), max(peaks)


def write_floor_notes(root: Path, target: Path) -> None:
    """ankigen's rendering of ``root`` as plain JSON for floor.py."""
    checked = check(root, cache=False)
    card_set, rendered = checked.card_set, checked.rendered
    deck = card_set.deck
    nt = note_type(deck)
    names = {c.id: f"{deck.name}::{c.name}" for c in deck.categories}
    data = {
        "notetype": {
            "id": stable_id(deck.id, "notetype"),
            "name": nt.name,
            "fields": list(nt.fields),
            "templates": list(nt.templates),
            "css": nt.css,
        },
        "decks": {name: stable_id(deck.id, "deck", cid) for cid, name in names.items()},
        "notes": [
            {
                "deck": names[r.card.category],
                "fields": list(r.fields),
                "tags": list(r.tags),
                "guid": guid(deck, r.card.id),
            }
            for r in rendered.cards
        ],
    }
    target.write_text(json.dumps(data), encoding="utf-8")


def bench_plan(shipped: Path, work: Path, runs: int, env: dict[str, str]) -> Row:
    """``ankigen plan`` of the shipped deck against a collection that has it and
    10,000 other notes, made with Anki's own backend."""
    build(shipped, work / "shipped.apkg")
    collection = work / "profile" / "collection.anki2"
    synthetic.write_collection(collection, PLAN_OTHER_NOTES, work / "shipped.apkg")
    command = [str(BIN / "ankigen"), "plan", str(shipped), "--collection", str(collection)]
    seconds, peak = measure(command, runs, env, None)
    name = f"ankigen plan, collection of {PLAN_OTHER_NOTES:,} other notes"
    cards = str(len(check(shipped).card_set.cards))
    print(f"  {cards:>7} {name:<32} {seconds:8.3f} s {peak:7.0f} MB", file=sys.stderr)
    return Row(cards, name, seconds, peak)


def bench_size(count: int, work: Path, runs: int, env: dict[str, str]) -> list[Row]:
    label = f"{count:,}"
    cards, markdown, out = work / f"cards-{count}", work / f"ankdown-{count}", work / "out"
    synthetic.write_ankigen(cards, count)
    synthetic.write_ankdown(markdown, count)
    out.mkdir(exist_ok=True)
    cache = Path(env["ANKIGEN_CACHE_DIR"])
    notes = work / f"notes-{count}.json"
    write_floor_notes(cards, notes)

    def cold(_: int) -> None:
        (cards / "ankigen.lock").unlink(missing_ok=True)
        shutil.rmtree(cache, ignore_errors=True)

    def edit(run: int) -> None:
        synthetic.edit_one_card(cards, f"edit {run}")

    ankigen, apkg = str(BIN / "ankigen"), out / f"ankigen-{count}.apkg"
    floor_apkg, ankdown_apkg = out / f"floor-{count}.apkg", out / f"ankdown-{count}.apkg"
    plain_apkg = out / f"ankdown-plain-{count}.apkg"
    plan = [
        ("genanki alone (floor)",
         [sys.executable, str(HERE / "floor.py"), str(notes), str(floor_apkg)], None, floor_apkg),
        ("ankdown --highlight",
         [str(BIN / "ankdown"), "-r", str(markdown), "-p", str(ankdown_apkg), "--highlight"],
         None, ankdown_apkg),
        ("ankdown (no highlighting)",
         [str(BIN / "ankdown"), "-r", str(markdown), "-p", str(plain_apkg)], None, plain_apkg),
        ("ankigen build, cold", [ankigen, "build", str(cards), "-o", str(apkg)], cold, apkg),
        ("ankigen build, one card edited",
         [ankigen, "build", str(cards), "-o", str(apkg)], edit, apkg),
        ("ankigen check", [ankigen, "check", str(cards)], None, None),
    ]  # fmt: skip
    rows = []
    for name, command, prepare, output in plan:
        seconds, peak = measure(command, runs, env, prepare)
        rows.append(Row(label, name, seconds, peak, output.stat().st_size if output else None))
        print(f"  {label:>7} {name:<32} {seconds:8.3f} s {peak:7.0f} MB", file=sys.stderr)
    floor, ankdown = rows[0].seconds, rows[1].seconds
    for row in rows:
        row.floor, row.ankdown = row.seconds / floor, row.seconds / ankdown
    return rows


def table(rows: list[Row]) -> str:
    lines = [
        "| cards | command | median time | × floor | × ankdown | peak memory | .apkg |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ratio = lambda x: f"{x:.2f}" if x is not None else ""  # noqa: E731
        size = f"{r.apkg_bytes / 1e6:.1f} MB" if r.apkg_bytes else ""
        lines.append(
            f"| {r.cards} | {r.command} | {_time(r.seconds)} | {ratio(r.floor)} | "
            f"{ratio(r.ankdown)} | {r.peak_mb:.0f} MB | {size} |"
        )
    return "\n".join(lines)


def _time(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def targets(rows: list[Row]) -> list[tuple[str, bool]]:
    find = {(r.cards, r.command): r for r in rows}
    results = []
    help_row, check_row = find.get(("", "ankigen --help")), find.get(("79", "ankigen check"))
    plan_row = next((r for r in rows if r.command.startswith("ankigen plan")), None)
    if help_row:
        results.append(("ankigen --help under 150 ms", help_row.seconds < 0.150))
    if check_row:
        results.append(("ankigen check of the shipped deck under 0.5 s", check_row.seconds < 0.5))
    if plan_row:
        results.append(
            (f"plan of the shipped deck against {PLAN_OTHER_NOTES:,} other notes under 2 s",
             plan_row.seconds < 2.0)
        )  # fmt: skip
    cold10, edit10 = find.get(("10,000", "ankigen build, cold")), None
    if cold10:
        edit10 = find[("10,000", "ankigen build, one card edited")]
        results.append(("cold build of 10k ≤ 1.5× ankdown", (cold10.ankdown or 0) <= 1.5))
        results.append(
            ("rebuild after one edit of 10k ≤ 0.5× ankdown", (edit10.ankdown or 0) <= 0.5)
        )
    cold50 = find.get(("50,000", "ankigen build, cold"))
    if cold10 and cold50:
        growth = cold50.seconds / cold10.seconds
        results.append((f"50k cold build ≤ 5.5× the 10k one ({growth:.2f}×)", growth <= 5.5))
    if cold50:
        peak = max(r.peak_mb for r in rows if r.cards == "50,000" and "ankigen" in r.command)
        results.append((f"peak memory at 50k under 500 MB ({peak:.0f} MB)", peak < 500))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="card counts, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command")
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it")
    args = parser.parse_args()
    if not Path(TIME).exists():
        sys.exit(f"{TIME} (GNU time) is needed: apt install time")
    if not (BIN / "ankdown").exists():
        sys.exit('ankdown is needed: pip install -e ".[bench]"')

    work = args.keep or Path(tempfile.mkdtemp(prefix="ankigen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "ANKIGEN_CACHE_DIR": str(work / "cache")}
    env.pop("SOURCE_DATE_EPOCH", None)
    try:
        rows = []
        seconds, peak = measure([str(BIN / "ankigen"), "--help"], args.runs, env, None)
        rows.append(Row("", "ankigen --help", seconds, peak))
        shipped = work / "shipped"
        shutil.copytree(REPO / "cards", shipped, dirs_exist_ok=True)
        check_shipped = [str(BIN / "ankigen"), "check", str(shipped)]
        seconds, peak = measure(check_shipped, args.runs, env, None)
        rows.append(Row("79", "ankigen check", seconds, peak))
        seconds, peak = measure([*check_shipped, "--no-cache"], args.runs, env, None)
        rows.append(Row("79", "ankigen check --no-cache", seconds, peak))
        rows.append(bench_plan(shipped, work, args.runs, env))
        for count in (int(s) for s in args.sizes.split(",")):
            rows += bench_size(count, work, args.runs, env)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    versions = ", ".join(
        f"{p} {metadata.version(p)}"
        for p in ("ankigen", "genanki", "Markdown", "Pygments", "ankdown")
    )
    print(
        f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}; {versions}; median of {args.runs} runs\n"
    )
    print(table(rows))
    print()
    for name, ok in targets(rows):
        print(f"- {'met' if ok else 'MISSED'}: {name}")


if __name__ == "__main__":
    main()

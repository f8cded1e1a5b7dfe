"""Time ankigen against genanki alone (the floor) and ankdown, on synthetic card sets.

    pip install -e ".[bench]"
    python benchmarks/run.py                          # 1k, 10k and 50k cards
    python benchmarks/run.py --sizes 1000 --runs 3    # a quick look

Every number is a whole process, started the way a user starts it: wall time is
the median of ``--runs`` runs (at least 10 for the shipped deck's commands, which take
a fraction of a second; after one untimed warm-up), peak memory the
largest maximum resident set size that GNU time (``/usr/bin/time``) reported.
The commands of one card count run in turn, run after run, so that a change in
the machine's load weighs on each of them alike and their ratios hold. ankdown
runs with ``--highlight``, since ankigen highlights code too; a row without it
is shown for reference. The preview of 10,000 cards is opened in Chromium
(Playwright), when it is there. Prints one Markdown table, then each target,
met or not.
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

from ankigen.build import build
from ankigen.check import check
from ankigen.package.apkg import guid
from ankigen.package.notetype import note_type, stable_id

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BIN = Path(sys.executable).parent
TIME = "/usr/bin/time"
PLAN_OTHER_NOTES = 10_000
PREVIEW_CARDS = 10_000  # the preview opened in Chromium
# The shipped deck's commands take a fraction of a second, where one busy moment of the
# machine moves a median of 3; ten runs of each cost a few seconds.
SHIPPED_RUNS = 10


@dataclass
class Row:
    cards: str
    command: str
    seconds: float
    peak_mb: float
    apkg_bytes: int | None = None
    floor: float | None = None
    ankdown: float | None = None


Prepare = Callable[[int], None] | None


def measure(
    command: list[str], runs: int, env: dict[str, str], prepare: Prepare
) -> tuple[float, float]:
    """Median wall time (s) and peak RSS (MB) of ``command``, after one warm-up run."""
    ((seconds, peak),) = measure_in_turn([(command, prepare)], runs, env)
    return seconds, peak


def measure_in_turn(
    commands: list[tuple[list[str], Prepare]], runs: int, env: dict[str, str]
) -> list[tuple[float, float]]:
    """``measure`` of each command, running them in turn: all once, then all again."""
    times: list[list[float]] = [[] for _ in commands]
    peaks: list[list[float]] = [[] for _ in commands]
    for run in range(runs + 1):
        for i, (command, prepare) in enumerate(commands):
            if prepare:
                prepare(run)
            seconds, peak = _run(command, env)
            if run:  # run 0 warms the disk cache and Python's bytecode cache
                times[i].append(seconds)
                peaks[i].append(peak)
    return [(statistics.median(t), max(p)) for t, p in zip(times, peaks, strict=True)]


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    with tempfile.NamedTemporaryFile("r") as rss:
        start = time.perf_counter()
        done = subprocess.run(
            [TIME, "-f", "%M", "-o", rss.name, *command], env=env, capture_output=True, text=True
        )
        elapsed = time.perf_counter() - start
        if done.returncode:
            sys.exit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
        return elapsed, int(rss.read().split()[-1]) / 1024


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
    row = Row(_count(shipped), name, seconds, peak)
    _progress(row)
    return row


def bench_shipped(shipped: Path, work: Path, runs: int, env: dict[str, str]) -> list[Row]:
    """The shipped deck, as its author rebuilds it: warm caches and its lock, nothing
    changed (the build and check of the last run are replayed), or one card edited; and
    checked without the caches."""
    ankigen, cards = str(BIN / "ankigen"), _count(shipped)
    build = [ankigen, "build", str(shipped), "-o", str(work / "shipped.apkg")]
    copy = work / "shipped-edited"  # another card set: its edits change nothing of the first
    shutil.copytree(shipped, copy)
    edited = [ankigen, "build", str(copy), "-o", str(work / "shipped-edited.apkg")]

    def edit(run: int) -> None:
        edit_shipped_card(copy, f"edit {run}")

    plan = [
        ("ankigen --help", [ankigen, "--help"], None),
        ("ankigen build", build, None),
        ("ankigen check", [ankigen, "check", str(shipped)], None),
        ("ankigen check --no-cache", [ankigen, "check", str(shipped), "--no-cache"], None),
        ("ankigen build, one card edited", edited, edit),
    ]
    measured = measure_in_turn([(command, prepare) for _, command, prepare in plan], runs, env)
    rows = [
        Row("" if name.endswith("--help") else cards, name, seconds, peak)
        for (name, _, _), (seconds, peak) in zip(plan, measured, strict=True)
    ]
    for row in rows:
        _progress(row)
    return rows


def edit_shipped_card(root: Path, marker: str) -> None:
    """Change the question of the first card of the first card file to mention ``marker``
    (the shipped deck's questions are block scalars)."""
    files = sorted(root.glob("*.yaml"))
    path = next(p for p in files if p.name not in ("deck.yaml", "sources.yaml"))
    pattern = r"^(    question: \|\n      .*?)(?: \(edit \d+\))?$"
    synthetic.edit_line(path, pattern, rf"\1 ({marker})", marker)


def bench_preview(cards: Path, work: Path, runs: int, env: dict[str, str]) -> list[Row]:
    """``ankigen preview`` of ``cards``, and the time the page takes to open in Chromium:
    from navigating to it until the first frames after its load event are drawn."""
    out = work / "preview"
    command = [str(BIN / "ankigen"), "preview", str(cards), "-o", str(out)]
    seconds, peak = measure(command, runs, env, None)
    label = f"{len(check(cards).card_set.cards):,}"
    rows = [Row(label, "ankigen preview", seconds, peak)]
    _progress(rows[-1])
    opened = open_in_chromium(out / "index.html", runs)
    if opened is not None:
        rows.append(Row(label, "preview opened in Chromium", opened, 0))
        _progress(rows[-1])
    return rows


def open_in_chromium(page: Path, runs: int) -> float | None:
    """Median seconds until ``page`` is open and drawn; None without Playwright or Chromium."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        print("  (no Playwright: the preview is not opened)", file=sys.stderr)
        return None
    times = []
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"]
            )
        except Error as exc:  # no browser: the rest of the run is still worth its table
            reason = str(exc).strip().splitlines()[0]
            print(
                f"  (Chromium does not start: {reason}; the preview is not opened)", file=sys.stderr
            )
            return None
        try:
            for run in range(runs + 1):
                context = browser.new_context()
                tab = context.new_page()
                tab.goto(page.as_uri(), wait_until="load", timeout=120_000)
                drawn = tab.evaluate(
                    "() => new Promise(done => requestAnimationFrame(() =>"
                    " requestAnimationFrame(() => done(performance.now()))))"
                )
                context.close()
                if run:
                    times.append(drawn / 1000)
        finally:
            browser.close()
    return statistics.median(times)


def chromium() -> str | None:
    """The system's Chromium, or None for the one Playwright installs."""
    return next(
        (found for c in ("chromium", "chromium-browser") if (found := shutil.which(c))), None
    )


def _count(cards: Path) -> str:
    return f"{len(check(cards).card_set.cards):,}"


def _progress(row: Row) -> None:
    peak = f"{row.peak_mb:7.0f} MB" if row.peak_mb else ""
    print(f"  {row.cards:>7} {row.command:<32} {row.seconds:8.3f} s {peak}", file=sys.stderr)


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
    measured = measure_in_turn([(command, prepare) for _, command, prepare, _ in plan], runs, env)
    for (name, _, _, output), (seconds, peak) in zip(plan, measured, strict=True):
        rows.append(Row(label, name, seconds, peak, output.stat().st_size if output else None))
        _progress(rows[-1])
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
            f"{ratio(r.ankdown)} | {f'{r.peak_mb:.0f} MB' if r.peak_mb else ''} | {size} |"
        )
    return "\n".join(lines)


def _time(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def targets(rows: list[Row]) -> list[tuple[str, bool | None]]:
    """Each target, with what was measured; None: not measured in this run."""
    find = {(r.cards, r.command): r for r in rows}
    shipped = {r.command: r for r in rows if r.cards == _shipped_label(rows)}
    results: list[tuple[str, bool | None]] = []

    def under(name: str, row: Row | None, limit: float) -> None:
        if row is None:
            results.append((f"{name} under {_time(limit)}", None))
        else:
            results.append((f"{name} under {_time(limit)} ({_time(row.seconds)})",
                            row.seconds < limit))  # fmt: skip

    def ratio(name: str, row: Row | None, value: float | None, limit: float, of: str) -> None:
        if row is None or value is None:
            results.append((f"{name} ≤ {limit}× {of}", None))
        else:
            results.append((f"{name} ≤ {limit}× {of} ({value:.2f}×)", value <= limit))

    for size in ("10,000", "50,000"):
        edit = find.get((size, "ankigen build, one card edited"))
        ratio(f"rebuild after one edit of {size}", edit, edit and edit.floor, 1.5, "the floor")
    cold10 = find.get(("10,000", "ankigen build, cold"))
    ratio("cold build of 10,000", cold10, cold10 and cold10.ankdown, 0.5, "ankdown --highlight")
    under("ankigen build of the shipped deck", shipped.get("ankigen build"), 0.150)
    under("ankigen check of the shipped deck", shipped.get("ankigen check"), 0.120)
    under("ankigen --help", find.get(("", "ankigen --help")), 0.150)
    under(
        "the preview of 10,000 opens in Chromium",
        find.get(("10,000", "preview opened in Chromium")),
        2.0,
    )
    plan = next((r for r in rows if r.command.startswith("ankigen plan")), None)
    under(f"plan of the shipped deck against {PLAN_OTHER_NOTES:,} other notes", plan, 2.0)
    ankigen50 = [r for r in rows if r.cards == "50,000" and r.command.startswith("ankigen")]
    if ankigen50:
        peak = max(r.peak_mb for r in ankigen50)
        results.append((f"peak memory at 50,000 under 300 MB ({peak:.0f} MB)", peak < 300))
    else:
        results.append(("peak memory at 50,000 under 300 MB", None))
    for what in ("cold", "one card edited"):
        small, large = (
            find.get(("10,000", f"ankigen build, {what}")),
            find.get(("50,000", f"ankigen build, {what}")),
        )
        growth = large.seconds / small.seconds if small and large else None
        ratio(f"50,000 build, {what}", large, growth, 5.5, "the 10,000 one")
    return results


def _shipped_label(rows: list[Row]) -> str:
    return next((r.cards for r in rows if r.command == "ankigen check --no-cache"), "")


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
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed ankigen has its bytecode
    try:
        shipped = work / "shipped"
        shutil.copytree(REPO / "cards", shipped, dirs_exist_ok=True)
        rows = bench_shipped(shipped, work, max(args.runs, SHIPPED_RUNS), env)
        rows.append(bench_plan(shipped, work, args.runs, env))
        for count in (int(s) for s in args.sizes.split(",")):
            rows += bench_size(count, work, args.runs, env)
            if count == PREVIEW_CARDS:
                rows += bench_preview(work / f"cards-{count}", work, args.runs, env)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    versions = ", ".join(
        f"{p} {metadata.version(p)}"
        for p in ("ankigen", "genanki", "Markdown", "Pygments", "ankdown")
    )
    print(
        f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}; {versions}; "
        f"median of {args.runs} run{'s' * (args.runs != 1)} "
        f"({max(args.runs, SHIPPED_RUNS)} for the shipped deck's commands)\n"
    )
    print(table(rows))
    print()
    for name, ok in targets(rows):
        print(f"- {'not measured' if ok is None else 'met' if ok else 'MISSED'}: {name}")


if __name__ == "__main__":
    main()

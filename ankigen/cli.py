"""The command line: arguments, one error boundary, the build summary.

Heavy modules (genanki, Markdown, Pygments) are imported inside the commands,
so ``ankigen --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .errors import CardSetError, Problem
from .interrupt import Interrupted, signals_as_exceptions

if TYPE_CHECKING:
    from .build import Report

CARDS_DIR = click.Path(path_type=Path)  # read_card_set says what is wrong with it
NO_CACHE = click.option(
    "--no-cache",
    is_flag=True,
    help="Render every card afresh, without reading or writing the render cache.",
)


@contextmanager
def reported() -> Iterator[None]:
    """The one place where problems become output and exit code 1, and where SIGINT and
    SIGTERM end a command (cleaning up on the way) with 130 or 143."""
    try:
        with signals_as_exceptions():
            yield
    except Interrupted as exc:
        click.echo(f"interrupted ({exc.name})", err=True)
        raise SystemExit(exc.exit_code) from None
    except CardSetError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        count = len(exc.problems)
        click.secho(f"{count} problem{'s' * (count != 1)} found; nothing written.", err=True)
        raise SystemExit(1) from None
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"{where}{exc.strerror or exc}", err=True)
        raise SystemExit(1) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ankigen")
def main() -> None:
    """Compile a YAML card set into an Anki package (.apkg).

    Re-importing a rebuilt package updates edited notes in place: nothing is
    duplicated and review history is kept.

    \b
    Example:
      ankigen check cards
      ankigen build cards -o dist/deck.apkg
    """


@main.command()
@click.argument("cards_dir", default="cards", type=CARDS_DIR)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="The .apkg to write, or a directory to write <deck id>.apkg into, outside "
    "CARDS_DIR  [default: dist/<deck id>.apkg]",
)
@click.option(
    "--new-deck-id",
    is_flag=True,
    help="Build although the deck id differs from the lock's: Anki imports every card as "
    "a new note, and the old notes keep their review history.",
)
@NO_CACHE
def build(cards_dir: Path, output: Path | None, new_deck_id: bool, no_cache: bool) -> None:
    """Validate CARDS_DIR and compile it into one .apkg.

    Also updates CARDS_DIR/ankigen.lock, which keeps each card's modification
    time and the deck id between builds: commit it with the cards.

    \b
    Example:
      ankigen build                      # cards/ -> dist/<deck id>.apkg
      ankigen build my-cards -o out/my-deck.apkg
      ankigen build my-cards -o out/     # -> out/<deck id>.apkg
    """
    with reported():
        from .build import build as run_build

        report = run_build(cards_dir, output, cache=not no_cache, new_deck_id=new_deck_id)
    _summary(report)


@main.command()
@click.argument("cards_dir", default="cards", type=CARDS_DIR)
@NO_CACHE
def check(cards_dir: Path, no_cache: bool) -> None:
    """Validate CARDS_DIR and report every problem; write no package.

    \b
    Example:
      ankigen check cards
    """
    with reported():
        from .build import check as run_check

        checked = run_check(cards_dir, cache=not no_cache)
    _warnings(checked.warnings)
    click.echo(f"{cards_dir}: {_cards(len(checked.card_set.cards))} ok")


@main.command()
@click.argument("cards_dir", default="cards", type=CARDS_DIR)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="The directory to write  [default: dist/preview]",
)
@NO_CACHE
def preview(cards_dir: Path, output: Path | None, no_cache: bool) -> None:
    """Write a static HTML page of every card in CARDS_DIR, front and back, as
    Anki will show it: open it in any browser, no network needed.

    The directory is replaced whole on every run.

    \b
    Example:
      ankigen preview                    # cards/ -> dist/preview/index.html
      ankigen preview my-cards -o /tmp/my-preview
    """
    with reported():
        from .preview.page import preview as run_preview

        report = run_preview(cards_dir, output, cache=not no_cache)
    _warnings(report.warnings)
    click.echo(f"wrote {report.index} ({_cards(len(report.card_set.cards))})")
    click.echo(f"open {report.index.resolve().as_uri()}")


@main.command()
@click.argument("directory", default="cards", type=click.Path(path_type=Path))
def init(directory: Path) -> None:
    """Start a new card set in DIRECTORY (new or empty): deck.yaml with a deck id of its
    own, a card file of samples and a README.

    The deck id is the deck's identity in Anki: keep it for good, and never copy it
    into another card set.

    \b
    Example:
      ankigen init                       # ./cards, then: ankigen build
      ankigen init ~/decks/japanese
    """
    with reported():
        from .source.scaffold import init as run_init

        made = run_init(directory)
    names = ", ".join(str(path.relative_to(made.root)) for path in made.files)
    click.echo(f"created {directory} (deck id {made.deck_id}): {names}")
    click.echo(f"next: edit the cards, then run `ankigen build {directory}`")


@main.command()
@click.argument("which", type=click.Choice(["cards", "deck"]), default="cards")
def schema(which: str) -> None:
    """Print the JSON Schema of a card file (cards) or of deck.yaml (deck), for
    editors that check and complete YAML as you type.

    \b
    Example:
      ankigen schema > .schemas/card-file.schema.json
      ankigen schema deck > .schemas/deck.schema.json
    then, as the first line of a card file:
      # yaml-language-server: $schema=.schemas/card-file.schema.json
    """
    from .source.schema import dumps

    click.echo(dumps(which), nl=False)


def _summary(report: Report) -> None:
    from .package.lock import LOCK_FILE

    deck = report.card_set.deck
    click.echo(deck.name)
    counts = report.counts()
    width = max(len(name) for name, _ in counts)
    for name, count in counts:
        click.echo(f"  {name:<{width}}  {count:>5} card{'s' * (count != 1)}")
    total = _cards(len(report.card_set.cards))
    if not report.lock_found:
        lock = report.card_set.root / LOCK_FILE
        click.echo(f"{total}, no lock file (first build?): every card gets this build's time")
        click.echo(
            f"  if this deck was built before, restore {lock} and rebuild; "
            "otherwise a re-import updates every note"
        )
    else:
        click.echo(
            f"{total}: {len(report.new)} new, {len(report.changed)} changed, "
            f"{len(report.removed)} removed"
        )
        for label, ids in (("new", report.new), ("changed", report.changed)):
            if ids:
                click.echo(f"  {label}: {_ids(ids)}")
    if report.removed:
        from .build import removed_search

        click.echo(f"  removed: {_ids(report.removed)}")
        search = " or ".join(
            removed_search(deck, card_id, report.retyped.get(card_id)) for card_id in report.removed
        )
        click.echo(f"  Anki keeps removed notes: find them in the Browser with {search}")
    if report.notetypes_changed:
        kinds = [k for k in report.notetypes_changed if k != "basic"]
        which = f" of {', '.join(kinds)} cards" if kinds else ""
        click.echo(f"note type{which} (templates or CSS) changed: re-import updates it")
    _warnings(report.warnings)
    click.echo(f"wrote {report.output} ({_size(report.size)})")


def _cards(count: int) -> str:
    return f"{count} card{'s' * (count != 1)}"


def _ids(ids: list[str], shown: int = 10) -> str:
    """Card ids, shortened when there are many: the first few and how many more."""
    if len(ids) <= shown:
        return ", ".join(ids)
    return f"{', '.join(ids[:3])} … (+{len(ids) - 3} more; {len(ids)} in all)"


def _warnings(warnings: list[Problem]) -> None:
    for problem in warnings:
        click.secho(str(problem), err=True, fg="yellow")


def _size(size: int) -> str:
    return f"{size / 1024:.1f} KiB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MiB"

"""The command line: arguments, one error boundary, the build summary.

Heavy modules (Markdown, Pygments, the Anki backend) are imported inside the commands,
so ``ankigen --help`` stays fast; a build or check that would repeat the last one is
answered from it (replay.py).
"""

from __future__ import annotations

import gc
import shlex
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .errors import CardSetError, Problem, Refusal
from .interrupt import Interrupted, signals_as_exceptions

if TYPE_CHECKING:
    from .build import Report
    from .replay import Line

CARDS_DIR = click.Path(path_type=Path)  # read_card_set says what is wrong with it
NO_CACHE = click.option(
    "--no-cache",
    is_flag=True,
    help="Read and render every card afresh, without the caches, even if nothing changed.",
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
        for problem in exc.everything():
            click.secho(str(problem), err=True, fg="yellow" if problem.warning else None)
        for line in exc.details if isinstance(exc, Refusal) else ():
            click.echo(line)
        found = _count(len(exc.problems), "problem")
        if exc.warnings:
            found += f" and {_count(len(exc.warnings), 'warning')}"
        click.echo(f"{found} found; nothing written.", err=True)
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

    \b
    Exit codes:
      0    done
      1    problems found, and nothing written: an invalid card set, an output that
           is refused or cannot be written; plan: the import would lose something
           (or the collection has notes unknown to the card set); apply: a refusal
      2    a usage error: an unknown command or option, a bad argument
      130  interrupted by Ctrl-C (SIGINT), 143 by SIGTERM; nothing is half-written
    """


def run() -> None:
    """The ``ankigen`` command: ``main``, then an exit that leaves what the command made
    to the operating system. When a command returns, every file it wrote is closed; what
    remains is memory, much of it in reference cycles (a card set held by the renderer, a
    Markdown converter), which the interpreter's last collection would walk and free
    object by object: tens of milliseconds after a rebuild of 10,000 cards. Frozen, the
    collection passes over them; the rest of the exit (flushing output, atexit) runs."""
    try:
        main()
    finally:
        gc.freeze()


@main.command()
@click.argument("cards_dir", default="cards", type=CARDS_DIR)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="The .apkg to write, or an existing directory to write <deck id>.apkg into, "
    "outside CARDS_DIR  [default: dist/<deck id>.apkg]",
)
@click.option(
    "--new-deck-id",
    is_flag=True,
    help="Build although the deck id differs from the lock's: Anki imports every card as "
    "a new note, and the old notes keep their review history.",
)
@click.option(
    "--change-note-type",
    is_flag=True,
    help="Build although a note type's fields or templates change: Anki then ignores "
    "updates to the notes learners have unless they merge note types.",
)
@NO_CACHE
def build(
    cards_dir: Path, output: Path | None, new_deck_id: bool, change_note_type: bool, no_cache: bool
) -> None:
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
        from .replay import Run

        arguments = [str(cards_dir), str(output), str(new_deck_id), str(change_note_type)]
        run = None if no_cache else Run("build", cards_dir, arguments)
        if run and (kept := run.replay()):
            _show(kept.lines)
            click.echo(f"{kept.output} is up to date ({_size(kept.size)}): nothing changed")
            return
        from .build import build as run_build

        report = run_build(
            cards_dir,
            output,
            cache=not no_cache,
            new_deck_id=new_deck_id,
            change_note_type=change_note_type,
        )
        lines = _summary(report)
        _show(lines)
        click.echo(f"wrote {report.output} ({_size(report.size)})")
        if run:
            run.keep(lines, report.read, report.output)


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
        from .replay import Run

        run = None if no_cache else Run("check", cards_dir, [str(cards_dir)])
        if run and (kept := run.replay()):
            _show(kept.lines)
            return
        from .check import check as run_check

        checked = run_check(cards_dir, cache=not no_cache)
        anki_cards = sum(len(r.ords) for r in checked.rendered.cards)
        lines = _warnings(checked.warnings)
        lines.append((f"{cards_dir}: {_notes(len(checked.card_set.cards), anki_cards)} ok", False))
        _show(lines)
        if run:
            run.keep(lines, checked.files_read())


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

    The directory is replaced whole on every run, if it holds nothing but what the
    preview wrote; it must be outside CARDS_DIR.

    \b
    Example:
      ankigen preview                    # cards/ -> dist/preview/index.html
      ankigen preview my-cards -o /tmp/my-preview
    """
    with reported():
        from .preview.page import preview as run_preview

        report = run_preview(cards_dir, output, cache=not no_cache)
    _show(_warnings(report.warnings))
    click.echo(f"wrote {report.index} ({_notes(len(report.card_set.cards), report.anki_cards)})")
    click.echo(f"open {report.index.resolve().as_uri()}")


def _collection(help: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return click.option(
        "--collection",
        "collection",
        required=True,
        type=click.Path(exists=True, path_type=Path),
        metavar="COLLECTION",
        help=help,
    )


@main.command()
@click.argument("cards_dir", default="cards", type=CARDS_DIR)
@_collection(
    "The Anki collection to plan against: a profile folder, a collection.anki2, a .colpkg "
    "or an .apkg."
)
@NO_CACHE
def plan(cards_dir: Path, collection: Path, no_cache: bool) -> None:
    """Show what importing CARDS_DIR's package would do to an Anki collection, card by
    card, without changing it: Anki's own importer runs on a copy.

    \b
    COLLECTION is an Anki profile folder or its collection.anki2. Anki keeps
    each profile in a folder named after it:
      Linux    ~/.local/share/Anki2/<profile>
      macOS    ~/Library/Application Support/Anki2/<profile>
      Windows  %APPDATA%\\Anki2\\<profile>

    COLLECTION may also be a .colpkg (a whole collection, as AnkiDroid and AnkiMobile export
    it) or an .apkg (a fresh collection with that package imported: a new release
    checked against the one before).

    Exits 1 when the import would leave the collection unlike the YAML or lose
    something of yours (removed notes, old notes of cards whose type changed, empty
    cloze cards, old subdecks, dropped tags, edits made in Anki), or when the collection
    has notes of this deck's id that the card set does not know (another card set with
    the same deck id made them).

    Every kind of card: basic, cloze, reversed and type-in notes, each of its own
    note type, and every card of a note (a reversed note's two, a cloze note's one
    per number).

    \b
    Example:
      ankigen plan --collection ~/.local/share/Anki2/"User 1"
      ankigen plan cards --collection dist/previous-release.apkg
    """
    from .collection.plan import plan as run_plan
    from .collection.report import lines

    with reported():
        result = run_plan(cards_dir, collection, cache=not no_cache)
    for line in lines(result):
        click.echo(line)
    raise SystemExit(1 if result.surprise else 0)


@main.command()
@click.argument("cards_dir", default="cards", type=CARDS_DIR)
@_collection(
    "The Anki collection to change: a profile folder or its collection.anki2, with Anki closed."
)
@click.option(
    "--prefer-yaml",
    is_flag=True,
    help="Where a field of a note changed both in Anki and in the YAML, differently, take "
    "the YAML's (the fields only you changed are kept).",
)
@click.option(
    "--merge-note-types",
    is_flag=True,
    help="Merge a note type whose fields or templates changed (Anki then asks for a one-way sync).",
)
@click.option(
    "--delete-retyped",
    is_flag=True,
    help="Delete the old note of a card whose type changed although it has been studied: "
    "its reviews and schedule go with it (the new note starts afresh).",
)
@NO_CACHE
def apply(
    cards_dir: Path,
    collection: Path,
    prefer_yaml: bool,
    merge_note_types: bool,
    delete_retyped: bool,
    no_cache: bool,
) -> None:
    """Import CARDS_DIR's package into an Anki collection, then do what the importer
    cannot: move cards to their category's current subdeck, delete the notes whose
    cards were removed from the YAML (and the old note of a card whose type changed,
    and the empty cards of removed cloze numbers), and keep the tags you added in Anki
    and the fields you edited there that the YAML did not change.

    Refuses, changing nothing, while Anki has the collection open, when the card set
    changed since the last build, when a field changed both in Anki and in the YAML
    (see --prefer-yaml), and when the collection has notes of this deck's id that the
    card set does not know: it deletes only the notes the lock remembers making.

    Makes a backup first, in Anki's own format, in the profile's backups/ folder
    (Anki's File > Switch Profile > Open Backup restores it). Keeps review history
    and scheduling, and never makes Anki ask for a one-way sync unless a note type's
    fields changed and you pass --merge-note-types. Running it again changes nothing.

    Every kind of card: basic, cloze, reversed and type-in notes, each of its own
    note type, and every card of a note (a reversed note's two, a cloze note's one
    per number).

    \b
    COLLECTION is an Anki profile folder or its collection.anki2:
      Linux    ~/.local/share/Anki2/<profile>
      macOS    ~/Library/Application Support/Anki2/<profile>
      Windows  %APPDATA%\\Anki2\\<profile>

    \b
    Example:
      ankigen build && ankigen plan --collection ~/.local/share/Anki2/"User 1"
      ankigen apply --collection ~/.local/share/Anki2/"User 1"
    """
    from .collection.apply import apply as run_apply
    from .collection.report import lines, outcome, refusal

    with reported():
        done = run_apply(
            cards_dir,
            collection,
            cache=not no_cache,
            prefer_yaml=prefer_yaml,
            merge_notetypes=merge_note_types,
            progress=click.echo,
            delete_retyped=delete_retyped,
        )
        if done.refused:  # why first, then what it is about
            raise Refusal(done.refused, refusal(done))
    assert done.plan is not None
    for line in lines(done.plan, applied=done.changed, summary=False):
        click.echo(line)
    for name in done.removed_decks:
        click.echo(f"removed the emptied subdeck '{name}'")
    if done.changed:
        click.echo(outcome(done))
    else:
        click.echo("nothing to do: the collection already matches the YAML")


@main.command()
@click.argument("directory", default="cards", type=click.Path(path_type=Path))
def init(directory: Path) -> None:
    """Start a new card set in DIRECTORY (new or empty): deck.yaml with a deck id of its
    own, two card files of samples (basics.yaml, and kinds.yaml with a card of each
    other kind), a README, the lock file and the JSON Schemas for editors.

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
    click.echo(f"next: edit the cards, then run `ankigen build {shlex.quote(str(directory))}`")


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


def _summary(report: Report) -> list[Line]:
    """What a build did, to print before the line naming its package."""
    from .package.lock import LOCK_FILE

    lines: list[Line] = []

    def echo(text: str) -> None:
        lines.append((text, False))

    deck = report.card_set.deck
    echo(deck.name)
    counts = report.counts()
    width = max(len(name) for name, _, _ in counts)
    for name, notes, cards in counts:
        echo(f"  {name:<{width}}  {_notes(notes, cards, 5)}")
    notes, cards = len(report.card_set.cards), sum(report.anki_cards.values())
    total = _count(cards, "card") if notes == cards else f"{_count(notes, 'note')} ({cards} cards)"
    if not report.lock_found:
        lock = report.card_set.root / LOCK_FILE
        echo(f"{total}, no lock file (first build?): every card gets this build's time")
        echo(
            f"  if this deck was built before, restore {lock} and rebuild; "
            "otherwise a re-import updates every note"
        )
        echo(
            "  if deck.yaml was copied from another card set, its id is that set's: two card "
            "sets with one deck id overwrite each other's notes in Anki, so give this one its "
            "own id (and build with --new-deck-id)"
        )
    else:
        echo(
            f"{total}: {len(report.new)} new, {len(report.changed)} changed, "
            f"{len(report.removed)} removed"
        )
        for label, ids in (("new", report.new), ("changed", report.changed)):
            if ids:
                echo(f"  {label}: {_ids(ids)}")
    for old, new in report.renamed:
        echo(f"  renamed: {old} -> {new} (the same note in Anki: its history stays)")
    if report.restored:
        echo(f"  restored: {_ids(report.restored)}")
    if report.removed:
        from .check import removed_search

        echo(f"  removed: {_ids(report.removed)}")
        search = " or ".join(
            removed_search(deck, card_id, report.retyped.get(card_id)) for card_id in report.removed
        )
        echo(f"  Anki keeps removed notes: find them in the Browser with {search}")
    if report.removed or report.removed_earlier:
        earlier = len(report.removed_earlier)
        if earlier:
            echo(f"  the lock remembers {_count(earlier, 'card')} removed by earlier builds")
        echo("  `ankigen plan` finds removed notes in a collection; `ankigen apply` deletes them")
    if kinds := report.notetypes_changed:
        if kinds == ["basic"]:
            echo("note type (templates or CSS) changed: re-import updates it")
        else:
            which = f"type of {kinds[0]}" if len(kinds) == 1 else f"types of {', '.join(kinds)}"
            them = "it" if len(kinds) == 1 else "them"
            echo(f"note {which} cards (templates or CSS) changed: re-import updates {them}")
    return lines + _warnings(report.warnings)


def _count(count: int, what: str, width: int = 0) -> str:
    return f"{count:>{width}} {what}{'s' * (count != 1)}"


def _notes(notes: int, cards: int, width: int = 0) -> str:
    """How many notes, and how many cards Anki makes of them, where those differ."""
    if notes == cards:
        return _count(cards, "card", width)
    return f"{_count(notes, 'note', width)}, {_count(cards, 'card')}"


def _ids(ids: list[str], shown: int = 10) -> str:
    """Card ids, shortened when there are many: the first few and how many more."""
    if len(ids) <= shown:
        return ", ".join(ids)
    return f"{', '.join(ids[:3])} … (+{len(ids) - 3} more; {len(ids)} in all)"


def _warnings(warnings: list[Problem]) -> list[Line]:
    return [(str(problem), True) for problem in warnings]


def _show(lines: list[Line]) -> None:
    """Print lines; warnings on stderr, in yellow."""
    for text, is_warning in lines:
        click.secho(text, err=is_warning, fg="yellow" if is_warning else None)


def _size(size: int) -> str:
    return f"{size / 1024:.1f} KiB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MiB"

"""Where a package may be written: never over anything of the user's.

The rules follow Anki's desktop importer (qt/aqt/import_export/importing.py): it
looks at the file's name, lower-cased, and treats ``collection.apkg`` and
``backup-*.apkg`` as a whole-collection backup, offering to *replace the user's
collection* with it; any other ``*.apkg`` is imported as a deck.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from ..errors import CardSetError, Problem

SUFFIX = ".apkg"
DEFAULT_DIR = Path("dist")


def is_collection_backup(name: str) -> bool:
    """True for a file name Anki desktop imports as a whole collection, not as a deck."""
    name = name.lower()
    return name == "collection.apkg" or (name.startswith("backup-") and name.endswith(SUFFIX))


def output_path(output: Path | None, root: Path, deck_id: str) -> Path:
    """The package file to write: ``output``, or ``<deck id>.apkg`` in it when it is a
    directory (default: ``dist/``). Raises CardSetError when that name is refused."""
    if output is None:
        output = DEFAULT_DIR / f"{deck_id}{SUFFIX}"
    elif output.is_dir():
        output = output / f"{deck_id}{SUFFIX}"
    problem = _refused(output, root)
    if problem:
        raise CardSetError([Problem(output, None, problem)])
    return output


def _refused(output: Path, root: Path) -> str:
    name = output.name
    if not name.lower().endswith(SUFFIX) or name.lower() == SUFFIX:
        return f"the package must be named *{SUFFIX} (or be an existing directory to write it into)"
    if is_collection_backup(name):
        return (
            f"Anki imports a file named '{name}' as a backup of a whole collection and "
            "offers to replace the user's collection with it: choose another name"
        )
    return inside_card_set(output, root, "package", DEFAULT_DIR / name)


def inside_card_set(output: Path, root: Path, what: str, instead: Path) -> str:
    """Why ``output`` is refused if it lies inside the card set at ``root`` ("" if not),
    suggesting ``instead`` beside the card set, as a path from the current directory."""
    # Where it really goes: its directory resolved (a link *named* as the output is
    # replaced itself, not what it points to).
    where = output.parent.resolve() / output.name
    if not where.is_relative_to(root.resolve()):
        return ""
    beside = root.resolve().parent / instead
    try:
        shown = os.path.relpath(beside)
    except ValueError:  # on another drive (Windows)
        shown = str(beside)
    return (
        f"is inside the card set: ankigen never writes the {what} among the cards "
        f"(pass -o with a path outside it, such as -o {shlex.quote(shown)})"
    )

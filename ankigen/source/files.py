"""Which files make up a card set: every ``*.yaml`` and ``*.yml`` in its directory and
the directories below, except hidden ones. A file or directory that is a link may point
anywhere inside the set, never out of it (as for images)."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import Problem

CARD_SUFFIXES = (".yaml", ".yml")


def yaml_files(root: Path, problems: list[Problem]) -> list[Path]:
    """The YAML files of the set at ``root``, in path order. A link that leaves the set is
    a problem, and is not read; a link to a directory inside it is not followed (what it
    points to is read where it is)."""
    found: list[Path] = []
    for directory, dirs, files in os.walk(root):
        here = Path(directory)
        for name in list(dirs):
            if name.startswith(".") or not (here / name).is_symlink():
                continue
            dirs.remove(name)
            if not inside(root, here / name):
                problems.append(Problem(here / name, None, _outside("directory", here / name)))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = here / name
            if name.startswith(".") or not name.endswith(CARD_SUFFIXES):
                continue
            if inside(root, path):
                found.append(path)
            else:
                problems.append(Problem(path, None, _outside("file", path)))
    return sorted(found)


def inside(root: Path, path: Path) -> bool:
    """Whether ``path``, with every link followed, lies inside ``root``."""
    return path.resolve().is_relative_to(root.resolve())


def _outside(what: str, path: Path) -> str:
    return (
        f"is a link to a {what} outside the card set ({path.resolve()}): a card set reads "
        f"only its own files, so copy the {what} in instead"
    )

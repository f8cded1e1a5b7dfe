"""Write a file so that readers see the old version or the new one, never half of either."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import CardSetError, Problem


@contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """A temporary file beside ``path``, renamed over ``path`` once the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: bytes) -> None:
    with atomic_writer(path) as out:
        out.write(data)


def replace_directory(path: Path, files: dict[str, bytes | Path], marker: str) -> None:
    """Make ``path`` a directory holding exactly ``files`` (contents, or files to copy).

    The new directory is written beside ``path`` and swapped in whole. An existing
    ``path`` is replaced only if it is empty or holds ``marker`` (so it was written
    here before): never a directory of someone else's files.
    """
    in_use = path.exists() and (not path.is_dir() or any(path.iterdir()))
    if in_use and not (path / marker).is_file():
        message = "exists and was not written by ankigen: choose another output directory"
        raise CardSetError([Problem(path, None, message)])
    path.parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}."))
    try:
        for name, content in files.items():
            if isinstance(content, Path):
                shutil.copyfile(content, new / name)
            else:
                (new / name).write_bytes(content)
        new.chmod(0o755)
        if path.exists():
            old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.old."))
            os.replace(path, old / path.name)
            os.replace(new, path)
            shutil.rmtree(old)
        else:
            os.replace(new, path)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise

"""Write files so that readers see the old version or the new one, never half of either."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import CardSetError, Problem
from .interrupt import deferred


@contextmanager
def atomic_files(*paths: Path) -> Iterator[list[BinaryIO]]:
    """A temporary file beside each of ``paths``, renamed over them together once the block
    succeeds. Every temporary is created before the block runs, so a path that cannot be
    written fails before any work; until the renames, every path keeps its old content."""
    temporaries: list[tuple[Path, BinaryIO]] = []
    try:
        for path in paths:
            with deferred():  # no temporary left behind between its creation and this list
                temporaries.append(_temporary(path))
        yield [out for _, out in temporaries]
        for (tmp, out), path in zip(temporaries, paths, strict=True):
            try:
                out.flush()
                os.fsync(out.fileno())
                out.close()
                os.chmod(tmp, 0o644)
            except OSError as exc:
                raise cannot_write(path, exc) from None
        with deferred():  # all or (barring a failing rename) none
            for (tmp, _), path in zip(temporaries, paths, strict=True):
                try:
                    os.replace(tmp, path)
                except OSError as exc:
                    raise cannot_write(path, exc) from None
    except BaseException:
        for tmp, out in temporaries:
            out.close()
            tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """A temporary file beside ``path``, renamed over ``path`` once the block succeeds."""
    with atomic_files(path) as (out,):
        yield out


def write_atomically(path: Path, data: bytes) -> None:
    with atomic_writer(path) as out:
        out.write(data)


def _temporary(path: Path) -> tuple[Path, BinaryIO]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise cannot_write(path, exc) from None
    return Path(tmp), os.fdopen(fd, "wb")


def cannot_write(path: Path, exc: OSError) -> CardSetError:
    """The problem with writing ``path``, named by the file the user asked for, never by
    the temporary file beside it."""
    if isinstance(exc, PermissionError):
        reason = "the directory is not writable"
    elif exc.errno in (errno.ENOTDIR, errno.EEXIST):
        reason = "a file is in the way of its directory"
    else:
        reason = exc.strerror or str(exc)
    return CardSetError([Problem(path, None, f"cannot write: {reason}")])


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

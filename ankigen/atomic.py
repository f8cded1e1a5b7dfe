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


def replace_directory(path: Path, files: dict[str, bytes | Path], marker: str, note: str) -> None:
    """Make ``path`` a directory holding exactly ``files`` (contents, or files to copy).

    The new directory is written beside ``path`` and swapped in whole, with a ``marker``
    file: ``note``, then the name of every file written. An existing ``path`` is replaced
    only if it is empty, or holds the marker and nothing but the files it lists: never a
    directory of someone else's files, nor a file someone put among ours.
    """
    in_use = path.exists() and (not path.is_dir() or any(path.iterdir()))
    if in_use and (problem := _not_ours(path, marker)):
        raise CardSetError([Problem(path, None, problem)])
    path.parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}."))
    try:
        for name, content in files.items():
            if isinstance(content, Path):
                shutil.copyfile(content, new / name)
            else:
                (new / name).write_bytes(content)
        (new / marker).write_text("".join(f"{line}\n" for line in (note, *files)))
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


# What file browsers leave in a folder they show: not the user's work.
_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


def _not_ours(path: Path, marker: str) -> str:
    """Why the directory ``path`` may not be replaced ("" if it may)."""
    try:
        written = (path / marker).read_text(encoding="utf-8").splitlines()[1:]
    except (OSError, UnicodeDecodeError):
        return "exists and was not written by ankigen: choose another output directory"
    if not written:
        return (
            "was written by an older ankigen, which did not record its files: delete it, "
            "or choose another output directory"
        )
    others = sorted(p.name for p in path.iterdir() if p.name not in {marker, *written, *_LITTER})
    if not others:
        return ""
    shown = ", ".join(others[:3]) + (f" (+{len(others) - 3} more)" if len(others) > 3 else "")
    return (
        f"holds files ankigen did not write ({shown}): move them out, or choose another "
        "output directory"
    )

"""Where a learner's collection is, and the two safe ways in: a private copy to plan on,
and an exclusive open, refused while Anki (or anything else) has the collection."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..errors import CardSetError, Problem

if TYPE_CHECKING:
    from anki.collection import Collection
    from anki.import_export_pb2 import ImportResponse

    NoteLog = ImportResponse.Log

COLLECTION = "collection.anki2"
IN_USE = "the collection is open in Anki (or another program): close Anki and try again"
MERGE_NOTETYPES = "mergeNotetypes"  # the config key of the import dialog's preset (rslib BoolKey)
# Anki's backend opens a collection with SQLite's exclusive locking mode
# (rslib/src/storage/sqlite.rs), so whoever has it open keeps a lock on SQLite's
# shared-lock bytes until it closes it. These are SQLite's own offsets (os_unix.c).
_PENDING_BYTE = 0x40000000
_SHARED_FIRST, _SHARED_SIZE = _PENDING_BYTE + 2, 510


def require_anki() -> None:
    """plan and apply need Anki's backend, an optional dependency."""
    try:
        import anki.collection  # noqa: F401
    except ImportError:
        message = "plan and apply need Anki's backend: pip install 'ankigen[anki]'"
        raise CardSetError([Problem(Path("anki"), None, message)]) from None


@contextmanager
def anki_errors(path: Path) -> Iterator[None]:
    """An error from Anki's backend (a damaged collection, a full disk) becomes a
    problem pinned to the collection, never a traceback."""
    from anki.errors import AnkiException

    try:
        yield
    except AnkiException as exc:
        reason = str(exc) or type(exc).__name__
        raise CardSetError([Problem(path, None, f"Anki could not go on: {reason}")]) from None


@dataclass(frozen=True)
class Target:
    """What PATH names: a collection file, or a package standing for one."""

    kind: Literal["collection", "colpkg", "apkg"]
    path: Path

    @property
    def media(self) -> Path:
        """The collection's media folder (Anki: ``collection.anki2`` -> ``collection.media``)."""
        return self.path.with_suffix(".media")

    @property
    def backups(self) -> Path:
        """Where Anki keeps this collection's backups: the profile's ``backups/`` folder
        (aqt/profiles.py), or, for a collection outside any profile, the folder it is in."""
        folder = self.path.parent
        is_profile = (folder / "backups").is_dir() or (folder.parent / "prefs21.db").is_file()
        return folder / "backups" if is_profile else folder


def locate(path: Path) -> Target:
    """PATH as the user gave it: a profile folder, a collection file, a .colpkg or an .apkg."""
    if path.is_dir():
        if not (path / COLLECTION).is_file():
            message = f"no {COLLECTION} in this folder: give an Anki profile folder or a collection"
            raise CardSetError([Problem(path, None, message)])
        path = path / COLLECTION
    if not path.is_file():
        raise CardSetError([Problem(path, None, "no such collection file")])
    suffix = path.suffix.lower()
    if suffix in (".colpkg", ".apkg"):
        return Target("colpkg" if suffix == ".colpkg" else "apkg", path)
    return Target("collection", path)


def in_use(path: Path) -> bool:
    """Whether another program holds the collection open, found without writing to it
    (opening it with SQLite would create files beside it)."""
    try:
        with path.open("rb") as file:
            if os.name == "nt":  # pragma: no cover - tested on Linux only
                import msvcrt

                file.seek(_SHARED_FIRST)
                try:
                    msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, _SHARED_SIZE)
                except OSError:
                    return True
                file.seek(_SHARED_FIRST)
                msvcrt.locking(file.fileno(), msvcrt.LK_UNLCK, _SHARED_SIZE)
                return False
            import fcntl

            try:
                fcntl.lockf(file, fcntl.LOCK_SH | fcntl.LOCK_NB, _SHARED_SIZE, _SHARED_FIRST)
            except OSError:
                return True
            fcntl.lockf(file, fcntl.LOCK_UN, _SHARED_SIZE, _SHARED_FIRST)
            return False
    except OSError:
        return False


def copy_collection(target: Target, into: Path, media_names: Iterable[str]) -> Path:
    """A private collection in ``into`` that stands for ``target``; the original is only read.

    A collection file is copied with its write-ahead log (Anki's latest changes may
    still be there), and of its media only the files the package could clash with:
    Anki's importer compares a file of the same name, and nothing else. A .colpkg is
    restored as Anki restores a backup; an .apkg is imported into a fresh collection.
    """
    copy = into / COLLECTION
    media = copy.with_suffix(".media")
    media.mkdir(parents=True)
    if target.kind == "collection":
        shutil.copyfile(target.path, copy)
        wal = target.path.with_name(target.path.name + "-wal")
        if wal.is_file():
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        for name in media_names:
            if (target.media / name).is_file():
                shutil.copyfile(target.media / name, media / name)
    elif target.kind == "colpkg":
        from anki._backend import RustBackend

        RustBackend().import_collection_package(
            col_path=str(copy),
            backup_path=str(target.path),
            media_folder=str(media),
            media_db=str(copy.with_suffix(".media.db2")),
        )
    else:
        from anki.collection import Collection

        col = Collection(str(copy))
        try:
            import_package(col, target.path)
        finally:
            col.close()
    return copy


def schema_version(copy: Path, original: Path) -> int:
    """The schema version a collection is stored at, read from our own copy (Anki's
    backend upgrades it to its newest on open, so this must come first)."""
    try:
        with closing(sqlite3.connect(copy)) as db:
            return int(db.execute("select ver from col").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise CardSetError([Problem(original, None, f"not an Anki collection ({exc})")]) from None


def import_package(col: Collection, package: Path, merge_notetypes: bool = False) -> NoteLog:
    """Anki's own importer with the options Anki's import dialog starts with: the
    presets the backend keeps in the collection (ts/routes/import-anki-package).

    The importer stores the options it is given as the next presets (rslib,
    import_apkg), so merging note types, asked for this once, is put back to the
    learner's choice: otherwise every later import would merge, and change the note
    types each time."""
    from anki.collection import ImportAnkiPackageRequest

    options = col._backend.get_import_anki_package_presets()
    preset = options.merge_notetypes
    if merge_notetypes:
        options.merge_notetypes = True
    request = ImportAnkiPackageRequest(package_path=str(package), options=options)
    log = col.import_anki_package(request).log
    if options.merge_notetypes != preset:
        col.set_config(MERGE_NOTETYPES, preset)
    return log


@contextmanager
def opened(path: Path, schema: int) -> Iterator[Collection]:
    """The user's collection, opened exclusively, and closed at ``schema``, the version
    it was stored at (read from a copy, since opening it upgrades it)."""
    from anki.collection import Collection
    from anki.errors import DBError

    if in_use(path):
        raise CardSetError([Problem(path, None, IN_USE)])
    try:
        col = Collection(str(path))
    except DBError:
        raise CardSetError([Problem(path, None, IN_USE)]) from None
    try:
        yield col
    finally:
        # Anki's backend upgrades schema 11 to 18 on open; closing with downgrade
        # returns it to 11, as Anki's "Downgrade & Quit" does, so an Anki that
        # could open it before still can.
        col.close(downgrade=schema < 18)


def backup(col: Collection, folder: Path) -> Path:
    """A backup in Anki's own format and place (rslib/src/collection/backup.rs: a
    .colpkg named backup-<local time>.colpkg, old ones thinned by the user's limits)."""
    folder.mkdir(parents=True, exist_ok=True)
    if not col.create_backup(backup_folder=str(folder), force=True, wait_for_completion=True):
        raise CardSetError([Problem(folder, None, "Anki made no backup; nothing was changed")])
    return max(folder.glob("backup-*.colpkg"), key=lambda p: p.stat().st_mtime_ns)

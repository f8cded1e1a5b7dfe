"""Parsed YAML by file content, so that a rebuild parses only the files that changed.

An entry is what ``read_yaml`` returned for a file (its data, with the line of every
mapping and key, and the problems the loader found), found by a hash of the file's
bytes and of the loader (load.py, PyYAML and libyaml, Python's marshal format). So an
edited file is parsed again, with its new lines, and the checks that follow see exactly
what parsing it would give: the cache holds no checked card, only parsed data. Files
that do not parse, or hold values other than text, numbers, true/false, null, lists
and mappings, are never cached. It lives beside the render cache (cachefile.py).
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import sys
from pathlib import Path
from typing import Any

from ..cachefile import CacheFile, cache_path, installed_version
from ..errors import Problem
from . import load
from .load import LineDict, parse_yaml, read_yaml

CACHE_VERSION = "2"
_SCALARS = (str, int, float, bool, type(None), bytes)


def _fingerprint() -> bytes:
    """The loader's code, PyYAML's version and its compiled part (which bundles libyaml),
    found without importing PyYAML: a build that parses nothing does not."""
    digest = hashlib.sha256(f"{CACHE_VERSION} {sys.version} {marshal.version}".encode())
    digest.update(Path(load.__file__).read_bytes())
    digest.update(f"PyYAML {installed_version('PyYAML', 'yaml')}".encode())
    spec = importlib.util.find_spec("yaml")
    if spec is not None and spec.origin:
        package = Path(spec.origin).parent
        for extension in sorted(package.glob("_yaml*")):
            stat = extension.stat()
            digest.update(f"{extension.name} {stat.st_size} {stat.st_mtime_ns}".encode())
    return digest.digest()


class ParseCache:
    """``read`` is ``read_yaml``, from the cache where it can be; ``save`` keeps exactly
    the files this run read."""

    def __init__(self, root: Path, directory: Path | None = None) -> None:
        self._file = CacheFile(cache_path(root, "yaml", directory), "data", "BLOB")
        self.path = self._file.path
        self._salt = _fingerprint()
        self._fresh: dict[str, bytes] = {}
        # Read on first use, one entry per file; a read takes its entry out, so that what
        # is left at the end is the entries of files this run did not read.
        self._stored: dict[str, Any] | None = None

    def read(self, path: Path) -> tuple[Any, list[Problem]]:
        try:
            raw = path.read_bytes()
        except OSError:
            return read_yaml(path)  # which says why
        key = hashlib.sha256(self._salt + raw).hexdigest()
        if self._stored is None:
            self._stored = self._file.read()
        if (blob := self._stored.pop(key, None)) is not None:
            try:
                encoded, problems = marshal.loads(blob)
                data = _decode(encoded) if type(encoded) in _ENCODED else encoded
                return data, [Problem(path, line, message) for line, message in problems]
            except Exception:  # damaged in a way the checksum missed: parse instead
                pass
        data, problems = parse_yaml(path, raw)
        if data is not None:
            try:
                entry = (_encode(data, set()), [(p.line, p.message) for p in problems])
                self._fresh[key] = marshal.dumps(entry)
            except _Uncacheable:
                pass
        return data, problems

    def save(self) -> None:
        """Store what was parsed afresh; drop the entries of files no longer read."""
        if self._stored is None:
            self._stored = self._file.read()
        stale = [*self._stored, *self._file.unsound]
        if self._fresh or stale or self._file.unreadable:
            self._file.write(self._fresh.items(), stale)


class _Uncacheable(Exception):
    pass


def _encode(value: Any, containers: set[int]) -> Any:
    """``value`` as marshal data: a mapping as (line, values, lines), a list as a list.
    A list or mapping met twice (a YAML alias) is not cached: its copies would differ."""
    if type(value) in _SCALARS:
        return value
    if id(value) in containers or type(value) not in (LineDict, list):
        raise _Uncacheable
    containers.add(id(value))
    if isinstance(value, LineDict):
        values = {key: _encode(item, containers) for key, item in value.items()}
        return (value.line, values, value.key_lines)
    return [_encode(item, containers) for item in value]


def _decode(value: Any) -> Any:
    if type(value) is list:
        return [_decode(item) if type(item) in _ENCODED else item for item in value]
    line, values, key_lines = value
    mapping = LineDict(values)
    for key, item in values.items():
        if type(item) in _ENCODED:
            mapping[key] = _decode(item)
    mapping.line, mapping.key_lines = line, key_lines
    return mapping


_ENCODED = (tuple, list)

"""Read YAML files safely, remembering the line of every mapping and key.

PyYAML silently keeps the last of two equal keys in a mapping; the loader
here reports the repetition instead, except where YAML's merge key (``<<: *card``)
brought the first one in: a mapping's own key overrides a merged one. Only plain
data is constructed (safe loading): a tag such as ``!!python/object`` is an error,
never code.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import Problem


class LineDict(dict):
    """A mapping that knows the line it starts on and the line of each key."""

    __slots__ = ("key_lines", "line")
    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


_STR = "tag:yaml.org,2002:str"
# Short text (keys, levels, tags, categories) is kept once however often it is written:
# at 50,000 cards, 17 MB less at a rebuild's peak. (marshal, for the parse cache, keeps
# one copy of it too.)
_SHARED = 40
_MERGE = "tag:yaml.org,2002:merge"


@functools.cache
def loader_class() -> type:
    """The loader, made on first use: importing PyYAML costs more than a rebuild that
    finds every file in the parse cache (parsed.py)."""
    import yaml

    base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is several times faster

    class LineLoader(base):  # type: ignore[misc, valid-type]
        """Safe loading as PyYAML does it, with two shortcuts for plain text, which is most
        of a card file: no pattern is tried on a scalar that no implicit type can start
        like (quoted and block scalars are text anyway), and text is constructed directly."""

        problems: list[Problem]
        path: Path
        text: str
        own_keys: dict[int, set[int]]  # id(mapping node) -> ids of the key nodes written in it

        def flatten_mapping(self, node: yaml.MappingNode) -> None:
            """PyYAML's merge, which puts the merged pairs first (so that later ones win),
            remembering first which keys the mapping has of its own."""
            if id(node) not in self.own_keys:
                self.own_keys[id(node)] = {id(k) for k, _ in node.value if k.tag != _MERGE}
            base.flatten_mapping(self, node)

        def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
            if kind is yaml.ScalarNode and (not implicit[0] or value[:1] not in implicit_starts):
                return _STR
            return super().resolve(kind, value, implicit)

        def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
            if node.tag == _STR and type(node) is yaml.ScalarNode:
                value = node.value
                if node.style == '"':
                    self.problems += _escaped_tex(self.path, self.text, node)
                return sys.intern(value) if len(value) <= _SHARED else value
            return super().construct_object(node, deep)

    # The first characters of plain scalars that may resolve to something other than text
    # (the tests check that no resolver matches any first character, or by path).
    implicit_starts = frozenset(LineLoader.yaml_implicit_resolvers)
    LineLoader.implicit_starts = implicit_starts
    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    return LineLoader


def mapping(loader: Any, node: Any) -> LineDict:
    """A YAML mapping as a LineDict, with every repeated key a problem."""
    loader.flatten_mapping(node)
    own = loader.own_keys[id(node)]
    value = LineDict()
    value.line = node.start_mark.line + 1
    value.key_lines = {}
    written: set[str] = set()  # the keys written in this mapping, not merged into it
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str | int | float | bool) and key is not None:
            loader.problems.append(Problem(loader.path, line, "a key must be plain text"))
            continue
        key = sys.intern(str(key))
        if key in written:
            first = value.key_lines[key]
            loader.problems.append(
                Problem(loader.path, line, f"duplicate key '{key}' (first at line {first})")
            )
            continue
        if id(key_node) in own:
            written.add(key)
        value.key_lines[key] = line
        value[key] = loader.construct_object(value_node, deep=True)
    return value


Reader = Callable[[Path], tuple[Any, list[Problem]]]  # read_yaml, or a cache of it


def read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    """Parse one YAML file; return its data (None when unusable) and its problems."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(path, None, f"cannot read file: {exc.strerror}")]
    return parse_yaml(path, raw)


def parse_yaml(path: Path, raw: bytes) -> tuple[Any, list[Problem]]:
    """``read_yaml`` of a file whose content is ``raw``."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start]
        return None, [Problem(path, line, f"not valid UTF-8 (byte 0x{byte:02x}); save it as UTF-8")]
    if not text.strip():
        return None, [Problem(path, None, "file is empty")]

    import yaml

    loader = loader_class()(text)
    loader.problems = []
    loader.path = path
    loader.text = text
    loader.own_keys = {}
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(path, text, exc)]
    except yaml.YAMLError as exc:  # unmarked: rare, e.g. a stream-level reader error
        return None, [Problem(path, None, f"invalid YAML: {exc}")]
    finally:
        loader.dispose()
    if data is None:  # only comments, or a lone null
        return None, [*loader.problems, Problem(path, None, "file holds no data")]
    return data, loader.problems


def _escaped_tex(path: Path, text: str, node: Any) -> list[Problem]:
    r"""A double-quoted YAML string reads ``\frac`` as a form feed and ``rac``, ``\theta``
    as a tab and ``heta``: an escape of one letter followed by more letters is TeX (or
    code) the string has changed."""
    source = text[node.start_mark.index : node.end_mark.index]
    if "\\" not in source:
        return []
    problems, seen = [], set()
    for found in _ESCAPE_THEN_LETTER.finditer(source):
        line = node.start_mark.line + 1 + source.count("\n", 0, found.start())
        word = found[1] + _LETTERS.match(source, found.end(1))[0]
        if (line, word) in seen:
            continue
        seen.add((line, word))
        message = (
            f"in a double-quoted string, YAML reads '{found[1]}' of '{word}' as "
            f"{_ESCAPES[found[1][1]]}: write text with backslashes in a block scalar (|) or "
            "in single quotes"
        )
        problems.append(Problem(path, line, message))
    return problems


# YAML's escapes of one letter (or digit), each after an even number of backslashes.
_ESCAPE_THEN_LETTER = re.compile(r"(?<!\\)(?:\\\\)*(\\[0abtnvfreNLP_])(?=[A-Za-z])")
_LETTERS = re.compile("[A-Za-z]*")
_ESCAPES = {
    "0": "a null character", "a": "a bell", "b": "a backspace", "t": "a tab",
    "n": "a line break", "v": "a vertical tab", "f": "a form feed", "r": "a carriage return",
    "e": "an escape character", "N": "a next-line character", "_": "a no-break space",
    "L": "a line separator", "P": "a paragraph separator",
}  # fmt: skip


def _syntax_problem(path: Path, text: str, exc: Any) -> Problem:
    """``exc``: a yaml.MarkedYAMLError."""
    import yaml

    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    problem = exc.problem or "invalid YAML"
    if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in problem:
        tag = problem.split("tag", 1)[1].strip(" :'\"").replace("tag:yaml.org,2002:", "!!")
        return Problem(path, line, f"YAML tag '{tag}' is not allowed: card files hold plain data")
    opened = exc.context_mark
    if exc.context == "while scanning a quoted scalar" and "end of stream" in problem and opened:
        quote = _line(text, opened.line)[opened.column : opened.column + 1]
        quote = f" ({quote})" if quote in ("'", '"') else ""
        message = f"YAML syntax error: the quote{quote} opened here is never closed"
        return Problem(path, opened.line + 1, message)
    if (
        exc.context == "while parsing a quoted scalar"
        and mark
        and ("escape" in problem or "hexdecimal" in problem)
    ):
        written = _line(text, mark.line)
        start = written.rfind("\\", 0, mark.column + 1)
        escape = written[start : start + 2] + _LETTERS.match(written, start + 2)[0]
        message = (
            f"YAML syntax error: in a double-quoted string a backslash starts an escape, and "
            f"'{escape}' is none: write text with backslashes in a block scalar (|) or in "
            "single quotes"
        )
        return Problem(path, line, message)
    flow = _FLOWS.get(exc.context or "")
    if flow and problem.startswith("did not find expected") and opened:
        opening, closing, instead = flow
        message = (
            f"YAML syntax error: the {opening} opened here is never closed: end it with "
            f"{closing}, or {instead}"
        )
        return Problem(path, opened.line + 1, message)
    if mark and "\t" in _indentation(_line(text, mark.line)):
        message = "YAML syntax error: a tab in the indentation (YAML indents with spaces only)"
        return Problem(path, line, message)
    if exc.context and exc.context not in problem:
        problem = f"{exc.context}, {problem}"
    return Problem(path, line, f"YAML syntax error: {problem}")


# A list or mapping written inline ([a, b] or {a: 1}) and never closed.
_FLOWS = {
    "while parsing a flow sequence": ("[", "]", "write the entries as lines starting with '- '"),
    "while parsing a flow mapping": ("{", "}", "write each key on a line of its own"),
}


def _line(text: str, number: int) -> str:
    """Line ``number`` (from 0), counted as YAML counts them."""
    lines = _LINE_BREAK.split(text)
    return lines[number] if 0 <= number < len(lines) else ""


_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _indentation(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]

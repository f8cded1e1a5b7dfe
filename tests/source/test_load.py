import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ankigen.source import load
from ankigen.source.load import LineDict, read_yaml


def _read(tmp_path: Path, text: str | bytes):
    path = tmp_path / "f.yaml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    data, problems = read_yaml(path)
    return data, [str(p).removeprefix(f"{path}:") for p in problems]


def test_the_libyaml_loader_is_used_when_present() -> None:
    assert issubclass(load.loader_class(), getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    assert load._STR == yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG


def test_pyyaml_is_imported_only_to_parse() -> None:
    code = (
        "import sys; from ankigen.build import build; from ankigen import cli;"
        "print('yaml' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


def test_mappings_know_their_lines(tmp_path: Path) -> None:
    data, problems = _read(tmp_path, "a: 1\ncards:\n  - id: x\n    q: 2\n")
    assert problems == []
    assert isinstance(data, LineDict) and data.line == 1
    card = data["cards"][0]
    assert (card.line, card.line_of("q"), card.line_of("missing")) == (3, 4, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\nb: 2\na: 3\n", "3: duplicate key 'a' (first at line 1)"),
        ("x:\n  - {k: 1, k: 2}\n", "2: duplicate key 'k' (first at line 2)"),
        ("a: [1, 2\nb: 3\n", "1: YAML syntax error: the [ opened here is never closed: end it "
         "with ], or write the entries as lines starting with '- '"),
        ("a:\n\t- b\n", "2: YAML syntax error: a tab in the indentation (YAML indents with "
         "spaces only)"),
        ("cards:\n  - id: a\n\tquestion: q\n", "3: YAML syntax error: a tab in the indentation "
         "(YAML indents with spaces only)"),
        ("a: |\n  x\n\ty\n", "3: YAML syntax error: a tab in the indentation (YAML indents "
         "with spaces only)"),
        ("a: 1\nb: \"x\ny\n\nc: 2\n", "2: YAML syntax error: the quote (\") opened here is never "
         "closed"),
        ("cards:\n  - id: a\n    question: 'What\n    answer: b\n",
         "3: YAML syntax error: the quote (') opened here is never closed"),
        ("cards:\n  - id: a\n    tags: [x, y\n    question: q\n",
         "3: YAML syntax error: the [ opened here is never closed: end it with ], or write the "
         "entries as lines starting with '- '"),
        ("a: [x,\n  [y, z],\n  w\nb: 1\n",
         "1: YAML syntax error: the [ opened here is never closed: end it with ], or write the "
         "entries as lines starting with '- '"),
        ("cards:\n  - {id: a, question: q\n  - id: b\n",
         "2: YAML syntax error: the { opened here is never closed: end it with }, or write each "
         "key on a line of its own"),
        ("a: !!python/object/apply:os.system [ls]\n",
         "1: YAML tag '!!python/object/apply:os.system' is not allowed: card files hold plain data"),
        ("a: !custom x\n", "1: YAML tag '!custom' is not allowed: card files hold plain data"),
        (b"a: 1\nb: caf\xe9\n", "2: not valid UTF-8 (byte 0xe9); save it as UTF-8"),
        ("\n  \n", " file is empty"),
        ("# only a comment\n", " file holds no data"),
        ("? [a, b]\n: 1\n", "1: a key must be plain text"),
    ],
)  # fmt: skip
def test_problems_carry_their_line(tmp_path: Path, text: str | bytes, expected: str) -> None:
    _, problems = _read(tmp_path, text)
    assert problems == [expected]


def test_tabs_inside_text_are_content(tmp_path: Path) -> None:
    data, problems = _read(tmp_path, "a: |\n  x\n  \ty\nb: 'c\td'\n")
    assert (data, problems) == ({"a": "x\n\ty\n", "b": "c\td"}, [])


def test_an_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    data, problems = read_yaml(tmp_path / "missing.yaml")
    assert data is None and "cannot read file" in str(problems[0])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:- \n\t[]{},'\"&*!|>#%@`?\\x0é")), max_size=60))
def test_any_text_gives_data_or_problems_never_an_exception(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("y") / "f.yaml"
    path.write_text(text, encoding="utf-8")
    data, problems = read_yaml(path)
    assert all(p.path == path for p in problems)
    assert (data is None) <= bool(problems), "no data always comes with a reason"


# --- the shortcuts give what PyYAML's own safe loading gives -------------------


class _Reference(load.loader_class().__mro__[1]):  # type: ignore[misc, valid-type]
    """The loader without its shortcuts: PyYAML's resolver and constructor."""

    flatten_mapping = load.loader_class().flatten_mapping  # the merge keys, as the loader does


_Reference.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, load.mapping)


def _shape(value):
    """``value`` with the lines of every mapping, comparable with ==."""
    if isinstance(value, LineDict):
        items = tuple((k, value.key_lines[k], _shape(v)) for k, v in value.items())
        return ("map", value.line, items)
    if isinstance(value, list):
        return ("list", tuple(_shape(v) for v in value))
    if isinstance(value, float) and value != value:
        return ("nan",)
    return (type(value).__name__, value)


def _both(path: Path, text: str):
    results = []
    for loader_class in (load.loader_class(), _Reference):
        loader = loader_class(text)
        loader.problems, loader.path, loader.text, loader.own_keys = [], path, text, {}
        try:
            data = _shape(loader.get_single_data())
        except yaml.YAMLError as exc:
            data = ("error", str(exc))
        finally:
            loader.dispose()
        # What only ankigen's loader says: TeX a double-quoted string has changed.
        problems = [p for p in loader.problems if "in a double-quoted string" not in p.message]
        results.append((data, problems))
    return results


def test_the_shortcuts_rest_on_how_the_safe_resolver_is_made() -> None:
    loader = load.loader_class()
    resolvers = loader.yaml_implicit_resolvers
    assert None not in resolvers and not loader.yaml_path_resolvers
    assert set(resolvers) == loader.implicit_starts


_SCALARS = st.sampled_from([
    "", "a", "text", "yes", "No", "on", "OFF", "y", "~", "null", "Null", "true", "1", "-1",
    "+1", "0x1f", "0o17", "017", "1_000", "1:30", "1.5", ".5", "-.inf", ".NaN", "1e3",
    "2024-01-31", "2024-01-31 10:00:00", "<<", "=", "-", "?", "x: y", "a #b", "é", "'q'",
    '"d"', "\\(x\\)", "1,000", "*alias-like", "&anchor-like", "!bang",
])  # fmt: skip
_STYLES = st.sampled_from(["plain", "single", "double", "literal", "tagged-str", "tagged-int"])


@st.composite
def _documents(draw, depth: int = 0) -> str:
    """A YAML text of nested mappings, lists and scalars of every style, with repeated
    keys, merge keys, anchors and aliases."""
    indent = "  " * depth
    kind = draw(st.sampled_from(["map", "list", "flow"] if depth < 3 else ["flow"]))
    if kind == "flow":
        items = draw(st.lists(_SCALARS, max_size=3))
        return "[" + ", ".join(repr(i) if i else "''" for i in items) + "]"
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        scalar, style = draw(_SCALARS), draw(_STYLES)
        if style == "single" or (style == "plain" and scalar.strip() != scalar):
            value = "'" + scalar.replace("'", "''") + "'"
        elif style == "double":
            value = '"' + scalar.replace("\\", "\\\\").replace('"', '\\"') + '"'
        elif style == "literal":
            value = f"|\n{indent}    {scalar or 'x'}"
        elif style == "tagged-str":
            value = f"!!str {scalar or 'x'}"
        elif style == "tagged-int":
            value = "!!int 3"
        else:
            value = scalar or "''"
        if draw(st.booleans()) and depth < 3:
            value = "\n" + draw(_documents(depth + 1)) if kind == "map" else draw(_documents(3))
        if draw(st.integers(0, 9)) == 0:
            value = "&a " + value if not value.startswith("\n") else value
        if draw(st.integers(0, 9)) == 0:
            value = "*a"
        if kind == "map":
            key = draw(st.sampled_from(["id", "answer", "yes", "1", "<<", "id", "~", "x"]))
            lines.append(f"{indent}{key}: {value}")
        else:
            lines.append(f"{indent}- {value.lstrip()}" if not value.startswith("\n") else
                         f"{indent}-{value}")  # fmt: skip
    return "\n".join(lines) + "\n"


@settings(max_examples=400, deadline=None)
@given(_documents())
def test_the_loader_gives_what_pyyaml_gives(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("y") / "f.yaml"
    fast, reference = _both(path, text)
    assert fast == reference


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1y:- \n\t[]{},'\"&*!|>#%@`?\\x0é~.")), max_size=80))
def test_the_loader_gives_what_pyyaml_gives_for_any_text(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("y") / "f.yaml"
    fast, reference = _both(path, text)
    assert fast == reference


MERGED = """\
category: theory
cards:
  - &card
    id: alias-a
    question: Q
    answer: A
  - <<: *card
    id: alias-b
  - <<: [*card, {level: basic}]
    answer: B
    id: alias-c
"""


def test_a_key_of_its_own_overrides_a_merged_one(tmp_path: Path) -> None:
    """YAML's merge key: the mapping's own keys override those merged in, which keep the
    lines they were written on."""
    data, problems = _read(tmp_path, MERGED)
    assert problems == []
    cards = data["cards"]
    assert [dict(c) for c in cards] == [
        {"id": "alias-a", "question": "Q", "answer": "A"},
        {"id": "alias-b", "question": "Q", "answer": "A"},
        {"id": "alias-c", "question": "Q", "answer": "B", "level": "basic"},
    ]
    assert [c.key_lines for c in cards] == [
        {"id": 4, "question": 5, "answer": 6},
        {"id": 8, "question": 5, "answer": 6},
        {"id": 11, "question": 5, "answer": 10, "level": 9},
    ]


def test_a_key_written_twice_beside_a_merge_is_still_a_duplicate(tmp_path: Path) -> None:
    _, problems = _read(tmp_path, MERGED + "    id: alias-d\n")
    assert problems == ["12: duplicate key 'id' (first at line 11)"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('q: "\\\\( \\frac{1}{2} \\\\)"\n',
         ["1: in a double-quoted string, YAML reads '\\f' of '\\frac' as a form feed: write "
          "text with backslashes in a block scalar (|) or in single quotes"]),
        ('q: "one\n  \\theta, \\theta and \\beta"\n',
         ["2: in a double-quoted string, YAML reads '\\t' of '\\theta' as a tab: write text "
          "with backslashes in a block scalar (|) or in single quotes",
          "2: in a double-quoted string, YAML reads '\\b' of '\\beta' as a backspace: write "
          "text with backslashes in a block scalar (|) or in single quotes"]),
        ('q: "\\\\frac, \\\\\\\\, a\\t1 and tab\\t."\n', []),  # escaped backslashes; tabs
        ("q: 'a \\frac{1}{2}'\n", []),
        ("q: |\n  a \\frac{1}{2}\n", []),
        ('q: "a \\( x \\)"\n',
         ["1: YAML syntax error: in a double-quoted string a backslash starts an escape, and "
          "'\\(' is none: write text with backslashes in a block scalar (|) or in single "
          "quotes"]),
        ('a: 1\nq: "a \\xi"\n',
         ["2: YAML syntax error: in a double-quoted string a backslash starts an escape, and "
          "'\\xi' is none: write text with backslashes in a block scalar (|) or in single "
          "quotes"]),
    ],
)  # fmt: skip
def test_tex_in_a_double_quoted_string_is_refused(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    assert _read(tmp_path, text)[1] == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="\\abfnrtexyz({ ", max_size=20))
def test_text_with_its_backslashes_doubled_reads_back_in_double_quotes(
    tmp_path_factory, text: str
) -> None:
    written = text.replace("\\", "\\\\")
    data, problems = _read(tmp_path_factory.mktemp("q"), f'q: "{written}"\n')
    assert (data, problems) == ({"q": text}, [])

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ankigen.source.load import LineDict, read_yaml


def _read(tmp_path: Path, text: str | bytes):
    path = tmp_path / "f.yaml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    data, problems = read_yaml(path)
    return data, [str(p).removeprefix(f"{path}:") for p in problems]


def test_the_libyaml_loader_is_used_when_present() -> None:
    from ankigen.source import load

    assert issubclass(load._LineLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader))


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
        ("a: [1, 2\nb: 3\n", "2: YAML syntax error: while parsing a flow sequence, "
         "did not find expected ',' or ']'"),
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

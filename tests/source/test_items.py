import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ankigen.source import cards, items
from ankigen.source.items import Pieces, split

from ..conftest import DECK
from .test_parsed import _read_set as _read


def test_a_card_file_is_cut_into_its_cards_with_their_first_lines() -> None:
    text = (
        "category: theory\n"
        "cards:\n"
        "  # the first card\n"
        "  - id: a\n"
        "    answer: |\n"
        "      - a list inside the answer\n"
        "      # a heading\n"
        "\n"
        "# a comment at the margin\n"
        "  - id: b\n"
        "tags: [x]\n"
    )
    assert split(text) == Pieces(
        "category: theory\ncards:\n  # the first card\n\n\n\n\n\n\n\ntags: [x]\n",
        [
            (3, "  - id: a\n    answer: |\n      - a list inside the answer\n"
             "      # a heading\n\n# a comment at the margin\n"),
            (9, "  - id: b\n"),
        ],
        2,
    )  # fmt: skip


def test_cards_at_the_margin_and_a_last_line_without_a_break() -> None:
    assert split("cards:\n- id: a\n  q: x\n- id: b") == Pieces(
        "cards:\n\n\n", [(1, "- id: a\n  q: x\n"), (3, "- id: b")], 1
    )


@pytest.mark.parametrize(
    "text",
    [
        "category: x\ncards: [{id: a}]\n",  # written inline
        "cards:\n  - id: a\ncards:\n  - id: b\n",  # the key twice
        "category: x\ncards:\n  id: a\n",  # a mapping, not a list
        "category: x\n",  # no cards
        "cards:\r\n  - id: a\r\n",  # another line break
        "cards:\n  - id: a\n    q: \u2028\n",
        "cards:\n",
        "%YAML 1.1\n---\ncards:\n  - id: a\n",  # a directive holds for every card
        "cards:\n  - id: a\n    q: &x q\n",  # an anchor's name must be unique in the file
        "cards:\n  - id: a\n    q: [&x q]\n",  # an anchor after each flow indicator
        "cards:\n  - id: a\n    q: {k: v,&x q}\n",
        "cards:\n  - id: a\n    q: {&x q: v}\n",
        "cards:\n  - id: a\n    q:\t&x q\n",
        "cards:\n  - id: a\n    q:\n&x q\n",
        "cards:\n  - id: a\n...\n",  # a document's end
        "cards:\n  - id: a\n ~\n",  # a line after the cards, not at the margin
    ],
)
def test_any_other_layout_is_read_whole(text: str) -> None:
    assert split(text) is None


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """The id of every card checked, in order."""
    seen: list[str] = []
    check = cards.card

    def spy(data, *args):
        seen.append(data.get("id"))
        return check(data, *args)

    monkeypatch.setattr(cards, "card", spy)
    monkeypatch.setattr(items, "card", spy)
    return seen


def _card(i: int, answer: str = "An answer.") -> str:
    body = "".join(f"      {line}\n" if line else "\n" for line in answer.split("\n"))
    return f"  - id: card-{i}\n    question: Question {i}?\n    answer: |\n{body}"


def _write(root: Path, count: int, edited: dict[int, str] | None = None) -> None:
    (root / "deck.yaml").write_text(DECK)
    theory = "".join(_card(i, (edited or {}).get(i, "An answer.")) for i in range(count))
    (root / "theory.yaml").write_text("category: theory\ncards:\n" + theory)
    (root / "code.yaml").write_text("category: code\ncards:\n" + _card(99))


def test_only_the_card_edited_is_parsed_and_checked_again(tmp_path: Path, checks) -> None:
    _write(tmp_path, 5)
    _read(tmp_path)
    _write(tmp_path, 5, {2: "A longer answer,\n\non three lines."})
    checks.clear()
    found = _read(tmp_path)
    assert checks == ["card-2"]
    assert found == _read(tmp_path, cached=False)
    last, _, line, lines = found[0][4]
    assert last.id == "card-4" and line == 21 and lines["answer"] == 23  # moved down by two


def test_the_cards_of_a_file_not_edited_are_kept_for_when_it_is(tmp_path: Path, checks) -> None:
    _write(tmp_path, 3)
    _read(tmp_path)
    (tmp_path / "code.yaml").write_text("category: code\ncards:\n" + _card(99, "Edited."))
    _read(tmp_path)  # stores card-99 afresh, and keeps theory's cards though not read
    theory = tmp_path / "theory.yaml"
    theory.write_text(theory.read_text().replace("Question 0?", "Question zero?"))
    checks.clear()
    _read(tmp_path)
    assert checks == ["card-0"]


def test_a_card_that_leans_on_another_is_read_with_the_whole_file(tmp_path: Path) -> None:
    _write(tmp_path, 2)
    theory = tmp_path / "theory.yaml"
    text = theory.read_text()
    theory.write_text(text.replace("    question: Question 0?", "    question: &q Question 0?")
                      .replace("    question: Question 1?", "    question: *q"))  # fmt: skip
    for _ in range(2):
        found = _read(tmp_path)
        assert found == _read(tmp_path, cached=False)
        assert found[0][1][0].question == "Question 0?"


def test_a_card_with_a_problem_is_reported_as_a_whole_read_reports_it(tmp_path: Path) -> None:
    _write(tmp_path, 3)
    _read(tmp_path)
    theory = tmp_path / "theory.yaml"
    theory.write_text(theory.read_text().replace("id: card-1\n", "id: card-1\n    level: expert\n"))
    found = _read(tmp_path)
    assert found == _read(tmp_path, cached=False)
    assert [(p.line, "level must be one of" in p.message) for p in found[1]] == [(8, True)]


_A = "category: theory\ncards:\n  - id: alpha\n    question: q\n    answer: a\n"


@pytest.mark.parametrize(
    "text",
    [
        # a directive that changes what !! means in the whole file
        "%TAG !! tag:example.com,2000:\n---\ncategory: theory\ncards:\n  - id: alpha\n"
        "    question: !!str q\n    answer: a\n",
        # an anchor name used twice: an error in the file, not in either card alone
        "category: &x theory\ncards:\n  - id: alpha\n    question: &x q\n    answer: a\n",
        "category: theory\ncards:\n  - id: alpha\n    question: &x q\n    answer: a\n"
        "  - id: beta\n    question: &x q\n    answer: a\n",
        # the last card ends the file, in a block that keeps its line breaks
        "category: theory\ncards:\n  - id: alpha\n    question: q\n    answer: |\n      a",
        "category: theory\ncards:\n  - id: alpha\n    question: q\n    answer: >+\n      a",
        # a line after the cards that would be the value of cards: without them
        "category: theory\ncards:\n  - id: alpha\n    question: q\n    answer: a\n ~\n",
        # a quoted text that runs over a line reading cards:, the key being further down
        'category: theory\nnote: "x\ncards:\n  - id: alpha\n    question: q\n    answer: a\n"'
        "\ncards :\n",
    ],
    ids=["tag-directive", "anchor-twice", "anchor-twice-in-cards", "literal-at-end",
         "folded-at-end", "null-after-cards", "cards-inside-quotes"],
)  # fmt: skip
def test_a_file_that_reads_otherwise_in_pieces_is_read_as_a_whole_read_reads_it(
    tmp_path: Path, text: str
) -> None:
    (tmp_path / "deck.yaml").write_text(DECK)
    (tmp_path / "code.yaml").write_text(
        "category: code\ncards:\n  - {id: c, question: q, answer: a}\n"
    )
    theory = tmp_path / "theory.yaml"
    theory.write_text(_A)
    _read(tmp_path)
    theory.write_text(text)
    for _ in range(2):
        assert _read(tmp_path) == _read(tmp_path, cached=False)


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=30)
_ANSWER_LINE = st.one_of(
    _TEXT.map(str.strip),
    st.sampled_from(["- an item", "# a heading", "  indented", "", "```", "key: value"]),
)
_CARD = st.tuples(
    _TEXT,  # the question, written in double quotes
    st.lists(_ANSWER_LINE, min_size=1, max_size=4),  # the answer, a block
    st.sampled_from(["", "\n", "# between\n", "\n# at the margin\n"]),  # after the card
)


def _file(cards_: list[tuple[str, list[str], str]], indent: int) -> str:
    pad = " " * indent
    text = "category: theory\ncards:\n"
    for i, (question, answer, after) in enumerate(cards_):
        body = "".join(f"{pad}    {line}\n" if line.strip() else "\n" for line in answer)
        text += f"{pad}- id: card-{i}\n{pad}  question: {json.dumps(question)}\n"
        text += f"{pad}  answer: |\n{body}" if body.strip() else f"{pad}  answer: x\n"
        text += after
    return text


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    before=st.lists(_CARD, min_size=1, max_size=6),
    after=st.lists(_CARD, min_size=1, max_size=6),
    indent=st.sampled_from([0, 2, 4]),
)
def test_a_card_file_read_by_its_cards_reads_as_it_does_whole(
    tmp_path: Path, before, after, indent
) -> None:
    """Whatever changed since the cache was filled: the same cards, lines and problems."""
    (tmp_path / "deck.yaml").write_text(DECK)
    (tmp_path / "code.yaml").write_text(
        "category: code\ncards:\n  - {id: c, question: q, answer: a}\n"
    )
    theory = tmp_path / "theory.yaml"
    theory.write_text(_file(before, indent))
    _read(tmp_path)
    theory.write_text(_file(after, indent))
    assert _read(tmp_path) == _read(tmp_path, cached=False)

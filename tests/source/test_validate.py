from pathlib import Path

import pytest

from ankigen.errors import CardSetError
from ankigen.source.validate import load_card_set

from ..conftest import CODE, DECK, THEORY

HEAD = "category: theory\ncards:\n"


def _problems(root: Path) -> list[str]:
    with pytest.raises(CardSetError) as info:
        load_card_set(root)
    return [str(p).removeprefix(f"{root}/") for p in info.value.problems]


def test_the_sample_set_loads(write_cards) -> None:
    card_set = load_card_set(write_cards())
    assert [c.id for c in card_set.cards] == ["alpha", "beta", "gamma"]  # deck order
    assert card_set.deck.tag_root == "test-deck"  # defaults to the deck id
    assert card_set.questions["art-q2"].label == "Basic #2"
    assert card_set.questions["blog-1"].label == "Q1"  # position within its article
    alpha = card_set.cards[0]
    assert (alpha.line, alpha.lines["answer"], alpha.level) == (3, 5, "basic")


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        ("  - id: a\n    question: Q\n", "theory.yaml:3: card 'a' has no answer"),
        ("  - id: a\n    question: Q\n    answer:\n", "theory.yaml:5: card 'a' has an empty answer"),
        ("  - id: a\n    question: Q\n    answer: '  '\n",
         "theory.yaml:5: card 'a' has an empty answer"),
        ("  - id: a\n    question: Q\n    answer: A\n    anwser: B\n",
         "theory.yaml:6: unknown key 'anwser' in card 'a' (did you mean 'answer'?); a basic card takes id, type, question, answer, correction, sources, tags, level, reading"),
        ("  - id: a\n    question: Q\n    answer: A\n    tags: [two words]\n",
         "theory.yaml:6: tag 'two words' contains a space"),
        ("  - id: a\n    question: Q\n    answer: 42\n",
         "theory.yaml:5: card 'a': answer must be text, not a number (put it in quotes)"),
        ("  - id: a\n    question: Q\n    answer: yes\n",
         "theory.yaml:5: card 'a': answer must be text, not true/false (put it in quotes)"),
        ("  - id: a\n    question: [Q]\n    answer: A\n",
         "theory.yaml:4: card 'a': question must be text, not a list"),
        ("  - id: Bad_Id\n    question: Q\n    answer: A\n",
         "theory.yaml:3: id 'Bad_Id' may only contain a-z, 0-9 and '-'"),
        ("  - question: Q\n    answer: A\n", "theory.yaml:3: card has no id"),
        ("  - id: a\n    question: Q\n    answer: A\n    level: expert\n",
         "theory.yaml:6: card 'a': level must be one of basic, intermediate, advanced, not 'expert'"),
        ("  - id: a\n    question: Q\n    answer: A\n    sources: [art-q9]\n",
         "theory.yaml:6: card 'a': unknown source 'art-q9'"),
        ("  - id: a\n    question: Q\n    answer: A\n    sources: art-q1\n",
         "theory.yaml:6: card 'a': sources must be a list, not empty text"),
        ("  - id: a\n    question: Q\n    answer: A\n    tags: [1]\n",
         "theory.yaml:6: card 'a': every entry of tags must be text, not a number"),
        ("  - id: a\n    question: Q\n    answer: A\n    reading: [x]\n",
         "theory.yaml:6: card 'a': every entry of reading must be a mapping"),
        ("  - id: a\n    question: Q\n    answer: A\n    reading:\n      - {title: T, url: ftp://x}\n",
         "theory.yaml:7: reading url 'ftp://x' must start with http:// or https://"),
        ("  - id: a\n    question: Q\n    answer: A\n    reading:\n      - {url: 'https://x'}\n",
         "theory.yaml:7: reading entry has no title"),
        ("  - id: a\n    question: Q\n    answer: A\n    answer: B\n",
         "theory.yaml:6: duplicate key 'answer' (first at line 5)"),
        ("  - just text\n", "theory.yaml:2: card file: every entry of cards must be a mapping"),
    ],
)  # fmt: skip
def test_problem_is_reported_with_its_line(write_cards, card: str, expected: str) -> None:
    assert _problems(write_cards(theory=HEAD + card)) == [expected]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"theory": "category: maths\ncards: []\n"},
         ["theory.yaml:1: unknown category 'maths' (deck.yaml has: theory, code)"]),
        ({"theory": "cards: []\n"}, ["theory.yaml:1: card file has no category"]),
        ({"theory": "category: theory\n"}, ["theory.yaml:1: card file has no cards"]),
        ({"theory": "- a\n"}, ["theory.yaml:1: a card file must be a mapping of keys to values"]),
        ({"theory": ""}, ["theory.yaml: file is empty"]),
        ({"deck": DECK.replace("id: test-deck", "id: Test Deck")},
         ["deck.yaml:2: id 'Test Deck' may only contain a-z, 0-9 and '-'"]),
        ({"deck": DECK.replace("name: Code", "name: A::B")},
         ["deck.yaml:6: category name 'A::B' may not contain '::'"]),
        ({"deck": DECK.replace("{id: code, name: Code}", "{id: theory, name: T2}")},
         ["deck.yaml:6: duplicate category id 'theory'", "code.yaml:1: unknown category 'code' "
          "(deck.yaml has: theory, theory)"]),
        ({"deck": DECK + "colour: red\n"}, ["deck.yaml:7: unknown key 'colour' in deck.yaml"]),
        ({"sources": None},
         ["theory.yaml:10: card 'alpha' cites 'art-q1' but there is no sources.yaml",
          "theory.yaml:10: card 'alpha' cites 'art-q2' but there is no sources.yaml",
          "theory.yaml:17: card 'beta' cites 'blog-1' but there is no sources.yaml"]),
        ({"sources": "articles: {}\nquestions:\n  - {id: zz-1, text: Q}\n"},
         ["sources.yaml:3: question 'zz-1' belongs to no article (start its id with an article key)",
          "theory.yaml:10: card 'alpha': unknown source 'art-q1'",
          "theory.yaml:10: card 'alpha': unknown source 'art-q2'",
          "theory.yaml:17: card 'beta': unknown source 'blog-1'"]),
        ({"code": CODE.replace("id: gamma", "id: alpha")},
         ["theory.yaml:3: duplicate card id 'alpha' (first at {root}/code.yaml:3)"]),
    ],
)  # fmt: skip
def test_file_level_problems(write_cards, files: dict, expected: list[str]) -> None:
    root = write_cards(**files)
    assert sorted(_problems(root)) == sorted(e.replace("{root}", str(root)) for e in expected)


def test_every_problem_is_reported_at_once(write_cards) -> None:
    root = write_cards(
        theory=HEAD + "  - id: a\n    question: Q\n  - id: b\n    anwser: A\n",
        code="category: nope\ncards: []\n",
    )
    assert _problems(root) == [
        "code.yaml:1: unknown category 'nope' (deck.yaml has: theory, code)",
        "theory.yaml:3: card 'a' has no answer",
        "theory.yaml:5: card 'b' has no question and no answer",
        "theory.yaml:6: unknown key 'anwser' in card 'b' (did you mean 'answer'?); a basic card takes id, type, question, answer, correction, sources, tags, level, reading",
    ]


def test_a_missing_directory_or_deck_file_is_one_problem(tmp_path: Path) -> None:
    with pytest.raises(CardSetError, match="card set is not a directory"):
        load_card_set(tmp_path / "nope")
    with pytest.raises(CardSetError, match=r"card set has no deck\.yaml"):
        load_card_set(tmp_path)


def test_yml_files_are_card_files_too(write_cards) -> None:
    root = write_cards()
    (root / "extra.yml").write_text(THEORY.replace("alpha", "delta").replace("beta", "epsilon"))
    assert len(load_card_set(root).cards) == 5

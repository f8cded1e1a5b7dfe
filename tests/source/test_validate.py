from pathlib import Path

import pytest

from ankigen.errors import CardSetError
from ankigen.source.validate import load_card_set, read_card_set

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
         "theory.yaml:6: unknown key 'anwser' in card 'a' (did you mean 'answer'?); a basic card takes id, type, question, answer, correction, sources, tags, level, reading, previous_ids"),
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
        ("  - id: a\n    question: Q\n    answer: A\n    level: 3\n",
         "theory.yaml:6: card 'a': level must be one of basic, intermediate, advanced, not a number"),
        ("  - id: a\n    question: Q\n    answer: A\n    level: '3'\n",
         "theory.yaml:6: card 'a': level must be one of basic, intermediate, advanced, not '3'"),
        ("  - id: a\n    question: Q\n    answer: A\n    level: Basic\n",
         "theory.yaml:6: card 'a': level must be one of basic, intermediate, advanced, not 'Basic' "
         "(did you mean 'basic'?)"),
        ("  - id: a\n    question: Q\n    answer: A\n    level: [basic]\n",
         "theory.yaml:6: card 'a': level must be one of basic, intermediate, advanced, not a list"),
        ("  - id: 42\n    question: Q\n    answer: A\n",
         "theory.yaml:3: card: id must be text, not a number (put it in quotes)"),
        ("  - id: 4.2\n    question: Q\n    answer: A\n",
         "theory.yaml:3: card: id must be text, not a number"),
        ("  - id: a\n    question: Q\n    answer: A\n    sources: [art-q9]\n",
         "theory.yaml:6: card 'a': unknown source 'art-q9'"),
        ("  - id: a\n    question: Q\n    answer: A\n    sources: art-q1\n",
         "theory.yaml:6: card 'a': sources must be a list, not text"),
        ("  - id: a\n    question: Q\n    answer: A\n    sources: ''\n",
         "theory.yaml:6: card 'a': sources must be a list, not empty text"),
        ("  - id: a\n    question: Q\n    answer: A\n    tags: [~]\n",
         "theory.yaml:6: card 'a': every entry of tags must be text, not an empty value"),
        ("  - id: a\n    question: Q\n    answer: 2024-01-31\n",
         "theory.yaml:5: card 'a': answer must be text, not a date (put it in quotes)"),
        ("  - id: a\n    question: Q\n    answer: A\n    tags: [1]\n",
         "theory.yaml:6: card 'a': every entry of tags must be text, not a number"),
        ("  - id: a\n    question: Q\n    answer: A\n    reading: [x]\n",
         "theory.yaml:6: card 'a': every entry of reading must be a mapping, but entry 1 is text"),
        ("  - id: a\n    question: Q\n    answer: A\n    reading:\n      - {title: T, url: ftp://x}\n",
         "theory.yaml:7: reading url 'ftp://x' must start with http:// or https://"),
        ("  - id: a\n    question: Q\n    answer: A\n    reading:\n      - {url: 'https://x'}\n",
         "theory.yaml:7: reading entry has no title"),
        ("  - id: a\n    question: Q\n    answer: A\n    answer: B\n",
         "theory.yaml:6: duplicate key 'answer' (first at line 5)"),
        ("  - just text\n", "theory.yaml:2: card file: every entry of cards must be a mapping, but entry 1 is text"),
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
        ({"deck": DECK.replace("categories:", "categroies:")},  # and no card file repeats it
         ["deck.yaml:1: deck.yaml has no categories",
          "deck.yaml:4: unknown key 'categroies' in deck.yaml (did you mean 'categories'?)"]),
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
        ({"deck": DECK.replace("{id: code, name: Code}", "{id: code, name: Theory}")},
         ["deck.yaml:6: category name 'Theory' is the name of category 'theory' (line 5) too: "
          "Anki matches deck names ignoring case, and would rename one of them with a "
          "trailing '_'"]),
        ({"deck": DECK.replace("{id: code, name: Code}", "{id: code, name: THEORY}")},
         ["deck.yaml:6: category name 'THEORY' is the name of category 'theory' (line 5) too: "
          "Anki matches deck names ignoring case, and would rename one of them with a "
          "trailing '_'"]),
        ({"deck": DECK.replace("name: Code", "name: ' Code '")},
         ["deck.yaml:6: category name ' Code ' has spaces or ':' at the start or end: Anki "
          "would make it 'Code'"]),
        ({"deck": DECK.replace("name: Code", "name: '  '")},
         ["deck.yaml:6: category has an empty name"]),
        ({"deck": DECK.replace("name: Code", "name: 'Code:'")},
         ["deck.yaml:6: category name 'Code:' has spaces or ':' at the start or end: Anki "
          "would make it 'Code'"]),
        ({"deck": DECK.replace("name: Code", 'name: "Co\\x09de"')},
         ["deck.yaml:6: category name 'Co\\tde' has a control character (such as a tab or a "
          "line break): Anki would make it 'Code'"]),
        ({"deck": DECK.replace("name: Code", 'name: "Cafe\\u0301"')},
         ["deck.yaml:6: category name 'Cafe\u0301' has characters not in Unicode NFC form: "
          "Anki would make it 'Caf\u00e9'"]),
        ({"deck": DECK.replace("name: Test Deck", "name: 'Lang:: ::X'")},
         ["deck.yaml:1: deck name 'Lang:: ::X' has an empty part between '::': Anki would "
          "make it 'Lang::blank::X'"]),
        ({"deck": DECK.replace("name: Test Deck", "name: 'Lang::'")},
         ["deck.yaml:1: deck name 'Lang::' has an empty part between '::': Anki would make "
          "it 'Lang::blank'"]),
        ({"deck": DECK.replace("name: Test Deck", "name: 'Languages :: Japanese'")},
         ["deck.yaml:1: deck name 'Languages :: Japanese' has spaces or ':' at the start or "
          "end of a part: Anki would make it 'Languages::Japanese'"]),
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
        "theory.yaml:6: unknown key 'anwser' in card 'b' (did you mean 'answer'?); a basic card takes id, type, question, answer, correction, sources, tags, level, reading, previous_ids",
    ]


def test_a_missing_directory_or_deck_file_is_one_problem(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    for path, why in [
        (tmp_path / "nope", "no such directory"),
        (tmp_path / "file", "a file, not a directory"),
        (tmp_path, "the directory has no deck.yaml"),
    ]:
        with pytest.raises(CardSetError) as info:
            load_card_set(path)
        assert [str(p) for p in info.value.problems] == [
            f"{path}: no card set here ({why}): pass the card set's directory, or start a new "
            "one with `ankigen init`"
        ]


def test_yml_files_are_card_files_too(write_cards) -> None:
    root = write_cards()
    (root / "extra.yml").write_text(THEORY.replace("alpha", "delta").replace("beta", "epsilon"))
    assert len(load_card_set(root).cards) == 5


def test_deck_names_anki_keeps_as_written_are_accepted(write_cards) -> None:
    deck = DECK.replace("name: Test Deck", "name: 'Languages::日本語 (N5): kana'")
    root = write_cards(deck=deck.replace("name: Code", "name: 'C++ & Rust: a:b'"))
    assert load_card_set(root).deck.name == "Languages::日本語 (N5): kana"


def test_an_empty_category_is_a_warning(write_cards) -> None:
    root = write_cards(code=None)
    card_set, problems = read_card_set(root)
    assert card_set is not None and [str(p) for p in problems] == [
        f"{root}/deck.yaml:6: warning: category 'code' has no cards: Anki would show an empty "
        "subdeck"
    ]


def test_subdirectories_hold_card_files_too(write_cards) -> None:
    root = write_cards(code=None)
    (root / "more" / "deeper").mkdir(parents=True)
    (root / "more" / "deeper" / "code.yaml").write_text(CODE)
    (root / "more" / "extra.yml").write_text(CODE.replace("gamma", "delta"))
    for hidden in (root / ".git", root / "more" / ".cache"):  # never read
        hidden.mkdir()
        (hidden / "x.yaml").write_text("not: [a card file")
    (root / ".#theory.yaml").symlink_to("nobody@host.1234")  # an editor's lock file
    card_set = load_card_set(root)
    assert [c.id for c in card_set.cards] == ["alpha", "beta", "gamma", "delta"]
    assert card_set.cards[2].path == root / "more" / "deeper" / "code.yaml"


def test_links_inside_the_set_are_read_once_and_links_out_are_refused(
    write_cards, tmp_path: Path
) -> None:
    root = write_cards(code=None)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "code.yaml").write_text(CODE)
    (root / "code.yaml").symlink_to(outside / "code.yaml")
    (root / "linked-dir").symlink_to(outside)
    (root / "sub").mkdir()
    (root / "sub" / "again").symlink_to(root)  # inside: its files are read where they are
    assert _problems(root) == [
        f"code.yaml: is a link to a file outside the card set ({outside}/code.yaml): a card "
        "set reads only its own files, so copy the file in instead",
        f"linked-dir: is a link to a directory outside the card set ({outside}): a card set "
        "reads only its own files, so copy the directory in instead",
    ]
    (root / "code.yaml").unlink()
    (root / "linked-dir").unlink()
    (root / "sub" / "code.yaml").write_text(CODE)
    (root / "code.yaml").symlink_to(root / "sub" / "code.yaml")
    with pytest.raises(CardSetError, match="duplicate card id 'gamma'"):
        load_card_set(root)  # the same file twice: read once through the link, once as is


def test_a_deck_file_linked_from_outside_is_refused(write_cards, tmp_path: Path) -> None:
    root = write_cards()
    (tmp_path / "deck.yaml").write_text(DECK)
    (root / "deck.yaml").unlink()
    (root / "deck.yaml").symlink_to(tmp_path / "deck.yaml")
    assert _problems(root) == [
        f"deck.yaml: is a link to a file outside the card set ({tmp_path}/deck.yaml): a card "
        "set reads only its own files, so copy the file in instead"
    ]

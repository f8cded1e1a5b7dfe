"""Cards of every kind: what each takes, and what a mistake in one is told."""

from pathlib import Path

import pytest

from ankigen.errors import CardSetError
from ankigen.source.validate import load_card_set

from ..conftest import KINDS

HEAD = "category: theory\ncards:\n"
BASIC_KEYS = "id, type, question, answer, correction, sources, tags, level, reading, previous_ids"
CLOZE_KEYS = "id, type, text, extra, correction, sources, tags, level, reading, previous_ids"


def _problems(root: Path) -> list[str]:
    with pytest.raises(CardSetError) as info:
        load_card_set(root)
    return [str(p).removeprefix(f"{root}/") for p in info.value.problems]


def test_every_kind_loads_with_the_keys_every_kind_shares(write_cards) -> None:
    cards = {c.id: c for c in load_card_set(write_cards(kinds=KINDS)).cards}
    cloze, reversed_, type_in = (
        cards["capital-of-france"],
        cards["der-hund"],
        cards["capital-of-japan"],
    )
    assert (cloze.kind, cloze.text.startswith("{{c1::Paris}}"), cloze.extra) == (
        "cloze", True, "Paris has been the capital since *987*.",
    )  # fmt: skip
    assert (cloze.level, cloze.tags) == ("basic", ("geography",))
    assert (reversed_.kind, reversed_.question, reversed_.answer) == (
        "reversed",
        "der Hund",
        "the dog",
    )
    assert reversed_.correction == "Not *die* Hund."
    assert (type_in.kind, type_in.answer, type_in.sources) == ("type-in", "Tokyo", ("art-q1",))
    assert cards["alpha"].kind == "basic"  # no type: as ever


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        ("  - id: a\n    front: Q\n    back: A\n", [
            "theory.yaml:3: card 'a' has no question and no answer",
            f"theory.yaml:4: unknown key 'front' in card 'a' (did you mean 'question'?); a basic card takes {BASIC_KEYS}",
            f"theory.yaml:5: unknown key 'back' in card 'a' (did you mean 'answer'?); a basic card takes {BASIC_KEYS}",
        ]),
        ("  - id: a\n    question: Q\n    answer: A\n    reverse: true\n", [
            f"theory.yaml:6: unknown key 'reverse' in card 'a' (did you mean 'type: reversed'?); a basic card takes {BASIC_KEYS}",
        ]),
        ("  - id: a\n    question: Q\n    answer: A\n    extra: E\n", [
            f"theory.yaml:6: unknown key 'extra' in card 'a' (extra belongs to type: cloze and type: type-in); a basic card takes {BASIC_KEYS}",
        ]),
        ("  - id: a\n    type: cloze\n    front: '{{c1::x}}'\n", [
            "theory.yaml:3: card 'a' has no text",
            f"theory.yaml:5: unknown key 'front' in card 'a' (did you mean 'text'?); a cloze card takes {CLOZE_KEYS}",
        ]),
        ("  - id: a\n    type: cloze\n    text: '{{c1::x}}'\n    question: Q\n", [
            f"theory.yaml:6: unknown key 'question' in card 'a' (question belongs to type: basic and type: reversed and type: type-in); a cloze card takes {CLOZE_KEYS}",
        ]),
        ("  - id: a\n    type: clozed\n    text: x\n", [
            "theory.yaml:4: card 'a': type must be one of basic, cloze, reversed, type-in, not 'clozed' (did you mean 'cloze'?)",
        ]),
        ("  - id: a\n    type: [cloze]\n    text: x\n", [
            "theory.yaml:4: card 'a': type must be one of basic, cloze, reversed, type-in, not a list",
        ]),
        ("  - id: a\n    type: type-in\n    question: Q\n    answer: |\n      Tokyo\n      (since 1869)\n", [
            "theory.yaml:6: card 'a': the answer of a type-in card must be one line, since it is what the learner types; put explanations in extra",
        ]),
        ("  - id: a\n    type: reversed\n    question: Q\n", ["theory.yaml:3: card 'a' has no answer"]),
    ],
)  # fmt: skip
def test_a_mistake_in_a_card_of_any_kind(write_cards, card: str, expected: list[str]) -> None:
    assert _problems(write_cards(theory=HEAD + card)) == expected


def test_a_category_name_may_not_hold_html(write_cards) -> None:
    deck = "name: D\nid: d\ncategories:\n  - {id: theory, name: '<b>Theory</b>'}\n  - {id: code, name: Code}\n"
    assert _problems(write_cards(deck=deck)) == [
        "deck.yaml:4: category name '<b>Theory</b>' may not contain < or >"
    ]


def test_deck_css_and_labels(write_cards) -> None:
    deck = "name: D\nid: d\ncss: style.css\nlabels: {correction: Careful, sources: Seen in}\n"
    root = write_cards(
        deck=deck + "categories:\n  - {id: theory, name: T}\n  - {id: code, name: C}\n"
    )
    (root / "style.css").write_text(".card { font-size: 22px; }\n")
    loaded = load_card_set(root).deck
    assert loaded.css == ".card { font-size: 22px; }\n"
    assert [loaded.label(b) for b in ("correction", "sources", "reading")] == [
        "Careful", "Seen in", "Further reading",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("css", "expected"),
    [
        ("a { color: red }\n</style><script>x()</script>", "style.css:2: a deck's CSS may not contain '</style' (found '</style')"),
        ("@import 'https://x/y.css';", "style.css:1: a deck's CSS may not @import: cards render offline (found '@import')"),
        ("\n.card { background: url(https://x/p.png) }", "style.css:2: a deck's CSS may use only data: URLs (nothing else is packaged) (found 'url(')"),
        (".card { color: red }\n.x {\n  color: blue;\n", "style.css:2: the '{' opened here is never closed"),
        ("@media (max-width: 1px) {\n  .a { color: red }\n  .b { color: red\n}\n", "style.css:1: the '{' opened here is never closed"),
        (".a { color: red }\n}\n", "style.css:2: this '}' closes no '{'"),
        ('.a::after { content: "}" }\n.b { content: "a\n', 'style.css:2: the quote (") opened here is never closed'),
        ("/* a { */\n.a { color: red }\n/* the end", "style.css:3: the comment (/*) opened here is never closed"),
    ],
)  # fmt: skip
def test_deck_css_that_would_reach_out_is_refused(write_cards, css: str, expected: str) -> None:
    deck = "name: D\nid: d\ncss: style.css\ncategories:\n  - {id: theory, name: T}\n  - {id: code, name: C}\n"
    root = write_cards(deck=deck)
    (root / "style.css").write_text(css)
    assert _problems(root) == [expected]


@pytest.mark.parametrize(
    "css",
    [
        '.a::after { content: "{" }',
        ".a { content: '\\'}' }",
        "/* } */ .a {}",
        ".a\\{ {}",
        "@media x { .a { b: c } }",
    ],
)
def test_balanced_deck_css_is_accepted(write_cards, css: str) -> None:
    deck = "name: D\nid: d\ncss: style.css\ncategories:\n  - {id: theory, name: T}\n  - {id: code, name: C}\n"
    root = write_cards(deck=deck)
    (root / "style.css").write_text(css)
    assert load_card_set(root).deck.css == css


def test_deck_css_problems_name_the_file_as_the_others_do(
    write_cards, tmp_path, monkeypatch
) -> None:
    from click.testing import CliRunner

    from ankigen.cli import main

    deck = "name: D\nid: d\ncss: style.css\ncategories:\n  - {id: theory, name: T}\n  - {id: code, name: C}\n"
    (write_cards(deck=deck) / "style.css").write_text("@import 'x.css';\n.a {\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "cards"])
    assert (result.exit_code, result.stderr) == (
        1,
        "cards/style.css:1: a deck's CSS may not @import: cards render offline (found '@import')\n"
        "cards/style.css:2: the '{' opened here is never closed\n"
        "2 problems found; nothing written.\n",
    )


def test_deck_css_outside_the_card_set_is_refused(write_cards, tmp_path: Path) -> None:
    deck = "name: D\nid: d\ncss: ../style.css\ncategories:\n  - {id: theory, name: T}\n  - {id: code, name: C}\n"
    (tmp_path / "style.css").write_text("a {}")
    assert _problems(write_cards(deck=deck)) == [
        "deck.yaml:3: css '../style.css' must be a file inside the card set"
    ]

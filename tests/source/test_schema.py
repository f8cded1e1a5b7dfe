"""The JSON Schema editors use says what ``ankigen check`` says: for every shipped file,
and for each key of each kind, value by value."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from ankigen.cli import main
from ankigen.errors import CardSetError
from ankigen.source import format as spec
from ankigen.source.schema import modeline, schema
from ankigen.source.validate import DECK_FILE, SOURCES_FILE, load_card_set

from ..conftest import DECK, SHIPPED_CARDS

CARD_SCHEMA = jsonschema.Draft7Validator(schema("cards"))
DECK_SCHEMA = jsonschema.Draft7Validator(schema("deck"))
jsonschema.Draft7Validator.check_schema(schema("cards"))
jsonschema.Draft7Validator.check_schema(schema("deck"))

MINIMAL = {
    "basic": {"id": "a", "question": "Q", "answer": "A"},
    "cloze": {"id": "a", "type": "cloze", "text": "{{c1::x}}"},
    "reversed": {"id": "a", "type": "reversed", "question": "Q", "answer": "A"},
    "type-in": {"id": "a", "type": "type-in", "question": "Q", "answer": "A"},
}
# Values of every shape, valid for some keys and not others.
PROBES = [
    "x", "two words", "", "  ", "a\nb", "https://example.org", "ftp://x", "Bad_Id", "basic",
    "expert", 1, True, None, ["x"], ["two words"], [""], [1], [],
    [{"title": "T", "url": "https://x"}], [{"title": "T", "url": "ftp://x"}], [{"url": "https://x"}],
    {"k": "v"},
]  # fmt: skip


def _shipped_files() -> list[Path]:
    return sorted(p for p in SHIPPED_CARDS.glob("*.yaml") if p.name != SOURCES_FILE)


@pytest.mark.parametrize("path", _shipped_files(), ids=lambda p: p.name)
def test_every_shipped_file_is_valid_by_the_schema(path: Path) -> None:
    validator = DECK_SCHEMA if path.name == DECK_FILE else CARD_SCHEMA
    errors = [e.message for e in validator.iter_errors(yaml.safe_load(path.read_text()))]
    assert errors == []


def _check_accepts(tmp_path: Path, card: dict) -> bool:
    root = tmp_path / "set"
    root.mkdir(exist_ok=True)
    (root / "deck.yaml").write_text(DECK)
    (root / "sources.yaml").write_text(
        "articles: {x: {title: X}}\nquestions:\n  - {id: x-1, text: Q}\n"
    )
    (root / "cards.yaml").write_text(yaml.safe_dump({"category": "theory", "cards": [card]}))
    try:
        load_card_set(root)
    except CardSetError:
        return False
    return True


@pytest.mark.parametrize("kind", spec.KINDS)
def test_schema_and_validator_agree_on_every_key_of_every_kind(kind: str, tmp_path) -> None:
    """Each probe value for each key (and one key of every other kind): the schema
    accepts the card exactly when the validator does. Sources must exist in
    sources.yaml, which no schema can know: the probes use one that does."""
    keys = dict.fromkeys(n for k in spec.KINDS for n in spec.card_key_names(k))
    disagree = []
    for key in [*keys, "front", "reverse"]:
        for probe in PROBES:
            if key == "sources" and probe in (["x"], ["two words"]):
                probe = ["x-1"]
            if key == "type" and probe is not None:
                continue  # another type is another kind: tested by its own run
            card = {**MINIMAL[kind], key: probe}
            by_schema = CARD_SCHEMA.is_valid({"category": "theory", "cards": [card]})
            if by_schema != _check_accepts(tmp_path, card):
                disagree.append((key, probe, by_schema))
    assert disagree == []


def test_the_schema_lists_each_kind_with_the_keys_the_validator_takes() -> None:
    rules = schema("cards")["properties"]["cards"]["items"]["allOf"]
    for kind, rule in zip(spec.KINDS, rules, strict=True):
        assert rule["then"]["propertyNames"]["enum"] == list(spec.card_key_names(kind))
        assert set(rule["then"]["required"]) == {k.name for k in spec.CARD_KEYS[kind] if k.required}


@pytest.mark.parametrize(
    "deck",
    [{"name": "D", "id": "d", "categories": [{"id": "theory", "name": "T"}]},
     {"name": "D", "id": "d", "categories": [{"id": "theory", "name": "A::B"}]},
     {"name": "D", "id": "d", "categories": [{"id": "theory", "name": "<b>T</b>"}]},
     {"name": "D", "id": "d", "categories": []},
     {"name": "D", "id": "D", "categories": [{"id": "theory", "name": "T"}]},
     {"name": "D", "id": "d", "labels": {"correction": "Careful"}, "categories": [{"id": "theory", "name": "T"}]},
     {"name": "D", "id": "d", "labels": {"answer": "A"}, "categories": [{"id": "theory", "name": "T"}]},
     {"name": "D", "id": "d", "colour": "red", "categories": [{"id": "theory", "name": "T"}]}],
)  # fmt: skip
def test_schema_and_validator_agree_on_deck_files(deck: dict, tmp_path: Path) -> None:
    root = tmp_path / "set"
    root.mkdir()
    (root / "deck.yaml").write_text(yaml.safe_dump(deck))
    (root / "t.yaml").write_text("category: theory\ncards: []\n")
    try:
        load_card_set(root)
        accepted = True
    except CardSetError:
        accepted = False
    assert DECK_SCHEMA.is_valid(deck) == accepted


def test_ankigen_schema_prints_each_schema() -> None:
    runner = CliRunner()
    assert json.loads(runner.invoke(main, ["schema"]).output) == schema("cards")
    assert json.loads(runner.invoke(main, ["schema", "deck"]).output) == schema("deck")
    assert modeline("cards") == "# yaml-language-server: $schema=.schemas/card-file.schema.json\n"

"""``numbered_subdecks: true`` in deck.yaml: subdeck names numbered in deck.yaml's order,
since Anki lists subdecks by name."""

from pathlib import Path

import pytest

from ankigen.build import build
from ankigen.errors import CardSetError
from ankigen.package.lockfile import read_lock
from ankigen.source.model import Category, Deck
from ankigen.source.validate import load_card_set

from .conftest import DECK

NUMBERED = DECK + "numbered_subdecks: true\n"


def test_off_by_default_so_existing_decks_keep_their_names(write_cards) -> None:
    deck = load_card_set(write_cards()).deck
    assert [deck.subdeck(c) for c in deck.categories] == ["Theory", "Code"]


def test_numbered_in_deck_order_with_enough_digits(write_cards) -> None:
    deck = load_card_set(write_cards(deck=NUMBERED)).deck
    assert [deck.subdeck(c) for c in deck.categories] == ["01 Theory", "02 Code"]
    many = Deck("D", "d", "", "d", tuple(Category(f"c{i}", f"C{i}") for i in range(100)), Path(),
                numbered_subdecks=True)  # fmt: skip
    assert [many.subdeck(c) for c in many.categories[::99]] == ["001 C0", "100 C99"]


@pytest.mark.parametrize("value", ["'yes'", "1", "[true]"])
def test_must_be_true_or_false(write_cards, value: str) -> None:
    root = write_cards(deck=DECK + f"numbered_subdecks: {value}\n")
    with pytest.raises(CardSetError) as info:
        load_card_set(root)
    shown = {"'yes'": "'yes'", "1": "1", "[true]": "[True]"}[value]
    assert [str(p).removeprefix(f"{root}/") for p in info.value.problems] == [
        f"deck.yaml:7: deck.yaml: numbered_subdecks must be true or false, not {shown}"
    ]


def test_the_summary_and_the_lock_use_the_numbered_names(write_cards, tmp_path) -> None:
    root = write_cards()
    build(root, tmp_path / "a.apkg", now=1_700_000_000)
    write_cards(deck=NUMBERED)
    report = build(root, tmp_path / "a.apkg", now=1_700_000_010)
    assert report.counts() == [("01 Theory", 2, 2), ("02 Code", 1, 1)]
    lock, _ = read_lock(root / "ankigen.lock")
    assert lock.categories == {"theory": "01 Theory", "code": "02 Code"}
    # Turning it on renames every subdeck, and Anki keeps the cards it has where they are.
    assert [str(w).removeprefix(f"{root}/") for w in report.warnings] == [
        "deck.yaml:5: warning: category 'theory' renamed from 'Theory' to '01 Theory': Anki "
        "matches decks by name, so cards already imported stay in 'Theory' (ankigen apply "
        "moves them)",
        "deck.yaml:6: warning: category 'code' renamed from 'Code' to '02 Code': Anki "
        "matches decks by name, so cards already imported stay in 'Code' (ankigen apply "
        "moves them)",
    ]


def test_anki_lists_the_subdecks_in_deck_yaml_order(write_cards, tmp_path, collection) -> None:
    from .conftest import import_package

    for name, deck_yaml in (("Plain", DECK), ("Numbered", NUMBERED)):
        deck_yaml = deck_yaml.replace("Test Deck", name).replace("test-deck", name.lower())
        root = write_cards(deck=deck_yaml)
        (root / "ankigen.lock").unlink(missing_ok=True)  # two decks, one after the other
        build(root, tmp_path / f"{name}.apkg", now=1_700_000_000)
        import_package(collection, tmp_path / f"{name}.apkg")
    shown = {n.name: [c.name for c in n.children] for n in collection.decks.deck_tree().children}
    assert shown["Plain"] == ["Code", "Theory"]  # Anki's order: by name
    assert shown["Numbered"] == ["01 Theory", "02 Code"]  # deck.yaml's order

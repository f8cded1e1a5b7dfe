"""Deck names: what ankigen refuses is exactly what Anki would rewrite, checked against
the real Anki backend."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ankigen.source.names import anki_name, name_problem, same_name

_PIECES = ["a", "B", "é", "e\u0301", "ǅ", " ", "\u3000", ":", "::", "\t", "\x7f", "z", "_"]
_NAME = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=8).map("".join)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=_NAME)
def test_anki_names_a_deck_as_predicted(collection, name: str) -> None:
    deck_id = collection.decks.id(name)
    assert collection.decks.name(deck_id) == anki_name(name)
    assert (name_problem(name, "deck name") == "") == (collection.decks.name(deck_id) == name)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(a=_NAME, b=_NAME)
def test_anki_finds_decks_by_name_as_predicted(collection, a: str, b: str) -> None:
    same = collection.decks.id(a) == collection.decks.id(b)
    assert same == (same_name(a) == same_name(b))

"""Cards of every kind in the real Anki desktop app's Reviewer: each cloze number, both
directions of a reversed card, the type-in box, and a formula inside a cloze typeset
intact by the app's MathJax."""

from __future__ import annotations

import pytest

from ankigen.build import build

from ..conftest import KINDS
from .app import import_package
from .test_desktop import _problems, probe

CARDS = [  # (card id, card number as Anki's card: search counts it, what the front shows)
    ("capital-of-france", 1, "[...] is the capital of France."),
    ("capital-of-france", 2, "Paris is the capital of [country]."),
    ("der-hund", 1, "der Hund"),
    ("der-hund", 2, "the dog"),
    ("capital-of-japan", 1, "What is the capital of Japan?"),
    ("area", 1, "The area is [...] and"),
    ("area", 2, "The area is"),
]


@pytest.fixture(scope="module")
def kinds_deck(anki_app, tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("kinds") / "cards"
    root.mkdir()
    deck = "name: Kinds In The App\nid: kinds-in-the-app\ncategories:\n  - {id: code, name: Code}\n"
    (root / "deck.yaml").write_text(deck, encoding="utf-8")
    (root / "kinds.yaml").write_text(KINDS.replace("    sources: [art-q1]\n", ""), "utf-8")
    build(root, root.parent / "kinds.apkg")
    log = import_package(anki_app, root.parent / "kinds.apkg")
    assert "4 new notes imported" in log, log
    return "Kinds In The App"


@pytest.mark.parametrize("night", [False, True], ids=["light", "night"])
def test_every_card_of_every_kind_in_the_reviewer(anki_app, kinds_deck, night, tmp_path) -> None:
    anki_app("theme", night=night)
    anki_app("resize", width=400, height=900)
    problems, seen = [], {}
    for card_id, number, front_text in CARDS:
        search = f'"deck:{kinds_deck}" "ID:{card_id}" card:{number}'
        assert anki_app("review", search=search) == card_id, search
        for side in ("front", "back"):
            if side == "back":
                anki_app("show_answer")
            page = anki_app("evaluate", code=probe("probeCard()"))  # waits for the page
            if side == "front":
                text = anki_app("evaluate", code="document.getElementById('qa').innerText")
                assert front_text in " ".join(text.split()), (card_id, number, text)
            seen[card_id, number, side] = page
            if found := _problems(page, 400, night):
                shot = tmp_path / f"{card_id}-{number}-{side}.png"
                anki_app("screenshot", path=str(shot))
                problems += [f"{card_id} c{number} ({side}, see {shot}): {p}" for p in found]
    assert not problems, "\n".join(problems)
    # The formula inside the first cloze, and the one holding the second, are typeset.
    assert [seen["area", n, side]["math"] for n in (1, 2) for side in ("front", "back")] == [
        1, 2, 2, 2,
    ]  # fmt: skip


def test_the_type_in_card_has_the_app_s_text_box(anki_app, kinds_deck) -> None:
    anki_app("review", search=f'"deck:{kinds_deck}" "ID:capital-of-japan"')
    anki_app("evaluate", code=probe("settled()"))
    box = "(() => { const b = document.getElementById('typeans'); return b && b.tagName; })()"
    assert anki_app("evaluate", code=box) == "INPUT"
    anki_app("show_answer")
    anki_app("evaluate", code=probe("settled()"))
    answer = anki_app("evaluate", code="document.getElementById('typeans').innerText")
    assert answer == "Tokyo"  # nothing typed: the app shows the expected answer

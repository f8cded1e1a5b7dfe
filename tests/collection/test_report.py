from pathlib import Path

from ankigen.collection.changes import Change
from ankigen.collection.plan import Plan
from ankigen.collection.report import lines


def test_each_group_lines_up_after_the_longest_name() -> None:
    """Notes with no place in the YAML (unknown ones) line up with those that have one."""
    plan = Plan(
        "Deck",
        Path("collection.anki2"),
        3,
        [
            Change("updated", "capital-of-france", "cards/geo.yaml:4", ("fields: Answer",)),
            Change("unknown", "beep", "", ('Browser search: "ID:beep"',)),
            Change("unknown", "capital-of-spain", "", ('Browser search: "ID:capital-of-spain"',)),
        ],
    )
    shown = [line for line in lines(plan, summary=False) if line.startswith("  ")]
    assert shown == [
        "  capital-of-france  cards/geo.yaml:4  fields: Answer",
        '  beep               Browser search: "ID:beep"',
        '  capital-of-spain   Browser search: "ID:capital-of-spain"',
    ]

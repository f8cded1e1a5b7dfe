"""The floor: genanki alone writing notes whose HTML is already rendered.

    python benchmarks/floor.py NOTES.json OUT.apkg

NOTES.json (written by run.py from ankigen's own rendering) holds the note
type, the deck names and every note's fields, tags and GUID. Nothing here
parses YAML or Markdown, so no build of the same notes can be faster than this
by much: the time is genanki's and the zip's.
"""

from __future__ import annotations

import json
import sys
import tempfile

import genanki


def main(source: str, output: str) -> None:
    with open(source, encoding="utf-8") as f:
        data = json.load(f)
    nt = data["notetype"]
    model = genanki.Model(
        nt["id"], nt["name"], fields=nt["fields"], templates=nt["templates"], css=nt["css"]
    )
    decks = {name: genanki.Deck(deck_id, name) for name, deck_id in data["decks"].items()}
    for note in data["notes"]:
        decks[note["deck"]].add_note(
            genanki.Note(model, note["fields"], tags=note["tags"], guid=note["guid"])
        )
    # write_to_file leaves its SQLite database in the temporary directory: give it one of
    # its own, removed afterwards.
    with tempfile.TemporaryDirectory() as scratch:
        tempfile.tempdir = scratch
        genanki.Package(list(decks.values())).write_to_file(output)
        tempfile.tempdir = None


if __name__ == "__main__":
    main(*sys.argv[1:])

"""Take the screenshots in docs/ of the shipped deck in Anki desktop: the same app,
profile and driver as the desktop test (tests/desktop/), so they show what it checks.

Usage::

    python scripts/screenshots.py [OUTPUT_DIR]      # default: docs/

Needs the test extra (``pip install -e ".[test]"``) and Qt WebEngine's system
libraries (.ci/debian-packages)."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ankigen.build import build  # noqa: E402
from tests.desktop.app import import_package, running  # noqa: E402
from tests.desktop.test_desktop import probe  # noqa: E402

CARD = "bias-variance-tradeoff"  # a figure, formulas, a correction and further reading
SHOTS = [  # file name, window width, height, night
    ("anki-desktop-light.png", 1000, 860, False),
    ("anki-desktop-night.png", 1000, 860, True),
    ("anki-phone-light.png", 400, 860, False),
    ("anki-phone-night.png", 400, 860, True),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", type=Path, default=REPO / "docs")
    out = parser.parse_args().output.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copytree(REPO / "cards", folder / "cards")
        report = build(folder / "cards", folder / "deck.apkg")
        with running(folder) as anki:
            import_package(anki, folder / "deck.apkg")
            deck = report.card_set.deck.name
            for name, width, height, night in SHOTS:
                anki("theme", night=night)
                anki("resize", width=width, height=height)
                anki("review", search=f'"deck:{deck}" "ID:{CARD}"')
                anki("show_answer")
                anki("evaluate", code=probe("settled().then(() => window.scrollTo(0, 0))"))
                anki("screenshot", path=str(out / name))
                print(f"wrote {out / name}")


if __name__ == "__main__":
    main()

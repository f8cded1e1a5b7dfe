from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHIPPED_CARDS = REPO / "cards"


def missing_system_package(message: str) -> None:
    """A test that needs something pip cannot install skips, saying in one line what to
    install; under CI (CI=true), where .ci/run installs it, it fails instead."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


DECK = """\
name: Test Deck
id: test-deck
description: A *small* deck.
categories:
  - {id: theory, name: Theory}
  - {id: code, name: Code}
"""

SOURCES = """\
articles:
  art: {title: An Article}
  blog: {title: A Blog Post}
questions:
  - {id: art-q1, text: First?}
  - {id: art-q2, text: Second?, number: "Basic #2"}
  - {id: blog-1, text: Third?}
"""

THEORY = r"""category: theory
cards:
  - id: alpha
    question: What is \(\alpha_1 * \beta_2\)?
    answer: |
      A product; it costs $1,000,000 and \[ x_i = y_i^2 \] holds.

      - one
      - two
    sources: [art-q1, art-q2]
    tags: [greek]
    level: basic
  - id: beta
    question: Beta?
    answer: The second letter.
    correction: The article said it was the first.
    sources: [blog-1]
    reading:
      - {title: Beta, url: "https://en.wikipedia.org/wiki/Beta"}
"""

CODE = """category: code
cards:
  - id: gamma
    question: Show code
    answer: |
      ```python
      def f(x):
          return x < 1
      ```
"""


# One card of each kind other than basic, math in a cloze included.
KINDS = r"""category: code
cards:
  - id: capital-of-france
    type: cloze
    text: "{{c1::Paris}} is the capital of {{c2::France::country}}."
    extra: Paris has been the capital since *987*.
    level: basic
    tags: [geography]
  - id: der-hund
    type: reversed
    question: der Hund
    answer: the dog
    correction: Not *die* Hund.
  - id: capital-of-japan
    type: type-in
    question: What is the capital of Japan?
    answer: Tokyo
    extra: Since 1869.
    sources: [art-q1]
  - id: area
    type: cloze
    text: |
      The area is {{c1::\(\frac{a}{b^{2}}\)}} and \(E={{c2::mc^{2}}}\).
"""


@pytest.fixture(autouse=True)
def cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own, empty render cache, never the user's."""
    directory = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("ANKIGEN_CACHE_DIR", str(directory))
    return directory


@pytest.fixture
def write_cards(tmp_path: Path) -> Callable[..., Path]:
    """Write a small valid card set; keyword arguments replace or add files (None removes)."""

    def write(**files: str | bytes | None) -> Path:
        root = tmp_path / "cards"
        root.mkdir(exist_ok=True)
        defaults = {"deck": DECK, "sources": SOURCES, "theory": THEORY, "code": CODE}
        for name, text in {**defaults, **files}.items():
            path = root / f"{name.replace('_', '-')}.yaml"
            if text is None:
                path.unlink(missing_ok=True)
            elif isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")
        return root

    return write


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped card set, so a build can write its lock file."""
    target = tmp_path / "shipped"
    shutil.copytree(SHIPPED_CARDS, target)
    return target


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[object]:
    """A fresh, empty Anki collection, from the real Anki backend."""
    from anki.collection import Collection

    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    yield col
    col.close()


def import_package(col: object, path: Path) -> object:
    """Import as Anki's File > Import does, with its default options; return the log."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
    return col.import_anki_package(request).log  # type: ignore[attr-defined]


def build_damaged(root: Path, out: Path, damage: Callable[[], object]) -> tuple[bytes, bytes]:
    """The package of a cold build of ``root``, and that of a build after ``damage`` to
    the caches the build before it filled (each build without the lock, at one time)."""
    from ankigen.build import build

    when = 1_700_000_000
    build(root, out / "cold.apkg", now=when, cache=False)
    (root / "ankigen.lock").unlink()
    build(root, out / "fill.apkg", now=when)
    damage()
    (root / "ankigen.lock").unlink()
    build(root, out / "damaged.apkg", now=when)
    return (out / "cold.apkg").read_bytes(), (out / "damaged.apkg").read_bytes()

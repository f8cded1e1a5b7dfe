from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import missing_system_package
from .app import Anki, running

REPO = Path(__file__).resolve().parents[2]
PACKAGES = REPO / ".ci" / "debian-packages"


def qt_problem() -> str | None:
    """Why Qt WebEngine cannot start on this machine (a missing system library), or None."""
    probe = [sys.executable, "-c", "import PyQt6.QtWebEngineWidgets"]
    result = subprocess.run(probe, capture_output=True, text=True, check=False)
    return None if result.returncode == 0 else (result.stderr.strip().splitlines() or ["?"])[-1]


def require_qt() -> None:
    if (problem := qt_problem()) is not None:
        missing_system_package(
            f"the desktop tests need Qt WebEngine's system libraries ({problem}): "
            f"sudo apt-get install {_packages()}"
        )


def _packages() -> str:
    lines = (line.split("#")[0].strip() for line in PACKAGES.read_text().splitlines())
    return " ".join(line for line in lines if line)


@pytest.fixture(scope="session")
def anki_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Anki]:
    """One Anki desktop for the session's tests, with a new, empty profile."""
    require_qt()
    with running(tmp_path_factory.mktemp("anki")) as anki:
        yield anki

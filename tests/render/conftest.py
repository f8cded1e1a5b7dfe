"""The render tests' browser, the preview tests' own: headless Chromium, where Anki's
MathJax says which formulas it can show; and a spy on python-markdown."""

import markdown
import pytest

from ..preview.conftest import browser, playwright  # noqa: F401


@pytest.fixture
def conversions(monkeypatch) -> list[str]:
    """Every Markdown text python-markdown converts, in order."""
    seen: list[str] = []
    convert = markdown.Markdown.convert

    def spy(self, source: str) -> str:
        seen.append(source)
        return convert(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", spy)
    return seen

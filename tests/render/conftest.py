"""The render tests' browser, the preview tests' own: headless Chromium, where Anki's
MathJax says which formulas it can show."""

from ..preview.conftest import browser, playwright  # noqa: F401

"""The preview tests' browser: headless Chromium, the system's where there is one."""

import os
import shutil

import pytest

from ..conftest import missing_system_package


def _chromium() -> str | None:
    """A Chromium installed on the system; None means Playwright's own, if installed."""
    for candidate in (os.environ.get("ANKIGEN_CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (path := shutil.which(candidate)):
            return path
    return None


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    needs = (
        "the preview tests need Chromium, and libatomic1 for Playwright's driver: `sudo apt "
        "install chromium libatomic1` (or `playwright install chromium`, or set ANKIGEN_CHROMIUM)"
    )
    try:  # Playwright's own driver fails to start without libatomic1
        playwright = sync_playwright().start()
    except Exception as exc:
        missing_system_package(f"{needs}: {str(exc).splitlines()[0]}")
    try:
        browser = playwright.chromium.launch(
            executable_path=_chromium(), args=["--no-sandbox", "--disable-gpu"]
        )
    except Exception as exc:
        playwright.stop()
        missing_system_package(f"{needs}: {str(exc).splitlines()[0]}")
    yield browser
    browser.close()
    playwright.stop()

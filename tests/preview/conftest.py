"""The preview tests' browser: headless Chromium, the system's where there is one."""

import os
import shutil

import pytest

from ..conftest import missing_system_package

NEEDS = (
    "the preview tests need Chromium, and libatomic1 for Playwright's driver: `sudo apt "
    "install chromium libatomic1` (or `playwright install chromium`, or set ANKIGEN_CHROMIUM)"
)


def _chromium() -> str | None:
    """A Chromium installed on the system; None means Playwright's own, if installed."""
    for candidate in (os.environ.get("ANKIGEN_CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (path := shutil.which(candidate)):
            return path
    return None


@pytest.fixture(scope="module")
def playwright():
    from playwright.sync_api import sync_playwright

    try:  # Playwright's own driver fails to start without libatomic1
        playwright = sync_playwright().start()
    except Exception as exc:
        missing_system_package(f"{NEEDS}: {str(exc).splitlines()[0]}")
    yield playwright
    playwright.stop()


def _launch(playwright, headless: bool = True, args: tuple[str, ...] = ()):
    try:
        return playwright.chromium.launch(
            executable_path=_chromium(),
            headless=headless,
            args=["--no-sandbox", "--disable-gpu", *args],
        )
    except Exception as exc:
        missing_system_package(f"{NEEDS}: {str(exc).splitlines()[0]}")


@pytest.fixture(scope="module")
def browser(playwright):
    browser = _launch(playwright)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def classic_scrollbars_browser(playwright):
    """Headless Chromium with scrollbars that take room, as on most desktops: Playwright's
    headless mode hides them, and with them a box that scrolls by mistake."""
    browser = _launch(playwright, headless=False, args=("--headless=new",))
    yield browser
    browser.close()

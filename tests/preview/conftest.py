"""The preview tests' browser: headless Chromium, the system's where there is one."""

import os
import shutil

import pytest


def _chromium() -> str | None:
    """A Chromium installed on the system; None means Playwright's own, if installed."""
    for candidate in (os.environ.get("ANKIGEN_CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (path := shutil.which(candidate)):
            return path
    return None


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=_chromium(), args=["--no-sandbox", "--disable-gpu"]
            )
        except Error as exc:
            pytest.fail(
                "the preview tests need Chromium: `sudo apt install chromium` "
                f"(or `playwright install chromium`, or set ANKIGEN_CHROMIUM)\n{exc}"
            )
        yield browser
        browser.close()

"""Shared fixtures: one strict build of the site, a local server, headless Chromium.

Helpers live in scripts/site_check.py (the site) and tests/browser.py (pages in Chromium).
"""

import os
import shutil

import pytest

from scripts.site_check import CHROMIUM_ARGS, build_site, serve


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The site, built once per test session with ``--strict``."""
    dest = tmp_path_factory.mktemp("site")
    result = build_site(dest)
    assert result.returncode == 0, f"strict build failed:\n{result.stderr}"
    return dest


@pytest.fixture(scope="session")
def site_url(site):
    """The built site served on a free loopback port, at its site_url path."""
    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never Playwright's own download)."""
    executable = shutil.which("chromium")
    if executable is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + ": in CI a missing browser is a failure")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()

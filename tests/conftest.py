"""Shared fixtures: one strict build of the site, a local server, headless Chromium."""

import contextlib
import functools
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# Where GitHub Pages serves the site: the path of mkdocs.yml's site_url ("/nnlib-docs/").
SITE_URL = re.search(r"^site_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(), re.M).group(1)
SITE_PATH = urlsplit(SITE_URL).path.rstrip("/") + "/"


def source_date_epoch():
    """As the Makefile: $SOURCE_DATE_EPOCH, else the last commit's time (sitemap dates)."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    git = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True,
                         text=True)
    return git.stdout.strip() if git.returncode == 0 and git.stdout.strip() else "0"


def build_site(dest, env=None, config=ROOT / "mkdocs.yml"):
    """``mkdocs build --strict`` of ``config`` into ``dest``; return the completed process."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config),
         "--site-dir", str(dest)],
        cwd=Path(config).parent, capture_output=True, text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1",
             "SOURCE_DATE_EPOCH": source_date_epoch(), **(env or {})},
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The site, built once per test session with ``--strict``."""
    dest = tmp_path_factory.mktemp("site")
    result = build_site(dest)
    assert result.returncode == 0, f"strict build failed:\n{result.stderr}"
    return dest


def site_pages(site):
    """Every page of a built site, as URL paths relative to its root ("", "activations/")."""
    return sorted(
        ("" if p.parent == site else p.parent.relative_to(site).as_posix() + "/")
        if p.name == "index.html" else p.relative_to(site).as_posix()
        for p in [*site.rglob("index.html"), site / "404.html"]
        if p.is_file() and not p.relative_to(site).as_posix().startswith(("assets/", "search/"))
    )


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves a built site under ``SITE_PATH``, as GitHub Pages does (404.html uses it)."""

    headers_to_send = {}

    def send_head(self):
        if not self.path.startswith(SITE_PATH):
            self.send_error(404)
            return None
        return super().send_head()

    def translate_path(self, path):
        return super().translate_path("/" + path[len(SITE_PATH):])

    def end_headers(self):
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory, handler=SiteHandler):
    """Serve ``directory`` on a free loopback port; yield the site's URL."""
    handler = functools.partial(handler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{SITE_PATH}"
    finally:
        server.shutdown()
        server.server_close()


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

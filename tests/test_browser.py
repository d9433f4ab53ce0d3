"""The built site in headless Chromium: math typeset, images loaded, nothing external."""

from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def page_paths(site):
    return sorted(
        p.parent.relative_to(site).as_posix() + "/" if p.parent != site else ""
        for p in site.rglob("index.html")
        if not p.relative_to(site).as_posix().startswith(("assets/", "search/"))
    )


def open_page(browser, url):
    """Open ``url``; return (page, requests made, console errors)."""
    page = browser.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="load")
    page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("MathJax.startup.promise")
    return page, requests, errors


MATH_STATE = """() => {
  const math = [...document.querySelectorAll('.arithmatex')];
  return {
    total: math.length,
    typeset: math.filter(m => m.querySelector('mjx-container')).length,
    errors: document.querySelectorAll('mjx-merror').length,
    // CHTML draws glyphs with its web fonts: typeset math must have loaded them.
    fonts: [...document.fonts].filter(f => f.family.startsWith('MJXTEX') && f.status === 'loaded').length,
    raw: /\\\\\\(|\\\\\\[/.test(document.querySelector('.md-content').innerText),
  };
}"""

IMAGES = """() => [...document.querySelectorAll('.md-content img')]
  .filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src)"""


def test_every_page_typesets_its_math_and_loads_only_local_files(browser, site, site_url):
    paths = page_paths(site)
    assert "activations/" in paths
    for path in paths:
        page, requests, errors = open_page(browser, site_url + path)
        state = page.evaluate(MATH_STATE)
        assert state["typeset"] == state["total"], (path, state)
        assert state["errors"] == 0 and not state["raw"], (path, state)
        assert state["total"] == 0 or state["fonts"] > 0, (path, state)
        assert page.evaluate(IMAGES) == [], path
        assert errors == [], (path, errors)
        foreign = [u for u in requests if urlparse(u).hostname not in LOCAL_HOSTS]
        assert foreign == [], (path, foreign)
        page.close()


def test_activations_page_has_typeset_display_math(browser, site_url):
    page, _, _ = open_page(browser, site_url + "activations/")
    assert page.locator("mjx-container[display='true']").count() >= 5
    page.close()


def test_instant_navigation_typesets_the_new_page(browser, site_url):
    page, _, errors = open_page(browser, site_url)
    page.locator(".md-content").get_by_role("link", name="activation functions").click()
    page.wait_for_url("**/activations/")
    page.wait_for_function(
        "[...document.querySelectorAll('.arithmatex')].every(m => m.querySelector('mjx-container'))"
    )
    page.evaluate("MathJax.startup.promise")
    state = page.evaluate(MATH_STATE)
    assert state["total"] > 20 and state["typeset"] == state["total"], state
    assert state["errors"] == 0 and state["fonts"] > 0, state
    assert errors == []
    page.close()

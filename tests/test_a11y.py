"""Accessibility of every page of the built site.

- axe-core (the copy bundled in axe-playwright-python: nothing is fetched) finds no serious or
  critical violation on any page in the light palette, nor any colour violation (contrast, links
  told apart from text) once the reader switches to the dark palette;
- every content image has alt text that says what it shows;
- headings go down one level at a time under a single h1.

The last two read the built HTML and need no browser. axe runs in tests/test_browser.py
(``test_axe_finds_no_serious_violation_in_either_palette``), during the one visit each page gets
there, with the helpers in tests/browser.py: each page is loaded, typeset and laid out once for all
checks.
"""

import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from scripts.site_check import page_file, site_pages
from tests.browser import summary

GENERIC_ALT = {"image", "img", "figure", "fig", "picture", "graph", "plot", "chart", "diagram",
               "photo", "screenshot", "icon", "svg", "png", "alt", "todo"}


@pytest.fixture(scope="module")
def parsed(site):
    """{page: (its parsed HTML, its article: Material's .md-content)} for every page."""
    pages = {}
    for path in site_pages(site):
        html = site / page_file(path)
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        pages[path] = soup, soup.select_one(".md-content")
    return pages


def alt_problem(img):
    """Why ``img``'s alt text does not say what the image shows, or None."""
    alt = " ".join((img.get("alt") or "").split())
    src = img.get("src", "")
    stem = PurePosixPath(unquote(urlsplit(src).path)).stem.lower()
    if not alt:
        return "no alt text"
    if re.fullmatch(r"\S+\.(svg|png|jpe?g|gif|webp)", alt, re.I):
        return f"alt text is a file name: {alt!r}"
    if alt.lower() in {stem, stem.replace("-", " "), stem.replace("_", " ")}:
        return f"alt text is the file's name: {alt!r}"
    if re.sub(r"[\s\d.:]+$", "", alt.lower()) in GENERIC_ALT:
        return f"alt text says nothing about the image: {alt!r}"
    if len(alt.split()) < 3:
        return f"alt text too short to say what the image shows: {alt!r}"
    return None


def test_content_images_have_alt_text_that_says_what_they_show(parsed):
    problems, images = [], 0
    for path, (_, article) in parsed.items():
        for img in article.find_all("img"):
            images += 1
            if (why := alt_problem(img)) is not None:
                problems.append(f"{path or '(home)'}: {img.get('src', '')[:80]}: {why}")
    assert images > 0
    assert not problems, "\n".join(problems)


def test_alt_text_check_rejects_what_it_should():
    def check(alt, src="figures/activations/relu-light.svg#only-light"):
        tag = BeautifulSoup(f'<img src="{src}">', "html.parser").img
        if alt is not None:
            tag["alt"] = alt
        return alt_problem(tag)

    for bad in [None, "", "  ", "image", "Figure 2", "relu-light.svg", "relu light",
                "figures/activations/relu-light.svg", "ReLU"]:
        assert check(bad) is not None, bad
    assert check("ReLU and its derivative for z from -5 to 5") is None


def heading_problems(soup, article):
    levels = [int(h.name[1]) for h in article.find_all(re.compile(r"^h[1-6]$"))]
    problems = []
    if len(soup.find_all("h1")) != 1:
        problems.append(f"{len(soup.find_all('h1'))} h1 on the page")
    if levels and levels[0] != 1:
        problems.append(f"the first heading is an h{levels[0]}")
    for before, after in zip(levels, levels[1:]):
        if after > before + 1:
            problems.append(f"an h{before} is followed by an h{after}")
    return problems


def test_headings_go_down_one_level_at_a_time_under_one_h1(parsed):
    problems = []
    for path, (soup, article) in parsed.items():
        problems += [f"{path or '(home)'}: {p}" for p in heading_problems(soup, article)]
    assert not problems, "\n".join(problems)


def test_heading_check_rejects_what_it_should():
    def check(html):
        soup = BeautifulSoup(f'<div class="md-content">{html}</div>', "html.parser")
        return heading_problems(soup, soup.select_one(".md-content"))

    assert check("<h1>a</h1><h2>b</h2><h3>c</h3><h2>d</h2><h2>e</h2>") == []
    assert check("<h1>a</h1><h3>b</h3>") == ["an h1 is followed by an h3"]
    assert check("<h2>a</h2>") == ["0 h1 on the page", "the first heading is an h2"]
    assert check("<h1>a</h1><h1>b</h1>") == ["2 h1 on the page"]


def test_violation_summary_groups_by_rule_and_message():
    v = {"rule": "color-contrast", "impact": "serious", "scheme": "dark", "target": ".mf",
         "message": "Contrast of 4.44 (foreground color: #e6695b, font size: 10pt (13px), "
                    "font weight: normal)"}
    text = summary([{**v, "page": "a/"}, {**v, "page": "b/", "message": v["message"]
                    .replace("10pt (13px)", "8pt (11px)")}])
    assert text.splitlines()[0] == (
        "color-contrast (serious), dark palette, 2 elements on 2 pages (a/, b/): "
        "Contrast of 4.44 (foreground color: #e6695b)")

"""Accessibility of every page of the built site.

- axe-core (the copy bundled in axe-playwright-python: nothing is fetched) finds no serious or
  critical violation on any page in the light palette, nor any colour violation (contrast, links
  told apart from text) once the reader switches to the dark palette;
- every content image has alt text that says what it shows;
- headings go down one level at a time under a single h1.

The last two read the built HTML and need no browser. axe runs in tests/test_browser.py
(``test_axe_finds_no_serious_violation_in_either_palette``), during the one visit each page gets
there, with the helpers below: each page is loaded, typeset and laid out once for all checks.
"""

import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.conftest import site_pages

SERIOUS = {"serious", "critical"}
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
AXE_LIGHT = {"resultTypes": ["violations"]}  # every rule axe-core runs by default
AXE_DARK = {"resultTypes": ["violations"], "runOnly": COLOUR_RULES}  # what the palette changes

# Material's own page chrome, which only a theme override could change: each (rule, element)
# pair is left out for the reason given, and only for that element. Everything else counts.
# None left: scripts/theme/ names the search dialog and the progress bar (they were the two).
THEME_CHROME = {}

GENERIC_ALT = {"image", "img", "figure", "fig", "picture", "graph", "plot", "chart", "diagram",
               "photo", "screenshot", "icon", "svg", "png", "alt", "todo"}


@pytest.fixture(scope="module")
def parsed(site):
    """{page: (its parsed HTML, its article: Material's .md-content)} for every page."""
    pages = {}
    for path in site_pages(site):
        html = site / path / "index.html" if not path.endswith(".html") else site / path
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


def start_axe(page, options, context=None):
    """Start axe-core on ``page`` (all of it, or ``context``) without waiting for it: see
    ``axe_violations``. The axe-core script is the one axe-playwright-python bundles."""
    from axe_playwright_python.base import AXE_SCRIPT

    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    page.evaluate("""([context, options]) => {
      window.axeRun = axe.run(context || document, options).then(r => r.violations);
    }""", [context, options])


LOOK_SAMPLES = 3
# The palette changes colours only, so the dark pass checks a few elements per look: visible
# text with its colour, size, weight, opacity, link-or-not and the background behind it.
# Elements that look alike have the same contrast, and a page has a few dozen looks but
# thousands of code tokens. It is about three times quicker, and on this site it found every
# kind of violation the full run found, in both palettes; test_browser.py checks that one odd
# element among hundreds of look-alikes is still caught.
MARK_LOOKS = """SAMPLES => {
  const opacity = new Map(), backdrop = new Map(), looks = new Map();
  const alpha = e => e ? (opacity.has(e) ? opacity.get(e) : opacity.set(e,
    +getComputedStyle(e).opacity * alpha(e.parentElement)).get(e)) : 1;
  const behind = e => {
    if (!e) return '';
    if (!backdrop.has(e)) {
      const s = getComputedStyle(e);
      backdrop.set(e, s.backgroundImage !== 'none' || s.backgroundColor !== 'rgba(0, 0, 0, 0)'
        ? s.backgroundColor + s.backgroundImage : behind(e.parentElement));
    }
    return backdrop.get(e);
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text; (text = walker.nextNode());) {
    const e = text.parentElement;
    if (!text.nodeValue.trim() || e.closest('mjx-assistive-mml, script, style')) continue;
    const box = e.getBoundingClientRect();
    if (box.width < 1 || box.height < 1 || !e.checkVisibility({visibilityProperty: true})) continue;
    const s = getComputedStyle(e);
    const look = [s.color, s.fontSize, s.fontWeight, alpha(e), !!e.closest('a'), behind(e)]
      .join('|');
    if (!looks.has(look)) looks.set(look, new Set());
    looks.get(look).add(e);
  }
  // axe leaves undecided a text of one or two characters, or of punctuation only, and one
  // that overflows its scrolling box: the samples are the wordiest texts left whole.
  const clipped = e => {
    for (let a = e.parentElement; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
        const box = a.getBoundingClientRect(), r = e.getBoundingClientRect();
        return r.left < box.left || r.right > box.right || r.top < box.top ||
          r.bottom > box.bottom;
      }
    }
    return false;
  };
  const score = e => (clipped(e) ? 0 : 100) +
    Math.min((e.textContent.match(/[\\p{L}\\p{N}]/gu) || []).length, 12);
  for (const elements of looks.values()) {
    const ranked = [...elements].map(e => [score(e), e]).sort((a, b) => b[0] - a[0]);
    ranked.slice(0, SAMPLES).forEach(([, e]) => e.setAttribute('data-axe-look', ''));
  }
  return looks.size;
}"""


def start_dark_axe(page):
    """Start axe's colour rules on one element of each look the page has (``MARK_LOOKS``)."""
    if page.evaluate(MARK_LOOKS, LOOK_SAMPLES):
        start_axe(page, AXE_DARK, {"include": ["[data-axe-look]"]})
    else:
        page.evaluate("() => { window.axeRun = Promise.resolve([]); }")


def axe_violations(page, path, scheme):
    """The serious and critical violations of the axe run started on ``page``, one dict per
    element, theme chrome aside."""
    found = []
    for violation in page.evaluate("() => window.axeRun"):
        if violation["impact"] not in SERIOUS:
            continue
        for node in violation["nodes"]:
            target = " ".join(map(str, node["target"]))
            if (violation["id"], target) in THEME_CHROME:
                continue
            checks = node.get("any", []) + node.get("all", []) + node.get("none", [])
            found.append({
                "page": path or "(home)", "scheme": scheme, "rule": violation["id"],
                "impact": violation["impact"], "target": target,
                "message": checks[0]["message"] if checks else violation["help"],
            })
    return found


def summary(violations):
    """One paragraph per kind of violation (rule, palette, message): where, how many, examples."""
    groups = {}
    for v in violations:
        # The same colours at another size or weight are the same problem.
        message = re.sub(r",? ?font (size: [\d.]+pt \([\d.]+px\)|weight: \w+)", "", v["message"])
        groups.setdefault((v["rule"], v["impact"], v["scheme"], message), []).append(v)
    lines = []
    for (rule, impact, scheme, message), vs in sorted(groups.items()):
        pages = sorted({v["page"] for v in vs})
        lines.append(f"{rule} ({impact}), {scheme} palette, {len(vs)} elements on "
                     f"{len(pages)} pages ({', '.join(pages)}): {message}")
        lines += [f"    e.g. {v['page']}: {v['target']}" for v in vs[:3]]
    return "\n".join(lines)


def test_violation_summary_groups_by_rule_and_message():
    v = {"rule": "color-contrast", "impact": "serious", "scheme": "dark", "target": ".mf",
         "message": "Contrast of 4.44 (foreground color: #e6695b, font size: 10pt (13px), "
                    "font weight: normal)"}
    text = summary([{**v, "page": "a/"}, {**v, "page": "b/", "message": v["message"]
                    .replace("10pt (13px)", "8pt (11px)")}])
    assert text.splitlines()[0] == (
        "color-contrast (serious), dark palette, 2 elements on 2 pages (a/, b/): "
        "Contrast of 4.44 (foreground color: #e6695b)")

"""The notebook pages' stylesheet, cut to the rules they use (scripts/notebook_css.py), shows
every notebook page exactly as JupyterLab's whole CSS does.

The whole CSS is what mkdocs-jupyter puts inline in a notebook page (its converter, run
here) followed by docs/stylesheets/notebooks.css, as the pages had it before the cut. Each
notebook page is opened twice in Chromium, once as built and once with the whole CSS
served in place of the cut one, in both palettes at a phone and a desktop width: the
screenshots are pixel-identical, and so is every element's computed style (its ::before
and ::after too). Then the browser itself (its CSS parser, its selector matching) checks
that no rule left out matches anything on the page as loaded, with the search showing
results and a copy button clicked, even with its pseudo-classes taken off.
"""

import gzip
import hashlib
import io
import re

import pytest
from mkdocs_jupyter.nbconvert2 import nb2html
from PIL import Image, ImageChops

from scripts.site_check import GZIP_LEVEL, ROOT
from tests.browser import HASH, SCHEMES, WIDTHS, load_settled

NOTEBOOKS = sorted(p.stem for p in (ROOT / "docs" / "notebooks").glob("*.ipynb"))
LINK = re.compile(r'<link rel="stylesheet" href="\.\./\.\./(assets/stylesheets/jupyter-(\w+)\.css)">')


@pytest.fixture(scope="module")
def whole_css():
    """JupyterLab's CSS as mkdocs-jupyter inlines it, then the site's fixes: the uncut file."""
    html = nb2html(str(ROOT / "docs" / "notebooks" / f"{NOTEBOOKS[0]}.ipynb"))
    blocks = [b for b in re.findall(r"<style\b[^>]*>(.*?)</style>", html, re.S)
              if not b.lstrip().startswith("[")]  # the repr of a list of them: an mkdocs-jupyter slip
    return "\n".join([*blocks, (ROOT / "docs" / "stylesheets" / "notebooks.css").read_text()])


@pytest.fixture(scope="module")
def cut(site):
    """The cut stylesheet's path on the site, and its text."""
    links = {LINK.search((site / "notebooks" / name / "index.html").read_text()).group(1)
             for name in NOTEBOOKS}
    assert len(links) == 1, f"the notebook pages share one stylesheet, not {links}"
    path = links.pop()
    return path, (site / path).read_text(encoding="utf-8")


def test_cut_is_small_and_named_by_its_content(cut, whole_css):
    path, css = cut
    before = len(gzip.compress(whole_css.encode(), GZIP_LEVEL))
    after = len(gzip.compress(css.encode(), GZIP_LEVEL))
    print(f"\nnotebook stylesheet, gzip: {before / 1024:.1f} KB whole, {after / 1024:.1f} KB cut")
    assert before > 80 * 1024 and after < before / 5
    assert path.endswith(f"-{hashlib.sha256(css.encode()).hexdigest()[:12]}.css")
    assert "slate" in css, "the dark palette's rules stay"


def _open(browser, site_url, name, width, scheme, css=None):
    """A notebook page in a fresh tab, loaded, its fonts in; with ``css`` in place of the
    cut stylesheet when given."""
    page = browser.new_page(viewport=dict(zip(("width", "height"), WIDTHS[width])),
                            color_scheme=SCHEMES[scheme], reduced_motion="reduce")
    if css is not None:
        page.route("**/assets/stylesheets/jupyter-*.css",
                   lambda route: route.fulfill(body=css, content_type="text/css"))
    return load_settled(page, f"{site_url}notebooks/{name}/", scheme)


# Every element's computed style, and its ::before and ::after where they show: one string
# per element, returned as a 53-bit hash (the strings are ~100 MB a page). Custom properties
# (~600 an element, inherited) are compared where the CSS defines them, the root and the
# notebook's containers; elsewhere they count through the properties that use them.
# ``only`` asks for the strings of a few elements, by index.
STYLES = """(only) => {
  const defining = new Set([document.documentElement, document.body,
    ...document.querySelectorAll('.jupyter-wrapper, .jp-Notebook')]);
  const style = el => {
    const out = [];
    for (const pseudo of [null, '::before', '::after']) {
      const s = getComputedStyle(el, pseudo);
      if (pseudo && ['none', 'normal'].includes(s.content)) continue;
      for (let k = 0; k < s.length; k++) {
        if (!s[k].startsWith('--') || defining.has(el)) {
          out.push((pseudo || '') + s[k] + ':' + s.getPropertyValue(s[k]));
        }
      }
    }
    return el.tagName + '.' + el.getAttribute('class') + ' ' + out.sort().join(';');
  };
""" + HASH + """  const all = [...document.querySelectorAll('*')];
  return only ? only.map(i => style(all[i])) : all.map(el => hash(style(el)));
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_cut_shows_the_page_as_the_whole_css(browser, site_url, whole_css, name, scheme, width):
    pages, shots, styles = [], [], []
    for css in (None, whole_css):
        page = _open(browser, site_url, name, width, scheme, css)
        styles.append(page.evaluate(STYLES, None))
        # Material's search field (desktop width) differs in a 50x12 px box now and then, about
        # one run in four, with identical computed styles (compared above, as every element's;
        # the notebook CSS has no rule for it): masked.
        shot = page.screenshot(full_page=True, animations="disabled",
                               mask=[page.locator(".md-search__input")])
        shots.append(Image.open(io.BytesIO(shot)).convert("RGB"))
        pages.append(page)
    cut, whole = styles
    assert len(cut) == len(whole)
    differ = [i for i, (a, b) in enumerate(zip(cut, whole)) if a != b]
    if differ:
        first = [page.evaluate(STYLES, differ[:1])[0] for page in pages]
        pytest.fail(f"{len(differ)} elements styled otherwise, the first: {_difference(*first)}")
    for page in pages:
        page.close()
    assert shots[0].size == shots[1].size
    assert ImageChops.difference(*shots).getbbox() is None, "the screenshots differ (box above)"


def _search(page, query):
    """Type ``query`` into Material's search until it shows results (typed before its index
    is ready, a query stays unanswered)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    field = page.locator("input.md-search__input")
    for _ in range(10):
        field.fill("")
        field.press_sequentially(query)
        try:
            page.wait_for_selector(".md-search-result__item", timeout=2_000)
            return
        except PlaywrightTimeout:
            continue
    pytest.fail(f"the search shows no result for {query!r}")


def _difference(cut, whole):
    """Where two computed-style strings differ: the element, and the declarations that differ."""
    element, _, cut = cut.partition(" ")
    a, b = (set(text.split(";")) for text in (cut, whole.partition(" ")[2]))
    return f"{element}: cut {sorted(a - b)[:5]}, whole {sorted(b - a)[:5]}"


# The rules of the whole CSS that the cut left out, parsed by the browser, whose selectors
# match an element of the page once every pseudo-class but :root and every pseudo-element is
# taken off (a compound left empty becomes *): stricter than the cut, which keeps :not(),
# :nth-child() and the like.
LEFT_OUT_THAT_MATCH = r"""([whole, cut]) => {
  const rules = text => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(text);
    const out = [];
    const walk = list => {  // into @media and the like (a style rule has cssRules too)
      for (const r of list) r instanceof CSSStyleRule ? out.push(r) : r.cssRules && walk(r.cssRules);
    };
    walk(sheet.cssRules);
    return out;
  };
  const kept = new Set(rules(cut).map(r => r.cssText));
  const pseudo = /::?(?!root\b)[-\w]+(?:\((?:[^()]|\([^()]*\))*\))?/.source;
  const bare = s => s.trim()  // a compound left empty becomes *
    .replace(new RegExp(/(^|[\s>+~])/.source + `(?:${pseudo})+`, 'g'), '$1*')
    .replace(new RegExp(pseudo, 'g'), '');
  const found = [];
  for (const rule of rules(whole)) {
    if (kept.has(rule.cssText)) continue;
    for (const selector of rule.selectorText.split(/,(?![^(]*\))/)) {
      let hit = false;
      try { hit = document.querySelector(bare(selector)) !== null; } catch { hit = true; }
      if (hit) { found.push(`${selector} (${bare(selector)})`); break; }
    }
  }
  return found;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_no_rule_left_out_matches_the_page_as_loaded(browser, site_url, whole_css, cut, name,
                                                     scheme):
    page = _open(browser, site_url, name, "desktop", scheme)
    # content.code.copy's button, added by JS when its block comes into view (content.lazy)
    page.locator(".md-content pre > code").first.scroll_into_view_if_needed()
    page.locator(".md-code__button").first.click()  # and its "Copied to clipboard" dialog
    _search(page, "gradient")  # Material's search results, built by JS
    found = page.evaluate(LEFT_OUT_THAT_MATCH, [whole_css, cut[1]])
    page.close()
    assert not found, f"{len(found)} rules left out match the page, e.g. {found[:12]}"

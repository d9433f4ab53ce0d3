"""The content tables are wrapped when the site is built (scripts/tables.py), as Material's
JavaScript would wrap them on load, and look exactly as Material makes them look."""

import io
import re
from pathlib import Path

import lxml.html
import material
import pytest
from mkdocs.exceptions import PluginError
from PIL import Image, ImageChops

from scripts import tables
from scripts.site_check import page_file, site_pages
from tests.browser import HASH, SCHEMES, WIDTHS, load_settled

OPEN = tables.OPEN + '<table class="nn-table">'
MATERIAL_TEMPLATES = Path(material.__file__).parent / "templates"


# --- the wrapper ----------------------------------------------------------------------------

def test_a_table_without_a_class_is_wrapped_and_marked():
    assert tables.wrap("<p>a</p>\n<table>\n<tr><td>1</td></tr>\n</table>\n<p>b</p>") == (
        f"<p>a</p>\n{OPEN}\n<tr><td>1</td></tr>\n</table></div></div>\n<p>b</p>")


def test_its_other_attributes_stay():
    assert tables.wrap('<table id="t" title="a > b"></table>') == (
        f'{tables.OPEN}<table class="nn-table" id="t" title="a > b"></table></div></div>')


@pytest.mark.parametrize("html", [
    '<table class="highlighttable"><tr><td>1</td></tr></table>',  # Pygments' line numbers
    '<table class="dataframe" border="1"></table>',  # a pandas output in a notebook
    '<table class=""></table>',  # a class attribute, however empty: Material skips it too
    "<TABLE Class=x></TABLE>",
    "<!-- <table></table> -->",
    '<script>const t = "<table></table>";</script>',
    "<textarea><table></table></textarea>",
    "<p>&lt;table&gt;</p>",
])
def test_tables_material_leaves_alone_stay_as_they_are(html):
    assert tables.wrap(html) == html


def test_tables_in_admonitions_details_and_other_tables_are_wrapped_each():
    html = ('<div class="admonition note"><p class="admonition-title">N</p>\n<table>\n'
            "<tr><td><table><tr><td>x</td></tr></table></td></tr>\n</table>\n</div>\n"
            "<details><summary>S</summary><table><tr><td>y</td></tr></table></details>")
    assert tables.wrap(html) == (
        f'<div class="admonition note"><p class="admonition-title">N</p>\n{OPEN}\n'
        f"<tr><td>{OPEN}<tr><td>x</td></tr></table></div></div></td></tr>\n</table></div></div>\n"
        f"</div>\n<details><summary>S</summary>{OPEN}<tr><td>y</td></tr></table></div></div>"
        "</details>")


def test_a_wrapped_table_is_not_wrapped_again():
    html = '<table><tr><td><table class="x"></table></td></tr></table>'
    assert tables.wrap(tables.wrap(html)) == tables.wrap(html)


# --- the stylesheet -----------------------------------------------------------------------------

def test_the_stylesheet_repeats_materials_table_rules_for_the_class():
    css = tables.stylesheet([MATERIAL_TEMPLATES])
    assert tables.MATERIAL not in css
    rules = css.splitlines()
    assert len(rules) >= 10 and all("table.nn-table" in rule for rule in rules)
    assert "@media print{.md-typeset table.nn-table{display:table}}" in rules
    assert any(rule.startswith("[dir=rtl] ") for rule in rules)
    assert any("tbody tr:hover{" in rule for rule in rules)
    assert ".md-typeset table.nn-table+*{margin-top:1.5em}" in rules


def test_only_the_table_selectors_of_a_rule_are_copied():
    css = ("a{b:c}.x table:not([class]),.y p{color:red}"
           "@media screen{.z{d:e}.x table:not([class]) td{e:f}}@font-face{src:x}")
    assert tables.mirror(css) == (".x table.nn-table{color:red}\n"
                                  "@media screen{.x table.nn-table td{e:f}}\n")


@pytest.mark.parametrize("css", [".md-typeset table{a:b}",  # the rules are gone, or one is
                                 # out of reach
                                 ".x table:not([class]){a:b}@font-face{x:table:not([class])}"])
def test_a_material_css_without_the_rules_fails_the_build(css):
    with pytest.raises(PluginError, match="scripts/tables.py"):
        tables.mirror(css)


# --- the built site -----------------------------------------------------------------------------

def test_every_content_table_of_the_site_is_wrapped(site):
    wrapped = 0
    for path in site_pages(site):
        root = lxml.html.parse(str(site / page_file(path))).getroot()
        for content in root.cssselect("[data-md-component=content]"):
            bare = content.cssselect("table:not([class])")
            assert not bare, f"{path}: {len(bare)} tables without the wrap"
            for table in content.cssselect("table.nn-table"):
                inner, outer = table.getparent(), table.getparent().getparent()
                assert (inner.tag, inner.get("class"), len(inner)) == (
                    "div", "md-typeset__table", 1), path
                assert (outer.tag, outer.get("class"), len(outer)) == (
                    "div", "md-typeset__scrollwrap", 1), path
                wrapped += 1
    assert wrapped >= 18  # notation/ alone has 6; a notebook and the reference have some


def test_the_pages_link_the_table_stylesheet_before_the_sites_own(site):
    html = (site / "notation" / "index.html").read_text()
    links = re.findall(r'<link rel="stylesheet" href="\.\./([^"]+)">', html)
    assert links.index(tables.SITE_CSS) < links.index("stylesheets/extra.css")
    assert (site / tables.SITE_CSS).read_text() == tables.stylesheet([MATERIAL_TEMPLATES])


# --- in the browser: as Material would show it --------------------------------------------------

# Counts the tables taken out of the document (Material's wrap does: table.replaceWith()).
WATCH_TABLES = """window.tablesMoved = 0;
new MutationObserver(records => records.forEach(r => r.removedNodes.forEach(n => {
  if (n.nodeType === 1 && (n.matches('table') || n.querySelector('table'))) window.tablesMoved++;
}))).observe(document, {childList: true, subtree: true});"""

# The computed style of every element of the content, one 53-bit hash each (cyrb53), and its
# tag; ``only`` asks for the full strings of a few elements, by index.
STYLES = """(only) => {
  const style = el => {
    const s = getComputedStyle(el), out = [];
    for (let k = 0; k < s.length; k++) {
      if (!s[k].startsWith('--')) out.push(s[k] + ':' + s.getPropertyValue(s[k]));
    }
    return el.tagName + ' ' + out.join(';');
  };
""" + HASH + """  const all = [...document.querySelectorAll('.md-content, .md-content *')];
  return only ? only.map(i => style(all[i])) : all.map(el => hash(style(el)));
}"""

CONTENT = """() => document.querySelector('.md-content').innerHTML
  .replaceAll(' class="nn-table"', '')"""
HOVERED_ROW = """() => {
  const s = getComputedStyle(document.querySelector('.md-content tbody tr'));
  return [s.backgroundColor, s.boxShadow];
}"""


def as_material_wraps_it(html):
    """A built page with the build's wrap undone and the table stylesheet unlinked: the page
    as it was before scripts/tables.py, whose tables Material's script wraps on load."""
    n = html.count(OPEN)
    assert n and html.count("</table></div></div>") == n  # no nested tables to unpick
    html = html.replace(OPEN, "<table>").replace("</table></div></div>", "</table>")
    link = f'<link rel="stylesheet" href="../{tables.SITE_CSS}">'
    assert html.count(link) == 1
    return html.replace(link, "")


def _open(browser, site_url, width, scheme, material_wraps):
    page = browser.new_page(viewport=dict(zip(("width", "height"), WIDTHS[width])),
                            color_scheme=SCHEMES[scheme], reduced_motion="reduce")
    page.add_init_script(WATCH_TABLES)
    if material_wraps:
        def undo(route):
            response = route.fetch()
            route.fulfill(response=response, body=as_material_wraps_it(response.text()))
        page.route("**/notation/", undo)
    return load_settled(page, f"{site_url}notation/", scheme)


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_tables_look_as_material_makes_them_and_none_is_moved(browser, site_url, scheme, width):
    pages, shots, styles, contents, hovered = [], [], [], [], []
    for material_wraps in (False, True):
        page = _open(browser, site_url, width, scheme, material_wraps)
        moved = page.evaluate("() => window.tablesMoved")
        # Material's script moves each table, and a placeholder table of its own
        assert moved >= 6 if material_wraps else moved == 0, f"tables moved: {moved}"
        contents.append(page.evaluate(CONTENT))
        styles.append(page.evaluate(STYLES, None))
        shot = page.screenshot(full_page=True, animations="disabled",
                               mask=[page.locator(".md-search__input")])  # see test_notebook_css
        shots.append(Image.open(io.BytesIO(shot)).convert("RGB"))
        rest = page.evaluate(HOVERED_ROW)
        page.hover(".md-content tbody tr")
        page.wait_for_timeout(300)  # the row's 125 ms transition
        hovered.append(page.evaluate(HOVERED_ROW))
        assert hovered[-1] != rest, "the hover rule applies"
        pages.append(page)
    assert contents[0] == contents[1], "the content's DOM differs from Material's wrap"
    ours, theirs = styles
    differ = [i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b]
    if differ:
        first = [page.evaluate(STYLES, differ[:1])[0] for page in pages]
        a, b = (set(text.split(";")) for text in first)
        pytest.fail(f"{len(differ)} elements styled otherwise, the first, {first[0][:20]}: "
                    f"ours {sorted(a - b)[:5]}, Material's {sorted(b - a)[:5]}")
    assert hovered[0] == hovered[1]
    for page in pages:
        page.close()
    assert shots[0].size == shots[1].size
    assert ImageChops.difference(*shots).getbbox() is None, "the screenshots differ (box above)"

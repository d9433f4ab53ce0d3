"""The palette toggle: ours in place of Material's palette component (see
scripts/theme/partials/palette.html, partials/javascripts/palette.html, docs/javascripts/palette.js).

What the reader gets is Material's: a click or Enter switches and is remembered, in Material's
storage format; with nothing chosen the OS's preference holds, now from the first paint and
when it changes. What a long page no longer does at load: restyle itself for the palette (no
data-md-color-switching, no color-scheme meta, no palette attribute changed once the page's
scripts run).
"""

import pytest

from tests.browser import SCHEME, switch_scheme

pytestmark = pytest.mark.browser

LONG_PAGE = "backpropagation/"

# Before the page parses: every change of body's palette attributes and every meta added to
# head, with how many external scripts had been parsed by then. A MutationObserver's callback
# runs before each parser-inserted script (the parser's microtask checkpoint at </script>), so
# a change made by the inline palette script is recorded with the count of scripts before it.
RECORD = """
window.paletteLog = {changes: [], metas: [], scripts: []};
new MutationObserver((records) => {
  for (const r of records) {
    if (r.type === 'attributes' && r.target === document.body)
      paletteLog.changes.push({name: r.attributeName, old: r.oldValue,
        value: r.target.getAttribute(r.attributeName), scripts: paletteLog.scripts.length});
    for (const node of r.addedNodes) {
      if (node.nodeName === 'META' && node.parentNode === document.head && node.name)
        paletteLog.metas.push(node.name);
      if (node.nodeName === 'SCRIPT' && node.src)
        paletteLog.scripts.push({src: node.src, scheme: document.body?.dataset.mdColorScheme,
          bundleRan: typeof window.document$ !== 'undefined'});
    }
  }
}).observe(document, {subtree: true, childList: true, attributes: true, attributeOldValue: true,
  attributeFilter: ['data-md-color-switching', 'data-md-color-media', 'data-md-color-scheme',
                    'data-md-color-primary', 'data-md-color-accent']});
"""

# The form as the reader sees it: which option is checked, which labels are shown.
FORM = """() => [...document.querySelectorAll('input[name=__palette]')].map(input => ({
  scheme: input.dataset.mdColorScheme, checked: input.checked,
  shown: !input.nextElementSibling.hidden,
}))"""

SAVED = "() => __md_get('__palette')"
THEME_COLOR = "() => document.querySelector('meta[name=theme-color]')?.content"


def open_page(browser, site_url, path=LONG_PAGE, **context):
    """A new context (nothing saved) with ``RECORD`` installed; ``path`` loaded, and idle."""
    page = browser.new_context(**context).new_page()
    page.add_init_script(RECORD)
    page.goto(site_url + path, wait_until="load")
    page.wait_for_function(f"() => ({THEME_COLOR})()")  # the idle callback has run
    return page


def shown(page):
    """The scheme whose option is current in the form; checks there is exactly one."""
    form = page.evaluate(FORM)
    current = [o["scheme"] for o in form if o["checked"]]
    assert current == [o["scheme"] for o in form if o["shown"]], form
    return current[0]


def test_material_does_not_mount_the_palette(site):
    html = (site / LONG_PAGE / "index.html").read_text(encoding="utf-8")
    assert 'data-md-component="palette"' not in html
    assert html.count('name="__palette"') == 2
    assert "javascripts/palette.js" in html


@pytest.mark.parametrize("os_scheme, scheme", [("light", "default"), ("dark", "slate")])
def test_a_long_page_loads_without_restyling_itself_for_the_palette(
        browser, site_url, os_scheme, scheme):
    page = open_page(browser, site_url, color_scheme=os_scheme)
    log = page.evaluate("() => paletteLog")
    assert log["scripts"] and not log["scripts"][0]["bundleRan"], "the probe sees the bundle"
    # Only the inline script, before any external script, touched body's palette attributes.
    assert [c for c in log["changes"] if c["scripts"] > 0] == []
    assert "data-md-color-switching" not in [c["name"] for c in log["changes"]]
    assert "color-scheme" not in log["metas"]
    assert [s["scheme"] for s in log["scripts"]] == [scheme] * len(log["scripts"])
    assert page.evaluate(SCHEME) == scheme and shown(page) == scheme
    assert log["metas"].count("theme-color") == 1
    assert page.evaluate(THEME_COLOR) == "#4051b5"  # Material's indigo header
    assert page.evaluate(SAVED) is None, "nothing saved until the reader chooses"
    page.context.close()


def test_with_nothing_saved_a_dark_os_gets_the_dark_palette_from_the_first_paint(
        browser, site_url):
    page = open_page(browser, site_url, color_scheme="dark")
    changes = page.evaluate("() => paletteLog.changes")
    schemes = [(c["old"], c["value"], c["scripts"])
               for c in changes if c["name"] == "data-md-color-scheme"]
    assert schemes == [("default", "slate", 0)], "once, by the inline script"
    assert page.evaluate("() => paletteLog.scripts[0].scheme") == "slate"
    page.context.close()


def test_a_click_switches_and_the_next_page_load_remembers_it(browser, site_url):
    page = open_page(browser, site_url, path="")
    switch_scheme(page, "slate")
    assert shown(page) == "slate"
    assert page.evaluate(SAVED) == {"index": 1, "color": {
        "media": "(prefers-color-scheme: dark)", "scheme": "slate", "primary": "indigo",
        "accent": "indigo"}}
    assert page.evaluate("() => paletteLog.changes.some(c => c.name === 'data-md-color-switching')")
    page.wait_for_function("() => !document.body.hasAttribute('data-md-color-switching')")
    page.goto(site_url + LONG_PAGE, wait_until="load")
    assert page.evaluate(SCHEME) == "slate" and shown(page) == "slate"
    assert page.evaluate("() => paletteLog.scripts[0].scheme") == "slate"
    switch_scheme(page, "default")
    page.reload(wait_until="load")
    assert page.evaluate(SCHEME) == "default" and shown(page) == "default"
    page.context.close()


def test_a_choice_saved_by_material_is_applied(browser, site_url):
    page = open_page(browser, site_url, path="")
    page.evaluate("""() => __md_set('__palette', {index: 1, color: {
        media: '(prefers-color-scheme: dark)', scheme: 'slate', primary: 'indigo',
        accent: 'indigo'}})""")
    page.goto(site_url + LONG_PAGE, wait_until="load")
    assert page.evaluate(SCHEME) == "slate" and shown(page) == "slate"
    page.context.close()


def test_enter_on_the_focused_option_switches(browser, site_url):
    page = open_page(browser, site_url, path="")
    page.focus("input[name=__palette]:checked")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({SCHEME})() === 'slate'")
    assert shown(page) == "slate"
    assert page.evaluate("() => document.activeElement.checked")  # focus moved with it
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({SCHEME})() === 'default'")
    assert page.evaluate(SAVED)["index"] == 0
    page.context.close()


def test_with_nothing_saved_the_palette_follows_the_os_until_the_reader_chooses(
        browser, site_url):
    page = open_page(browser, site_url, path="", color_scheme="light")
    page.emulate_media(color_scheme="dark")
    page.wait_for_function(f"() => ({SCHEME})() === 'slate'")
    assert shown(page) == "slate" and page.evaluate(SAVED) is None
    page.emulate_media(color_scheme="light")
    page.wait_for_function(f"() => ({SCHEME})() === 'default'")
    switch_scheme(page, "slate")  # chosen: the OS no longer decides
    page.emulate_media(color_scheme="dark")
    page.emulate_media(color_scheme="light")
    page.wait_for_timeout(100)
    assert page.evaluate(SCHEME) == "slate" and shown(page) == "slate"
    page.context.close()

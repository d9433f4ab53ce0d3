"""The built site in headless Chromium, as readers get it.

Every page of the built site is found by walking it (so pages added later are covered) and opened
once, in a new tab of one shared browser: its math arrives typeset (MathJax ran when the site was
built; no math script runs in the browser) and its fonts load, its images load at the size they
were laid out at, the dark palette swaps the figures' light and dark variants, the console stays
clean, nothing is fetched from another host, axe-core finds no serious accessibility violation
(see tests/test_a11y.py), and what a first visit downloads is tabled. Then Material's instant
navigation is followed from the first page to the last through the footer's "Next" links (and
back), checking that each page it swaps in shows its math too.
"""

from urllib.parse import urlsplit

import pytest

from tests.conftest import SITE_URL, site_pages
from tests.test_a11y import AXE_LIGHT, axe_violations, start_axe, start_dark_axe, summary

pytestmark = pytest.mark.browser

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"data", "blob", "about"}

# The fonts the page asked for (the math's among them) have loaded, or failed.
FONTS_SETTLED = "() => document.fonts.ready.then(() => true)"

# What a reader would see of the math in .md-content (notebook cells included).
MATH_STATE = r"""() => {
  const content = document.querySelector('.md-content');
  const arithmatex = [...content.querySelectorAll('.arithmatex')];
  const blocks = [...content.querySelectorAll('div.arithmatex')];
  // TeX still in the text once typeset math, code and scripts are set aside (and
  // mkdocs-jupyter's copy-button buffers, never displayed, that hold a cell's source).
  const text = content.cloneNode(true);
  text.querySelectorAll('mjx-container, pre, code, script, style, textarea, .clipboard-copy-txt')
    .forEach(e => e.remove());
  const raw = text.textContent.match(
    /\\\(|\\\)|\\\[|\\\]|\$\$|\\begin\{|\$[^$\n]*[\\^_][^$\n]*\$/g) || [];
  const fonts = [...document.fonts].filter(f => f.family.startsWith('MJX-'));
  const glyphs = [...content.querySelectorAll('mjx-c')];
  // CHTML writes each glyph as text (a few as a ::before content): neither is a blank glyph.
  const invisible = /^mjx-c(2061|2062|2063|2064|200B)$/;  // function application etc.
  const blank = glyphs.filter(c => !invisible.test(c.classList[0]) && !c.textContent)
    .filter(c => ['none', 'normal', '""'].includes(getComputedStyle(c, '::before').content));
  // Every MathJax font a shown glyph may be drawn in (its font-family list) must have loaded.
  const loaded = new Set(fonts.filter(f => f.status === 'loaded').map(f => f.family));
  const needed = new Set(glyphs.filter(c => c.checkVisibility())
    .flatMap(c => getComputedStyle(c).fontFamily.split(',').map(f => f.trim().replace(/"/g, '')))
    .filter(f => f.startsWith('MJX-')));
  return {
    containers: content.querySelectorAll('mjx-container').length,
    untypeset: arithmatex.filter(m => !m.querySelector('mjx-container'))
      .map(m => m.textContent.trim().slice(0, 60)),
    displayNotTypeset: blocks.filter(m => !m.querySelector('mjx-container[display="true"]'))
      .map(m => m.textContent.trim().slice(0, 60)),
    errors: [...content.querySelectorAll('mjx-merror')]
      .map(e => e.getAttribute('data-mjx-error')),
    // An undefined macro fails the build; MathJax's noundefined would draw it in red.
    undefinedMacros: [...content.querySelectorAll('mjx-assistive-mml mtext[mathcolor="red"]')]
      .map(e => e.textContent).filter(t => t.startsWith('\\')),
    raw: raw.slice(0, 5),
    fontsLoaded: loaded.size,
    fontsFailed: [...new Set(fonts.filter(f => f.status === 'error').map(f => f.family))],
    fontsNotLoaded: [...needed].filter(f => !loaded.has(f)),
    blankGlyphs: [...new Set(blank.map(c => c.classList[0]))].slice(0, 5),
    // The reader can get the TeX of every formula: MathJax keeps it on mjx-math.
    withoutTex: [...content.querySelectorAll('mjx-container')]
      .filter(c => !c.querySelector(':scope > mjx-math[data-latex]')?.dataset.latex).length,
    // Screen readers read the MathML MathJax keeps beside each formula.
    withoutMathml: [...content.querySelectorAll('mjx-container')]
      .filter(c => !c.querySelector(':scope > mjx-assistive-mml > math')).length,
    mathScript: typeof window.MathJax !== 'undefined' || typeof window.katex !== 'undefined',
  };
}"""

# The math is done once Arithmatex's spans hold typeset math and no TeX delimiter is left in
# the text (notebook cells have no Arithmatex span: only the second test sees their math).
MATH_DONE = f"""() => {{
  const s = ({MATH_STATE})();
  return s.untypeset.length === 0 && s.raw.length === 0;
}}"""

# Lazy images first load (a reader scrolling would load them), then each must have loaded.
BROKEN_IMAGES = """async () => {
  const images = [...document.images];
  images.forEach(img => { img.loading = 'eager'; });
  await Promise.all(images.map(img => img.decode().catch(() => null)));
  return images.filter(img => !(img.complete && img.naturalWidth > 0))
    .map(img => img.getAttribute('src'));
}"""

# The size the page laid each image out at before it loaded (its width and height attributes)
# against the size of the image the browser then loaded.
IMAGE_SIZES = """() => [...document.images].map(img => ({
  src: img.getAttribute('src'),
  declared: [img.getAttribute('width'), img.getAttribute('height')].map(Number),
  natural: [img.naturalWidth, img.naturalHeight],
}))"""

# The #only-light / #only-dark figure variants: which ones Material's CSS shows.
FIGURES = """() => [...document.querySelectorAll('.md-content img')]
  .filter(img => /#only-(light|dark)$/.test(img.getAttribute('src')))
  .map(img => {
    const box = img.getBoundingClientRect();
    return {
      src: img.getAttribute('src'),
      variant: img.getAttribute('src').endsWith('#only-dark') ? 'dark' : 'light',
      displayed: getComputedStyle(img).display !== 'none',
      // In a closed <details> or an inactive tab, a displayed image still has no box.
      boxed: box.width > 0 && box.height > 0 || !img.parentElement.checkVisibility(),
    };
  })"""

SCHEME = "() => document.body.getAttribute('data-md-color-scheme')"


def wait_for_math(page, timeout=30_000):
    """Wait (at most ``timeout`` ms) for the page's fonts, the math's among them, to load."""
    page.wait_for_function(FONTS_SETTLED, timeout=timeout)


def math_problems(state):
    """What is wrong with a page's math, from ``MATH_STATE``: a list of messages."""
    problems = []
    for key in ("untypeset", "displayNotTypeset", "errors", "undefinedMacros", "raw",
                "fontsFailed", "fontsNotLoaded", "blankGlyphs", "withoutTex", "withoutMathml",
                "mathScript"):
        if state[key]:
            problems.append(f"{key}: {state[key]}")
    if state["containers"] and not state["fontsLoaded"]:
        problems.append(f"{state['containers']} typeset formulas but no MathJax font loaded")
    return problems


def is_foreign(url):
    parts = urlsplit(url)
    return parts.scheme not in LOCAL_SCHEMES and parts.hostname not in LOCAL_HOSTS


def listen(page):
    """Record the page's requests, failed loads and console errors."""
    log = {"requests": [], "failed": [], "errors": []}
    page.on("request", lambda r: log["requests"].append(r.url))
    page.on("requestfailed", lambda r: log["failed"].append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and log["failed"].append(f"{r.url}: {r.status}"))
    page.on("console", lambda m: m.type == "error" and log["errors"].append(m.text))
    page.on("pageerror", lambda e: log["errors"].append(f"uncaught {e}"))
    return log


def switch_scheme(page, scheme):
    """Click the palette toggle that switches to ``scheme`` ("slate" or "default").

    A DOM click on the toggle's label: Playwright's click would first wait for the header to
    stop moving, about a second per page for nothing.
    """
    toggle = page.evaluate(
        "s => document.querySelector(`input[data-md-color-scheme='${s}']`).id", scheme
    )
    page.evaluate(f"() => document.querySelector(\"label[for='{toggle}']\").click()")
    page.wait_for_function(f"() => ({SCHEME})() === '{scheme}'")


def visit(browser, url, path):
    """Open ``url`` in a fresh context, as a first visit, and check it; a generator that returns
    what the page showed.

    It yields while the page is busy (loading, axe running), for ``interleave`` to drive
    another page meanwhile: each tab has its own renderer process, so two use both cores.
    Contexts share nothing, not even the palette Material remembers in localStorage.
    """
    context = browser.new_context()
    page = context.new_page()
    log = listen(page)
    page.goto(url, wait_until="commit")
    yield
    page.wait_for_load_state("load")
    wait_for_math(page)
    result = {
        **log,
        "first_requests": list(log["requests"]),  # before the test loads lazy images
        "math": page.evaluate(MATH_STATE),
        "broken_images": page.evaluate(BROKEN_IMAGES),
        "image_sizes": page.evaluate(IMAGE_SIZES),
        "scheme": page.evaluate(SCHEME),
        "light": page.evaluate(FIGURES),
    }
    start_axe(page, AXE_LIGHT)
    yield
    result["axe"] = axe_violations(page, path, "light")
    switch_scheme(page, "slate")
    result["dark"] = page.evaluate(FIGURES)
    start_dark_axe(page)
    yield
    result["axe"] += axe_violations(page, path, "dark")
    context.close()
    return result


def interleave(generators, width=2):
    """Drive ``{key: generator}`` ``width`` at a time, round robin; return {key: its value}."""
    results, waiting, running = {}, list(generators.items()), []
    while waiting or running:
        while waiting and len(running) < width:
            running.append(waiting.pop(0))
        for key, generator in list(running):
            try:
                next(generator)
            except StopIteration as done:
                results[key] = done.value
                running.remove((key, generator))
    return results


@pytest.fixture(scope="module")
def visits(browser, site, site_url):
    """Every page of the site, opened once."""
    return interleave({path: visit(browser, site_url + path, path) for path in site_pages(site)})


def report(problems):
    return "\n".join(f"{path or '(home)'}: {what}" for path, what in problems)


def test_every_page_of_the_site_is_visited(visits):
    assert {"", "404.html", "activations/"} <= set(visits)
    assert any(path.startswith("notebooks/") for path in visits)


def test_every_page_typesets_its_math_with_its_fonts(visits):
    problems = [(path, p) for path, v in visits.items() for p in math_problems(v["math"])]
    assert not problems, report(problems)


def test_activations_page_has_typeset_display_math(visits):
    assert visits["activations/"]["math"]["containers"] >= 20
    assert not visits["activations/"]["math"]["displayNotTypeset"]


def test_every_image_loads(visits):
    problems = [(path, src) for path, v in visits.items() for src in v["broken_images"]]
    assert not problems, report(problems)


def test_every_image_is_laid_out_at_its_own_size_before_it_loads(visits):
    """No layout shift when an image arrives: its width and height attributes are its own."""
    problems = [(path, f"{img['src'][:80]}: laid out {img['declared']}, is {img['natural']}")
                for path, v in visits.items() for img in v["image_sizes"]
                if any(abs(d - n) > 1 for d, n in zip(img["declared"], img["natural"]))]
    assert not problems, report(problems)


def test_dark_mode_swaps_every_figure_for_its_dark_variant(visits):
    problems = []
    for path, v in visits.items():
        if v["scheme"] != "default":
            problems.append((path, f"opens in the {v['scheme']!r} scheme, not the light one"))
        for scheme, figures in (("default", v["light"]), ("slate", v["dark"])):
            for fig in figures:
                wanted = fig["variant"] == ("light" if scheme == "default" else "dark")
                if fig["displayed"] != wanted or (wanted and not fig["boxed"]):
                    state = "shown" if fig["displayed"] and fig["boxed"] else "hidden"
                    problems.append((path, f"{fig['src']} is {state} in the {scheme} scheme"))
        light = {f["src"] for f in v["light"] if f["variant"] == "light"}
        dark = {f["src"] for f in v["light"] if f["variant"] == "dark"}
        for src in light:
            twin = src.replace("-light.", "-dark.").replace("#only-light", "#only-dark")
            if twin not in dark:
                problems.append((path, f"{src} has no dark variant {twin}"))
        if len(light) != len(dark):
            problems.append((path, f"{len(light)} light figures but {len(dark)} dark ones"))
    assert not problems, report(problems)


def test_no_console_error_and_no_failed_request(visits):
    problems = [(path, e) for path, v in visits.items() for e in v["errors"] + v["failed"]]
    assert not problems, report(problems)


def test_axe_finds_no_serious_violation_in_either_palette(visits):
    """axe-core, as tests/test_a11y.py sets it up: all rules in the light palette, the colour
    rules again in the dark one; serious and critical violations, grouped by kind."""
    found = [violation for v in visits.values() for violation in v["axe"]]
    assert not found, f"{len(found)} elements fail:\n{summary(found)}"


def test_dark_axe_samples_find_a_look_with_too_little_contrast(browser, site_url):
    """The dark pass checks a few elements per look: one odd token among many must count."""
    page = browser.new_page()
    page.goto(site_url, wait_until="load")
    wait_for_math(page)
    switch_scheme(page, "slate")
    page.evaluate("""() => {
      const pre = document.createElement('pre');
      const tokens = Array.from({length: 300}, (_, i) => `<span>token ${i}</span>`);
      tokens.splice(150, 0, '<span id="faint" style="color: #404552">faint token</span>');
      pre.innerHTML = '<code>' + tokens.join(' ') + '</code>';
      document.querySelector('.md-content article').append(pre);
    }""")
    start_dark_axe(page)
    found = axe_violations(page, "", "dark")
    page.close()
    assert [v["target"] for v in found if v["rule"] == "color-contrast"] == ["#faint"], found


def test_nothing_is_requested_from_another_host(visits):
    problems = [(path, u) for path, v in visits.items() for u in v["requests"] if is_foreign(u)]
    assert not problems, report(problems)


def open_for_instant_navigation(browser, site_url):
    """A tab on the home page where Material's instant navigation is armed, as on the host.

    Material intercepts a click only for a URL in sitemap.xml, whose URLs name the real host;
    it maps them to the current protocol and host name but not the port, so on a local
    server they never match. Rewriting them to the local server's URL restores what readers
    of the hosted site get.
    """
    page = browser.new_page()

    def sitemap(route):
        response = route.fetch()
        route.fulfill(response=response, body=response.text().replace(SITE_URL, site_url))

    page.route("**/sitemap.xml", sitemap)
    log = listen(page)
    log["documents"] = []
    page.on("domcontentloaded", lambda p: log["documents"].append(p.url))
    page.goto(site_url, wait_until="load")
    wait_for_math(page)
    page.wait_for_load_state("networkidle")  # the sitemap Material fetches after load
    return page, log


def follow(page, action, url):
    """Do ``action`` (a click, the back button); wait for ``url``'s math; return problems."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.evaluate("() => { document.querySelector('.md-content').leaving = true; }")
    action()
    page.wait_for_url(url)
    page.wait_for_function("() => !document.querySelector('.md-content').leaving")
    try:
        page.wait_for_function(MATH_DONE, timeout=10_000)
    except PlaywrightTimeout:
        pass  # math_problems says what is left undone
    wait_for_math(page)
    return math_problems(page.evaluate(MATH_STATE))


def test_instant_navigation_typesets_every_page_it_swaps_in(browser, site, site_url):
    page, log = open_for_instant_navigation(browser, site_url)
    page.evaluate("() => { window.sameDocument = true; }")
    problems, visited = [], [""]
    while (link := page.locator("a.md-footer__link--next")).count() and len(visited) < 1000:
        url = link.evaluate("a => a.href")
        visited.append(url.removeprefix(site_url))
        problems += [(visited[-1], p) for p in follow(page, link.click, url)]
    # The back button: Material swaps the previous page in again.
    problems += [(visited[-2], p) for p in follow(page, page.go_back, site_url + visited[-2])]
    assert page.evaluate("() => window.sameDocument"), "a click reloaded the page"
    assert log["documents"] == [site_url], "instant navigation fell back to page loads"
    page.close()
    problems += [("navigation", e) for e in log["errors"] + log["failed"]]
    problems += [("navigation", u) for u in log["requests"] if is_foreign(u)]
    assert not problems, report(problems)
    # The footer's "Next" links lead through every page (nav order), 404 aside.
    assert sorted(visited) == [p for p in site_pages(site) if p != "404.html"]


def test_instant_navigation_from_a_link_in_the_text(browser, site_url):
    page, log = open_for_instant_navigation(browser, site_url)
    link = page.locator(".md-content").get_by_role("link", name="activation functions").first
    problems = follow(page, link.click, site_url + "activations/")
    state = page.evaluate(MATH_STATE)
    assert state["containers"] > 20, state
    assert not problems, problems
    assert log["documents"] == [site_url], "the click reloaded the page"
    assert log["errors"] == []
    page.close()


def test_first_visit_loads_the_page_its_eager_images_and_its_math_fonts(visits, site, site_url):
    """Print what a first visit to each page downloads. Its own part is its HTML and at least
    every image not marked lazy, at most all its images (the lazy ones in view load too)."""
    from tests.test_page_weight import eager_weight, first_visit, first_visit_table, own_weights

    first = {p: v["first_requests"] for p, v in visits.items()}
    text, _ = first_visit_table(site, site_url, first)
    print("\n" + text)
    own = own_weights(site)
    problems = []
    for path, v in visits.items():
        weight = first_visit(site, site_url, first[path])
        html, images, _ = own[path]
        low, high = html + eager_weight(site, path), html + images
        if not low <= weight.get("page", 0) <= high:
            problems.append((path, f"loaded {weight.get('page', 0)} bytes of its own files, "
                                   f"not between {low} (HTML, eager images) and {high}"))
        if v["math"]["containers"] and not weight.get("math fonts"):
            problems.append((path, "shows math but loaded no math font file"))
    assert not problems, report(problems)

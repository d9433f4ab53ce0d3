"""The built site in headless Chromium, as readers get it.

Every page of the built site is found by walking it (so pages added later are covered) and opened
once, in a new tab of one shared browser: its math arrives typeset (MathJax ran when the site was
built; no math script runs in the browser) and its fonts load, its images load at the size they
were laid out at, the dark palette swaps the figures' light and dark variants, the console stays
clean, nothing is fetched from another host, axe-core finds no serious accessibility violation
(see tests/test_a11y.py), and what a first visit downloads is tabled. The footer's "Next"
links lead from the first page to the last.
"""

import json
import re
from pathlib import Path

import pytest

from scripts.site_check import (
    eager_weight,
    first_visit,
    first_visit_table,
    is_foreign,
    own_weights,
    site_pages,
)
from tests.browser import (
    AXE_LIGHT,
    BROKEN_IMAGES,
    FIGURES,
    IMAGE_SIZES,
    MATH_STATE,
    SCHEME,
    SCRIPTS_RAN,
    axe_violations,
    listen,
    math_problems,
    start_axe,
    start_dark_axe,
    summary,
    switch_scheme,
    wait_for_math,
)

pytestmark = pytest.mark.browser

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
    """No layout shift when an image arrives: its width and height attributes are its own size,
    and the box it is shown in once loaded has their aspect ratio (a figure 614.4 px wide
    declared 614 moved what follows it by 0.2 px when it arrived)."""
    problems = []
    for path, v in visits.items():
        for img in v["image_sizes"]:
            (width, height), (box_width, box_height) = img["declared"], img["box"]
            if img["natural"] != [width, height]:
                problems.append((path, f"{img['src'][:80]}: laid out {img['declared']}, "
                                       f"is {img['natural']}"))
            elif box_width and abs(box_height - box_width * height / width) > 0.02:
                problems.append((path, f"{img['src'][:80]}: shown {box_width} x {box_height}, "
                                       f"not {width}:{height}"))
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


def test_the_footers_next_links_lead_through_every_page(site):
    """From the home page, each page's "Next" link leads to the next page in the nav, and
    the chain passes every page once (404 aside)."""
    visited, page = [], ""  # site_pages' names: "" for the home page, "notation/", ...
    while page not in visited and len(visited) < 1000:
        visited.append(page)
        html = (site / page / "index.html").read_text()
        link = re.search(r'<a href="([^"]*)" class="md-footer__link md-footer__link--next"', html)
        if link is None:
            break
        target = (site / page / link.group(1)).resolve().relative_to(site.resolve())
        page = "" if target == Path(".") else f"{target.as_posix()}/"
    assert sorted(visited) == [p for p in site_pages(site) if p != "404.html"]


def test_first_visit_loads_the_page_its_eager_images_and_its_math_fonts(visits, site, site_url):
    """Print what a first visit to each page downloads. Its own part is its HTML and at least
    every image not marked lazy, at most all its images (the lazy ones in view load too)."""
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


def first_visit_trace(browser, url, tmp_path, **page_options):
    """Chromium's timeline of a first visit to ``url``, until a second after the theme's scripts
    ran (what Material does then included), and the page's element count."""
    page = browser.new_page(**page_options)
    trace = tmp_path / "trace.json"
    browser.start_tracing(page=page, path=str(trace), categories=["devtools.timeline"])
    page.goto(url, wait_until="load")
    page.evaluate(SCRIPTS_RAN)
    page.wait_for_timeout(1000)
    browser.stop_tracing()
    elements = page.evaluate("document.getElementsByTagName('*').length")
    page.close()
    return json.loads(trace.read_text())["traceEvents"], elements


def style_passes(events, start=0, end=float("inf")):
    """The elements each style pass between timestamps ``start`` and ``end`` restyled."""
    return [e["args"]["elementCount"] for e in events if e.get("name") == "UpdateLayoutTree"
            and "elementCount" in e.get("args", {}) and start <= e["ts"] <= end]


@pytest.mark.parametrize("path", ["backpropagation/", "notation/"])
def test_the_page_is_styled_once_as_it_loads(browser, site_url, path, tmp_path):
    """Every style pass of a first visit, added up: the page's elements styled about once, not
    twice. A pass over the whole page is about 0.1 s on a phone (README,
    Performance); Material's palette toggle, instant navigation's stylesheet links, its table
    wrapping and the classes it puts on <html> each added one before the site designed them out.
    """
    events, elements = first_visit_trace(browser, site_url + path, tmp_path)
    passes = style_passes(events)
    assert sum(passes) < 1.5 * elements, f"{elements} elements; passes over 100: {[n for n in passes if n > 100]}"


def test_the_themes_scripts_run_after_the_first_paint(browser, site_url, tmp_path):
    """Material's bundle runs once the page has painted, and restyles next to nothing. Run while
    the page was parsed, as its plain script tag had it, its first read of the scroll position
    made the browser style and lay out the whole page inside it, before anything was shown, in
    many loads (README, Performance)."""
    events, elements = first_visit_trace(browser, site_url + "forward-propagation/", tmp_path,
                                         viewport={"width": 412, "height": 823})
    parsed = min(e["ts"] for e in events if e.get("name") == "ParseHTML")
    painted = min(e["ts"] for e in events if e.get("name") == "Paint" and e["ts"] > parsed)
    bundle = "/assets/javascripts/bundle."
    asked = [e["ts"] for e in events if e.get("name") == "ResourceSendRequest"
             and bundle in e["args"]["data"]["url"]]
    runs = [e for e in events if e.get("name") == "EvaluateScript"
            and bundle in e["args"]["data"].get("url", "")]
    assert len(asked) == 1 and len(runs) == 1, (asked, runs)
    assert asked[0] > painted, "the bundle was requested before the first paint"
    run = runs[0]
    restyled = sum(style_passes(events, run["ts"], run["ts"] + run["dur"]))
    assert restyled < 0.02 * elements, f"the bundle restyled {restyled} of {elements} elements"


def test_screen_readers_get_every_formulas_mathml(browser, site_url):
    """Chromium's accessibility tree holds one MathML math node per formula, the ones far down
    the page too. (Hiding the MathML from style and layout off screen with content-visibility
    would take the off-screen ones out of it: that speed-up was measured and refused.)"""
    page = browser.new_page()
    page.goto(site_url + "backpropagation/", wait_until="load")
    formulas = page.evaluate("document.querySelectorAll('mjx-container').length")
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    page.close()
    maths = [n for n in nodes if not n.get("ignored") and n.get("role", {}).get("value") == "MathMLMath"]
    assert formulas > 200 and len(maths) == formulas, (formulas, len(maths))


def test_a_code_block_gets_its_copy_button_when_it_comes_into_view(browser, site_url):
    """content.lazy: Material mounts a code block (copy button, scroll check) when it comes into
    view, not all ~90 of an API page at load, each with a forced layout (README, Performance)."""
    page = browser.new_page(viewport={"width": 412, "height": 823})
    page.goto(site_url + "reference/activations/", wait_until="load")
    page.evaluate(SCRIPTS_RAN)
    page.wait_for_timeout(500)
    blocks = page.locator(".md-content pre > code")
    assert blocks.count() > 50
    assert page.locator(".md-code__button").count() < 10, "copy buttons for blocks out of view"
    last = page.locator(".md-content pre > code:not(details pre > code)").last
    last.scroll_into_view_if_needed()
    page.wait_for_function("code => code.closest('pre').querySelector('.md-code__button')",
                           arg=last.element_handle())
    page.close()

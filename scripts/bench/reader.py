"""Reader side: the heaviest page's own weight and its time to typeset math in Chromium; how
long each interactive widget takes to redraw after a slider move.

A page's own weight is its HTML plus the images it references and the data of its
widgets (``data-src``), each gzip-compressed, as ``scripts.site_check.page_weight``
measures it for the tests too; the theme's CSS, JavaScript, MathJax and fonts are shared by
every page and cached after the first, so they are left out. The heaviest page is then opened
in Debian's Chromium (headless, fresh profile each time, site served on the loopback as the
tests serve it), and MathJax's first typeset is timed. Every widget page is opened too, and one
slider of each widget moved again and again: each move must be drawn in the next animation
frame, and the draw's time is reported against the frame's 16.7 ms. Reported, no target (the
test suite checks the frame: tests/test_widgets.py).
"""

import re
import shutil
import statistics

from scripts.bench.common import PYTHON, Row, run
from scripts.site_check import CHROMIUM_ARGS, gzip_size, page_file, page_weight, serve, site_pages

__all__ = ["bench", "gzip_size", "heaviest_page", "math_count", "most_math_page", "page_weight",
           "pages", "typeset_times"]

LOADS = 5

# Before the page's scripts run: wrap MathJax's pageReady (its first typeset) to time it.
TIMING_HOOK = """(() => {
  let value;
  Object.defineProperty(window, "MathJax", {configurable: true, enumerable: true,
    get() { return value; },
    set(v) {
      if (v && !v.version && !v.startup?.pageReady) {  // the page's configuration object
        v.startup = {...(v.startup || {}), pageReady() {
          const start = performance.now();
          return MathJax.startup.defaultPageReady().then(() => {
            window.__benchMath = {start, done: performance.now()};
          });
        }};
      }
      value = v;
    }});
})();"""

RESULT = """() => ({
  ...window.__benchMath,
  load: performance.getEntriesByType("navigation")[0].loadEventEnd,
  typeset: document.querySelectorAll("mjx-container").length,
})"""


# The slider each widget's redraw is timed on (scripts/widgets.py names the controls).
WIDGET_SLIDERS = {"neuron": "w1", "explorer": "z", "training": "frame"}
MOVES = 60
FRAME_MS = 1000 / 60

# Every widget of the page has drawn: its readouts are filled in.
WIDGETS_READY = """() => {
  const outputs = [...document.querySelectorAll('.nn-widget__readout output')];
  return outputs.length > 0 && outputs.every(o => o.value !== '');
}"""

# ``count`` slider moves, as a reader makes them: set a value, fire "input", let the next
# animation frame run. The widget draws in that frame, timed as a "nn-widget-draw" measure
# (docs/javascripts/widgets/index.js): one duration per move, null if it did not draw then.
SLIDER_MOVES = """async ([selector, count]) => {
  const input = document.querySelector(selector);
  const lo = +input.min, step = +input.step, n = Math.round((+input.max - lo) / step);
  const times = [];
  for (let i = 1; i <= count; i++) {
    performance.clearMeasures('nn-widget-draw');
    input.value = String(lo + step * ((i * 7) % (n + 1)));
    input.dispatchEvent(new Event('input', {bubbles: true}));
    await new Promise(done => requestAnimationFrame(() => setTimeout(done)));
    const drawn = performance.getEntriesByName('nn-widget-draw');
    times.push(drawn.length === 1 ? drawn[0].duration : null);
  }
  return times;
}"""


def slider_selector(kind):
    return f'.nn-widget[data-widget="{kind}"] [name="{WIDGET_SLIDERS[kind]}"]'


def redraw_times(page, kind, count=MOVES):
    """Draw times (ms) of ``count`` moves of widget ``kind``'s slider on an open ``page``."""
    page.wait_for_function(WIDGETS_READY)
    return page.evaluate(SLIDER_MOVES, [slider_selector(kind), count])


def widget_pages(site):
    """{page: [widget kinds]} of every page of ``site`` with a widget."""
    found = {}
    for page in pages(site):
        kinds = re.findall(r'<div class="nn-widget" data-widget="([a-z]+)"',
                           (site / page).read_text(encoding="utf-8"))
        if kinds:
            found[page] = kinds
    return found


def pages(site):
    """Every page of ``site``: its HTML files relative to it, sorted."""
    return sorted(page_file(p) for p in site_pages(site))


def heaviest_page(site):
    """The page with the largest own weight (first in path order on a tie)."""
    return max(pages(site), key=lambda p: sum(page_weight(site, p)[:2]))


def most_math_page(site):
    """The page with the most Arithmatex formulas (first in path order on a tie)."""
    return max(pages(site), key=lambda p: math_count(site, p))


def math_count(site, page):
    return (site / page).read_text(encoding="utf-8").count('class="arithmatex"')


def widget_redraws(site, moves=MOVES):
    """{(page, kind): draw times in ms} for every widget of ``site``, in headless Chromium."""
    from playwright.sync_api import sync_playwright

    results = {}
    with serve(site) as site_url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        try:
            for page, kinds in widget_pages(site).items():
                tab = browser.new_page()
                tab.goto(site_url + page.removesuffix("index.html"), wait_until="load")
                for kind in kinds:
                    results[page, kind] = redraw_times(tab, kind, moves)
                tab.close()
        finally:
            browser.close()
    return results


def typeset_times(site, page, loads=LOADS):
    """Per load of ``page``: MathJax's typeset start, end and the load event (ms)."""
    from playwright.sync_api import sync_playwright

    results = []
    with serve(site) as site_url, sync_playwright() as p:
        url = site_url + page.removesuffix("index.html")
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        try:
            for _ in range(loads):
                context = browser.new_context()  # empty cache: a first visit
                page_ = context.new_page()
                page_.add_init_script(TIMING_HOOK)
                page_.goto(url, wait_until="load")
                page_.wait_for_function("window.__benchMath !== undefined", timeout=60000)
                results.append(page_.evaluate(RESULT))
                context.close()
        finally:
            browser.close()
    return results


def bench(ws, quick=False):
    """Rows for the reader benchmark (see the module docstring)."""
    site = ws.site
    if site is None:
        site = ws.tmp / "site-reader"
        run([PYTHON, "-m", "mkdocs", "build", "--site-dir", str(site)], cwd=ws.root)
    heavy, mathy = heaviest_page(site), most_math_page(site)
    rows = []
    for page in dict.fromkeys([heavy, mathy]):
        html, images, n = page_weight(site, page)
        what = "heaviest page" if page == heavy else "page with the most math"
        rows.append(Row("reader", f"{what}: {page.removesuffix('index.html')}, HTML + images gzip",
                        (html + images) / 1024, unit="KB",
                        note=f"HTML {html / 1024:.1f} KB + {n} images and data files "
                             f"{images / 1024:.1f} KB; "
                             f"{math_count(site, page)} formulas"))
    skip = None
    try:
        import playwright  # noqa: F401
    except ImportError:
        skip = "skipped: playwright not installed"
    if shutil.which("chromium") is None:
        skip = "skipped: no chromium (apt-get install chromium)"
    for page in dict.fromkeys([heavy, mathy]):
        name = page.removesuffix("index.html")
        if skip:
            rows.append(Row("reader", f"{name}: math typeset", skip, unit=""))
            continue
        times = typeset_times(site, page, 2 if quick else LOADS)
        done = statistics.median(t["done"] for t in times)
        own = statistics.median(t["done"] - t["start"] for t in times)
        load = statistics.median(t["load"] for t in times)
        rows.append(Row("reader", f"{name}: math typeset done after navigation start", done,
                        unit="ms", note=f"median of {len(times)} first visits; typesetting "
                        f"itself {own:.0f} ms; load event at {load:.0f} ms; "
                        f"{times[-1]['typeset']} formulas typeset"))
    if skip:
        rows.append(Row("reader", "widgets: redraw after a slider move", skip, unit=""))
        return rows
    for (page, kind), times in widget_redraws(site, 20 if quick else MOVES).items():
        drawn = sorted(t for t in times if t is not None)
        late = len(times) - len(drawn)
        rows.append(Row("reader", f"{kind} widget ({page.removesuffix('index.html')}): redraw "
                        f"after a slider move", statistics.median(drawn) if drawn else "none",
                        unit="ms", failed=late > 0,
                        note=f"median of {len(times)} moves, slowest "
                             f"{f'{drawn[-1]:.1f} ms' if drawn else 'none'}; a frame "
                             f"is {FRAME_MS:.1f} ms; {late} moves not drawn in the next frame"))
    return rows

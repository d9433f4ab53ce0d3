"""Reader side: the heaviest page's own weight and its time to typeset math in Chromium.

A page's own weight is its HTML plus the images it references, each
gzip-compressed, as ``scripts.site_check.page_weight`` measures it for the
tests too; the theme's CSS, JavaScript, MathJax and fonts are shared by every
page and cached after the first, so they are left out. The heaviest page is
then opened in Debian's Chromium (headless, fresh profile each time, site
served on the loopback as the tests serve it), and MathJax's first typeset is
timed. Reported, no target.
"""

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
                        note=f"HTML {html / 1024:.1f} KB + {n} images {images / 1024:.1f} KB; "
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
    return rows

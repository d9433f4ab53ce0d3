"""Reader side: page weights, first paint and math, widget redraws, and Lighthouse on every page.

A page's own weight is its HTML plus the images it references and its widgets' data, each
gzip-compressed, as ``scripts.site_check.page_weight`` measures it for the tests too; the
theme's CSS, JavaScript, the math stylesheet and fonts are shared by every page and cached after
the first, so they are left out (both variants of a light/dark figure count: an upper bound,
since figures below the fold load lazily). The page with the most math is then opened in
Debian's Chromium (headless, fresh profile each time, the site served on the loopback under its
path, gzip-compressed as GitHub Pages serves it): what a first visit transfers, its first
contentful paint, and when its math is done (typeset at build time, it is done once its fonts
are in). Every widget page is opened too, and one slider of each widget moved again and again:
each move must be drawn in the next animation frame (tests/test_widgets.py checks it too), and
the draw's time is reported against the frame's 16.7 ms. Last, Lighthouse
(scripts/bench/lighthouse, `make bench` installs it) scores every page with its mobile defaults.
"""

import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scripts.bench.common import ROOT, Row
from scripts.node import node
from scripts.site_check import (
    CHROMIUM_ARGS,
    GZIP_LEVEL,
    SITE_PATH,
    SiteHandler,
    build_site,
    page_file,
    page_weight,
    serve,
    site_pages,
)

LOADS = 5

# First contentful paint, layout shift, and when the last math font arrived (ms from navigation).
PAINT = r"""async () => {
  await document.fonts.ready;
  const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime;
  const fonts = performance.getEntriesByType("resource")
    .filter(r => /\/assets\/math\/.*\.woff2$/.test(r.name)).map(r => r.responseEnd);
  const cls = await new Promise(resolve => {
    new PerformanceObserver(list => resolve(list.getEntries()
      .filter(e => !e.hadRecentInput).reduce((sum, e) => sum + e.value, 0)))
      .observe({type: "layout-shift", buffered: true});
    setTimeout(() => resolve(0), 500);  // no shift at all: the observer never calls back
  });
  return {fcp, fonts: fonts.length, fontsDone: Math.max(0, ...fonts), cls,
          formulas: document.querySelectorAll("mjx-container").length};
}"""
# What the page with the most math (backpropagation/) transferred on a first visit before math
# was typeset at build time: `first_visits` on a site built from main at e1f7a27 (MathJax 3 in
# the browser: HTML 51 KB, theme 155 KB, MathJax's JavaScript 257 KB and fonts 65 KB), median of
# 3. The target is 150 KB less.
FIRST_VISIT_BEFORE_KB = 526.9
FIRST_VISIT_TARGET_KB = FIRST_VISIT_BEFORE_KB - 150
LIGHTHOUSE = ROOT / "scripts" / "bench" / "lighthouse" / "node_modules" / "lighthouse" / "cli" / \
    "index.js"
CATEGORIES = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}

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


class GzipSite(SiteHandler):
    """``SiteHandler`` (the site under ``SITE_PATH``, as the tests serve it), gzip-compressed
    when the client accepts it, as GitHub Pages does; woff2 and PNG are sent as they are."""

    def send_head(self):
        path = unquote(urlsplit(self.path).path)
        if not path.startswith(SITE_PATH):
            self.send_error(404)
            return None
        file = Path(self.translate_path(self.path))
        if file.is_dir() and not path.endswith("/"):
            self.send_response(301)
            self.send_header("Location", path + "/")
            self.end_headers()
            return None
        file = file / "index.html" if file.is_dir() else file
        status = 200
        if not file.is_file():
            file, status = Path(self.directory) / "404.html", 404
        body, kind = file.read_bytes(), self.guess_type(str(file))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if "gzip" in self.headers.get("Accept-Encoding", "") and file.suffix not in {
                ".woff2", ".png"}:
            body = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")  # as GitHub Pages
        self.end_headers()
        return _Body(body)


class _Body:
    """What ``send_head`` hands ``copyfile``: the bytes to send."""

    def __init__(self, data):
        self.data = data

    def read(self, *args):
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


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


def first_visits(site, page, loads=LOADS):
    """Per first visit of ``page`` in Chromium: paint timings (``PAINT``) and bytes transferred.

    Transferred is what the browser received over the network (gzip as served), summed over
    the responses before the fonts settled: HTML, CSS, scripts, fonts, images.
    """
    from playwright.sync_api import sync_playwright

    results = []
    with serve(site, GzipSite) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                    args=CHROMIUM_ARGS)
        try:
            for _ in range(loads):
                context = browser.new_context()  # empty cache: a first visit
                tab = context.new_page()
                tab.goto(url + page.removesuffix("index.html"), wait_until="networkidle")
                result = tab.evaluate(PAINT)
                result["transferred"] = tab.evaluate(
                    """() => [performance.getEntriesByType("navigation")[0],
                             ...performance.getEntriesByType("resource")]
                      .reduce((sum, r) => sum + r.encodedBodySize, 0)""")
                results.append(result)
                context.close()
        finally:
            browser.close()
    return results


def lighthouse(url):
    """Lighthouse's scores (0-100 by category) and its layout shift, for ``url``, mobile."""
    result = subprocess.run(
        [node(), str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
         f"--only-categories={','.join(CATEGORIES)}",
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "CHROME_PATH": shutil.which("chromium") or "/usr/bin/chromium"})
    if result.returncode:
        raise RuntimeError(f"lighthouse {url} failed:\n{result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    scores = {k: round(100 * (report["categories"][k]["score"] or 0)) for k in CATEGORIES}
    audits = report["audits"]
    failing = sorted(k for k, a in audits.items()
                     if a.get("score") is not None and a["score"] < 1
                     and a.get("scoreDisplayMode") in {"binary", "metricSavings", "numeric"}
                     and any(k in [r["id"] for r in c["auditRefs"] if r.get("weight")]
                             for c in report["categories"].values()))
    return {"scores": scores, "cls": audits["cumulative-layout-shift"]["numericValue"],
            "fcp": audits["first-contentful-paint"]["numericValue"],
            "lcp": audits["largest-contentful-paint"]["numericValue"],
            "tbt": audits["total-blocking-time"]["numericValue"], "failing": failing}


def lighthouse_rows(site, paths):
    """One row per page: its four Lighthouse scores; failed when one misses ``CATEGORIES``."""
    rows = []
    with serve(site, GzipSite) as url:
        for path in paths:
            name = path.removesuffix("index.html") or "(home)"
            r = lighthouse(url + path.removesuffix("index.html"))
            scores = r["scores"]
            missed = [k for k, least in CATEGORIES.items() if scores[k] < least]
            missed += ["layout shift"] if r["cls"] > 0 else []
            rows.append(Row(
                "reader", f"Lighthouse {name}",
                " / ".join(str(scores[k]) for k in CATEGORIES), unit="check", failed=bool(missed),
                note=f"perf / a11y / best practices / SEO; FCP {r['fcp']:.0f} ms, LCP "
                     f"{r['lcp']:.0f} ms, TBT {r['tbt']:.0f} ms, CLS {r['cls']:.3f}"
                     + (f"; missed {', '.join(missed)} ({', '.join(r['failing'][:4])})"
                        if missed else "")))
    return rows


def bench(ws, quick=False):
    """Rows for the reader benchmark (see the module docstring)."""
    site = ws.site
    if site is None:
        site = ws.tmp / "site-reader"
        built = build_site(site, config=ws.root / "mkdocs.yml")  # as the tests build it
        if built.returncode:
            raise RuntimeError(f"the reader benchmark's build failed:\n{built.stderr[-2000:]}")
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
    name = mathy.removesuffix("index.html")
    if skip:
        return rows + [Row("reader", f"{name}: first visit and math", skip, unit=""),
                       Row("reader", "widgets: redraw after a slider move", skip, unit="")]
    for (page, kind), times in widget_redraws(site, 20 if quick else MOVES).items():
        drawn = sorted(t for t in times if t is not None)
        late = len(times) - len(drawn)
        rows.append(Row("reader", f"{kind} widget ({page.removesuffix('index.html')}): redraw "
                        f"after a slider move", statistics.median(drawn) if drawn else "none",
                        unit="ms", failed=late > 0,
                        note=f"median of {len(times)} moves, slowest "
                             f"{f'{drawn[-1]:.1f} ms' if drawn else 'none'}; a frame "
                             f"is {FRAME_MS:.1f} ms; {late} moves not drawn in the next frame"))
    visits = first_visits(site, mathy, 2 if quick else LOADS)
    kb = statistics.median(v["transferred"] for v in visits) / 1024
    rows.append(Row("reader", f"{name}: first visit transfers (gzip)", kb, unit="KB",
                    target=FIRST_VISIT_TARGET_KB,
                    note=f"median of {len(visits)}; {FIRST_VISIT_BEFORE_KB} KB with MathJax 3 "
                         f"in the browser; {visits[-1]['formulas']} formulas, "
                         f"{visits[-1]['fonts']} math fonts"))
    late = [v["fontsDone"] - v["fcp"] for v in visits if v["fontsDone"] > v["fcp"]]
    fcp = statistics.median(v["fcp"] for v in visits)
    rows.append(Row("reader", f"{name}: math done = first contentful paint",
                    "yes" if not late else "no", unit="check", failed=bool(late),
                    note=f"FCP median {fcp:.0f} ms; math fonts in before it in "
                         f"{len(visits) - len(late)} of {len(visits)} loads"
                         + (f"; up to {max(late):.0f} ms after" if late else "")))
    shift = max(v["cls"] for v in visits)
    rows.append(Row("reader", f"{name}: layout shift", shift, unit="", failed=shift > 0,
                    note="largest over the loads; the target is 0"))
    if not LIGHTHOUSE.is_file():
        return rows + [Row("reader", "Lighthouse", "not installed: run `make bench`", unit="",
                           failed=True)]
    return rows + lighthouse_rows(site, dict.fromkeys([mathy, "index.html"]) if quick
                                  else pages(site))

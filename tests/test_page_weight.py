"""Page weight: what a reader downloads, gzip-compressed (level 6, as a typical server sends it).

A page's own weight is its HTML plus the images it references (both variants of a light/dark
figure), as ``scripts.bench.reader.page_weight`` defines it for ``make bench``: an upper bound,
since figures below the fold load lazily (and a hidden lazy variant not at all). The theme's CSS
and JavaScript, the math stylesheet and its fonts are shared and cached after the first page:
tests/test_browser.py measures a first visit, all of it, in Chromium (``first_visit`` below) and
prints that table too. Run with ``-s`` to see the tables.
"""

import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from scripts.bench.reader import gzip_size, page_weight
from tests.conftest import site_pages

KB = 1024
PAGE_LIMIT = 150 * KB
SVG_LIMIT = 50 * KB


def page_file(path):
    """``site_pages`` path -> the HTML file relative to the site ("a/" -> "a/index.html")."""
    return path if path.endswith(".html") else path + "index.html"


def table(header, rows):
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    return "\n".join(fmt.format(*r) for r in [header, *rows])


def kb(size):
    return f"{size / KB:.1f} KB"


def own_weights(site):
    """{page: (html gz, images gz, number of images)} for every page of ``site``."""
    return {path: page_weight(site, page_file(path)) for path in site_pages(site)}


def eager_weight(site, path):
    """Gzipped bytes of the local images of page ``path`` not marked ``loading="lazy"``."""
    html = (site / page_file(path)).read_text(encoding="utf-8")
    files = set()
    for tag in re.findall(r"<img\b[^>]*>", html):
        src = re.search(r'\ssrc="([^"]+)"', tag)
        if 'loading="lazy"' in tag or not src:
            continue
        url = urlsplit(urljoin("http://site/" + page_file(path), src.group(1)))
        if url.netloc == "site" and (site / unquote(url.path).lstrip("/")).is_file():
            files.add(site / unquote(url.path).lstrip("/"))
    return sum(gzip_size(f.read_bytes()) for f in files)


def test_every_page_own_weight_is_under_150_kb(site):
    weights = own_weights(site)
    rows = sorted(weights.items(), key=lambda item: -(item[1][0] + item[1][1]))
    print("\nOwn weight of each page (gzip), heaviest first:")
    print(table(["page", "HTML", "images", "(n)", "own weight"],
                [[path or "(home)", kb(h), kb(i), n, kb(h + i)] for path, (h, i, n) in rows]))
    over = [f"{path or '(home)'}: {kb(h + i)} (HTML {kb(h)}, {n} images {kb(i)})"
            for path, (h, i, n) in rows if h + i >= PAGE_LIMIT]
    assert not over, f"pages over {kb(PAGE_LIMIT)}:\n" + "\n".join(over)


def test_every_svg_is_under_50_kb(site):
    svgs = sorted(((p.stat().st_size, p.relative_to(site).as_posix())
                   for p in site.rglob("*.svg") if "assets" not in p.relative_to(site).parts),
                  reverse=True)
    assert svgs, "no SVG figure on the site"
    print(f"\n{len(svgs)} SVGs, largest first:")
    print(table(["svg", "bytes", "gzip"],
                [[name, kb(size), kb(gzip_size((site / name).read_bytes()))]
                 for size, name in svgs[:10]]))
    over = [f"{name}: {kb(size)}" for size, name in svgs if size >= SVG_LIMIT]
    assert not over, f"SVGs over {kb(SVG_LIMIT)}:\n" + "\n".join(over)


def first_visit(site, site_url, urls):
    """What a first visit downloaded, gzip-compressed, by kind: a dict of byte counts.

    ``urls`` are the URLs the page requested (a browser's log); those outside the site (none,
    see test_browser.py) and data: URLs count nothing.
    """
    kinds, seen = defaultdict(int), set()
    for url in urls:
        if not url.startswith(site_url):
            continue
        rel = unquote(urlsplit(url).path)[len(urlsplit(site_url).path):]
        file = site / (rel + "index.html" if rel.endswith("/") or not rel else rel)
        if file in seen or not file.is_file():
            continue
        seen.add(file)
        parts = Path(rel).parts
        if parts[:2] == ("assets", "math"):
            kind = "math fonts" if file.suffix == ".woff2" else "math CSS"
        elif parts[:1] in {("assets",), ("javascripts",), ("stylesheets",), ("search",)} or \
                rel in {"sitemap.xml", "objects.inv"}:
            kind = "theme"
        else:
            kind = "page"  # its HTML and images
        kinds[kind] += gzip_size(file.read_bytes())
    return dict(kinds)


def first_visit_table(site, site_url, requests):
    """The first-visit table (a string) from {page: URLs it requested}; and the totals."""
    kinds = ["page", "theme", "math CSS", "math fonts"]
    rows, totals = [], {}
    for path, urls in sorted(requests.items()):
        weight = first_visit(site, site_url, urls)
        totals[path] = sum(weight.values())
        rows.append([path or "(home)", *(kb(weight.get(k, 0)) for k in kinds),
                     kb(totals[path])])
    return table(["page (first visit, gzip)", *kinds, "total"], rows), totals

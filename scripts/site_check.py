"""The built site as readers get it: build it, serve it, list its pages, weigh them.

One home for what the tests and the benchmarks (``scripts/bench``) both measure:
how a site is built (MkDocs or ProperDocs, ``--strict``, dates from
``SOURCE_DATE_EPOCH``), served (loopback, under ``site_url``'s path as on GitHub
Pages), which pages it has, what counts as a request to another host, how
Chromium is started, and what a page may weigh.
"""

import contextlib
import functools
import gzip
import os
import re
import subprocess
import sys
import threading
from collections import defaultdict
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse, urlsplit

ROOT = Path(__file__).resolve().parent.parent

# Where GitHub Pages serves the site: the path of mkdocs.yml's site_url ("/nnlib-docs/").
SITE_URL = re.search(r"^site_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(), re.M).group(1)
SITE_PATH = urlsplit(SITE_URL).path.rstrip("/") + "/"

# Debian's chromium, headless, with nothing of its own reaching the network.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

# What a reader downloads, gzip-compressed at a typical server's level.
GZIP_LEVEL = 6
KB = 1024
PAGE_BUDGET = 150 * KB  # a page's own weight: its HTML and images, gzip
SVG_BUDGET = 50 * KB  # one SVG figure, as served
WIDGET_JS_BUDGET = 20 * KB  # all the widgets' JavaScript together, gzip
WIDGET_DATA_BUDGET = 40 * KB  # one widget's data file, gzip

# --- requests to another host ---------------------------------------------------------------

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"data", "blob", "about"}
# In HTML: an attribute that loads from another host (a canonical <link> only names one).
THIRD_PARTY = re.compile(r"""(?:src|href)=["'](?:https?:)?//(?!127\.0\.0\.1|localhost)""")
LOADING_TAG = re.compile(r"<(?:script|img|link|iframe|source)\b[^>]*>")


def is_foreign(url):
    """True for a URL a browser would fetch from another host."""
    parts = urlsplit(url)
    return parts.scheme not in LOCAL_SCHEMES and parts.hostname not in LOCAL_HOSTS


def third_party_loads(html):
    """The tags of ``html`` that load something from another host."""
    return [tag for tag in LOADING_TAG.findall(html)
            if THIRD_PARTY.search(tag) and 'rel="canonical"' not in tag]


# --- building ----------------------------------------------------------------------------------

GENERATORS = ("mkdocs", "properdocs")


def source_date_epoch():
    """As the Makefile: $SOURCE_DATE_EPOCH, else the last commit's time (sitemap dates)."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    git = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True,
                         text=True)
    return git.stdout.strip() if git.returncode == 0 and git.stdout.strip() else "0"


def build_site(dest, env=None, config=ROOT / "mkdocs.yml", generator="mkdocs"):
    """``<generator> build --strict`` of ``config`` into ``dest``; return the completed process."""
    if generator not in GENERATORS:
        raise ValueError(f"generator must be one of {GENERATORS}, got {generator!r}")
    return subprocess.run(
        [sys.executable, "-m", generator, "build", "--strict", "--config-file", str(config),
         "--site-dir", str(dest)],
        cwd=Path(config).parent, capture_output=True, text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1",
             "SOURCE_DATE_EPOCH": source_date_epoch(), **(env or {})},
    )


# --- pages and serving ----------------------------------------------------------------------


def page_source(name):
    """The Markdown source of the page docs/<name>.md (``name`` like "activations/smooth")."""
    return (ROOT / "docs" / f"{name}.md").read_text(encoding="utf-8")


def site_pages(site):
    """Every page of a built site, as URL paths relative to its root ("", "activations/")."""
    return sorted(
        ("" if p.parent == site else p.parent.relative_to(site).as_posix() + "/")
        if p.name == "index.html" else p.relative_to(site).as_posix()
        for p in [*site.rglob("index.html"), site / "404.html"]
        if p.is_file() and not p.relative_to(site).as_posix().startswith(("assets/", "search/"))
    )


def page_file(path):
    """``site_pages`` path -> the HTML file relative to the site ("a/" -> "a/index.html")."""
    return path if path.endswith(".html") else path + "index.html"


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves a built site under ``SITE_PATH``, as GitHub Pages does (404.html uses it)."""

    headers_to_send = {}

    def send_head(self):
        if not self.path.startswith(SITE_PATH):
            self.send_error(404)
            return None
        return super().send_head()

    def translate_path(self, path):
        return super().translate_path("/" + path[len(SITE_PATH):])

    def end_headers(self):
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory, handler=SiteHandler):
    """Serve ``directory`` on a free loopback port; yield the site's URL."""
    handler = functools.partial(handler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{SITE_PATH}"
    finally:
        server.shutdown()
        server.server_close()


# --- page weight -------------------------------------------------------------------------------


def gzip_size(data):
    return len(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.srcs = []

    def handle_starttag(self, tag, attrs):
        src = dict(attrs).get("src" if tag == "img" else "data-src")  # data-src: a widget's data
        if src:
            self.srcs.append(src)


def page_weight(site, page):
    """(HTML bytes gzipped, images bytes gzipped, number of images) of ``page`` in ``site``.

    ``page`` is an HTML file relative to the site (see ``page_file``). Images are
    the local ``<img src>`` files, each counted once (both variants of a light/dark
    figure: the browser fetches the hidden one too), and a widget's ``data-src`` file
    counts as one; fragments (``#only-dark``)
    and queries are ignored, other hosts and data URLs too (inline images count
    as part of the HTML).
    """
    html = (site / page).read_bytes()
    parser = _Images()
    parser.feed(html.decode("utf-8", "replace"))
    base = "http://site/" + page
    files = set()
    for src in parser.srcs:
        url = urlparse(urljoin(base, src))
        if url.scheme != "http" or url.netloc != "site":
            continue
        path = site / unquote(url.path).lstrip("/")
        if path.is_dir():
            path = path / "index.html"
        if path.is_file():
            files.add(path)
    return gzip_size(html), sum(gzip_size(f.read_bytes()) for f in files), len(files)


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


def own_weights(site):
    """{page: (html gz, images gz, number of images)} for every page of ``site``."""
    return {path: page_weight(site, page_file(path)) for path in site_pages(site)}


def first_visit(site, site_url, urls):
    """What a first visit downloaded, gzip-compressed, by kind: a dict of byte counts.

    ``urls`` are the URLs the page requested (a browser's log); those outside the
    site and data: URLs count nothing.
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
            kind = "page"  # its HTML, images and widget data
        kinds[kind] += gzip_size(file.read_bytes())
    return dict(kinds)


def table(header, rows):
    """Rows as a plain-text table, the first column left-aligned and the rest right-aligned."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    return "\n".join(fmt.format(*r) for r in [header, *rows])


def kb(size):
    return f"{size / KB:.1f} KB"


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

"""The notebook pages' one stylesheet: JupyterLab's CSS (about 590 KB, 3,200 rules) cut to
the rules those pages can use (scripts/css_prune.py), shared by all of them, named by hash.

The cut depends on every notebook page as built, so the pages link a placeholder name
(``PENDING``) while they are built; once all are written, the stylesheet is cut against
them, written under its hash, and the placeholder in each page is replaced. The cut is
cached in ``.cache/notebook-css/`` by what it depends on: a warm rebuild does not redo it.
"""

import hashlib
from importlib.metadata import version
from pathlib import Path

import lxml.html
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

from scripts import css_prune

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "notebook-css"
SITE_DIR = "assets/stylesheets"
PENDING = f"{SITE_DIR}/jupyter.css"  # the name the pages link until the cut is written
PACKAGES = ("tinycss2", "cssselect", "lxml")
COPY_BUTTON = ('<nav class="md-code__nav"><button class="md-code__button" '
               'title="Copy to clipboard" data-md-type="copy"></button></nav>')


class Stylesheet:
    """Collects the notebook pages of one build, then writes their stylesheet."""

    def __init__(self, config):
        self.site_dir = Path(config["site_dir"])
        palette = config["theme"].get("palette") or {}  # one mapping, a toggle's list, or none
        self.palette = palette if isinstance(palette, list) else [palette]
        self.css = None
        self.pages = {}  # the written file of each notebook page: its URL and its HTML

    def link(self, css, page):
        """The ``<link>`` for a notebook page whose full stylesheet is ``css``."""
        if self.css is not None and css != self.css:
            raise PluginError(f"{page.file.src_uri}: its notebook CSS differs from the other "
                              "notebook pages' (they share one stylesheet)")
        self.css = css
        return f'<link rel="stylesheet" href="{get_relative_url(PENDING, page.url)}">'

    def add_page(self, output, page):
        """A notebook page as MkDocs writes it."""
        self.pages[page.file.abs_dest_path] = (page.url, output)

    def write(self):
        """Write the cut stylesheet and point each notebook page at it."""
        if not self.pages:
            return
        css = self._cut().encode()
        uri = f"{SITE_DIR}/jupyter-{hashlib.sha256(css).hexdigest()[:12]}.css"
        dest = self.site_dir / uri
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(css)
        for path, (url, _) in sorted(self.pages.items()):
            pending, final = (f'href="{get_relative_url(name, url)}"' for name in (PENDING, uri))
            html = Path(path).read_text(encoding="utf-8")
            if html.count(pending) != 1:
                raise PluginError(f"{path}: expected one link to {PENDING}")
            Path(path).write_text(html.replace(pending, final), encoding="utf-8")

    def _cut(self):
        key = hashlib.sha256()
        for part in [Path(css_prune.__file__).read_bytes(), Path(__file__).read_bytes(),
                     *(version(p).encode() for p in PACKAGES), self.css.encode(),
                     *(html.encode() for _, (_, html) in sorted(self.pages.items()))]:
            key.update(hashlib.sha256(part).digest())
        cached = CACHE / f"{key.hexdigest()[:24]}.css"
        if cached.is_file():
            return cached.read_text(encoding="utf-8")
        pages = [as_loaded(html, palette)
                 for _, (_, html) in sorted(self.pages.items()) for palette in self.palette]
        css = css_prune.prune(self.css, pages)
        CACHE.mkdir(parents=True, exist_ok=True)
        for old in CACHE.glob("*.css"):  # cut for other pages
            old.unlink()
        tmp = cached.with_suffix(".tmp")
        tmp.write_text(css, encoding="utf-8")
        tmp.replace(cached)
        return css


def as_loaded(html, palette):
    """The page as the theme's JavaScript leaves it once loaded, in one palette (an entry
    of ``theme.palette``): what a rule may meet that the HTML as built does not have.

    As Material 9 does: classes on ``<html>``, the palette's attributes on ``<body>``,
    a copy button before each ``pre > code`` (``content.code.copy``) and a scrolling
    wrapper around each table of the content that has no class. The browser test
    (tests/test_notebook_css.py) checks that no rule left out matches the page as loaded.
    """
    root = lxml.html.document_fromstring(html)
    root.set("class", "js-focus-visible js")
    root.set("data-js-focus-visible", "")
    for name in ("scheme", "primary", "accent", "media"):
        if name in palette:
            root.body.set(f"data-md-color-{name}", palette[name])
    for code in root.cssselect(".md-content pre > code"):
        code.addprevious(lxml.html.fragment_fromstring(COPY_BUTTON))
    for table in root.cssselect(".md-typeset table:not([class])"):
        scrollwrap = lxml.html.fragment_fromstring(
            '<div class="md-typeset__scrollwrap"><div class="md-typeset__table"></div></div>')
        table.addprevious(scrollwrap)
        scrollwrap[0].append(table)  # moves it
    return root


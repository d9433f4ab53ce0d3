"""Notebook pages (mkdocs-jupyter): nothing from another host, the CSS once, a download button,
alt text on the figures, and links to the hosted site made relative."""

import html as html_lib
import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>\s*", re.S)
# Up to the first </style>, as (.*?) with re.S would match, ten times faster on the ~600 KB block.
_STYLE = re.compile(r"<style\b[^>]*>([^<]*(?:<(?!/style>)[^<]*)*)</style>\s*")
_COPY_TEXT = re.compile(
    r'<div (?=[^>]*class="clipboard-copy-txt")[^>]*\bid="(cell-\d+)"[^>]*>(.*?)</div>', re.S)
_FIGURE = re.compile(r'<img\b(?P<attrs>[^>]*?)\s*\bsrc="data:image/png;base64,')
_ALT = re.compile(r'\s*\balt="[^"]*"')
_EXTERNAL = re.compile(r"""(?:\b(?:src|href)\s*=\s*["']?|\bimport\b[^;]*?["'])(?:https?:)?//""")
# JupyterLab's code colours and prompt, darker or lighter for WCAG AA contrast (in docs/).
NOTEBOOK_CSS_FIXES = "stylesheets/notebooks.css"


def clean(html, page, config, stylesheet):
    """Notebook pages: nothing from another host, the CSS once, a download button.

    mkdocs-jupyter's template adds ``<script src="">`` (its MathJax 2 URL, empty
    here: the math is typeset when the site is built), a MathJax 2 config and a module
    script that imports Mermaid from a CDN: all three go. Its ~600 KB of inline
    JupyterLab CSS, followed by ``docs/stylesheets/notebooks.css``, goes to
    ``stylesheet`` (a ``scripts.notebook_css.Stylesheet``), which cuts it to what
    the notebook pages use and writes it once for all of them; a block that is
    only the Python repr of a list of that same CSS (an mkdocs-jupyter slip) is
    dropped. The page gets Material's button to
    download the .ipynb that ``include_source`` copies beside it. Figures get
    their alt text from the cells' metadata, and links to the hosted site
    become relative.
    """
    def keep_script(match):
        attrs, body = match.groups()
        dead = 'src=""' in attrs or "x-mathjax-config" in attrs or "mermaid" in body
        return "" if dead else match.group(0)

    html = _SCRIPT.sub(keep_script, html)
    # The copy buttons' hidden copies of each cell's source: code, so a <pre>
    # (a <div> of it reads as page text to search and to MathJax checks).
    html = _COPY_TEXT.sub(r'<pre id="\1" class="clipboard-copy-txt" hidden>\2</pre>', html)
    # A code cell scrolls sideways: keyboard readers must be able to focus it.
    html = html.replace('<div class="highlight-ipynb', '<div tabindex="0" class="highlight-ipynb')
    blocks = [m.group(1) for m in _STYLE.finditer(html)
              if not m.group(1).lstrip().startswith("[")]
    fixes = (Path(config["docs_dir"]) / NOTEBOOK_CSS_FIXES).read_text()
    link = stylesheet.link("\n".join([*blocks, fixes]), page)
    html = _STYLE.sub("", html)
    html = _figure_alt_text(html, page)
    html = _site_links_relative(html, page, config)
    external = [m.group(0) for m in _SCRIPT.finditer(html) if _EXTERNAL.search(m.group(0))]
    if external:
        raise PluginError(f"{page.file.src_uri}: a script still loads from another host: "
                          f"{external[0][:200]}")
    return link + _download_button(page) + html


def _figure_alt_text(html, page):
    """Each figure's alt text, from its code cell's metadata ``"alt"`` (a string, or a list for
    a cell that draws several figures), in the order the figures appear."""
    cells = json.loads(Path(page.file.abs_src_path).read_text(encoding="utf-8"))["cells"]
    alts = []
    for cell in cells:
        alt = cell["metadata"].get("alt", []) if cell["cell_type"] == "code" else []
        alts += [alt] if isinstance(alt, str) else alt
    figures = len(_FIGURE.findall(html))
    if figures != len(alts):
        raise PluginError(f"{page.file.src_uri}: {figures} figures but {len(alts)} alt texts "
                          f'in the code cells\' metadata ("alt")')
    texts = iter(alts)
    return _FIGURE.sub(lambda m: f'<img alt="{html_lib.escape(next(texts))}"'
                                 f'{_ALT.sub("", m["attrs"])} src="data:image/png;base64,', html)


def _site_links_relative(html, page, config):
    """Links to the hosted site (absolute, so that they work in a downloaded .ipynb) become
    relative on the site itself, where the link checker follows them."""
    site = re.escape(config["site_url"])

    def relative(match):
        path, _, fragment = match.group(1).partition("#")
        url = get_relative_url(path or ".", page.url)
        return f'href="{url}{"#" + fragment if fragment else ""}"'

    return re.sub(rf'href="{site}([^"]*)"', relative, html)


def _download_button(page):
    """Material's icon button for the .ipynb that ``include_source`` copies beside the page."""
    import material  # the theme's icons ship with it

    name = Path(page.file.abs_src_path).name
    icon = Path(material.__file__).parent / "templates/.icons/material/download.svg"
    return (f'<a href="{name}" download class="md-content__button md-icon" '
            f'title="Download the notebook ({name})">{icon.read_text().strip()}</a>')

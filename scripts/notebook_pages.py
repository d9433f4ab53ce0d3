"""Notebook pages (mkdocs-jupyter): nothing from another host, the CSS once, a download button."""

import hashlib
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>\s*", re.S)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>\s*", re.S)
_COPY_TEXT = re.compile(
    r'<div (?=[^>]*class="clipboard-copy-txt")[^>]*\bid="(cell-\d+)"[^>]*>(.*?)</div>', re.S)
_EXTERNAL = re.compile(r"""(?:\b(?:src|href)\s*=\s*["']?|\bimport\b[^;]*?["'])(?:https?:)?//""")
NOTEBOOK_CSS_DIR = "assets/stylesheets"
# JupyterLab's code colours and prompt, darker or lighter for WCAG AA contrast (in docs/).
NOTEBOOK_CSS_FIXES = "stylesheets/notebooks.css"


def clean(html, page, config):
    """Notebook pages: nothing from another host, the CSS once, a download button.

    mkdocs-jupyter's template adds ``<script src="">`` (its MathJax 2 URL, empty
    here: the site serves MathJax 3 itself), a MathJax 2 config and a module
    script that imports Mermaid from a CDN: all three go. Its ~600 KB of inline
    JupyterLab CSS, followed by ``docs/stylesheets/notebooks.css``, moves to one
    stylesheet shared by every notebook page, named by its hash; a block that is
    only the Python repr of a list of that same CSS (an mkdocs-jupyter slip) is
    dropped. The page gets Material's button to
    download the .ipynb that ``include_source`` copies beside it.
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
    css = "\n".join([*blocks, fixes]).encode()
    uri = f"{NOTEBOOK_CSS_DIR}/jupyter-{hashlib.sha256(css).hexdigest()[:12]}.css"
    dest = Path(config["site_dir"]) / uri
    if not dest.is_file():
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(css)
    html = _STYLE.sub("", html)
    external = [m.group(0) for m in _SCRIPT.finditer(html) if _EXTERNAL.search(m.group(0))]
    if external:
        raise PluginError(f"{page.file.src_uri}: a script still loads from another host: "
                          f"{external[0][:200]}")
    link = f'<link rel="stylesheet" href="{get_relative_url(uri, page.url)}">'
    return link + _download_button(page) + html


def _download_button(page):
    """Material's icon button for the .ipynb that ``include_source`` copies beside the page."""
    import material  # the theme's icons ship with it

    name = Path(page.file.abs_src_path).name
    icon = Path(material.__file__).parent / "templates/.icons/material/download.svg"
    return (f'<a href="{name}" download class="md-content__button md-icon" '
            f'title="Download the notebook ({name})">{icon.read_text().strip()}</a>')

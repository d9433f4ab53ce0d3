"""MkDocs hook: build the figures, then serve them and MathJax from the site itself; expand
the widgets' placeholders (scripts/widgets.py).

Kept thin on purpose: MkDocs does not reload a hook between ``mkdocs serve``
rebuilds, so the work runs in a fresh ``python -m scripts.build_figures``
process each build, and nothing is written into ``docs/``.
"""

import shutil
import subprocess
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads this file by path, from any working directory
    sys.path.insert(0, str(ROOT))

from scripts import cache_keys, notebook_pages, notebooks, widgets  # noqa: E402

FIGURES = ROOT / ".cache" / "figures"
MATHJAX_SITE_DIR = "assets/mathjax"
# What tex-chtml.js loads at run time: TeX extensions, CHTML fonts, menu, a11y.
MATHJAX_PARTS = ("tex-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2",
                 "ui", "a11y", "sre")


def on_config(config):
    """Key mkdocs-jupyter's cache on what the notebooks run, as well as on each notebook.

    Its own key hashes only the notebook, so a change to nnlib (or to a
    package version) would leave stale outputs on the page. Each key gets its
    own folder (``scripts/cache_keys.py``: the same policy as the figures').
    """
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is None:
        return config
    notebooks.configure_kernels()
    base = ROOT / ".cache" / "mkdocs-jupyter"
    current = base / cache_keys.notebook_key()[:16]
    plugin.config["cache_dir"] = str(current)
    for old in base.glob("*") if base.is_dir() else ():
        if old != current:  # outputs of an older nnlib
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    return config


def on_pre_build(config):
    result = subprocess.run(
        [sys.executable, "-m", "scripts.build_figures"],
        cwd=ROOT, capture_output=True, text=True,
    )
    if result.returncode:
        raise PluginError(f"building figures failed\n{result.stderr}{result.stdout}")
    print(f"INFO    -  {result.stdout.strip()}", flush=True)


def on_files(files, config):
    for path in sorted([*FIGURES.rglob("*.svg"), *FIGURES.rglob("*.json")]):
        if path != FIGURES / "manifest.json":  # figures, and the widgets' data
            _add(files, config, f"figures/{path.relative_to(FIGURES).as_posix()}", path)
    es5 = _mathjax_es5()
    for part in MATHJAX_PARTS:
        paths = [es5 / part] if (es5 / part).is_file() else sorted((es5 / part).rglob("*"))
        for path in paths:
            if path.is_file():
                _add(files, config, f"{MATHJAX_SITE_DIR}/{path.relative_to(es5).as_posix()}", path)
    return files


def _add(files, config, uri, path):
    files.append(File.generated(config, uri, abs_src_path=str(path)))


def _mathjax_es5():
    """MathJax 3's ``es5/`` folder, as shipped by the django-static-mathjax wheel."""
    import mathjax  # the package only carries files; importing it is cheap

    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


def on_page_content(html, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        return notebook_pages.clean(html, page, config)
    if 'class="nn-widget"' in html:  # widget placeholders: see scripts/widgets.py
        figures_url = get_relative_url("figures/x", page.url)[:-1]
        return widgets.expand(html, figures_url, FIGURES)
    return html

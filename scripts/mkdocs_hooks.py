"""MkDocs hook: build the figures and typeset the math, and serve both from the site itself;
expand the widgets' placeholders (scripts/widgets.py); give the notebook pages their
stylesheet, cut to what they use (scripts/notebook_css.py); wrap the content tables as
Material's JavaScript would (scripts/tables.py); make code blocks focusable (scripts/code_blocks.py);
run the theme's scripts after the first paint (scripts/script_loader.py, a template filter).

Kept thin on purpose: MkDocs does not reload a hook between ``mkdocs serve``
rebuilds, so the modules it uses are reloaded each build, and figures are built
in a fresh ``python -m scripts.build_figures`` process (which imports nnlib
anew) whenever the builder's own check, run here, finds one stale. The math is
typeset by ``scripts.math_render``; nothing is written into ``docs/``.
"""

import importlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads this file by path, from any working directory
    sys.path.insert(0, str(ROOT))

from scripts import (  # noqa: E402
    build_figures,
    cache_keys,
    code_blocks,
    css_prune,
    math_render,
    notebook_css,
    notebook_pages,
    notebooks,
    page_images,
    script_loader,
    tables,
    widgets,
)

FIGURES = ROOT / ".cache" / "figures"
MATH_SITE_DIR = "assets/math"  # the stylesheet (mkdocs.yml's extra_css) and its fonts
MATH_CSS = f"{MATH_SITE_DIR}/mathjax.css"
typesetter = None  # this build's math_render.Typesetter
stylesheet = None  # this build's notebook_css.Stylesheet


def on_config(config):
    global typesetter, stylesheet
    if typesetter is not None:
        typesetter.close()
    # mkdocs serve: edits to them count from the next build (cache_keys before build_figures,
    # which imports from it).
    for module in (cache_keys, build_figures, math_render, css_prune, notebook_css, tables,
                   widgets, script_loader):
        importlib.reload(module)
    typesetter = math_render.Typesetter()
    stylesheet = notebook_css.Stylesheet(config)
    return _key_notebooks_on_nnlib(config)


def _key_notebooks_on_nnlib(config):
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
    """Build the figures, in a fresh process, unless every one is current."""
    start = time.perf_counter()
    current = build_figures.up_to_date(FIGURES)
    if current is not None:
        print(f"INFO    -  {build_figures.summary(current, 0, 0, time.perf_counter() - start)}",
              flush=True)
        return
    result = subprocess.run(
        [sys.executable, "-m", "scripts.build_figures"],
        cwd=ROOT, capture_output=True, text=True,
    )
    if result.returncode:
        raise PluginError(f"building figures failed\n{result.stderr}{result.stdout}")
    print(f"INFO    -  {result.stdout.strip()}", flush=True)


def on_files(files, config):
    build_only = {FIGURES / "manifest.json", FIGURES / widgets.ACTIVATION_DATA}
    for path in sorted([*FIGURES.rglob("*.svg"), *FIGURES.rglob("*.json")]):
        if path not in build_only:  # figures, and the data the widgets fetch
            _add(files, config, f"figures/{path.relative_to(FIGURES).as_posix()}", path)
    if config.theme.name == "material":  # the tables' stylesheet is Material's, mirrored
        files.append(File.generated(config, tables.SITE_CSS,
                                    content=tables.stylesheet(config.theme.dirs)))
    return files


def _add(files, config, uri, path):
    files.append(File.generated(config, uri, abs_src_path=str(path)))


def on_env(env, config, files):
    env.filters["after_first_paint"] = script_loader.after_first_paint  # scripts/theme/main.html
    return env


def on_page_content(html, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        html = notebook_pages.clean(html, page, config, stylesheet)
    elif 'class="nn-widget"' in html:  # widget placeholders: see scripts/widgets.py
        figures_url = get_relative_url("figures/x", page.url)[:-1]
        html = widgets.expand(html, figures_url, FIGURES)
    return code_blocks.focusable(tables.wrap(page_images.size_images(html, page.url, files)))


@event_priority(-100)  # after the search plugin has indexed the page, TeX and all
def on_page_context(context, page, config, nav):
    """Typeset the page's math. Search indexes the TeX: the typeset HTML is far longer to parse."""
    notebook = page.file.src_uri.endswith(".ipynb")
    try:
        page.content = typesetter.page(page.content, page.file.src_uri, notebook=notebook)
    except math_render.MathError as error:
        raise PluginError(str(error)) from None
    return context


def on_post_page(output, page, config):
    """Preload the math fonts the page uses, so its math paints with the first text."""
    links = "".join(
        f'<link rel="preload" href="{get_relative_url(f"{MATH_SITE_DIR}/{font}", page.url)}" '
        f'as="font" type="font/woff2" crossorigin>'
        for font in typesetter.fonts[page.file.src_uri])
    output = output.replace("</head>", f"{links}</head>", 1) if links else output
    if page.file.src_uri.endswith(".ipynb"):
        stylesheet.add_page(output, page)
    return output


def on_post_build(config):
    """The math stylesheet and fonts, once every page is typeset (after on_env, in MkDocs);
    the notebook pages' stylesheet, once they are written."""
    stylesheet.write()
    try:
        css = typesetter.stylesheet()
    except math_render.MathError as error:
        raise PluginError(str(error)) from None
    dest = Path(config["site_dir"]) / MATH_CSS
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(css, encoding="utf-8")
    typesetter.write_fonts(dest.parent / math_render.FONT_URL)
    print(f"INFO    -  math: {len(typesetter.usage)} formulas, {typesetter.typeset} typeset "
          f"(the rest cached) in {typesetter.seconds:.1f} s", flush=True)
    typesetter.close()


def on_build_error(error):
    if typesetter is not None:
        typesetter.close()

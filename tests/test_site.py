"""The strict site build: clean, complete, and nothing fetched from elsewhere."""

import html as html_lib
import json
import os
import re
import subprocess
import sys

import pytest
from fontTools.ttLib import TTFont

from scripts.math_render import FONTS
from scripts.site_check import ROOT, third_party_loads

PAGES = sorted(p for p in ROOT.joinpath("docs").rglob("*.md"))


def built_page(site, page):
    """Where MkDocs writes ``page`` (directory URLs: a/b.md -> a/b/index.html)."""
    rel = page.relative_to(ROOT / "docs").with_suffix("")
    parts = rel.parts[:-1] if rel.name == "index" else rel.parts
    return site.joinpath(*parts, "index.html")


def test_every_page_is_built(site):
    for page in PAGES:
        assert built_page(site, page).is_file(), f"{page} was not built"


def html_pages(site):
    return [p for p in site.rglob("*.html")
            if not p.relative_to(site).as_posix().startswith(("assets/", "search/"))]


def test_math_is_typeset_in_the_html_and_no_math_script_is_served(site):
    """Every formula arrives as MathJax's CHTML, with its TeX and its MathML; no runtime."""
    typeset = 0
    for html in html_pages(site):
        text = html.read_text()
        formulas = re.findall(r'<(span|div) class="arithmatex">(.*?)</\1>', text, re.S)
        for _, inner in formulas:
            assert inner.startswith("<mjx-container"), f"{html}: {inner[:80]}"
            assert re.search(r'<mjx-math data-latex="[^"]+"', inner), f"{html}: {inner[:80]}"
            assert "<mjx-assistive-mml" in inner and "<math " in inner, f"{html}: {inner[:80]}"
        typeset += len(formulas)
        scripts = re.findall(r"<script\b[^>]*>", text)
        assert not [s for s in scripts if re.search("mathjax|katex", s, re.I)], html
    assert typeset > 1000
    assert not list(site.rglob("*mathjax*.js")) and not (site / "assets/mathjax").exists()


def test_math_stylesheet_and_fonts_are_served_from_the_site(site):
    html = (site / "index.html").read_text()
    assert '<link rel="stylesheet" href="assets/math/mathjax.css">' in html
    css = (site / "assets/math/mathjax.css").read_text()
    fonts = re.findall(r'url\("([^"]+)"\)', css)
    assert len(fonts) > 20
    missing = [f for f in fonts if not (site / "assets/math" / f).is_file()]
    assert not missing
    # Every glyph any page shows has its rule (its box) in the stylesheet.
    glyphs = {g for page in html_pages(site) for g in re.findall(r'<mjx-c class="(mjx-c\w+)',
                                                                page.read_text())}
    assert len(glyphs) > 100
    assert not [g for g in glyphs if f"mjx-c.{g}" not in css]


def test_the_served_math_fonts_keep_every_glyph_the_pages_show(site):
    """The fonts are cut to the site's glyphs: whatever MathJax's own font file draws of what a
    page shows, the served file draws too; the main font is a fraction of its 94 KB."""
    shown = {html_lib.unescape(c) for page in html_pages(site)
             for c in re.findall(r"<mjx-c\b[^>]*>(.*?)</mjx-c>", page.read_text())}
    assert len(shown) > 100
    served = sorted((site / "assets/math/woff2").glob("*.woff2"))
    assert len(served) == len(list(FONTS.glob("*.woff2")))
    for font in served:
        original = set(TTFont(FONTS / font.name).getBestCmap() or ())
        kept = set(TTFont(font).getBestCmap() or ())  # none: no glyph kept
        lost = {chr(c) for c in original - kept} & shown
        assert not lost, f"{font.name} lost {sorted(lost)}"
    assert (site / "assets/math/woff2/mjx-ncm-n.woff2").stat().st_size < 0.3 * (
        FONTS / "mjx-ncm-n.woff2").stat().st_size


def test_pages_preload_the_math_fonts_they_use(site):
    html = (site / "backpropagation/index.html").read_text()
    preloads = re.findall(r'<link rel="preload" href="\.\./(assets/math/woff2/[\w-]+\.woff2)" '
                          r'as="font" type="font/woff2" crossorigin>', html)
    assert "assets/math/woff2/mjx-ncm-n.woff2" in preloads
    assert all((site / f).is_file() for f in preloads)
    assert "preload" not in (site / "404.html").read_text()  # no math, nothing to preload


def test_images_are_sized_and_lazy_below_the_first_section(site):
    for html in html_pages(site):
        text = html.read_text()
        text = text[text.find('<article class="md-content__inner'):]  # the page's own content
        fold = text.find("<h2") if "<h2" in text else len(text)
        for match in re.finditer(r"<img\b[^>]*>", text):
            tag = match.group(0)
            assert re.search(r' width="\d+" height="\d+"', tag), f"{html}: {tag[-120:]}"
            lazy = 'loading="lazy"' in tag
            assert lazy == (match.start() > fold), f"{html}: {tag[-120:]}"


def test_the_theme_names_its_search_dialog(site):
    html = (site / "index.html").read_text()
    assert re.search(r'<div class="md-search"[^>]*role="dialog" aria-label="Search"', html)


def test_search_finds_pages_by_the_words_around_math(site):
    import json

    docs = json.loads((site / "search/search_index.json").read_text())["docs"]
    texts = {d["location"]: d["text"] for d in docs}
    assert "mjx-" not in "".join(texts.values())
    page = "backpropagation/#two-layers-vectorised"
    assert "examples, with one sigmoid output unit" in texts[page]  # words between formulas


def test_no_page_loads_anything_from_another_host(site):
    """Links to other sites are fine; scripts, styles, fonts and images are not."""
    for html in site.rglob("*.html"):
        loads = third_party_loads(html.read_text())
        assert loads == [], f"{html.relative_to(site)} loads {loads}"


def test_no_google_fonts_in_css(site):
    for css in site.rglob("*.css"):
        assert "fonts.googleapis" not in css.read_text(), css


def test_figures_are_served_not_committed(site):
    assert (site / "figures/activations/relu-light.svg").is_file()
    assert (site / "figures/loss-and-gradient-descent/training.json").is_file()  # fetched
    assert not (site / "figures/activations/defaults.json").exists()  # read by the build
    assert not (site / "figures/manifest.json").exists()
    assert not list(ROOT.joinpath("docs").rglob("*.svg"))


# A build in this process that records the processes it starts and the modules it imports.
RECORDED_BUILD = """\
import json, subprocess, sys
started, popen = [], subprocess.Popen.__init__
def record(self, args, *rest, **kwargs):
    started.append([str(a) for a in args] if isinstance(args, (list, tuple)) else [str(args)])
    popen(self, args, *rest, **kwargs)
subprocess.Popen.__init__ = record
from mkdocs.__main__ import cli
try:
    cli(["build", "--strict", "--site-dir", sys.argv[1]])
except SystemExit as end:
    assert not end.code, end.code
print(json.dumps({"started": started, "modules": sorted(sys.modules)}))
"""


@pytest.mark.build
def test_a_warm_build_starts_no_figure_builder_nor_node_and_imports_no_nnlib(site, tmp_path):
    """The session's build left every cache current: the next build checks each key and
    rebuilds nothing, so it needs neither nnlib (nor SciPy) nor another process of ours."""
    result = subprocess.run([sys.executable, "-c", RECORDED_BUILD, str(tmp_path / "site")],
                            cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    ours = [args for args in report["started"]
            if any("build_figures" in a or "render.mjs" in a for a in args)]
    assert ours == []
    assert not {"nnlib", "scipy", "numpy", "fontTools.subset"} & set(report["modules"])
    assert re.search(r"figures: \d+ current, 0 rebuilt", result.stdout)
    assert re.search(r"math: \d+ formulas, 0 typeset", result.stdout)


def test_notebook_output_does_not_depend_on_timing(monkeypatch):
    """A cell that pauses between two prints still gives one output block."""
    import nbclient
    import nbformat

    from scripts import notebooks

    monkeypatch.setenv("IPYTHONDIR", "")  # restored after the test
    notebooks.configure_kernels()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import time\nprint(1)\ntime.sleep(0.5)\nprint(2)")]
    nbclient.NotebookClient(nb, kernel_name="python3").execute()
    assert nb.cells[0].outputs == [{"output_type": "stream", "name": "stdout", "text": "1\n2\n"}]


def test_build_kernels_draw_small_figures_in_the_sites_colours_and_add_no_names(monkeypatch):
    """What the site needs happens in the kernel's profile: a reader's plt.show() gives a PNG of
    at most 64 colours, the first line in the first colour of the site's cycle, and the reader's
    namespace holds nothing the reader did not define."""
    import base64
    import io

    import nbclient
    import nbformat
    from PIL import Image

    from scripts import notebooks
    from scripts.style import LIGHT_COLOURS

    monkeypatch.setenv("IPYTHONDIR", "")
    notebooks.configure_kernels()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("print(sorted(n for n in dir() if not n.startswith('_')))"),
        nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\n"
                                  "plt.plot([0, 1], linewidth=8)\nplt.show()"),
    ]
    nbclient.NotebookClient(nb, kernel_name="python3").execute()
    names = nb.cells[0].outputs[0]["text"]
    assert not {"plt", "np", "sys", "scripts", "matplotlib", "notebooks"} & set(eval(names))
    (figure,) = [o for o in nb.cells[1].outputs if "image/png" in o.get("data", {})]
    image = Image.open(io.BytesIO(base64.b64decode(figure["data"]["image/png"])))
    assert image.mode == "P" and len(image.getcolors()) <= notebooks.PNG_COLOURS
    first = tuple(int(LIGHT_COLOURS[0][i:i + 2], 16) for i in (1, 3, 5))
    assert first in {rgb for _, rgb in image.convert("RGB").getcolors()}

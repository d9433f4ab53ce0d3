"""The strict site build: clean, complete, and nothing fetched from elsewhere."""

import re

from tests.conftest import ROOT

PAGES = sorted(p for p in ROOT.joinpath("docs").rglob("*.md"))
THIRD_PARTY = re.compile(r"""(?:src|href)=["'](?:https?:)?//(?!127\.0\.0\.1|localhost)""")


def built_page(site, page):
    """Where MkDocs writes ``page`` (directory URLs: a/b.md -> a/b/index.html)."""
    rel = page.relative_to(ROOT / "docs").with_suffix("")
    parts = rel.parts[:-1] if rel.name == "index" else rel.parts
    return site.joinpath(*parts, "index.html")


def test_every_page_is_built(site):
    for page in PAGES:
        assert built_page(site, page).is_file(), f"{page} was not built"


def test_mathjax_is_served_from_the_site(site):
    assert (site / "assets/mathjax/tex-chtml.js").is_file()
    fonts = list((site / "assets/mathjax/output/chtml/fonts/woff-v2").glob("*.woff"))
    assert len(fonts) > 20
    html = (site / "index.html").read_text()
    assert 'src="assets/mathjax/tex-chtml.js"' in html


def test_no_page_loads_anything_from_another_host(site):
    """Links to other sites are fine; scripts, styles, fonts and images are not."""
    for html in site.rglob("*.html"):
        loads = [
            m.group(0)
            for m in re.finditer(r"<(?:script|img|link|iframe|source)\b[^>]*>", html.read_text())
            if THIRD_PARTY.search(m.group(0)) and 'rel="canonical"' not in m.group(0)
        ]
        assert loads == [], f"{html.relative_to(site)} loads {loads}"


def test_no_google_fonts_in_css(site):
    for css in site.rglob("*.css"):
        assert "fonts.googleapis" not in css.read_text(), css


def test_figures_are_served_not_committed(site):
    assert (site / "figures/activations/relu-light.svg").is_file()
    assert not list(ROOT.joinpath("docs").rglob("*.svg"))


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

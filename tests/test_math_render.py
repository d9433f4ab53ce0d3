"""Math typeset at build time (scripts/math_render.py driving scripts/math/render.mjs).

What readers get is checked in the browser (tests/test_browser.py); here: the MathML a screen
reader reads says what the TeX says, escaped TeX is unescaped, a bad formula fails naming its page
and its TeX, a warm cache starts no Node at all, and the stylesheet made from cached formulas is
the one MathJax makes when it typesets them together.
"""

import re
import subprocess
import sys
from xml.etree.ElementTree import ParseError

import pytest
import yaml

from scripts.math_render import FONTS, MathError, Typesetter, fonts_used
from scripts.page_images import svg_size
from scripts.site_check import ROOT, build_site

PAGE_A = ('<p>A neuron: <span class="arithmatex">\\(z = w^\\top x + b\\)</span></p>\n'
          '<div class="arithmatex">\\[\n\\frac{1}{2}\n\\]</div>')
PAGE_B = ('<div class="arithmatex">\\[\n\\begin{aligned} a &amp;= b \\\\ c &amp;\\le d '
          '\\end{aligned}\n\\]</div><p><span class="arithmatex">\\(\\left(\\sum_j x_j\\right)'
          '\\)</span></p>')


def mathml(html):
    """The assistive MathML of each formula, attributes dropped: what a screen reader gets."""
    return [re.sub(r"\s[\w:-]+=\"[^\"]*\"", "", m)
            for m in re.findall(r"<math\b.*?</math>", html, re.S)]


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "math"


def test_formulas_become_chtml_with_their_tex_and_their_mathml(cache):
    with Typesetter(cache) as typesetter:
        html = typesetter.page(PAGE_A, "a.md")
    inline, display = re.findall(r"<mjx-container\b[^>]*>", html)
    assert 'display="true"' not in inline and 'display="true"' in display
    assert 'tabindex="0"' in display and "tabindex" not in inline  # scrolls: keyboard reachable
    assert re.findall(r'<mjx-math data-latex="([^"]*)"', html) == [
        "z = w^\\top x + b", "\\frac{1}{2}"]
    assert mathml(html) == [
        "<math><mi>z</mi><mo>=</mo><msup><mi>w</mi><mi>⊤</mi></msup><mi>x</mi><mo>+</mo>"
        "<mi>b</mi></math>",
        "<math><mfrac><mn>1</mn><mn>2</mn></mfrac></math>",
    ]
    assert html.count('<span class="arithmatex"><mjx-container') == 1
    assert html.count('<div class="arithmatex"><mjx-container') == 1
    assert "\\(" not in html and "\\[" not in html


def test_escaped_tex_is_unescaped_before_typesetting(cache):
    """Arithmatex hands over &amp; for & (and &lt; for <): MathJax must get the TeX itself."""
    with Typesetter(cache) as typesetter:
        html = typesetter.page(PAGE_B, "b.md")
    aligned = mathml(html)[0]
    assert aligned.count("<mtr>") == 2 and "<mo>≤</mo>" in aligned and "&amp;" not in aligned
    assert 'data-latex="\\begin{aligned} a &amp;= b' in html  # the TeX, escaped as HTML


@pytest.mark.parametrize("tex, message", [
    ("\\frac{a}{", "Missing close brace"),
    ("\\sigmoid(z)", "Undefined control sequence \\sigmoid"),
])
def test_a_bad_formula_fails_naming_its_page_and_its_tex(cache, tex, message):
    page = f'<p>ok <span class="arithmatex">\\(x\\)</span> bad <span class="arithmatex">\\({tex}\\)</span></p>'
    with Typesetter(cache) as typesetter, pytest.raises(MathError) as error:
        typesetter.page(page, "activations/bad.md")
    assert "activations/bad.md" in str(error.value)
    assert repr(tex) in str(error.value) and message in str(error.value)


def test_a_warm_cache_typesets_nothing_and_starts_no_node(cache):
    with Typesetter(cache) as cold:
        pages = [cold.page(PAGE_A, "a.md"), cold.page(PAGE_B, "b.md")]
        css = cold.stylesheet()
    assert cold.typeset == 4
    with Typesetter(cache) as warm:
        assert [warm.page(PAGE_A, "a.md"), warm.page(PAGE_B, "b.md")] == pages
        assert warm.stylesheet() == css
        assert warm.typeset == 0 and warm._node is None


def test_a_page_seen_before_comes_whole_from_the_cache_with_its_css_characters_and_fonts(
        cache):
    with Typesetter(cache) as cold:
        pages = [cold.page(PAGE_A, "a.md"), cold.page(PAGE_B, "b.md")]
        built = cold.usage, cold.characters, cold.fonts, cold.stylesheet()
    assert built[2] == {"a.md": fonts_used(pages[0]), "b.md": fonts_used(pages[1])}
    for formula in [*cache.glob("*/[0-9a-f]*.json")]:
        formula.unlink()  # only the pages are left to read
    with Typesetter(cache) as warm:
        assert [warm.page(PAGE_A, "a.md"), warm.page(PAGE_B, "b.md")] == pages
        assert (warm.usage, warm.characters, warm.fonts, warm.stylesheet()) == built
        assert warm.typeset == 0 and warm._node is None


def test_an_edited_page_is_typeset_again_and_replaces_its_old_version(cache):
    edited = PAGE_A.replace("+ b", "+ c")
    with Typesetter(cache) as typesetter:
        typesetter.page(PAGE_A, "a.md")
        typesetter.page(PAGE_B, "b.md")
        html = typesetter.page(edited, "a.md")
        assert typesetter.typeset == 5  # the edited formula only
    assert 'data-latex="z = w^\\top x + c"' in html
    assert len(list(cache.glob("*/page-*.json"))) == 2  # one version of each page


WARM_BUILD = """\
import sys
from scripts.math_render import Typesetter
with Typesetter(sys.argv[1]) as warm:
    warm.page(sys.argv[2], "a.md")
    warm.stylesheet()
    warm.write_fonts(sys.argv[3])
    print(warm.typeset, warm._node is None, "fontTools.subset" in sys.modules)
"""


def test_a_warm_cache_cuts_no_font_and_imports_no_font_subsetter(tmp_path):
    with Typesetter(tmp_path / "math") as cold:
        cold.page(PAGE_A, "a.md")
        cold.stylesheet()
        cold.write_fonts(tmp_path / "cold")
    result = subprocess.run(  # a fresh process, as a build is
        [sys.executable, "-c", WARM_BUILD, str(tmp_path / "math"), PAGE_A, str(tmp_path / "warm")],
        cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["0", "True", "False"]
    fonts = sorted(p.name for p in (tmp_path / "cold").iterdir())
    assert fonts and fonts == sorted(p.name for p in (tmp_path / "warm").iterdir())
    for name in fonts:
        assert (tmp_path / "warm" / name).read_bytes() == (tmp_path / "cold" / name).read_bytes()


def test_the_stylesheet_of_cached_formulas_is_the_one_mathjax_makes_for_them_together(tmp_path):
    """Formulas typeset by different processes (builds) still get exactly their CSS."""
    with Typesetter(tmp_path / "split") as first:
        first.page(PAGE_A, "a.md")
    with Typesetter(tmp_path / "split") as second:
        second.page(PAGE_B, "b.md")
    with Typesetter(tmp_path / "split") as third:
        html = third.page(PAGE_A, "a.md") + third.page(PAGE_B, "b.md")
        split = third.stylesheet()
        assert third.typeset == 0
    with Typesetter(tmp_path / "together") as together:
        together.page(PAGE_A + PAGE_B, "ab.md")
        assert together.stylesheet() == split
    for glyph in set(re.findall(r'<mjx-c class="(mjx-c\w+)', html)):
        assert f"mjx-c.{glyph}" in split
    assert 'src: url("woff2/mjx-ncm-n.woff2") format("woff2")' in split


def test_notebook_math_outside_code_is_typeset(cache):
    page = ('<div class="jp-RenderedMarkdown"><p>The mean $\\mu$ of $x_i &lt; 1$:</p>\n'
            '<p>$$\\frac{1}{m}\\sum_i x_i$$</p><pre>print("$x$")</pre><code>$y$</code>'
            "<p>and $g'' $ too</p></div>")
    with Typesetter(cache) as typesetter:
        html = typesetter.page(page, "nb.ipynb", notebook=True)
    assert len(re.findall(r"<mjx-container", html)) == 4
    assert len(re.findall(r'<mjx-container[^>]*display="true"', html)) == 1
    assert '<pre>print("$x$")</pre><code>$y$</code>' in html and "$" not in html.replace(
        '<pre>print("$x$")</pre><code>$y$</code>', "")
    assert "<mo>&lt;</mo>" in html
    # Outside a notebook, $ is Arithmatex's business, never this module's.
    with Typesetter(cache) as typesetter:
        assert typesetter.page(page, "page.md") == page


def test_pages_preload_the_font_files_their_math_uses(cache):
    with Typesetter(cache) as typesetter:
        html = typesetter.page(PAGE_B, "b.md")
    fonts = fonts_used(html)
    assert fonts[0] == "woff2/mjx-ncm-zero.woff2" and "woff2/mjx-ncm-n.woff2" in fonts
    assert all((FONTS / f.split("/")[1]).is_file() for f in fonts)
    assert fonts_used("<p>no math</p>") == []


def test_an_svg_without_a_length_for_its_size_is_refused(tmp_path):
    svg = tmp_path / "f.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="10pt"/>')
    with pytest.raises(ValueError, match=r"f\.svg: the <svg> width should be a length .*'100%'"):
        svg_size(svg)
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="3in" height="72pt"/>')
    assert svg_size(svg) == (288, 96)  # CSS: 1in = 96px, 1pt = 1/72 in


def test_an_svg_is_sized_from_its_root_however_far_into_the_file_it_starts(tmp_path):
    svg = tmp_path / "f.svg"
    prolog = '<?xml version="1.0"?>\n<!-- ' + "x" * 5000 + " -->\n"  # past the first reads
    svg.write_text(prolog + '<svg xmlns="http://www.w3.org/2000/svg"\n' + " " * 2000
                   + 'width="460.8pt" height="259.2pt"><g><path d="M 0 0"/></g></svg>')
    assert svg_size(svg) == (614, 346)
    svg.write_text(prolog)
    with pytest.raises(ParseError):
        svg_size(svg)  # no root element


@pytest.mark.build
def test_a_bad_formula_fails_the_strict_build_naming_page_and_tex(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Fine\n\nA fine \\(x^2\\).\n")
    (tmp_path / "docs" / "broken.md").write_text("# Broken\n\nA bad \\(\\frac{1}{\\).\n")
    config = {"site_name": "t", "nav": ["index.md", "broken.md"],
              "hooks": [str(ROOT / "scripts" / "mkdocs_hooks.py")],
              "markdown_extensions": [{"pymdownx.arithmatex": {"generic": True}}]}
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config))
    result = build_site(tmp_path / "site", config=tmp_path / "mkdocs.yml")
    assert result.returncode != 0
    assert "broken.md: MathJax cannot typeset the inline formula '\\\\frac{1}{'" in result.stderr
    assert "Missing close brace" in result.stderr

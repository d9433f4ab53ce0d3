"""One notation across the site, as docs/notation.md defines it.

The notation page's tables whose first column is headed "Symbol" are the site's symbol table.
Every page, notebook and nnlib docstring is rendered with the site's own Markdown extensions
(arithmatex marks the math), its math is cut into symbols (single Latin and Greek letters,
decorated ones such as \\hat{y} and \\mathcal{L} counted apart), and:

- every symbol used is in the symbol table, and the table gives each written form one meaning
  per page (a row whose "Used on" column links pages holds only on those pages);
- the conventions that can be checked without false alarms hold: the example is the
  superscript (i), never a subscript i, and sums over examples run over i, not j; k is the
  number of classes, never an index; the per-example loss is \\mathcal{L}, not L; J is the
  scalar cost, never a matrix (the softmax Jacobian is S);
- the notebooks read like lessons: no build plumbing in a cell, an install line first, and
  links that work in a downloaded copy.
"""

import ast
import importlib
import inspect
import pkgutil
import re
from functools import cache

import markdown
import nbformat
import pytest
from bs4 import BeautifulSoup
from mkdocs.utils import yaml_load

import nnlib
from scripts.site_check import ROOT

DOCS = ROOT / "docs"
NOTATION = DOCS / "notation.md"
SITE_URL = "https://nnlib-docs.github.io/nnlib-docs/"
INSTALL = 'pip install "nnlib-docs @ git+https://github.com/nnlib-docs/nnlib-docs" matplotlib'
GREEK = set(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu "
    "xi pi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma "
    "Upsilon Phi Psi Omega ell".split()
)
# Words and environment names, not symbols: dropped before the letters are read.
WORDS = re.compile(r"\\(?:text\w*|operatorname|mathrm|mathsf|begin|end)\s*(?:\{[^{}]*\}|\w)")
SYMBOL = re.compile(
    r"\\(?P<font>mathcal|mathbf|mathbb|hat|tilde|bar)\s*\{?\s*(?P<base>[A-Za-z0-9])"
    r"|\\(?P<macro>[A-Za-z]+)"
    r"|(?P<letter>[A-Za-z])"
)


def symbols(tex):
    """The symbols of a TeX formula: letters, Greek letters and decorated letters."""
    found = []
    for match in SYMBOL.finditer(WORDS.sub(" ", tex)):
        if match["font"]:
            found.append(f"\\{match['font']}{{{match['base']}}}")
        elif match["macro"] in GREEK:
            found.append(f"\\{match['macro']}")
        elif match["letter"]:
            found.append(match["letter"])
    return found


@cache
def _markdown_config():
    config = yaml_load((ROOT / "mkdocs.yml").read_text())
    names, options = [], {}
    for entry in config["markdown_extensions"]:
        name, opts = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        names.append(name)
        options[name] = opts or {}
    return names, options


def render(text):
    """``text`` as the site renders it (the page's Markdown extensions), parsed."""
    names, options = _markdown_config()
    html = markdown.markdown(text, extensions=names, extension_configs=options)
    return BeautifulSoup(html, "html.parser")


def formulas(soup):
    """The TeX of every formula arithmatex found, without its delimiters."""
    return [el.get_text()[2:-2].strip() for el in soup.select(".arithmatex")]


@cache
def pages():
    """{page: its Markdown}: every Markdown page, each notebook's Markdown cells, and on each
    API reference page the docstrings it shows."""
    texts = {}
    for path in sorted(DOCS.rglob("*.md")):
        texts[path.relative_to(DOCS).as_posix()] = path.read_text()
    for path in sorted(DOCS.rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        texts[path.relative_to(DOCS).as_posix()] = "\n\n".join(
            c.source for c in nb.cells if c.cell_type == "markdown")
    for info in pkgutil.iter_modules(nnlib.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"nnlib.{info.name}")
        name = info.name
        docs = [inspect.getdoc(module) or ""]
        for public in module.__all__:  # what the API reference shows
            obj = getattr(module, public)
            cls = obj if inspect.isclass(obj) else type(obj)
            if inspect.isfunction(obj) or cls.__module__ == module.__name__:  # not a number
                docs.append(inspect.getdoc(obj) or "")
            if cls.__module__ == module.__name__:  # and its methods
                docs += [inspect.getdoc(member) or "" for key, member in vars(cls).items()
                         if not key.startswith("_") and inspect.isfunction(member)]
        page = f"reference/{name}.md"  # where the API reference shows them
        texts[page] = "\n\n".join([texts.get(page, ""), *docs])
    return texts


@cache
def all_formulas():
    return {name: formulas(render(text)) for name, text in pages().items()}


@cache
def scoped_table():
    """[(written form, scope, row number)] for every symbol the notation page defines; scope is
    None for "all pages", else the set of pages (keys of ``pages()``) its "Used on" cell links
    to."""
    entries, number = [], 0
    for table in render(NOTATION.read_text()).find_all("table"):
        header = [th.get_text(strip=True) for th in table.find_all("th")]
        if not header or header[0] != "Symbol":
            continue
        scoped = "Used on" in header
        for row in table.find_all("tr")[1:]:
            number += 1
            cells = row.find_all("td")
            scope = None
            if scoped and (links := cells[header.index("Used on")].find_all("a")):
                scope = {link["href"].split("#")[0].removesuffix("/") for link in links}
            for written in formulas(cells[0]):
                entries.append((written, frozenset(scope) if scope else None, number))
    return entries


def defined_on(page):
    """The symbols that ``page`` may use: the global ones and those scoped to it (the notation
    page defines them all)."""
    return {s for written, scope, _ in scoped_table()
            if scope is None or page in scope or page == "notation.md" for s in symbols(written)}


def test_symbol_table_is_found_and_scoped_to_pages_that_exist():
    entries = scoped_table()
    assert len(entries) > 50
    known = set(pages())
    for written, scope, _ in entries:
        assert scope is None or scope <= known, f"{written}: used on {sorted(scope - known)}?"


@pytest.mark.parametrize("page", sorted(pages()))
def test_every_symbol_in_the_math_is_defined_on_the_notation_page(page):
    allowed = defined_on(page)
    missing = sorted({f"{s}  (in {tex!r})" for tex in all_formulas()[page]
                      for s in symbols(tex) if s not in allowed})
    assert not missing, f"{page} uses symbols the notation page does not define:\n" + "\n".join(
        missing)


def test_the_symbol_table_gives_each_symbol_one_meaning_per_page():
    rows = {}
    for written, scope, row in scoped_table():
        rows.setdefault(written, {})[row] = scope
    clashes = []
    for written, scopes in rows.items():
        seen = list(scopes.values())
        for a in range(len(seen)):
            for b in range(a + 1, len(seen)):
                if seen[a] is None or seen[b] is None or seen[a] & seen[b]:
                    clashes.append(f"{written}: two meanings on "
                                   f"{sorted(seen[a] or seen[b] or {'all pages'})}")
    assert not clashes, "\n".join(clashes)


# --- the conventions of the notation page ---------------------------------------------------

_SUBSCRIPT = re.compile(r"_\s*(?:\{([^{}]*)\}|([A-Za-z]))")
CONVENTIONS = [
    # (what is wrong, a pattern that finds it in a formula, words removed)
    ("a sum over examples runs over i, the superscript (i), not j",
     re.compile(r"\\(?:sum|prod)_\{?\s*j\s*=\s*1\s*\}?\s*\^\s*\{?\s*m\b")),
    ("i is the example index: a sum over i runs to m",
     re.compile(r"\\(?:sum|prod)_\{?\s*i\s*=\s*1\s*\}?\s*\^\s*\{?\s*(?!m\b)\w")),
    ("the per-example loss is \\mathcal{L}; L is the number of layers",
     re.compile(r"\\partial\s*L\b|(?<![\\\w{])L\s*\(")),
    ("J is the scalar cost, never a matrix (the softmax Jacobian is S)",
     re.compile(r"(?<![\\\w])J\s*(?:_\s*\{?\s*[A-Za-z]|\^\s*\{?\s*(?:\\top|\\mathsf|T\b))")),
]


# Subscripts that are not indices of a symbol: the range of a sum or a maximum, and the last
# entry of a list written out, "z_1, \\dots, z_k".
_NOT_AN_INDEX = re.compile(
    r"\\(?:sum|prod|max|min)\s*_\s*(?:\{[^{}]*\}|\w)|\\[lc]?dots\s*,?\s*[^\s,]+?_\s*\{?\s*k\s*\}?")


def convention_problems(tex):
    """What in ``tex`` breaks a convention of the notation page."""
    tex = WORDS.sub(" ", tex)
    found = [why for why, pattern in CONVENTIONS if pattern.search(tex)]
    for match in _SUBSCRIPT.finditer(_NOT_AN_INDEX.sub(" ", tex)):
        letters = set(symbols(match.group(1) or match.group(2)))
        if "i" in letters:
            found.append("the example is the superscript (i), never a subscript i")
        if "k" in letters:
            found.append("k is the number of classes, never an index")
    return found


@pytest.mark.parametrize("page", sorted(pages()))
def test_the_notation_pages_conventions_hold(page):
    problems = sorted({f"{why}: {tex!r}" for tex in all_formulas()[page]
                       for why in convention_problems(tex)})
    assert not problems, f"{page}:\n" + "\n".join(problems)


@pytest.mark.parametrize("tex, why", [
    (r"\sum_{i=1}^{k} y_i \log a_i", "i is the example index"),
    (r"\frac{\partial J}{\partial z_k}", "k is the number of classes"),
    (r"-\frac{1}{m} \sum_{j=1}^{m} y_j \log a_j", "a sum over examples runs over i"),
    (r"\frac{\partial L}{\partial a}", "the per-example loss is"),
    (r"L(a^{[2]}, y)", "the per-example loss is"),
    (r"dZ = J^\top dA", "J is the scalar cost"),
    (r"J_{ij} = s_i (\delta_{ij} - s_j)", "J is the scalar cost"),
    (r"\theta_i", "never a subscript i"),
])
def test_the_convention_checks_catch_what_the_audit_found(tex, why):
    assert any(why in problem for problem in convention_problems(tex)), tex


@pytest.mark.parametrize("tex", [
    r"J = -\frac{1}{m} \sum_{i=1}^{m} \sum_{j=1}^{k} y^{(i)}_j \log a^{(i)}_j",
    r"\mathcal{L}(\hat{y}, y)", r"l = L, L-1, \dots, 1", r"J_{\text{batch}}", r"W^{[L]\top}",
    r"S_{jr} = \frac{\partial s_j}{\partial z_r}", r"\operatorname{ReLU}(z)", r"n^{[L]}",
])
def test_the_convention_checks_accept_the_notation(tex):
    assert convention_problems(tex) == []


def test_symbols_are_read_from_tex():
    assert symbols(r"W^{[l]}_{jr} \hat{y} \mathcal{L} \alpha \operatorname{softmax}(z)"
                   r" \text{batch} \frac{1}{m} S^{\mathsf T}") == [
        "W", "l", "j", "r", "\\hat{y}", "\\mathcal{L}", "\\alpha", "z", "m", "S"]


# --- the notebooks read like lessons --------------------------------------------------------

NOTEBOOKS = sorted((DOCS / "notebooks").glob("*.ipynb"))
# Build plumbing: what the site needs to display a figure is the build's business
# (scripts/notebooks.py), not a reader's.
PLUMBING_MODULES = {"base64", "io", "html", "PIL", "IPython", "matplotlib_inline", "cycler"}
PLUMBING_NAMES = {"rcParams", "rc", "rc_context", "prop_cycle", "cycler", "savefig", "HTML"}


def plumbing(source):
    """The build plumbing in a code cell's source: imports and names a lesson does not need."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in PLUMBING_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in PLUMBING_MODULES:
                found.append(node.module)
        elif isinstance(node, ast.Attribute) and node.attr in PLUMBING_NAMES:
            found.append(node.attr)
        elif isinstance(node, ast.Name) and node.id in PLUMBING_NAMES:
            found.append(node.id)
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_build_plumbing_in_a_readers_cell(path):
    nb = nbformat.read(path, as_version=4)
    found = {c.id: plumbing(c.source) for c in nb.cells if c.cell_type == "code"}
    assert not {cell: names for cell, names in found.items() if names}
    assert any("plt.show()" in c.source for c in nb.cells if c.cell_type == "code")


def test_plumbing_check_catches_the_old_display_helper():
    old = ("import base64\nimport io\nfrom IPython.display import HTML\nfrom PIL import Image\n"
           "import matplotlib.pyplot as plt\nplt.rcParams.update({'axes.prop_cycle': "
           "plt.cycler(color=['#0072B2'])})")
    assert plumbing(old) == ["base64", "io", "IPython.display", "PIL", "rcParams", "cycler"]
    assert plumbing("import matplotlib.pyplot as plt\nplt.show()") == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_notebook_says_first_how_to_install_what_it_needs(path):
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.cell_type == "markdown" and INSTALL in first.source


def site_source(url):
    """The page under docs/ that a URL of the hosted site shows, or None."""
    path = url.removeprefix(SITE_URL).split("#")[0].strip("/")
    candidates = [f"{path}.md", f"{path}/index.md", f"{path}.ipynb"] if path else ["index.md"]
    return next((DOCS / c for c in candidates if (DOCS / c).is_file()), None)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_links_in_a_notebook_work_in_a_downloaded_copy(path):
    nb = nbformat.read(path, as_version=4)
    links = [a["href"] for c in nb.cells if c.cell_type == "markdown"
             for a in render(c.source).find_all("a")
             if "headerlink" not in a.get("class", [])]  # the site's own "¶" permalinks
    relative = [href for href in links if not href.startswith(("https://", "http://"))]
    assert not relative, f"relative links break in a downloaded .ipynb: {relative}"
    dead = [href for href in links if href.startswith(SITE_URL) and site_source(href) is None]
    assert not dead, f"no page on the site for {dead}"

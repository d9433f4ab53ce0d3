"""The notebook pages and the API reference, as built by the strict site build.

Notebooks are committed without outputs and executed by mkdocs-jupyter at build
time, so the pages must show what nnlib computes today; a failing cell must fail
the build; notebook math must be typeset when the site is built; and no page
may load anything from another host.
"""

import html
import inspect
import re

import nbformat
import numpy as np
import pytest
import yaml
from mkdocs.utils import yaml_load

import nnlib
from nnlib import activations, datasets, gradcheck, losses, network, optimizers, training
from scripts.site_check import PAGE_BUDGET, ROOT, build_site, is_foreign, page_weight, third_party_loads
from tests.browser import BROKEN_IMAGES, listen, wait_for_math

NOTEBOOKS = {
    "first-network": "Train your first network",
    "activation-explorer": "Activation function explorer",
    "multiclass": "Multiclass classification",
}
MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+?\$", re.S)


def notebook(name):
    return nbformat.read(ROOT / "docs" / "notebooks" / f"{name}.ipynb", as_version=4)


def page_html(site, name):
    return (site / "notebooks" / name / "index.html").read_text()


def outputs_text(page):
    """The text outputs of the executed cells, unescaped, one string."""
    blocks = re.findall(
        r'<div class="jp-RenderedText[^"]*"[^>]*>\s*<pre>(.*?)</pre>', page, re.S
    )
    assert blocks, "no executed text output on the page"
    return html.unescape(re.sub(r"<[^>]+>", "", "\n".join(blocks)))


def inline_images(page):
    return re.findall(r'<img\b[^>]*\bsrc="data:image/png;base64,[^"]+"[^>]*>', page)


# --- the committed notebooks --------------------------------------------------


def test_style_blocks_end_where_a_lazy_match_ends_them():
    """notebook_pages._STYLE is a faster spelling of <style…>(.*?)</style> (re.S)."""
    from mkdocs_jupyter.nbconvert2 import nb2html

    from scripts.notebook_pages import _STYLE

    lazy = re.compile(r"<style\b[^>]*>(.*?)</style>\s*", re.S)
    tricky = ('<style a="b">x < y </styl </style >\n<p>z</p></style>\n <p>1</p>'
              "<style></style><style>a</style></style>")
    for text in (nb2html(str(ROOT / "docs" / "notebooks" / "first-network.ipynb")), tricky):
        found = [m.span() + m.groups() for m in _STYLE.finditer(text)]
        assert found and found == [m.span() + m.groups() for m in lazy.finditer(text)]



@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_committed_without_outputs(name):
    nb = notebook(name)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) >= 8
    assert all(c.outputs == [] and c.execution_count is None for c in code), name
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith(f"# {NOTEBOOKS[name]}")


# --- the executed pages -------------------------------------------------------


def test_first_network_page_shows_what_nnlib_computes(site):
    text = outputs_text(page_html(site, "first-network"))
    X, Y = datasets.moons(m=200, noise=0.2, seed=0)
    X_test, Y_test = datasets.moons(m=200, noise=0.2, seed=1)
    model = network.MLP([2, 8, 1], ["tanh", "sigmoid"], seed=0, init="xavier")
    assert "X: (2, 200) float64   Y: (1, 200) int64" in text
    assert "parameters: 33" in text
    J0 = model.loss(X, Y)
    assert f"J = {J0:.4f}   (by hand: {J0:.4f}, log 2 = 0.6931)" in text
    for grad, p in zip(("dW1", "db1", "dW2", "db2"), model.parameters().values()):
        assert f"{grad}: shape {p.shape}, matches nnlib: True" in text
    assert "False" not in text

    errors = gradcheck.check_network(model, X, Y)
    overall = float(re.search(r"overall\s+relative error (\S+)", text).group(1))
    assert overall < 1e-7 and overall == pytest.approx(errors["overall"], rel=0.1)
    wrong = float(re.search(r"wrong dW1: (\S+)", text).group(1))
    assert wrong > 1e-2  # the deliberate bug is caught

    history = training.gradient_descent(model, X, Y, learning_rate=1.0, epochs=2000)
    assert text.count(f"loss: {history[0]:.4f} at the start, {history[-1]:.4f} after 2000") == 2
    assert "largest difference from the hand-written loop: 0.0e+00" in text
    assert "same final W1: True" in text
    assert f"training accuracy: {model.accuracy(X, Y):.3f}" in text
    assert f"test accuracy:     {model.accuracy(X_test, Y_test):.3f}" in text
    assert model.accuracy(X_test, Y_test) >= 0.95


def test_activation_explorer_page_shows_what_nnlib_computes(site):
    text = outputs_text(page_html(site, "activation-explorer"))
    elementwise = {n: g for n, g in activations.ACTIVATIONS.items() if n != "softmax"}
    assert f"{len(activations.ACTIVATIONS)} activations, {len(elementwise)} elementwise" in text
    for name, g in elementwise.items():  # every activation in the registry has its row
        values = [*g(np.array([-2.0, 0.0, 2.0])), g.derivative(0.0)]
        row = "".join(f"{v:8.4f}" for v in values)
        assert re.search(rf"^{name} .*{re.escape(row)}$", text, re.M), name
    # the finite-difference table: smooth everywhere but at the explained points
    table = dict(re.findall(r"^(\w+)\s+(\d\.\de-\d\d)\s+\[", text, re.M))
    assert set(table) == set(elementwise)
    assert max(float(e) for e in table.values()) < 1e-8
    assert re.search(r"^hardswish\s+\S+\s+\[-3\.\s+3\.\]$", text, re.M)
    assert re.search(r"^sigmoid\s+\S+\s+\[\]$", text, re.M)
    # the corners: nnlib's chosen values, as the docstrings state
    assert re.search(r"^relu\s+0\s+0\.0000\s+1\.0000\s+0\.0000$", text, re.M)
    assert re.search(r"^hardswish\s+3\s+1\.5000\s+1\.0000\s+1\.5000$", text, re.M)
    assert f"0.25**10 = {0.25**10:.2e}" in text
    gap = float(re.search(r"largest \|tanh - exact\| = (\S+)", text).group(1))
    z = np.linspace(-6, 6, 601)
    exact = np.abs(activations.gelu(z, approximate="tanh") - activations.gelu(z)).max()
    assert gap == pytest.approx(exact, rel=0.01)
    assert "TypeError: relu got unknown parameter(s) alpha" in text
    assert float(re.search(r"largest \|S - finite differences\|: (\S+)", text).group(1)) < 1e-9


def test_multiclass_page_shows_what_nnlib_computes(site):
    text = outputs_text(page_html(site, "multiclass"))
    X, Y = datasets.spiral(m=300, k=3, noise=0.2, seed=0)
    X_test, Y_test = datasets.spiral(m=300, k=3, noise=0.2, seed=1)
    assert "X: (2, 300)   Y: (3, 300)" in text and "examples per class: [100 100 100]" in text
    assert "parameters: 195" in text  # 32*2 + 32 + 3*32 + 3

    def trained(optimizer):
        model = network.MLP([2, 32, 3], ["relu", "identity"], seed=0)
        history = []
        for _ in range(1000):
            history.append(model.loss(X, Y, "softmax_cross_entropy"))
            model.backward(Y, "softmax_cross_entropy")
            optimizer.step(model)
        return model, history

    model, history = trained(optimizers.Adam(lr=0.01))
    _, history_sgd = trained(optimizers.SGD(lr=0.1, momentum=0.9))
    # the loss by hand (logsumexp) agrees with nnlib's, and starts near log k
    J0 = losses.softmax_cross_entropy(network.MLP([2, 32, 3], ["relu", "identity"],
                                                  seed=0).forward(X), Y)
    assert f"J by hand: {J0:.6f}" in text and f"J (nnlib): {J0:.6f}" in text
    assert "loss from the logits: 2000.0" in text
    assert "dZ[2] = (softmax(Z[2]) - Y) / m: True" in text
    overall = float(re.search(r"overall\s+relative error (\S+)", text).group(1))
    assert overall < 1e-7
    assert f"Adam:               J = {history[0]:.4f} at the start, {history[-1]:.4f}" in text
    assert f"SGD, momentum 0.9:  J = {history_sgd[0]:.4f} at the start, {history_sgd[-1]:.4f}" in text
    test_accuracy = np.mean(model.forward(X_test).argmax(axis=0) == Y_test.argmax(axis=0))
    assert f"test accuracy:     {test_accuracy:.3f}" in text and test_accuracy >= 0.95
    rows = re.search(r"\[\[(\s*\d+\s+\d+\s+\d+)\]\s*\[(.*?)\]\s*\[(.*?)\]\]", text)
    confusion = np.array([row.split() for row in rows.groups()], dtype=int)
    assert confusion.sum() == 300 and np.trace(confusion) == round(test_accuracy * 300)
    assert "False" not in text


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_page_is_light_and_loads_nothing_from_elsewhere(site, name):
    page = page_html(site, name)
    # mkdocs-jupyter's empty MathJax 2 <script src="">, its config and the Mermaid CDN import
    assert '<script src=""' not in page
    scripts = re.findall(r"<script\b.*?</script>", page, re.S)
    assert not [s for s in scripts if "x-mathjax-config" in s or "mermaid" in s.lower()]
    assert third_party_loads(page) == []
    assert "cdnjs" not in page and "require.js" not in page
    # the JupyterLab CSS is one shared file, not 600 KB inline in every page
    css = re.findall(
        r'<link rel="stylesheet" href="(\.\./\.\./assets/stylesheets/jupyter-\w+\.css)"', page)
    assert len(css) == 1 and (site / "notebooks" / name / css[0]).resolve().is_file()
    assert "<style" not in page.split('class="md-content"', 1)[1]
    html_gz, images_gz, _ = page_weight(site, f"notebooks/{name}/index.html")  # inline images: HTML
    assert html_gz + images_gz < PAGE_BUDGET, f"{name}: {html_gz + images_gz} bytes gzip"
    images = inline_images(page)
    assert len(images) >= 3
    for img in images:
        alt = re.search(r'\balt="([^"]*)"', img)
        assert alt and len(alt.group(1)) > 40, img[:120]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_can_be_downloaded(site, name):
    page = page_html(site, name)
    assert re.search(rf'<a href="{name}\.ipynb" download', page)
    served = site / "notebooks" / name / f"{name}.ipynb"
    assert served.read_bytes() == (ROOT / "docs" / "notebooks" / f"{name}.ipynb").read_bytes()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_links_resolve(site, name):
    page = page_html(site, name)
    content = page.split('class="jupyter-wrapper"', 1)[1]
    links = [h for h in re.findall(r'<a [^>]*href="([^"#]+)', content) if "//" not in h]
    assert links, "the notebook links to the pages that derive its formulas"
    for href in links:
        target = (site / "notebooks" / name / href).resolve()
        assert (target / "index.html").is_file() or target.is_file(), href


# --- a failing cell fails the build -----------------------------------------


def _jupyter_config():
    """The mkdocs-jupyter entry of the site's own mkdocs.yml."""
    with open(ROOT / "mkdocs.yml", encoding="utf-8") as f:
        config = yaml_load(f)  # MkDocs' own loader: it knows !ENV and !relative
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "mkdocs-jupyter" in plugin:
            return plugin["mkdocs-jupyter"]
    raise AssertionError("mkdocs.yml has no mkdocs-jupyter plugin")


def _build_one_notebook(tmp_path, source):
    """A strict build of a tiny project: one notebook, the site's mkdocs-jupyter config."""
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# A notebook"), nbformat.v4.new_code_cell(source)]
    (tmp_path / "docs").mkdir()
    nbformat.write(nb, tmp_path / "docs" / "cell.ipynb")
    plugin = {**_jupyter_config(), "cache": False}
    config = {"site_name": "t", "nav": ["cell.ipynb"], "plugins": [{"mkdocs-jupyter": plugin}]}
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config))
    return build_site(tmp_path / "site", config=tmp_path / "mkdocs.yml")


@pytest.mark.build
def test_site_config_executes_notebooks_and_fails_on_errors():
    plugin = _jupyter_config()
    assert plugin["execute"] is True and plugin["allow_errors"] is False
    assert plugin["include"] == ["*.ipynb"] and plugin["kernel_name"] == "python3"
    assert plugin["include_source"] is True


@pytest.mark.build
def test_a_failing_cell_fails_the_strict_build(tmp_path):
    result = _build_one_notebook(tmp_path, "x = 1 / 0")
    assert result.returncode != 0
    assert "ZeroDivisionError" in result.stderr + result.stdout
    assert not (tmp_path / "site" / "cell" / "index.html").exists()


@pytest.mark.build
def test_a_working_cell_builds_and_shows_its_output(tmp_path):
    result = _build_one_notebook(tmp_path, "print(6 * 7)")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "cell" / "index.html").read_text()
    assert re.search(r"<pre>\s*42\s*</pre>", page)


# --- in the browser -----------------------------------------------------------

NOTEBOOK_MATH = """() => {
  const cells = [...document.querySelectorAll('.jp-RenderedMarkdown')];
  const text = cells.map(c => {
    const copy = c.cloneNode(true);
    copy.querySelectorAll('mjx-container, code, pre').forEach(e => e.remove());
    return copy.textContent;
  }).join('\\n');
  return {
    cells: cells.length,
    typeset: cells.reduce((n, c) => n + c.querySelectorAll('mjx-container').length, 0),
    errors: document.querySelectorAll('mjx-merror').length,
    raw: (text.match(/\\$|\\\\[a-zA-Z]+|\\^\\{|_\\{/g) || []),
    fonts: [...document.fonts]
      .filter(f => f.family.startsWith('MJX-') && f.status === 'loaded').length,
    promptWidth: getComputedStyle(document.querySelector('.jupyter-wrapper'))
      .getPropertyValue('--jp-cell-prompt-width').trim(),
  };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_math_is_typeset_and_nothing_is_fetched_from_elsewhere(browser, site_url, name):
    expected = sum(len(MATH.findall(c.source)) for c in notebook(name).cells
                   if c.cell_type == "markdown")
    assert expected > 50
    page = browser.new_page()
    log = listen(page)
    page.goto(f"{site_url}notebooks/{name}/", wait_until="load")
    wait_for_math(page)
    state = page.evaluate(NOTEBOOK_MATH)
    broken = page.evaluate(BROKEN_IMAGES)  # the plots below the fold load lazily: made to load
    page.close()
    assert state["typeset"] == expected, state  # every $...$ and $$...$$ of the notebook
    assert state["errors"] == 0 and state["raw"] == [], state
    assert state["fonts"] > 0, state
    assert state["promptWidth"], "the shared JupyterLab stylesheet did not load"
    assert broken == [], [src[:80] for src in broken]
    assert log["errors"] == [] and log["failed"] == [], log
    assert [u for u in log["requests"] if is_foreign(u)] == []


# --- the API reference --------------------------------------------------------

MODULES = sorted(nnlib._SUBMODULES)


def reference_html(site, module):
    page = (site / "reference" / module / "index.html").read_text()
    content = page.split('class="md-content"', 1)[1].split('class="md-footer"', 1)[0]
    # the source code listings quote the docstrings verbatim: leave them out
    return re.sub(r'<details class="mkdocstrings-source">.*?</details>', "", content, flags=re.S)


def documented_names(module):
    """Every name the reference must show: ``__all__`` and the public methods of its classes."""
    mod = getattr(nnlib, module)
    yield f"nnlib.{module}"  # the page's title: what links to the module point at
    for name in mod.__all__:
        yield f"nnlib.{module}.{name}"
        obj = getattr(mod, name)
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and callable(member) and member.__doc__:
                    yield f"nnlib.{module}.{name}.{attr}"


@pytest.mark.parametrize("module", MODULES)
def test_reference_shows_every_public_name(site, module):
    page = reference_html(site, module)
    missing = [n for n in documented_names(module) if f'id="{n}"' not in page]
    assert missing == []


@pytest.mark.parametrize("module", MODULES)
def test_reference_renders_doctests_as_code_and_roles_as_links(site, module):
    page = reference_html(site, module)
    assert "<blockquote>" not in page  # a doctest read as Markdown turns ">>>" into quotes
    outside_code = re.sub(r"<pre\b.*?</pre>|<code\b.*?</code>", "", page, flags=re.S)
    assert "&gt;&gt;&gt;" not in outside_code
    mod = getattr(nnlib, module)
    objects = [mod, *(getattr(mod, n) for n in mod.__all__)]
    docstring_prompts = sum(
        (inspect.getdoc(obj) or "").count(">>>") for obj in objects
        if inspect.ismodule(obj) or callable(obj)
    )
    assert page.count("&gt;&gt;&gt;") >= docstring_prompts > 0
    assert not re.search(r":(?:func|meth|class|data|attr|mod):", page)


@pytest.mark.parametrize("module", MODULES)
def test_reference_math_goes_through_arithmatex(site, module):
    page = reference_html(site, module)
    assert page.count('class="arithmatex"') >= 3
    text = re.sub(r'<(pre|code)\b.*?</\1>|<span class="arithmatex">.*?</span>'
                  r'|<div class="arithmatex">.*?</div>|<script\b.*?</script>', "", page,
                  flags=re.S)
    assert "$" not in text


def test_activations_are_labelled_in_the_reference(site):
    page = reference_html(site, "activations")
    for name, act in activations.ACTIVATIONS.items():
        entry = page.split(f'<h2 id="nnlib.activations.{name}"', 1)[1]
        heading, rest = entry.split("</h2>", 1)
        assert "<code>activation</code>" in heading, name
        signature = re.search(r'<div class="doc-signature highlight">(.*?)</div>', rest, re.S)
        shown = html.unescape(re.sub(r"<[^>]+>", "", signature.group(1))).strip()
        params = "".join(f", {k}={v!r}" for k, v in act.defaults.items())
        assert shown == f"{name}(z{params})", shown
    assert "ACTIVATIONS = {}" not in page  # filled at import time; "= {}" would mislead

"""The neuron and forward-propagation pages: their figures show what the pages compute.

The pages' doctests check their own numbers. These tests check what doctests
cannot: that each figure is drawn from the same objects as the page's examples,
that the network diagram really follows ``model.layers``, and that the SVGs
stay small.
"""

import ast
import math
import re

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle

from nnlib.network import MLP
from scripts import build_figures
from scripts.figures import forward, neuron
from scripts.site_check import ROOT, SVG_BUDGET
from scripts.style import THEMES

NEURON_PAGE = (ROOT / "docs" / "neuron.md").read_text()
FORWARD_PAGE = (ROOT / "docs" / "forward-propagation.md").read_text()


def assigned(page, target):
    """The literal assigned to ``target`` by a ``>>> target = ...`` statement of a page.

    The statement may continue on ``...`` lines; comments are dropped and an
    ``np.array(...)`` call is read as its argument.
    """
    lines = page.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(f">>> {target} = ")),
                 None)
    assert start is not None, f"no '>>> {target} = ...' on the page"
    parts = [lines[start][len(f">>> {target} = "):]]
    for line in lines[start + 1:]:
        if not line.startswith("... "):
            break
        parts.append(line[4:])
    source = " ".join(re.sub(r"\s+#.*$", "", part) for part in parts).strip()
    source = re.sub(r"^np\.array\((.*)\)$", r"\1", source)
    return ast.literal_eval(source)


@pytest.fixture(autouse=True)
def light_theme():
    """Draw as the builder does: inside a theme's rcParams."""
    with matplotlib.rc_context(THEMES["light"]):
        yield


# --- the neuron ---------------------------------------------------------------------


def test_neuron_figure_draws_the_worked_example_of_the_page():
    layer, x = neuron.example_neuron()
    w = np.array(assigned(NEURON_PAGE, "w"))
    assert np.array_equal(layer.W, w.T)
    assert layer.b[0, 0] == assigned(NEURON_PAGE, "b")
    assert np.array_equal(x, np.array(assigned(NEURON_PAGE, "x")))
    a = layer.forward(x)
    z = 0.5 * 2.0 + (-1.0) * 1.0 + 2.0 * 0.5 - 0.5  # the sum written out on the page
    assert layer.Z[0, 0] == z == 0.5
    assert a[0, 0] == pytest.approx(1 / (1 + math.exp(-0.5)), rel=1e-15)


def test_neuron_diagram_labels_come_from_the_layer():
    layer, x = neuron.example_neuron()
    layer.W[:] = [[0.25, -3.0, 1.5]]
    fig = Figure()
    ax = fig.subplots()
    neuron.draw_neuron(ax, layer, x)
    texts = [t.get_text() for t in ax.texts]
    assert "$w_1 = 0.25$" in texts and "$w_2 = -3$" in texts and "$w_3 = 1.5$" in texts
    z = 0.25 * 2 - 3 * 1 + 1.5 * 0.5 - 0.5
    assert f"$z = {z:g}$" in texts


def test_neuron_diagram_refuses_a_layer_of_several_units():
    from nnlib.layers import Dense

    with pytest.raises(ValueError, match="single unit"):
        neuron.draw_neuron(Figure().subplots(), Dense(3, 2), np.ones((3, 1)))


# --- layers and forward propagation -------------------------------------------------


def test_network_figure_draws_the_worked_example_of_the_page():
    for name, value in forward.EXAMPLE.items():
        assert assigned(FORWARD_PAGE, f'params["{name}"][:]') == value
    model = forward.example_network()
    assert repr(model) == "MLP([2, 4, 1], ['tanh', 'sigmoid'])"
    X = np.array(assigned(FORWARD_PAGE, "X"))
    # An independent forward pass with the page's round numbers.
    W1, b1, W2, b2 = (np.array(forward.EXAMPLE[k]) for k in ("W1", "b1", "W2", "b2"))
    expected = 1 / (1 + np.exp(-(W2 @ np.tanh(W1 @ X + b1) + b2)))
    np.testing.assert_allclose(model.forward(X), expected, rtol=1e-14)
    assert "array([[0.5962668 , 0.28294882, 0.83075964, 0.5791082 , 0.90750269]])" in FORWARD_PAGE
    np.testing.assert_allclose(
        expected, [[0.5962668, 0.28294882, 0.83075964, 0.5791082, 0.90750269]], atol=5e-9
    )


def test_network_diagram_has_one_node_per_unit_and_one_edge_per_weight():
    model = MLP([3, 5, 2, 1], ["relu", "tanh", "sigmoid"], seed=3)
    ax = Figure().subplots()
    forward.draw_network(ax, model)
    circles = [p for p in ax.patches if isinstance(p, Circle)]
    edges = [line for line in ax.lines if isinstance(line, Line2D)]
    assert len(circles) == 3 + 5 + 2 + 1
    assert len(edges) == 3 * 5 + 5 * 2 + 2 * 1
    weights = np.concatenate([layer.W.ravel() for layer in model.layers])
    widths = np.array([line.get_linewidth() for line in edges])
    # Edges are drawn layer by layer, row by row: the order of W.ravel().
    assert np.argmax(widths) == np.argmax(np.abs(weights))
    assert np.all(np.diff(widths[np.argsort(np.abs(weights))]) >= 0)
    dashed = np.array([line.get_linestyle() != "-" for line in edges])
    assert np.array_equal(dashed, weights < 0)  # sign readable without colour


def test_decision_boundary_figure_matches_the_page():
    call = re.search(r">>> X, Y = datasets\.moons\((.*)\)", FORWARD_PAGE).group(1)
    assert call == ", ".join(f"{k}={v}" for k, v in forward.MOONS.items())
    train = re.search(r"gradient_descent\(model, X, Y, (.*)\)", FORWARD_PAGE).group(1)
    assert train == ", ".join(f"{k}={v}" for k, v in forward.TRAINING.items())
    X, Y, models = forward.trained_models()
    accuracies = [model.accuracy(X, Y) for model in models.values()]
    on_page = [float(a) / 100 for a in re.findall(r"^MLP\(.*training accuracy ([\d.]+)%$",
                                                   FORWARD_PAGE, re.M)]
    assert accuracies == on_page
    assert [repr(m) for m in models.values()] == [
        "MLP([2, 1], ['sigmoid'])", "MLP([2, 8, 1], ['tanh', 'sigmoid'])"]
    # Logistic regression is linear: its boundary is the line w.x + b = 0.
    (layer,) = models["logistic regression"].layers
    predicted = (layer.W @ X + layer.b > 0).astype(int)
    assert np.array_equal(predicted, models["logistic regression"].predict(X))


@pytest.mark.parametrize("path", ["neuron/neuron", "forward/network",
                                  "forward/decision-boundaries"])
def test_figures_are_small_and_referenced_in_both_themes(path):
    svgs = build_figures.render(path)
    for theme, svg in svgs.items():
        assert len(svg) < SVG_BUDGET, f"{path}-{theme}.svg is {len(svg)} bytes"
    page = NEURON_PAGE if path.startswith("neuron/") else FORWARD_PAGE
    for theme in ("light", "dark"):
        match = re.search(rf"!\[([^\]]+)\]\(figures/{path}-{theme}\.svg#only-{theme}\)", page)
        assert match and len(match.group(1)) > 80, f"{path}-{theme} has no useful alt text"
    if path == "forward/decision-boundaries":
        assert b"<image" in svgs["light"]  # the filled regions are rasterized

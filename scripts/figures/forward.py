"""Figures of the forward-propagation page, all drawn from nnlib objects.

- ``forward/network``: the page's worked-example ``MLP([2, 4, 1])``, one node
  per unit as ``model.layers`` says, one edge per weight (sign by colour and
  dash, magnitude by width).
- ``forward/decision-boundaries``: logistic regression (a one-layer sigmoid
  MLP) next to a two-layer network, both trained by ``nnlib.training`` on the
  same moons, with their training accuracies in the titles.

The models, data and training settings are the ones on the page;
tests/test_pages_forward.py checks that the two agree.
"""

import matplotlib
import numpy as np
from matplotlib.patches import Circle

from nnlib import datasets
from nnlib.network import MLP
from nnlib.training import gradient_descent
from scripts.figure_registry import figure
from scripts.style import edge_style, sign_legend, style

# The worked example of the page: n = [2, 4, 1], with round parameters.
EXAMPLE = {
    "W1": [[1.0, -1.0], [0.5, 0.5], [-1.0, 2.0], [2.0, 0.0]],
    "b1": [[0.0], [-0.5], [0.5], [-1.0]],
    "W2": [[1.0, -2.0, 0.5, 1.0]],
    "b2": [[0.1]],
}

# The decision-boundary comparison: same data, same training, two models.
MOONS = {"m": 200, "noise": 0.1, "seed": 0}
TRAINING = {"learning_rate": 1.0, "epochs": 1000}
MODELS = {
    "logistic regression": ([2, 1], ["sigmoid"]),
    "two-layer network": ([2, 8, 1], ["tanh", "sigmoid"]),
}


def example_network():
    """The page's worked example: ``MLP([2, 4, 1], ["tanh", "sigmoid"])`` with EXAMPLE's values."""
    model = MLP([2, 4, 1], ["tanh", "sigmoid"])
    for name, p in model.parameters().items():
        p[:] = EXAMPLE[name]
    return model


def trained_models():
    """The moons data and both models trained on it: ``X, Y, {title: model}``."""
    X, Y = datasets.moons(**MOONS)
    models = {}
    for title, (sizes, acts) in MODELS.items():
        model = MLP(sizes, acts, seed=0, init="xavier")
        gradient_descent(model, X, Y, **TRAINING)
        models[title] = model
    return X, Y, models


def layer_sizes(model):
    """``[n[0], n[1], ..., n[L]]`` read from the model's layers."""
    return [model.layers[0].n_in] + [layer.n_out for layer in model.layers]


def node_positions(model, dx=2.6, dy=1.0):
    """Centres ``(x, y)`` of the nodes of each layer, layer 0 first."""
    return [[(l * dx, (n - 1) / 2 * dy - j * dy) for j in range(n)]
            for l, n in enumerate(layer_sizes(model))]


def _unit_label(l, j, n, L):
    if l == 0:
        return f"$x_{{{j + 1}}}$"
    if l == L and n == 1:
        return r"$\hat{y}$"
    return f"$a^{{[{l}]}}_{{{j + 1}}}$" if n > 1 else f"$a^{{[{l}]}}$"


def draw_network(ax, model, radius=0.27):
    """One node per unit, one edge per entry of every ``W[l]``."""
    fg = matplotlib.rcParams["text.color"]
    sizes = layer_sizes(model)
    L = len(model.layers)
    pos = node_positions(model)
    scale = max(np.abs(layer.W).max() for layer in model.layers)
    for l, layer in enumerate(model.layers, start=1):
        # W[l][j, i] joins unit i of layer l-1 to unit j of layer l.
        for j, i in np.ndindex(layer.W.shape):
            (x0, y0), (x1, y1) = pos[l - 1][i], pos[l][j]
            d = np.hypot(x1 - x0, y1 - y0)
            ux, uy = (x1 - x0) / d, (y1 - y0) / d
            ax.plot([x0 + radius * ux, x1 - radius * ux], [y0 + radius * uy, y1 - radius * uy],
                    solid_capstyle="butt", **edge_style(layer.W[j, i], scale))
    top = max(y for column in pos for _, y in column)
    bottom = min(y for column in pos for _, y in column)
    for l, column in enumerate(pos):
        for j, (x, y) in enumerate(column):
            ax.add_patch(Circle((x, y), radius, fill=False, edgecolor=fg, linewidth=1.3))
            ax.text(x, y, _unit_label(l, j, sizes[l], L), ha="center", va="center", fontsize=10)
        what = "input" if l == 0 else model.layers[l - 1].activation.name
        ax.text(column[0][0], bottom - radius - 0.2,
                f"layer {l}: {what}\n$n^{{[{l}]}} = {sizes[l]}$",
                ha="center", va="top", fontsize=9)
    for l, layer in enumerate(model.layers, start=1):
        x = (pos[l - 1][0][0] + pos[l][0][0]) / 2
        ax.text(x, top + radius + 0.15,
                f"$W^{{[{l}]}}$: {layer.n_out}×{layer.n_in}, $b^{{[{l}]}}$: {layer.n_out}×1",
                ha="center", va="bottom", fontsize=9)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_xlim(-0.6, pos[-1][0][0] + 0.6)
    ax.set_ylim(bottom - 1.3, top + 0.8)


@figure("forward/network", size=(6.4, 3.6))
def network(fig):
    ax_net, ax_legend = fig.subplots(1, 2, width_ratios=[3, 1])
    draw_network(ax_net, example_network())
    ax_legend.axis("off")
    sign_legend(ax_legend, loc="center left")


def draw_decision_boundary(ax, model, X, Y, title):
    """The model's probability regions (split at 0.5) and the data, by class."""
    fg = matplotlib.rcParams["text.color"]
    lo, hi = X.min(axis=1) - 0.4, X.max(axis=1) + 0.4
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
    P = model.forward(np.vstack([g0.ravel(), g1.ravel()])).reshape(g0.shape)
    c0, c1 = style(0)["color"], style(1)["color"]
    ax.contourf(g0, g1, P, levels=[0, 0.5, 1], colors=[c0, c1], alpha=0.22, rasterized=True)
    ax.contour(g0, g1, P, levels=[0.5], colors=[fg], linewidths=1.2)
    for label, colour, marker in ((0, c0, "o"), (1, c1, "^")):
        pts = X[:, Y[0] == label]
        ax.scatter(pts[0], pts[1], s=14, c=colour, marker=marker, edgecolors="none",
                   label=f"class {label}", rasterized=True, antialiased=False)
    ax.set_title(f"{title} {layer_sizes(model)}\ntraining accuracy {model.accuracy(X, Y):.1%}",
                 fontsize=9)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal")
    ax.grid(False)


@figure("forward/decision-boundaries", size=(6.4, 3.1))
def decision_boundaries(fig):
    X, Y, models = trained_models()
    axes = fig.subplots(1, 2, sharey=True)
    for ax, (title, model) in zip(axes, models.items()):
        draw_decision_boundary(ax, model, X, Y, title)
    axes[1].set_ylabel("")
    axes[0].legend(loc="lower left", fontsize=8, handletextpad=0.2)

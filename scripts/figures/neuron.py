"""The neuron page's diagram: one nnlib ``Dense(3, 1, "sigmoid")`` unit, drawn from its weights.

Every number in the figure comes from the layer object: the weights on the
edges are ``layer.W``, the bias is ``layer.b``, and ``z`` and ``a`` are what
``layer.forward`` computes for the example input. The values are the ones of
the worked example on the page (tests/test_pages_forward.py checks they agree).
"""

import matplotlib
import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from nnlib.layers import Dense
from scripts.figure_registry import figure
from scripts.style import edge_style, sign_legend, style

W = [[0.5, -1.0, 2.0]]  # the page's w transposed: Dense stores one row per unit
B = -0.5
X = [[2.0], [1.0], [0.5]]  # one example, a column (n_x, 1)

SYMBOLS = {"sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\mathrm{ReLU}"}


def example_neuron():
    """The page's neuron as an nnlib layer, and its example input."""
    layer = Dense(3, 1, "sigmoid")
    layer.W[:] = W
    layer.b[:] = B
    return layer, np.array(X)


def _arrow(ax, start, end, **kw):
    kw.setdefault("color", matplotlib.rcParams["text.color"])
    kw.setdefault("linewidth", 1.2)
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12,
                                 shrinkA=0, shrinkB=0, **kw))


def draw_neuron(ax, layer, x):
    """Draw ``layer`` (one unit) evaluated on the single example ``x`` (n_in, 1)."""
    if layer.n_out != 1:
        raise ValueError(f"draw_neuron draws a single unit, got {layer!r}")
    fg = matplotlib.rcParams["text.color"]
    a = layer.forward(x)
    z = layer.Z
    n = layer.n_in
    w = layer.W[0]
    r_in, r_sum = 0.3, 0.45
    ys = np.linspace(1.2 * (n - 1), 0, n) - 0.6 * (n - 1) if n > 1 else np.zeros(1)
    sx, sy = 3.6, 0.0  # the weighted-sum node
    scale = max(np.abs(w).max(), 1e-12)

    for j, (y, wj, xj) in enumerate(zip(ys, w, x[:, 0]), start=1):
        ax.add_patch(Circle((0, y), r_in, fill=False, edgecolor=fg, linewidth=1.2))
        ax.text(0, y, f"$x_{j}$", ha="center", va="center", fontsize=11)
        ax.text(-r_in - 0.15, y, f"{xj:g}", ha="right", va="center", fontsize=10)
        start = np.array([r_in, y])
        direction = np.array([sx, sy]) - start
        end = np.array([sx, sy]) - r_sum * direction / np.linalg.norm(direction)
        _arrow(ax, start, end, **edge_style(wj, scale))
        mid = start + 0.42 * (end - start)
        angle = np.degrees(np.arctan2(direction[1], direction[0]))
        ax.text(mid[0], mid[1] + 0.13, f"$w_{j} = {wj:g}$", ha="center", va="bottom",
                rotation=angle, rotation_mode="anchor", fontsize=10)

    ax.add_patch(Circle((sx, sy), r_sum, fill=False, edgecolor=fg, linewidth=1.5))
    ax.text(sx, sy, r"$\Sigma$", ha="center", va="center", fontsize=16)
    _arrow(ax, (sx, sy - 1.35), (sx, sy - r_sum))
    ax.text(sx, sy - 1.45, f"$b = {layer.b[0, 0]:g}$", ha="center", va="top", fontsize=10)
    ax.text(sx, sy + r_sum + 0.12, r"$z = w^\top x + b$", ha="center", va="bottom",
            fontsize=10)

    # The activation, as a box holding its own curve (drawn by nnlib).
    bx, bw, bh = 5.5, 1.3, 1.0
    _arrow(ax, (sx + r_sum, sy), (bx, sy))
    ax.text((sx + r_sum + bx) / 2, sy + 0.1, f"$z = {z[0, 0]:g}$", ha="center",
            va="bottom", fontsize=10)
    ax.add_patch(FancyBboxPatch((bx, sy - bh / 2), bw, bh, boxstyle="round,pad=0.05",
                                fill=False, edgecolor=fg, linewidth=1.5))
    t = np.linspace(-5, 5, 101)
    g = np.asarray(layer.activation(t), dtype=float)
    g = (g - g.min()) / (g.max() - g.min())
    ax.plot(bx + 0.12 + (bw - 0.24) * (t + 5) / 10, sy - bh / 2 + 0.15 + (bh - 0.3) * g,
            linewidth=1.5, **style(0))
    name = layer.activation.name
    ax.text(bx + bw / 2, sy + bh / 2 + 0.12, rf"$a = {SYMBOLS.get(name, name)}(z)$",
            ha="center", va="bottom", fontsize=10)

    ox = bx + bw + 1.1
    _arrow(ax, (bx + bw + 0.05, sy), (ox, sy))
    ax.text(ox + 0.1, sy, rf"$a = \hat{{y}} = {a[0, 0]:.3f}$", ha="left", va="center",
            fontsize=11)

    ax.text(0, ys.max() + r_in + 0.15, "input $x$", ha="center", va="bottom", fontsize=10)
    # The weighted sum written out with the layer's own numbers.
    terms = " + ".join(f"({wj:g})({xj:g})" for wj, xj in zip(w, x[:, 0]))
    ax.text(-1.0, ys.min() - 0.75,
            f"$z = {terms} + ({layer.b[0, 0]:g}) = {z[0, 0]:g}$,   "
            rf"$a = {SYMBOLS.get(name, name)}({z[0, 0]:g}) = {a[0, 0]:.4f}$",
            ha="left", va="top", fontsize=10)

    ax.set_xlim(-1.0, ox + 2.0)
    ax.set_ylim(ys.min() - 1.15, ys.max() + 0.8)
    ax.set_aspect("equal")
    ax.axis("off")


@figure("neuron/neuron", size=(6.4, 3.0))
def neuron(fig):
    ax = fig.subplots()
    layer, x = example_neuron()
    draw_neuron(ax, layer, x)
    sign_legend(ax, loc="upper right", bbox_to_anchor=(1.0, 1.05))

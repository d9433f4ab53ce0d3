"""Figures of the backpropagation page: the two-layer graph, and gradient checking against ε.

The graph's shapes are read from the page's worked example, an nnlib MLP after
a forward and a backward pass; the relative errors come from
``nnlib.gradcheck.check_network``.
"""

import matplotlib
import numpy as np

from nnlib import gradcheck, network
from scripts.figure_registry import figure
from scripts.style import style

# The worked example of the page: 3 inputs, 4 tanh units, 1 sigmoid output, 5 examples.
X = np.array([[0.35, 0.82, 0.33, -1.30, 0.91],
              [0.45, -0.54, 0.58, 0.36, 0.29],
              [0.03, 0.55, -0.74, -0.16, -0.48]])
Y = np.array([[1, 0, 1, 1, 0]])


def shape(arr):
    return f"({', '.join(map(str, arr.shape))})"


@figure("backpropagation/graph", size=(7.2, 3.0))
def graph(fig):
    """Forward pass left to right on top, backward pass right to left below."""
    model = network.MLP([3, 4, 1], ["tanh", "sigmoid"], seed=0, init="xavier")
    model.forward(X)
    model.backward(Y)
    first, second = model.layers
    fg = matplotlib.rcParams["text.color"]
    forward, backward = style(0)["color"], style(1)["color"]

    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_xlim(-0.6, 8.1)
    ax.set_ylim(-1.55, 1.7)
    box = {"boxstyle": "round,pad=0.35", "facecolor": "none", "edgecolor": fg, "linewidth": 1}
    param_box = {**box, "linestyle": "--"}

    row = {  # main chain: name, label, shape
        "X": (0.0, r"$X = A^{[0]}$", shape(X)),
        "Z1": (1.6, r"$Z^{[1]}$", shape(first.Z)),
        "A1": (3.2, r"$A^{[1]}$", shape(first.A)),
        "Z2": (4.8, r"$Z^{[2]}$", shape(second.Z)),
        "A2": (6.2, r"$A^{[2]}$", shape(second.A)),
        "J": (7.5, r"$J$", None),
    }
    for x, label, shp in row.values():
        text = f"{label}\n{shp}" if shp else label
        ax.text(x, 0, text, ha="center", va="center", fontsize=9, bbox=box)
    params = {
        "1": (1.6, r"$W^{[1]}$ " + shape(first.W) + "\n" + r"$b^{[1]}$ " + shape(first.b)),
        "2": (4.8, r"$W^{[2]}$ " + shape(second.W) + "\n" + r"$b^{[2]}$ " + shape(second.b)),
    }
    for x, label in params.values():
        ax.text(x, 1.35, label, ha="center", va="center", fontsize=8.5, bbox=param_box)
    ax.text(7.5, 1.35, r"$Y$ " + shape(Y), ha="center", va="center", fontsize=8.5,
            bbox=param_box)

    def arrow(x0, y0, x1, y1, colour, text=None, tx=None, ty=None, rad=0.0, **kw):
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.4,
                                "shrinkA": 0, "shrinkB": 0,
                                "connectionstyle": f"arc3,rad={rad}", **kw})
        if text:
            ax.text(tx, ty, text, ha="center", va="center", fontsize=8.5, color=colour)

    # Forward: along the row, parameters down into the Z nodes.
    names = list(row)
    for a, b in zip(names, names[1:]):
        arrow(row[a][0] + 0.5, 0.05, row[b][0] - 0.5, 0.05, forward)
    for x, _ in params.values():
        arrow(x - 0.15, 1.0, x - 0.15, 0.4, forward)
    arrow(7.5, 1.05, 7.5, 0.4, forward)
    ax.text(-0.1, 1.35, "forward", ha="center", va="center", fontsize=9, color=forward)

    # Backward: right to left under the row, then up from each Z to its parameters.
    dash = {"linestyle": (0, (4, 2))}
    y = -0.5
    arrow(7.35, y, 4.95, y, backward, **dash)
    arrow(4.65, y, 3.35, y, backward, **dash)
    arrow(3.05, y, 1.75, y, backward, **dash)
    ax.text(6.15, y - 0.35, r"$dZ^{[2]} = \dfrac{A^{[2]} - Y}{m}$", ha="center", va="center",
            fontsize=9, color=backward)
    ax.text(4.0, y - 0.35, r"$dA^{[1]} = W^{[2]\top} dZ^{[2]}$", ha="center", va="center",
            fontsize=9, color=backward)
    ax.text(2.4, y - 0.85, r"$dZ^{[1]} = dA^{[1]} \odot g^{[1]\prime}(Z^{[1]})$", ha="center",
            va="center", fontsize=9, color=backward)
    ax.text(-0.1, y - 0.35, "backward", ha="center", va="center", fontsize=9, color=backward)
    for (x, _), (dW, db) in zip(params.values(), [
        (r"$dW^{[1]} = dZ^{[1]} X^\top$", r"$db^{[1]} = \sum_j dZ^{[1]}$"),
        (r"$dW^{[2]} = dZ^{[2]} A^{[1]\top}$", r"$db^{[2]} = \sum_j dZ^{[2]}$"),
    ]):
        arrow(x + 0.15, 0.4, x + 0.15, 1.0, backward, **dash)
        ax.text(x + 0.3, 0.72, f"{dW}\n{db}", ha="left", va="center", fontsize=8.5,
                color=backward)


def gradcheck_errors():
    """The ε grid (1e-1 to 1e-10) and gradcheck's overall relative error at each ε, for
    {"tanh": the smooth 3-4-1 network, "relu": the ReLU one with a z 1e-4 from its kink}."""
    smooth = network.MLP([3, 4, 1], ["tanh", "sigmoid"], seed=0, init="xavier")
    kinked = network.MLP([3, 4, 1], ["relu", "sigmoid"], seed=0)
    W1, b1 = kinked.layers[0].W, kinked.layers[0].b
    b1[0, 0] = 1e-4 - W1[0] @ X[:, 0]  # unit 1's z for example 1 sits 1e-4 from the kink
    eps = np.logspace(-1, -10, 19)
    return eps, {name: np.array([gradcheck.check_network(model, X, Y, eps=e)["overall"]
                                 for e in eps])
                 for name, model in (("tanh", smooth), ("relu", kinked))}


@figure("backpropagation/gradcheck-eps", size=(6.4, 3.8))
def gradcheck_eps(fig):
    """Overall relative error of backprop vs central differences, for ε from 1e-1 to 1e-10."""
    eps, errors = gradcheck_errors()
    ax = fig.subplots()
    labels = {"tanh": "tanh (smooth)", "relu": "ReLU, one z = 10⁻⁴"}
    for i, (name, label) in enumerate(labels.items()):
        ax.plot(eps, errors[name], label=label, **style(i))
    fg = matplotlib.rcParams["text.color"]
    for level in (1e-2, 1e-4, 1e-7):
        ax.axhline(level, color=fg, linewidth=0.8, linestyle=":")
    ax.text(1.3e-10, 1.5e-2, "> 10⁻²: wrong", fontsize=8, ha="right", va="bottom")
    ax.text(1.3e-10, 1.5e-4, "10⁻⁴ to 10⁻²: suspicious", fontsize=8, ha="right", va="bottom")
    ax.text(8e-2, 6e-8, "< 10⁻⁷: correct", fontsize=8, ha="left", va="top")
    ax.axvline(1e-6, color=fg, linewidth=0.8, linestyle="--")
    ax.text(1.15e-6, 1e-9, "default ε", fontsize=8, rotation=90, ha="right",
            va="bottom")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(1e-14, 1)
    ax.invert_xaxis()
    ax.set_xlabel("ε (decreasing to the right)")
    ax.set_ylabel("relative error")
    ax.legend(loc="lower left")

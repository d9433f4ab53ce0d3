"""Figures of the "Why depth" page, every curve computed by nnlib networks.

- ``depth/xor``: the hand-set 2-2-1 ReLU network of the page on the XOR truth
  table: its output over the input plane, and the four corners as its hidden
  layer sees them.
- ``depth/width``: one hidden layer of n ReLU units, weights set so that the
  network interpolates the target at n + 1 knots, for growing n.
- ``depth/sawtooth``: the tent map composed with itself by stacking 2-unit
  ReLU layers; each layer doubles the number of linear pieces.

The networks and settings are the page's; tests/test_pages_course.py checks
that the two agree.
"""

import matplotlib
import numpy as np

from nnlib import datasets
from nnlib.network import MLP
from scripts.figure_registry import figure
from scripts.style import style

# The page's XOR network (Goodfellow, Bengio & Courville, Deep Learning, 6.1).
XOR_NET = {"W1": [[1.0, 1.0], [1.0, 1.0]], "b1": [[0.0], [-1.0]],
           "W2": [[1.0, -2.0]], "b2": [[0.0]]}
XOR_PLANE = (-0.5, 1.5)  # both axes of the input-space panel
INTERVAL = (-2.0, 2.0)
WIDTHS = (2, 4, 8, 16)


def target(x):
    """The 1-D function the width figure approximates."""
    return np.sin(3 * x) + 0.3 * x


def xor_network():
    """``MLP([2, 2, 1], ["relu", "identity"])`` with XOR_NET's weights."""
    model = MLP([2, 2, 1], ["relu", "identity"])
    for name, p in model.parameters().items():
        p[:] = XOR_NET[name]
    return model


def interpolating_network(f, n, interval=INTERVAL):
    """One hidden layer of n ReLU units that joins f's values at n + 1 knots by lines.

    Unit j computes ReLU(x - t_j); the output adds f(t_0) and each unit times
    the change of slope at its knot.
    """
    t = np.linspace(*interval, n + 1)
    slopes = np.diff(f(t)) / np.diff(t)
    model = MLP([1, n, 1], ["relu", "identity"])
    W1, b1, W2, b2 = model.parameters().values()
    W1[:] = 1.0
    b1[:] = -t[:-1, None]
    W2[:] = np.diff(slopes, prepend=0.0)[None, :]
    b2[:] = f(t[0])
    return model


def sawtooth_network(depth):
    """``depth`` hidden layers of 2 ReLU units computing the tent map depth times on [0, 1].

    tent(x) = 2 ReLU(x) - 4 ReLU(x - 1/2); each layer after the first reads the
    previous tent through its weights.
    """
    model = MLP([1] + [2] * depth + [1], ["relu"] * depth + ["identity"])
    for l, layer in enumerate(model.layers):
        last = l == depth
        layer.W[:] = [[1.0], [1.0]] if l == 0 else [[2.0, -4.0]] * (1 if last else 2)
        layer.b[:] = 0.0 if last else [[0.0], [-0.5]]
    return model


def linear_pieces(y):
    """How many straight pieces the samples ``y`` (on an even grid) form."""
    slopes = np.diff(y)
    bends = ~np.isclose(np.diff(slopes), 0.0, atol=1e-9 * np.abs(slopes).max())
    return 1 + int(bends.sum())


@figure("depth/xor", size=(6.4, 3.1))
def xor(fig):
    fg = matplotlib.rcParams["text.color"]
    X, Y = datasets.xor()
    model = xor_network()
    ax_in, ax_hidden = fig.subplots(1, 2)
    g = np.linspace(*XOR_PLANE, 161)
    g0, g1 = np.meshgrid(g, g)
    out = model.forward(np.vstack([g0.ravel(), g1.ravel()])).reshape(g0.shape)
    c0, c1 = style(0)["color"], style(1)["color"]
    ax_in.contourf(g0, g1, out, levels=[-10, 0.5, 10], colors=[c0, c1], alpha=0.22,
                  rasterized=True)
    ax_in.contour(g0, g1, out, levels=[0.5], colors=[fg], linewidths=1.2)
    H = xor_network().layers[0].forward(X)
    ax_hidden.axline((0.5, 0.0), slope=0.5, color=fg, linewidth=1.2)  # h1 - 2 h2 = 0.5
    for ax, P in ((ax_in, X), (ax_hidden, H)):
        for label, colour, marker in ((0, c0, "o"), (1, c1, "^")):
            pts = P[:, Y[0] == label]
            ax.scatter(pts[0], pts[1], s=70, c=colour, marker=marker, zorder=3,
                       edgecolors=fg, linewidths=0.8, label=f"y = {label}")
        ax.set_aspect("equal")
        ax.grid(False)
    ax_in.set(xlabel="$x_1$", ylabel="$x_2$", xlim=XOR_PLANE, ylim=XOR_PLANE,
              title="input space: output > 0.5 shaded")
    ax_hidden.set(xlabel="$a^{[1]}_1$", ylabel="$a^{[1]}_2$", xlim=(-0.3, 2.3), ylim=(-0.4, 1.4),
                  title="hidden space: one line separates")
    ax_hidden.annotate("(0,1) and (1,0)\nboth land here", xy=(1, 0), xytext=(1.05, 0.75),
                       fontsize=8, arrowprops={"arrowstyle": "->", "color": fg})
    ax_in.legend(loc="upper center", fontsize=8, ncols=2, bbox_to_anchor=(0.5, -0.2))


@figure("depth/width", size=(6.4, 3.6))
def width(fig):
    x = np.linspace(*INTERVAL, 401)
    ax = fig.subplots()
    ax.plot(x, target(x), color=matplotlib.rcParams["text.color"], linewidth=3, alpha=0.35,
            label="target  sin(3x) + 0.3x")
    for i, n in enumerate(WIDTHS):
        y = interpolating_network(target, n).forward(x[None, :])[0]
        ax.plot(x, y, linewidth=1.4, label=f"{n} hidden units", **style(i))
    ax.set_xlabel("x")
    ax.set_ylabel("network output")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=8, ncols=3)


@figure("depth/sawtooth", size=(6.4, 2.6))
def sawtooth(fig):
    x = np.linspace(0, 1, 1025)
    axes = fig.subplots(1, 4, sharey=True)
    for i, (ax, depth) in enumerate(zip(axes, (1, 2, 3, 4))):
        y = sawtooth_network(depth).forward(x[None, :])[0]
        ax.plot(x, y, linewidth=1.2, color=style(i)["color"])  # one line per panel: solid
        ax.set_title(f"{depth} hidden layer{'s' if depth > 1 else ''}\n"
                     f"{2 * depth} units, {linear_pieces(y)} pieces", fontsize=9)
        ax.set_xlabel("x")
        ax.set_xticks([0, 1])
        ax.set_yticks([0, 1])
    axes[0].set_ylabel("output")

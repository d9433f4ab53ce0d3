"""The activation figures: one per activation (f and f' side by side), and comparisons.

The per-activation figures come from the registry, so a new activation gets
its figure without a change here; so does the grid of all of them. Jumps in
f' are drawn as jumps: the line breaks, a filled dot marks the value nnlib
takes at the kink and an open dot the other one-sided limit. Softmax is not
elementwise, so it gets bar charts of one column instead of a curve.
"""

import matplotlib
import numpy as np

from nnlib.activations import ACTIVATIONS, Softmax, gelu, softmax
from scripts.figure_registry import figure
from scripts.style import style

# Steps of 0.025, rounded so that 0 and the kinks at ±3 are exactly on the grid
# (draw_with_jumps relies on it). 401 points are plenty at this size and keep SVGs light.
Z = np.round(np.linspace(-5, 5, 401), 3)
ZOOM = {"leaky_relu": (-5, 0.5)}  # make a small negative slope visible
JUMP = 0.05  # a step in f' larger than this between grid points is a jump

# The order of the grid of all activations: bounded S-shapes, the ReLU family,
# the smooth ReLUs, the rest. Activations not listed here are appended.
GRID_ORDER = ["sigmoid", "tanh", "softsign", "hardsigmoid",
              "relu", "leaky_relu", "elu", "selu",
              "gelu", "silu", "mish", "softplus",
              "hardswish", "identity"]
GRID_Z, GRID_VALUES = (-4, 4), (-2, 3)  # the axes every panel of the grid shares


def title(act):
    params = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v!r}"
                       for k, v in act.defaults.items())
    return f"{act.name}(z{', ' + params if params else ''})"


def elementwise():
    """Names of the elementwise activations, in the grid's order."""
    names = [n for n, a in ACTIVATIONS.items() if not isinstance(a, Softmax)]
    return [n for n in GRID_ORDER if n in names] + [n for n in names if n not in GRID_ORDER]


def thin(x, y, tol):
    """The points of the polyline (x, y) that keep it within ``tol`` (in y units) of the original.

    Ramer-Douglas-Peucker on each NaN-free piece, measuring the vertical
    distance; straight pieces shrink to their end points. Keeps SVGs small.
    """
    keep = np.zeros(x.size, dtype=bool)
    keep[np.isnan(y)] = True  # the breaks stay
    pieces = np.split(np.arange(x.size), np.flatnonzero(np.isnan(y)))
    for idx in pieces:
        idx = idx[~np.isnan(y[idx])]
        todo = [(idx[0], idx[-1])] if idx.size else []
        while todo:
            a, b = todo.pop()
            keep[a] = keep[b] = True
            if b - a < 2:
                continue
            inner = np.arange(a + 1, b)
            line = y[a] + (y[b] - y[a]) * (x[inner] - x[a]) / (x[b] - x[a])
            worst = np.argmax(np.abs(y[inner] - line))
            if abs(y[inner][worst] - line[worst]) > tol:
                todo += [(a, inner[worst]), (inner[worst], b)]
    return x[keep], y[keep]


def jumps_of(act, z, values):
    """Indices ``i`` where ``act.derivative`` (``values`` on ``z``) jumps between z[i] and z[i+1].

    A large step on the grid is only a candidate: it is a jump if the
    derivative still changes at a grid point when probed 1e-9 to its side
    (a steep but continuous f', like softsign' at 0 on a coarse grid, does not).
    """
    candidates = np.flatnonzero(np.abs(np.diff(values)) > JUMP)
    eps, tol = 1e-9, 1e-4
    return np.array([
        i for i in candidates
        if abs(act.derivative(z[i] + eps) - values[i]) > tol
        or abs(act.derivative(z[i + 1] - eps) - values[i + 1]) > tol
    ], dtype=int)


def break_at_jumps(act, z, values):
    """``z`` and ``values`` with NaN inserted where ``values`` jumps; and the jump indices."""
    jumps = jumps_of(act, z, values)
    return np.insert(z, jumps + 1, np.nan), np.insert(values, jumps + 1, np.nan), jumps


def draw_with_jumps(ax, act, z, values, **line_style):
    """Plot ``values`` over ``z``, breaking the line where it jumps."""
    zz, vv, jumps = break_at_jumps(act, z, values)
    ax.plot(zz, vv, **line_style)
    colour = line_style["color"]
    for i in jumps:
        kink = np.round(z[i] + z[i + 1]) / 2  # kinks sit on multiples of 0.5
        at = act.derivative(kink)
        other = values[i + 1] if np.isclose(at, values[i]) else values[i]
        ax.plot([kink], [at], "o", color=colour, markersize=5)
        ax.plot([kink], [other], "o", color=colour, markerfacecolor="none", markersize=5)


def plot_activation(name, fig):
    act = ACTIVATIONS[name]
    ax_f, ax_d = fig.subplots(1, 2)
    ax_f.plot(Z, act(Z), **style(0))
    ax_f.set_title(title(act))
    derivative = act.derivative(Z)
    draw_with_jumps(ax_d, act, Z, derivative, **style(1))
    ax_d.set_title(f"derivative {name}′(z)")
    if np.ptp(derivative) == 0:  # a constant: show it against 0, not a 1e-15 range
        ax_d.set_ylim(min(0.0, derivative[0]) - 0.1, max(0.0, derivative[0]) + 0.1)
    for ax in (ax_f, ax_d):
        ax.set_xlabel("z")
    if name in ZOOM:
        lo, hi = ZOOM[name]
        zz = Z[(Z >= lo) & (Z <= hi)]
        inset = ax_f.inset_axes([0.1, 0.5, 0.42, 0.4])
        inset.plot(zz, act(zz), **style(0))
        inset.set_title(f"zoom: slope {act.defaults['alpha']:g} for z ≤ 0", fontsize=8)
        inset.tick_params(labelsize=7)


for _name, _act in ACTIVATIONS.items():
    if not isinstance(_act, Softmax):  # softmax is not elementwise: no 1-D curve
        figure(f"activations/{_name}")(lambda fig, _name=_name: plot_activation(_name, fig))


@figure("activations/sigmoid-tanh-relu", size=(6.4, 3.8))
def comparison(fig):
    """The article's three, on one axis."""
    ax = fig.subplots()
    for name in ("sigmoid", "tanh", "relu", "leaky_relu"):
        ax.plot(Z, ACTIVATIONS[name](Z), label=name)
    ax.set_ylim(-1.5, 3)
    ax.set_xlabel("z")
    ax.set_title("sigmoid, tanh, ReLU and leaky ReLU")
    ax.legend()


@figure("activations/all", size=(7.2, 7.4))
def all_activations(fig):
    """Small multiples: every elementwise activation, g and g' on the same axes.

    Every panel has the same axes (z from -4 to 4, values from -2 to 3); only
    the bottom-left panel is labelled. Kept lean to stay under 50 KB: no grid,
    frames only on the outer panels, a zero line in each, thinned curves.
    """
    names = elementwise()
    cols = 4
    rows = -(-(len(names) + 1) // cols)  # one spare cell for the legend
    axes = fig.subplots(rows, cols, sharex=True, sharey=True).ravel()
    z = np.linspace(*GRID_Z, 321)  # steps of 1/40: the kinks (0, ±3) are on the grid
    tol = 0.004  # in y units: ~0.1 pt on a 5-unit, 1.4-inch-high panel
    lowest = set(range(len(names) - cols, len(names)))  # lowest panel of each column
    zero_line = {"color": matplotlib.rcParams["grid.color"], "linewidth": 0.6, "zorder": 0}
    for i, (ax, name) in enumerate(zip(axes, names)):
        act = ACTIVATIONS[name]
        f_line, = ax.plot(*thin(z, act(z), tol), linewidth=1.6, **style(0))
        zz, dd, _ = break_at_jumps(act, z, act.derivative(z))
        d_line, = ax.plot(*thin(zz, dd, tol), linewidth=1.6, **style(1))
        ax.set_title(name, fontsize=9, pad=2)
        ax.set(xlim=GRID_Z, ylim=GRID_VALUES, xticks=[-4, 0, 4], yticks=[-2, 0, 2])
        ax.grid(False)
        ax.axhline(0, **zero_line)
        ax.patch.set_visible(False)  # transparent anyway
        first_col, bottom = i % cols == 0, i in lowest
        ax.spines["left"].set_visible(first_col)
        ax.spines["bottom"].set_visible(bottom)
        corner = first_col and bottom  # the only panel with tick labels: all share its axes
        ax.tick_params(labelsize=8, length=2, left=corner, bottom=corner,
                       labelleft=corner, labelbottom=corner)
        if corner:
            ax.set_xlabel("z", fontsize=9, labelpad=1)
    for ax in axes[len(names):]:
        ax.axis("off")
    axes[len(names)].legend([f_line, d_line], ["g(z)", "g′(z)"], loc="center", fontsize=10)


def gelu_differences():
    """z from -6 to 6, and GELU's tanh approximation minus the exact GELU: in g and in g'."""
    z = np.round(np.linspace(-6, 6, 481), 3)
    return (z, gelu(z, approximate="tanh") - gelu(z),
            gelu.derivative(z, approximate="tanh") - gelu.derivative(z))


@figure("activations/gelu-approximations", size=(6.4, 3.2))
def gelu_approximations(fig):
    """How far GELU's tanh approximation is from the exact GELU, in g and in g'."""
    z, diff_f, diff_d = gelu_differences()
    ax_f, ax_d = fig.subplots(1, 2, sharey=True)
    ax_f.plot(z, diff_f * 1e4, **style(0))
    ax_f.set_title("gelu(z, 'tanh') − gelu(z)")
    ax_d.plot(z, diff_d * 1e4, **style(1))
    ax_d.set_title("gelu′(z, 'tanh') − gelu′(z)")
    ax_f.set_ylabel("difference (× 10⁻⁴)")
    for ax in (ax_f, ax_d):
        ax.set_xlabel("z")
        ax.set_xticks([-6, -4, -2, 0, 2, 4, 6])
        ax.axhline(0, color=matplotlib.rcParams["axes.edgecolor"], linewidth=0.6)


SOFTMAX_LOGITS = np.array([2.0, 1.0, 0.1, -1.0])
SOFTMAX_TEMPERATURES = (2.0, 1.0, 0.5)


@figure("activations/softmax", size=(7.2, 3.0))
def softmax_bars(fig):
    """One column of logits, then its softmax at three temperatures."""
    z = SOFTMAX_LOGITS
    classes = np.arange(1, z.size + 1)
    axes = fig.subplots(1, 1 + len(SOFTMAX_TEMPERATURES), sharex=True,
                        gridspec_kw={"width_ratios": [1.2] + [1] * len(SOFTMAX_TEMPERATURES)})
    edge = matplotlib.rcParams["axes.edgecolor"]
    bars = axes[0].bar(classes, z, color=style(0)["color"], edgecolor=edge, linewidth=0.6)
    axes[0].bar_label(bars, fmt="%.1f", fontsize=8, padding=2)
    axes[0].axhline(0, color=edge, linewidth=0.8)
    axes[0].set_ylim(-1.8, 2.6)
    axes[0].set_title("logits z")
    for ax, T, i in zip(axes[1:], SOFTMAX_TEMPERATURES, (1, 2, 3)):
        s = softmax(z / T)
        bars = ax.bar(classes, s, color=style(i)["color"], edgecolor=edge, linewidth=0.6)
        ax.bar_label(bars, fmt="%.2f", fontsize=8, padding=2)
        ax.set_ylim(0, 1.05)
        ax.set_yticks([0, 0.5, 1])
        ax.set_title(f"softmax(z / {T:g})" if T != 1 else "softmax(z)")
    axes[0].set_yticks([-1, 0, 1, 2])
    for ax in axes[2:]:
        ax.tick_params(left=False, labelleft=False)
    for ax in axes:
        ax.set_xticks(classes)
        ax.tick_params(axis="x", length=0)
        ax.grid(axis="x", visible=False)
    fig.supxlabel("class i (row i of the column)", fontsize=10)

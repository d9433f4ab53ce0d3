"""One figure per activation in nnlib (f and f' side by side), and one comparing them.

The figures come from the registry, so a new activation gets its figure
without a change here. Jumps in f' are drawn as jumps: the line breaks, a
filled dot marks the value nnlib takes at the kink and an open dot the other
one-sided limit.
"""

import matplotlib
import numpy as np

from nnlib.activations import ACTIVATIONS, Softmax
from scripts.figure import figure

Z = np.round(np.linspace(-5, 5, 1001), 2)  # exact multiples of 0.01, 0 included
ZOOM = {"leaky_relu": (-5, 0.5)}  # make a small negative slope visible


def title(act):
    params = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v!r}"
                       for k, v in act.defaults.items())
    return f"{act.name}(z{', ' + params if params else ''})"


def style(i):
    """The i-th colour and dash of the current theme's cycle."""
    return list(matplotlib.rcParams["axes.prop_cycle"])[i]


def draw_with_jumps(ax, act, z, values, **line_style):
    """Plot ``values`` over ``z``, breaking the line where it jumps."""
    jumps = np.flatnonzero(np.abs(np.diff(values)) > 0.05)
    ax.plot(np.insert(z, jumps + 1, np.nan), np.insert(values, jumps + 1, np.nan),
            **line_style)
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
    draw_with_jumps(ax_d, act, Z, act.derivative(Z), **style(1))
    ax_d.set_title(f"derivative {name}′(z)")
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

"""Gradient norms per layer in deep MLPs: sigmoid, tanh and ReLU, measured with nnlib.

Every network is the same apart from its hidden activation: 2 inputs, 15
hidden layers of 32 units, one sigmoid output unit, binary cross-entropy, the
same seed (so the same standard-normal draws, scaled by the init) and the same
batch of 200 moons. One forward and one backward pass at initialisation; no
training.
"""

import functools

import numpy as np

from nnlib.datasets import moons
from nnlib.network import MLP
from scripts.figure_registry import figure
from scripts.style import style

HIDDEN = ("sigmoid", "tanh", "relu")
LABELS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU"}
DEPTH, WIDTH, SEED = 15, 32, 0


@functools.cache
def measure(activation, init):
    """Per layer l = 1..L: ‖dW[l]‖ and ‖dZ[l]‖ (Frobenius norms)."""
    X, Y = moons(m=200, noise=0.1, seed=0)
    model = MLP([2] + [WIDTH] * DEPTH + [1], [activation] * DEPTH + ["sigmoid"],
                seed=SEED, init=init)
    model.forward(X)
    model.backward(Y)  # binary cross-entropy, the default
    return {
        "dW": np.array([np.linalg.norm(layer.dW) for layer in model.layers]),
        "dZ": np.array([np.linalg.norm(layer.dZ) for layer in model.layers]),
    }


def layer_plot(ax, init, key):
    """One line per hidden activation: ``measure(g, init)[key]`` against the layer."""
    layers = np.arange(1, DEPTH + 2)
    for i, g in enumerate(HIDDEN):
        ax.semilogy(layers, measure(g, init)[key], linewidth=1.6, label=LABELS[g],
                    **style(i))
    ax.set_xticks([1, 8, 16])
    ax.set_xlim(0.5, DEPTH + 1.5)
    # Every tick and grid line is several SVG elements: keep few (files < 50 KB).
    ax.minorticks_off()
    ax.grid(axis="x", visible=False)
    ax.tick_params(length=0)
    ax.patch.set_visible(False)  # transparent anyway


@figure("vanishing/gradient-norms", size=(7.2, 3.6))
def gradient_norms(fig):
    """‖dW[l]‖ and ‖dZ[l]‖ per layer, one line per hidden activation, Xavier init."""
    ax_w, ax_z = fig.subplots(1, 2, sharey=True)
    layer_plot(ax_w, "xavier", "dW")
    layer_plot(ax_z, "xavier", "dZ")
    ax_w.set_title("‖dW[l]‖: the weight gradient")
    ax_z.set_title("‖dZ[l]‖: the signal sent back")
    ax_w.set_ylabel("Frobenius norm (log scale)")
    for ax in (ax_w, ax_z):
        ax.set_xlabel("layer l (1 = first; 16 = sigmoid output)")
        ax.set_ylim(1e-12, 3)
        ax.set_yticks([1e-12, 1e-9, 1e-6, 1e-3, 1])
        ax.minorticks_off()
    ax_w.legend(loc="lower right")

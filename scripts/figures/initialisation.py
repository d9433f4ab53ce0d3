"""Figure of the initialisation page: activation and gradient size per layer, measured.

A deep square MLP (the page's: 20 layers of 100 units, standard-normal input
of 500 examples) under three initialisations, for tanh and ReLU. Forward: the
std of Z[l]. Backward: a standard-normal dA[L] sent back through the layers'
own ``backward``, and the std of each dA[l-1] they return. No loss, no training.
"""

import functools

import numpy as np

from nnlib.network import MLP
from scripts.figure_registry import figure
from scripts.style import style

WIDTH, DEPTH, EXAMPLES = 100, 20, 500
INITS = {"small": "small (std 0.01)", "xavier": "xavier", "he": "he"}
ACTIVATIONS = {"tanh": "tanh", "relu": "ReLU"}


@functools.cache
def layer_statistics(g, init):
    """(std of Z[l] for l = 1..L, std of dA[l-1] for l = 1..L) of the page's network."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((WIDTH, EXAMPLES))
    model = MLP([WIDTH] * (DEPTH + 1), [g] * DEPTH, seed=0, init=init)
    model.forward(X)
    dA = rng.standard_normal(model.A.shape)
    back = []
    for layer in reversed(model.layers):
        dA = layer.backward(dA)
        back.append(dA.std())
    return np.array([layer.Z.std() for layer in model.layers]), np.array(back[::-1])


@figure("initialisation/per-layer", size=(6.8, 4.8))
def per_layer(fig):
    axes = fig.subplots(2, 2, sharex=True, sharey=True)
    layers = np.arange(1, DEPTH + 1)
    for col, (g, title) in enumerate(ACTIVATIONS.items()):
        for i, (init, label) in enumerate(INITS.items()):
            forward, backward = layer_statistics(g, init)
            axes[0, col].semilogy(layers, forward, label=label, linewidth=1.6, **style(i))
            axes[1, col].semilogy(layers, backward, label=label, linewidth=1.6, **style(i))
        axes[0, col].set_title(f"{title} hidden layers")
        axes[1, col].set_xlabel("layer l")
    axes[0, 0].set_ylabel("std of Z[l] (forward)")
    axes[1, 0].set_ylabel("std of dA[l−1] (backward)")
    for ax in axes.flat:
        ax.set_ylim(1e-4, 5)  # "small" leaves the scale within a few layers: say so
        ax.set_yticks([1e-4, 1e-2, 1])

        ax.set_xticks([1, 10, 20])
        ax.minorticks_off()
        ax.grid(axis="x", visible=False)
        ax.tick_params(length=0)  # every tick is several SVG elements: files < 50 KB
        ax.patch.set_visible(False)
    axes[0, 0].text(3.5, 2e-4, "small: off the scale\nafter 3 layers", fontsize=8,
                    color=style(0)["color"])
    axes[1, 0].legend(loc="center", fontsize=8)

"""Figure of the multiclass page: a softmax classifier trained on the spiral, from nnlib.

The page's model and training: ``MLP([2, 32, 3], ["relu", "identity"])``
(the output is the logits Z[L]), ``softmax_cross_entropy``, full-batch Adam.
Left, the cost per step; right, the class of largest logit over the plane and
the training data. tests/test_pages_course.py checks the settings against the page.
"""

import functools

import matplotlib
import numpy as np

from nnlib import datasets
from nnlib.network import MLP
from nnlib.optimizers import Adam
from scripts.figure_registry import figure
from scripts.style import style

SPIRAL = {"m": 300, "k": 3, "noise": 0.2, "seed": 0}
SIZES, ACTIVATIONS = [2, 32, 3], ["relu", "identity"]
LEARNING_RATE, STEPS = 0.01, 1000
MARKERS = ("o", "^", "s")
PLANE = (-1.2, 1.2)  # both axes of the regions panel


@functools.cache
def trained():
    """The data, the trained model and its cost J before each step."""
    X, Y = datasets.spiral(**SPIRAL)
    model = MLP(SIZES, ACTIVATIONS, seed=0)
    optimizer = Adam(lr=LEARNING_RATE)
    history = []
    for _ in range(STEPS):
        history.append(model.loss(X, Y, "softmax_cross_entropy"))
        model.backward(Y, "softmax_cross_entropy")
        optimizer.step(model)
    return X, Y, model, history


def draw_regions(ax, model, X, labels, k):
    """The arg-max class of the model's output over the plane, and the points by class."""
    fg = matplotlib.rcParams["text.color"]
    g = np.linspace(*PLANE, 201)
    g0, g1 = np.meshgrid(g, g)
    regions = model.predict(np.vstack([g0.ravel(), g1.ravel()])).reshape(g0.shape)
    colours = [style(c)["color"] for c in range(k)]
    ax.contourf(g0, g1, regions, levels=np.arange(k + 1) - 0.5, colors=colours, alpha=0.22,
                rasterized=True)
    ax.contour(g0, g1, regions, levels=np.arange(k) + 0.5, colors=[fg], linewidths=0.8,
               rasterized=True)  # long boundary paths: rasterized, files < 50 KB
    for c in range(k):
        pts = X[:, labels == c]
        ax.scatter(pts[0], pts[1], s=12, c=colours[c], marker=MARKERS[c % len(MARKERS)],
                   edgecolors="none", label=f"class {c}", rasterized=True)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.grid(False)


@figure("multiclass/spiral", size=(7.0, 3.4))
def spiral(fig):
    X, Y, model, history = trained()
    labels = Y.argmax(axis=0)
    ax_loss, ax_regions = fig.subplots(1, 2, width_ratios=[1, 1.1])
    ax_loss.plot(np.arange(STEPS), history, linewidth=1.6, **style(0))
    ax_loss.axhline(np.log(SPIRAL["k"]), color=style(1)["color"], linestyle="--", linewidth=1)
    ax_loss.set_xlabel("Adam step")
    ax_loss.set_ylabel("training cost J")
    ax_loss.set_ylim(0, 1.3)
    draw_regions(ax_regions, model, X, labels, SPIRAL["k"])
    # Few ticks and labels: every glyph and tick is SVG paths (files < 50 KB).
    ax_loss.set(xticks=[0, 500, 1000], yticks=[0, 0.5, 1])
    ax_regions.set(xticks=[-1, 0, 1], yticks=[-1, 0, 1])
    ax_regions.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8,
                      handletextpad=0.2)

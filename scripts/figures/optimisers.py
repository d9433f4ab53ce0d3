"""Figures of the optimisers page, every step taken by an nnlib optimiser.

- ``optimisers/paths``: 40 steps of each optimiser on the page's 2-D bowl
  J(w) = w1²/2 + 5 w2², drawn over its contours.
- ``optimisers/training``: the training cost of the multiclass page's spiral
  classifier under each optimiser, 500 full-batch steps.

Settings are the page's; tests/test_pages_course.py checks that they agree.
"""

import matplotlib
import numpy as np

from nnlib import datasets
from nnlib.network import MLP
from nnlib.optimizers import SGD, Adam, RMSprop
from scripts.figure_registry import figure
from scripts.style import style

START, STEPS = (-4.0, 1.5), 40
BOWL_W1, BOWL_W2 = (-4.5, 1.5), (-2.0, 2.0)  # the axes of the paths figure
BOWL_OPTIMISERS = {
    "gradient descent, α = 0.18": lambda: SGD(lr=0.18),
    "momentum, α = 0.05, β = 0.8": lambda: SGD(lr=0.05, momentum=0.8),
    "RMSprop, α = 0.1": lambda: RMSprop(lr=0.1),
    "Adam, α = 0.3": lambda: Adam(lr=0.3),
}
SPIRAL_OPTIMISERS = {
    "gradient descent, α = 0.5": lambda: SGD(lr=0.5),
    "momentum, α = 0.05, β = 0.9": lambda: SGD(lr=0.05, momentum=0.9),
    "RMSprop, α = 0.01": lambda: RMSprop(lr=0.01),
    "Adam, α = 0.01": lambda: Adam(lr=0.01),
}
SPIRAL_STEPS = 500


class Bowl:
    """J(w) = w1²/2 + 5 w2² as a model an optimiser can step: one parameter W = [[w1, w2]]."""

    def __init__(self, w):
        self.W = np.array([w], dtype=float)

    def loss(self):
        w1, w2 = self.W[0]
        return 0.5 * w1**2 + 5 * w2**2

    def parameters(self):
        return {"W": self.W}

    def gradients(self):
        w1, w2 = self.W[0]
        return {"dW": np.array([[w1, 10 * w2]])}


def path(optimizer, start=START, steps=STEPS):
    """The points w_0, ..., w_steps that ``optimizer`` visits on the bowl."""
    bowl = Bowl(start)
    points = [bowl.W[0].copy()]
    for _ in range(steps):
        optimizer.step(bowl)
        points.append(bowl.W[0].copy())
    return np.array(points)


def spiral_history(optimizer, steps=SPIRAL_STEPS):
    """J of the multiclass page's spiral classifier before each step and after the last."""
    X, Y = datasets.spiral(m=300, k=3, noise=0.2, seed=0)
    model = MLP([2, 32, 3], ["relu", "identity"], seed=0)
    history = []
    for _ in range(steps):
        history.append(model.loss(X, Y, "softmax_cross_entropy"))
        model.backward(Y, "softmax_cross_entropy")
        optimizer.step(model)
    return history + [model.loss(X, Y, "softmax_cross_entropy")]


@figure("optimisers/paths", size=(6.4, 3.4))
def paths(fig):
    fg = matplotlib.rcParams["text.color"]
    ax = fig.subplots()
    g1, g2 = np.meshgrid(np.linspace(*BOWL_W1, 121), np.linspace(*BOWL_W2, 81))
    ax.contour(g1, g2, 0.5 * g1**2 + 5 * g2**2, levels=[0.5, 2, 4.5, 8, 12.5],
               colors=[fg], linewidths=0.5, alpha=0.5, rasterized=True)  # files < 50 KB
    for i, (label, make) in enumerate(BOWL_OPTIMISERS.items()):
        points = path(make())
        ax.plot(points[:, 0], points[:, 1], linewidth=1.2, label=label, **style(i))
    ax.plot(*START, marker="o", color=fg, markersize=5)
    ax.plot(0, 0, marker="*", color=fg, markersize=9)
    ax.set(xlabel="$w_1$", ylabel="$w_2$", xlim=BOWL_W1, ylim=BOWL_W2, aspect="equal",
           xticks=[-4, -2, 0], yticks=[-2, 0, 2])
    ax.tick_params(length=0)
    ax.grid(False)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, fontsize=8)


@figure("optimisers/training", size=(6.4, 3.4))
def training(fig):
    ax = fig.subplots()
    for i, (label, make) in enumerate(SPIRAL_OPTIMISERS.items()):
        ax.plot(spiral_history(make()), label=label, linewidth=1.5, **style(i))
    ax.set_yscale("log")
    ax.set_xlabel("step (full batch)")
    ax.set_ylabel("training cost J")
    ax.minorticks_off()
    ax.legend(loc="upper right", fontsize=8)

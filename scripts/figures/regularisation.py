"""Figures of the regularisation page: overfitting, and what L2 and dropout do to it.

The page's setting: 200 noisy moons split 150/50 into training and validation
sets, an ``MLP([2, 64, 64, 1])`` with ReLU hidden layers, full-batch Adam
(learning rate 0.01) for 400 epochs, with ``validation=`` recording the
validation loss after each epoch. tests/test_pages_course.py checks the
settings against the page.
"""

import functools

import matplotlib

from nnlib import datasets
from nnlib.network import MLP
from nnlib.optimizers import Adam
from nnlib.training import gradient_descent
from scripts.figure_registry import figure
from scripts.figures.forward import draw_decision_boundary
from scripts.style import style

MOONS = {"m": 200, "noise": 0.3, "seed": 0}
EPOCHS, LEARNING_RATE = 400, 0.01
RUNS = {  # title: (weight decay λ, dropout p)
    "no regularisation": (0.0, None),
    "L2, λ = 0.01": (0.01, None),
    "dropout, p = 0.5": (0.0, 0.5),
}


def data():
    X, Y = datasets.moons(**MOONS)
    return datasets.train_validation_split(X, Y, validation=0.25)


@functools.cache
def run(title):
    """The model trained as RUNS[title] says, and its History."""
    weight_decay, dropout = RUNS[title]
    train, val = data()
    model = MLP([2, 64, 64, 1], ["relu", "relu", "sigmoid"], seed=0, dropout=dropout)
    history = gradient_descent(model, *train, epochs=EPOCHS, validation=val,
                               optimizer=Adam(lr=LEARNING_RATE, weight_decay=weight_decay))
    return model.eval(), history


@figure("regularisation/curves", size=(6.4, 2.6))
def curves(fig):
    fg = matplotlib.rcParams["text.color"]
    axes = fig.subplots(1, len(RUNS), sharey=True)
    for ax, title in zip(axes, RUNS):
        _, history = run(title)
        # 400 noisy points per line: rasterized without antialiasing (few colours), < 50 KB
        ax.plot(history, label="training", linewidth=1.4, rasterized=True, antialiased=False,
                **style(0))
        ax.plot(history.validation, label="validation", linewidth=1.4, rasterized=True,
                antialiased=False, **style(1))
        best = history.best_epoch
        ax.axvline(best, color=fg, linewidth=0.8, linestyle=":")
        ax.set_title(title, fontsize=9)
        ax.set(ylim=(0, 1), xticks=[0, 200, 400], yticks=[0, 0.5, 1])
        ax.tick_params(length=0)  # every tick is several SVG elements: files < 50 KB
    axes[0].set_ylabel("cost J")
    fig.supxlabel("epoch", fontsize=10)
    axes[0].legend(loc="upper left", fontsize=8)


@figure("regularisation/boundaries", size=(6.4, 3.1))
def boundaries(fig):
    train, _ = data()
    axes = fig.subplots(1, 2, sharey=True)
    for ax, title in zip(axes, list(RUNS)[:2]):
        model, _ = run(title)
        draw_decision_boundary(ax, model, *train, title)
        for artist in ax.collections:  # the wiggly boundary is a long path: rasterized
            artist.set_rasterized(True)
            artist.set_antialiased(False)
    axes[1].set_ylabel("")
    axes[0].legend(loc="lower left", fontsize=8, handletextpad=0.2)

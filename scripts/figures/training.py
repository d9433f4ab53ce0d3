"""Figures of the loss and gradient descent page: gradients of two losses, learning rates;
and the data of its widget, training step by step.

Every number comes from nnlib: the losses and their derivatives from
``nnlib.losses``, the curves from ``nnlib.training`` on ``nnlib.datasets``.
"""

import functools

import matplotlib
import numpy as np

from nnlib import datasets, network, training
from nnlib.activations import sigmoid
from nnlib.losses import binary_cross_entropy, mse
from scripts.figure_registry import data, figure
from scripts.style import style

# The classifier of the page's examples: a 2-8-1 network on the two moons.
MOONS = {"m": 200, "noise": 0.2, "seed": 0}
EPOCHS = 500
RATES = {"too small": 0.05, "about right": 1.0, "too large": 50.0}


def classifier(hidden="tanh"):
    return network.MLP([2, 8, 1], [hidden, "sigmoid"], seed=0, init="xavier")


def saturation_gradients():
    """z (one row, -8 to 8) and dL/dz of one sigmoid output with label 1: under BCE, under MSE."""
    z = np.linspace(-8, 8, 321)[None, :]
    a = sigmoid(z)
    y = np.ones_like(a)
    m = z.shape[1]
    # Each column is one example; the losses average over m, so multiply m back.
    through_mse = m * mse.derivative(a, y) * sigmoid.derivative(z)
    through_bce = m * binary_cross_entropy.fused_dZ(a, y)
    return z, through_bce, through_mse


@figure("loss-and-gradient-descent/saturation", size=(6.4, 3.4))
def saturation(fig):
    """|dJ/dz| of one sigmoid output with label y = 1, under MSE and under BCE."""
    z, through_bce, through_mse = saturation_gradients()
    ax = fig.subplots()
    ax.plot(z[0], np.abs(through_bce[0]), label="cross-entropy: |a − y|", **style(0))
    ax.plot(z[0], np.abs(through_mse[0]), label="MSE: |2(a − y)σ′(z)|", **style(1))
    ax.set_xlabel("z   (label y = 1)")
    ax.set_ylabel("|∂L/∂z|, one example")
    ax.annotate("confidently wrong:\nMSE gradient ≈ 0",
                xy=(-6, np.abs(through_mse[0, 80])), xytext=(-7.5, 0.45),
                arrowprops={"arrowstyle": "->", "color": matplotlib.rcParams["text.color"]})
    ax.set_ylim(0, 1.05)
    ax.legend(loc="upper right")


def learning_rate_history(rate):
    """BCE per epoch of the 2-8-1 classifier on the moons, full-batch GD at ``rate``."""
    X, Y = datasets.moons(**MOONS)
    return training.gradient_descent(classifier(), X, Y, learning_rate=rate, epochs=EPOCHS)


@figure("loss-and-gradient-descent/learning-rates", size=(6.4, 3.8))
def learning_rates(fig):
    """BCE per epoch of the 2-8-1 classifier, full-batch GD, three learning rates."""
    ax = fig.subplots()
    for i, (label, rate) in enumerate(RATES.items()):
        history = learning_rate_history(rate)
        ax.plot(history, label=f"α = {rate:g} ({label})", linewidth=1.5, **style(i))
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss J")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3, fontsize=9)


def linear_neuron_threshold(X):
    """2 / largest eigenvalue of the Hessian of the MSE of one linear neuron."""
    X1 = np.vstack([X, np.ones((1, X.shape[1]))])
    return 2 / np.linalg.eigvalsh(2 * X1 @ X1.T / X.shape[1]).max()


DIVERGENCE_FACTORS = (0.5, 0.95, 1.2)  # learning rates, in units of 2 / lambda_max
DIVERGENCE_EPOCHS = 1500
DIVERGENCE_TICKS = [1e0, 1e100, 1e200, 1e300]  # of the MSE axis


@functools.cache
def divergence_run(factor):
    """MSE per epoch of one linear neuron at ``factor`` * 2/lambda_max; and whether it diverged.

    The history stops at the last finite loss if nnlib raised its "diverged" error.
    """
    X, Y = datasets.moons(**MOONS)
    rate = factor * linear_neuron_threshold(X)
    model = network.MLP([2, 1], ["identity"], seed=0)
    history = []
    # One epoch per call, so the history up to the failure is kept.
    with np.errstate(over="ignore"):  # NumPy warns before the loss becomes inf
        for _ in range(DIVERGENCE_EPOCHS):
            try:
                history += training.gradient_descent(model, X, Y, learning_rate=rate,
                                                     epochs=1, loss="mse")
            except ValueError as error:  # nnlib.training's non-finite-loss check
                if "diverged" not in str(error):
                    raise
                return history, True
    return history, False


@figure("loss-and-gradient-descent/divergence", size=(6.4, 3.6))
def divergence(fig):
    """MSE of one linear neuron: below 2/lambda_max it converges, above it blows up."""
    critical = linear_neuron_threshold(datasets.moons(**MOONS)[0])
    ax = fig.subplots()
    # Fixed limits before plotting: autoscaling 1e305 with a margin overflows float64.
    ax.set_yscale("log")
    ax.set_ylim(1e-3, 1e307)  # near the top of float64: inf lies just above
    for i, factor in enumerate(DIVERGENCE_FACTORS):
        history, failed = divergence_run(factor)
        line, = ax.plot(history, label=f"α = {factor:g} · 2/λmax = {factor * critical:.3f}",
                        **style(i))
        if failed:
            ax.plot([len(history) - 1], [history[-1]], "x", color=line.get_color(),
                    markersize=8, markeredgewidth=2)
            ax.annotate("next epoch: loss = inf,\nnnlib raises ValueError",
                        xy=(len(history) - 1, history[-1]),
                        xytext=(len(history) * 0.2, 1e240), fontsize=9,
                        arrowprops={"arrowstyle": "->",
                                    "color": matplotlib.rcParams["text.color"]})
    ax.set_yticks(DIVERGENCE_TICKS)
    ax.set_xlabel("epoch")
    ax.set_ylabel("MSE")
    ax.set_title(f"One linear neuron, MSE on the moons: 2/λmax = {critical:.3f}")
    ax.legend(loc="center right")


# The widget "training, step by step": the classifier at a few epochs, for each
# learning rate and hidden activation. The decision boundary is the output a on
# a grid, quantised to LEVELS bands (band k holds k/LEVELS <= a < (k+1)/LEVELS).
WIDGET_HIDDEN = ("tanh", "relu")
WIDGET_FRAMES = 31
GRID = {"x1": (-1.6, 2.6, 43), "x2": (-1.2, 1.6, 29)}  # (first, last, number of points)
LEVELS = 10


def frame_epochs(epochs=EPOCHS, frames=WIDGET_FRAMES):
    """Epochs to show, 0 to ``epochs``: dense early, where the loss moves fast."""
    steps = np.geomspace(1, epochs, frames - 1)
    return sorted({0, *np.round(steps).astype(int).tolist()})


@data("loss-and-gradient-descent/training")
def training_frames():
    """For each (learning rate, hidden activation): J after every epoch, and frames."""
    X, Y = datasets.moons(**MOONS)
    x1, x2 = (np.linspace(*GRID[k]) for k in ("x1", "x2"))
    grid = np.array([g.ravel() for g in np.meshgrid(x1, x2)])  # row by row, x1 fastest
    runs = []
    for hidden in WIDGET_HIDDEN:
        for rate in RATES.values():
            model, epoch, frames = classifier(hidden), 0, []
            history = []
            for target in frame_epochs():
                history += training.gradient_descent(model, X, Y, learning_rate=rate,
                                                     epochs=target - epoch) if target else []
                epoch = target
                a = model.forward(grid)[0]
                bands = np.minimum((a * LEVELS).astype(int), LEVELS - 1)
                frames.append({"epoch": epoch, "accuracy": model.accuracy(X, Y),
                               "bands": "".join(map(str, bands))})
            history.append(model.loss(X, Y))  # J after the last epoch
            runs.append({"rate": rate, "hidden": hidden, "frames": frames,
                         "loss": [float(f"{J:.7g}") for J in history]})
    return {
        "grid": GRID, "levels": LEVELS,
        "points": {"x1": np.round(X[0], 3).tolist(), "x2": np.round(X[1], 3).tolist(),
                   "y": "".join(map(str, Y[0].astype(int)))},
        "runs": runs,
    }

"""nnlib against the textbook: training steps, and every activation and its derivative.

*Training steps*, at three sizes (the first notebook's network, a small
softmax classifier, a wide one): nnlib's public calls, ``model.forward(X)``,
``model.backward(Y, loss)`` and ``p -= learning_rate * grads["d" + name]`` for
every parameter, against :func:`textbook_step`, the same equations written out
plainly in NumPy as the pages write them. Then ``training.gradient_descent``
against :func:`textbook_epochs`, the notebook's hand-written loop (forward,
loss, backward, update). Both sides start from the same parameters and are
checked to give the same gradients and loss before anything is timed.

*Activations*: each elementwise activation and its derivative on 10^6 float64
values against its textbook expression (``1 - np.tanh(z)**2``, ``s * (1 - s)``,
...), never against the call nnlib itself makes; checked to agree first.

Each timing is the best of 3 back-to-back runs, in CPU seconds of this process
(``time.process_time``: on a shared machine, other processes disturb it far less
than wall time, and for NumPy's single-threaded loops it is the wall time of an
idle machine), and a row's ratio is the median over interleaved rounds. A row
whose per-round ratios spread too widely (the machine was busy) is shown but not
judged. NumPy's BLAS keeps its default threads, on both sides.
"""

import math
import statistics
import time

import numpy as np
from scipy import special

from nnlib import activations, training
from nnlib.network import MLP
from scripts.bench.common import Row, interleave
from scripts.bench.common import wall as _wall

TRAINING = (
    ([2, 8, 1], ["tanh", "sigmoid"], 200),
    ([2, 16, 16, 3], ["relu", "relu", "softmax"], 300),
    ([64, 256, 256, 10], ["relu", "relu", "softmax"], 1024),
)
"""(layer sizes, activations, batch size m) of the timed training steps."""
STEP_TARGET = 1.3
ACTIVATION_TARGET = 1.5
LEARNING_RATE = 0.01
N_VALUES = 10**6
NOISE_LIMIT = 0.25
"""A row is not judged when the interquartile range of its per-round ratios
exceeds this fraction of their median: the machine was too busy to tell."""

SQRT_2_OVER_PI = np.sqrt(2 / np.pi)
ALPHA, SCALE = activations.SELU_ALPHA, activations.SELU_SCALE


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _softplus(z):
    return np.log1p(np.exp(z))


def _gelu_tanh_derivative(z):
    t = np.tanh(SQRT_2_OVER_PI * (z + 0.044715 * z**3))
    return 0.5 * (1 + t) + 0.5 * z * (1 - t**2) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * z**2)


def _mish_derivative(z):
    t = np.tanh(_softplus(z))
    return t + z * _sigmoid(z) * (1 - t**2)


TEXTBOOK = {
    # name: (params, g(z), g'(z)), each as a reader writes the formula
    "sigmoid": ({}, _sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z))),
    "tanh": ({}, np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "relu": ({}, lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(float)),
    "leaky_relu": ({}, lambda z: np.where(z > 0, z, 0.01 * z),
                   lambda z: np.where(z > 0, 1.0, 0.01)),
    "elu": ({}, lambda z: np.where(z > 0, z, np.exp(z) - 1),
            lambda z: np.where(z > 0, 1.0, np.exp(z))),
    "selu": ({}, lambda z: SCALE * np.where(z > 0, z, ALPHA * (np.exp(z) - 1)),
             lambda z: SCALE * np.where(z > 0, 1.0, ALPHA * np.exp(z))),
    "gelu": ({}, lambda z: 0.5 * z * (1 + special.erf(z / np.sqrt(2))),
             lambda z: 0.5 * (1 + special.erf(z / np.sqrt(2)))
             + z * np.exp(-(z**2) / 2) / np.sqrt(2 * np.pi)),
    "gelu (tanh)": ({"approximate": "tanh"},
                    lambda z: 0.5 * z * (1 + np.tanh(SQRT_2_OVER_PI * (z + 0.044715 * z**3))),
                    _gelu_tanh_derivative),
    "silu": ({}, lambda z: z * _sigmoid(z),
             lambda z: _sigmoid(z) * (1 + z * (1 - _sigmoid(z)))),
    "softplus": ({}, _softplus, _sigmoid),
    "mish": ({}, lambda z: z * np.tanh(_softplus(z)), _mish_derivative),
    "softsign": ({}, lambda z: z / (1 + np.abs(z)), lambda z: 1 / (1 + np.abs(z)) ** 2),
    "hardsigmoid": ({}, lambda z: np.clip(z / 6 + 0.5, 0, 1),
                    lambda z: np.where((z > -3) & (z < 3), 1 / 6, 0.0)),
    "hardswish": ({}, lambda z: z * np.clip(z + 3, 0, 6) / 6,
                  lambda z: np.where(z < -3, 0.0, np.where(z > 3, 1.0, (2 * z + 3) / 6))),
    "identity": ({}, lambda z: z.copy(), np.ones_like),
}
"""Every elementwise activation (and GELU's tanh form) written as the formula on its page.

On the benchmark's values (normal, standard deviation 4) they agree with nnlib
to ``rtol=1e-8, atol=1e-12``; where they differ more is where the formula
loses digits (``1 - tanh(z)**2`` is 0 past |z| = 19) or drops a NaN."""

EXPLAINED = {
    ("identity", "derivative"): (2.5, "np.ones_like never reads z; nnlib reads it for NaN"),
    ("softsign", "value"): (3.0, "nnlib is monotone for huge |z| and gives +-1 at +-inf"),
    ("softplus", "value"): (2.0, "nnlib is z itself past z = 20, as PyTorch, and never inf"),
}
"""Rows with their own target, and why: what the extra time buys is measured in the row."""

SPECIAL = np.array([np.nan, -np.inf, np.inf, -1e3, 1e3])
"""Inputs where a textbook expression may give a wrong limit, a NaN or lose NaN."""


def accuracy_note(ours, theirs, z):
    """What nnlib's form buys, measured: the textbook's largest relative difference from
    nnlib on ``z`` (nnlib is within 1e-12 of mpmath: tests/test_activations.py), and
    where the two differ on SPECIAL ("z = nan: textbook 1, nnlib nan")."""
    mine, textbook = ours(z), theirs(z)
    nonzero = mine != 0
    rel = np.abs(textbook[nonzero] - mine[nonzero]) / np.abs(mine[nonzero])
    notes = []
    if rel.size and rel.max() > 1e-12:
        worst = z[nonzero][rel.argmax()]
        notes.append(f"textbook differs by up to {rel.max():.1e} relative (z = {worst:.3g})")
    with np.errstate(all="ignore"):
        mine, textbook = ours(SPECIAL), theirs(SPECIAL)
    notes += [f"z = {x:g}: textbook {float(t)!r}, nnlib {float(m)!r}"
              for x, t, m in zip(SPECIAL, textbook, mine)
              if not (t == m or (np.isnan(t) and np.isnan(m)))]
    return "; ".join(notes) or "same values"


def wall(fn, *args, repeat=1):
    """CPU seconds ``fn(*args)`` takes, the best of ``repeat`` runs (see the module docstring)."""
    return _wall(fn, *args, repeat=repeat, clock=time.process_time)


def _activation_name(name):
    return name.split(" ")[0]


# --- training steps -------------------------------------------------------------


def make_problem(sizes, names, m, seed=0):
    """An nnlib MLP, inputs ``X`` (n_x, m), labels ``Y`` (0/1 for one output, else one-hot)."""
    model = MLP(list(sizes), list(names), seed=seed, init="xavier")
    rng = np.random.default_rng(seed + 1)
    X = rng.standard_normal((sizes[0], m))
    k = sizes[-1]
    if k == 1:
        Y = (X[:1] * X[-1:] > 0).astype(float)
    else:
        Y = np.eye(k)[:, rng.integers(0, k, m)]
    return model, X, Y


def loss_name(model):
    """The loss that goes with the output layer: cross-entropy for softmax, else binary."""
    return "cross_entropy" if model.layers[-1].activation.name == "softmax" else (
        "binary_cross_entropy")


def nnlib_step(model, X, Y, loss, learning_rate=LEARNING_RATE):
    """One step with nnlib's public calls; return the gradients it used."""
    model.forward(X)
    model.backward(Y, loss)
    grads = model.gradients()
    for name, p in model.parameters().items():
        p -= learning_rate * grads["d" + name]
    return grads


def textbook_gradients(params, X, Y, hidden, output):
    """Forward and backward pass, written out; return (A[L], {"dW1": ..., "db1": ...}).

    ``params`` is ``[[W1, b1], [W2, b2], ...]``; ``hidden`` is "tanh" or "relu",
    ``output`` "sigmoid" (with binary cross-entropy) or "softmax" (with
    cross-entropy). The output layer starts from dZ[L] = (A[L] - Y) / m.
    """
    m = X.shape[1]
    L = len(params)
    A = {0: X}
    Z = {}
    for l in range(1, L):
        W, b = params[l - 1]
        Z[l] = W @ A[l - 1] + b
        A[l] = np.tanh(Z[l]) if hidden == "tanh" else np.maximum(Z[l], 0)
    W, b = params[L - 1]
    Z[L] = W @ A[L - 1] + b
    if output == "sigmoid":
        A[L] = 1 / (1 + np.exp(-Z[L]))
    else:
        E = np.exp(Z[L] - Z[L].max(axis=0, keepdims=True))
        A[L] = E / E.sum(axis=0, keepdims=True)
    grads = {}
    dZ = (A[L] - Y) / m
    for l in range(L, 0, -1):
        grads[f"dW{l}"] = dZ @ A[l - 1].T
        grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True)
        if l > 1:
            dA = params[l - 1][0].T @ dZ
            if hidden == "tanh":
                dZ = dA * (1 - A[l - 1] ** 2)
            else:
                dZ = dA * (Z[l - 1] > 0)
    return A[L], grads


def textbook_step(params, X, Y, hidden, output, learning_rate=LEARNING_RATE):
    """One step: :func:`textbook_gradients`, then W -= learning_rate * dW for every layer."""
    _, grads = textbook_gradients(params, X, Y, hidden, output)
    for l, (W, b) in enumerate(params, start=1):
        W -= learning_rate * grads[f"dW{l}"]
        b -= learning_rate * grads[f"db{l}"]
    return grads


def textbook_loss(A, Y, output):
    """Binary cross-entropy (sigmoid) or cross-entropy (softmax), as the pages write them."""
    if output == "sigmoid":
        return -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    return -np.sum(Y * np.log(A)) / Y.shape[1]


def textbook_epochs(params, X, Y, hidden, output, epochs, learning_rate=LEARNING_RATE):
    """The notebook's loop: forward, loss, backward, update, ``epochs`` times; the losses."""
    history = []
    for _ in range(epochs):
        A, grads = textbook_gradients(params, X, Y, hidden, output)
        history.append(textbook_loss(A, Y, output))
        for l, (W, b) in enumerate(params, start=1):
            W -= learning_rate * grads[f"dW{l}"]
            b -= learning_rate * grads[f"db{l}"]
    return history


def _params(model):
    return [[layer.W.copy(), layer.b.copy()] for layer in model.layers]


def check_training(sizes, names, m):
    """Raise unless nnlib and the textbook give the same gradients and losses."""
    model, X, Y = make_problem(sizes, names, m)
    params = _params(model)
    hidden, output = names[0], names[-1]
    _, want = textbook_gradients(params, X, Y, hidden, output)
    got = nnlib_step(model, X, Y, loss_name(model))
    for key in want:
        if not np.allclose(got[key], want[key], rtol=1e-9, atol=1e-15):
            raise AssertionError(f"nnlib and the textbook step disagree on {key} for {sizes}")
    model, X, Y = make_problem(sizes, names, m)
    params = _params(model)
    got = training.gradient_descent(model, X, Y, learning_rate=LEARNING_RATE, epochs=3,
                                    loss=loss_name(model))
    want = textbook_epochs(params, X, Y, hidden, output, 3)
    if not np.allclose(got, want, rtol=1e-12):
        raise AssertionError(f"gradient_descent and the textbook loop disagree for {sizes}")


def judged_ratio(numerator, denominator):
    """(median of the per-round ratios, their interquartile range / median)."""
    ratios = sorted(a / b for a, b in zip(numerator, denominator))
    median = statistics.median(ratios)
    q1, _, q3 = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else (median,) * 3
    return median, (q3 - q1) / median


def ratio_row(measure, times, target, note=""):
    """A row for ``times["nnlib"] / times["textbook"]``, not judged when they spread too widely."""
    ratio, spread = judged_ratio(times["nnlib"], times["textbook"])
    fair = spread <= NOISE_LIMIT
    text = f"{len(times['nnlib'])} pairs, spread {spread:.0%}"
    if not fair:
        text = f"machine busy: {text} > {NOISE_LIMIT:.0%}"
    return Row("nnlib", measure, ratio, target=target, judged=fair,
               note=f"{text}; {note}" if note else text)


def _repeats(seconds_per_call, at_least=0.05):
    """How many calls make one timed run of at least ``at_least`` seconds."""
    return max(1, math.ceil(at_least / max(seconds_per_call, 1e-9)))


def training_rows(quick=False):
    rows = []
    for sizes, names, m in TRAINING:
        check_training(sizes, names, m)
        hidden, output = names[0], names[-1]
        model, X, Y = make_problem(sizes, names, m)
        params, loss = _params(model), loss_name(model)
        n = _repeats(wall(textbook_step, params, X, Y, hidden, output, repeat=3))

        def ours(model=model, X=X, Y=Y, loss=loss, n=n):
            for _ in range(n):
                nnlib_step(model, X, Y, loss)

        def theirs(params=params, X=X, Y=Y, hidden=hidden, output=output, n=n):
            for _ in range(n):
                textbook_step(params, X, Y, hidden, output)

        times = interleave({"nnlib": lambda: wall(ours, repeat=3),
                            "textbook": lambda: wall(theirs, repeat=3)},
                           3 if quick else 40, budget=None if quick else 5,
                           min_rounds=3 if quick else 9)
        rows.append(ratio_row(f"training step {sizes}, m = {m} / textbook", times,
                              STEP_TARGET, f"{n} steps a run"))

        def our_epochs(model=model, X=X, Y=Y, n=n, loss=loss):
            training.gradient_descent(model, X, Y, learning_rate=LEARNING_RATE, epochs=n, loss=loss)

        def their_epochs(params=params, X=X, Y=Y, hidden=hidden, output=output, n=n):
            textbook_epochs(params, X, Y, hidden, output, n)

        times = interleave(
            {"nnlib": lambda: wall(our_epochs, repeat=3),
             "textbook": lambda: wall(their_epochs, repeat=3)},
            3 if quick else 40, budget=None if quick else 5, min_rounds=3 if quick else 9)
        rows.append(ratio_row(f"gradient_descent {sizes}, m = {m} / notebook loop", times,
                              STEP_TARGET, f"{n} epochs a run"))
    return rows


# --- activations ----------------------------------------------------------------------


def activation_rows(quick=False):
    z = np.random.default_rng(2).standard_normal(N_VALUES) * 4
    rows = []
    for name, (params, value, slope) in TEXTBOOK.items():
        act = activations.get(_activation_name(name))
        for kind, ours, theirs in (
            ("value", lambda z, act=act, params=params: act(z, **params), value),
            ("derivative", lambda z, act=act, params=params: act.derivative(z, **params),
             slope),
        ):
            if not np.allclose(ours(z), theirs(z), rtol=1e-8, atol=1e-12):
                raise AssertionError(f"nnlib's {name} {kind} disagrees with the textbook")
            times = interleave({"nnlib": lambda ours=ours: wall(ours, z, repeat=3),
                                "textbook": lambda theirs=theirs: wall(theirs, z, repeat=3)},
                               3 if quick else 20, budget=None if quick else 1.5, min_rounds=3)
            target, why = EXPLAINED.get((_activation_name(name), kind),
                                        (ACTIVATION_TARGET, ""))
            label = f"{name}'" if kind == "derivative" else name
            row = ratio_row(f"{label} (10^6 values) / textbook", times, target, why)
            if row.value > ACTIVATION_TARGET:  # what the extra time buys
                row.note += "; " + accuracy_note(ours, theirs, z)
            rows.append(row)
    return rows


def bench(ws=None, quick=False):
    """Rows for the nnlib benchmark (see the module docstring)."""
    return training_rows(quick) + activation_rows(quick)

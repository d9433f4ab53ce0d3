"""nnlib: one training step and the activations against plain NumPy/SciPy doing the same math.

*MLP step*: ``MLP([64, 256, 256, 10], relu, relu, softmax)`` float64, batch
1024: ``forward(X)`` then ``backward(Y, "cross_entropy")``, against the same
forward and backward pass written out as straight NumPy (no checks, no
objects). *Activations*: nnlib's on 10^6 float64 values against the SciPy or
NumPy expression of the same function. Both sides' results are checked to
agree before anything is timed. Each timing is the best of 3 back-to-back
runs; the ratio is the median over interleaved rounds. NumPy's BLAS keeps its
default threads: the MLP ratio is what a reader's notebook sees.
"""

import numpy as np
from scipy import special

from nnlib import activations
from nnlib.network import MLP
from scripts.bench.common import Row, interleave, paired_ratio, wall

SIZES = (64, 256, 256, 10)
BATCH = 1024
STEP_TARGET = 1.1
ACTIVATION_TARGET = 1.5
N_VALUES = 10**6

REFERENCES = {
    "sigmoid": ("expit", special.expit),
    "tanh": ("np.tanh", np.tanh),
    "relu": ("np.maximum", lambda z: np.maximum(z, 0.0)),
    "gelu": ("erf form", lambda z: 0.5 * z * (1.0 + special.erf(z / np.sqrt(2.0)))),
    "silu": ("z·expit(z)", lambda z: z * special.expit(z)),
    "softplus": ("np.logaddexp", lambda z: np.logaddexp(0.0, z)),
}
"""A label and the plain NumPy/SciPy expression of each benchmarked activation.

They agree with nnlib to ``rtol=1e-8, atol=1e-12``: the erf form of GELU
cancels for very negative z, and nnlib's softplus is z itself past z = 20."""


def make_problem(sizes=SIZES, m=BATCH, seed=0):
    """An nnlib MLP (ReLU hidden layers, softmax output), inputs ``X`` and one-hot ``Y``."""
    model = MLP(list(sizes), ["relu"] * (len(sizes) - 2) + ["softmax"], seed=seed)
    rng = np.random.default_rng(seed + 1)
    X = rng.standard_normal((sizes[0], m))
    Y = np.eye(sizes[-1])[:, rng.integers(0, sizes[-1], m)]
    return model, X, Y


def nnlib_step(model, X, Y):
    """nnlib's forward and backward pass; return (A, {"dW1": ..., "db1": ...})."""
    model.forward(X)
    model.backward(Y, loss="cross_entropy")
    return model.A, model.gradients()


def numpy_step(params, X, Y):
    """The same pass in plain NumPy: ReLU hidden layers, softmax + cross-entropy output.

    ``params`` is ``[(W1, b1), (W2, b2), ...]``. Returns the output and the
    gradients of the mean cross-entropy, as :func:`nnlib_step` does.
    """
    A, cache = X, []
    for W, b in params[:-1]:
        Z = W @ A + b
        cache.append((A, Z))
        A = np.maximum(Z, 0.0)
    W, b = params[-1]
    Z = W @ A + b
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    out = E / E.sum(axis=0, keepdims=True)
    grads, L = {}, len(params)
    dZ = (out - Y) / X.shape[1]
    for l in range(L, 0, -1):
        A_prev = A if l == L else cache[l - 1][0]
        grads[f"dW{l}"] = dZ @ A_prev.T
        grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True)
        if l > 1:
            dZ = (params[l - 1][0].T @ dZ) * (cache[l - 2][1] > 0)
    return out, grads


def _parameters(model):
    return [(layer.W, layer.b) for layer in model.layers]


def bench(ws=None, quick=False):
    """Rows for the nnlib benchmark (see the module docstring)."""
    model, X, Y = make_problem()
    params = _parameters(model)
    a_nn, g_nn = nnlib_step(model, X, Y)
    a_np, g_np = numpy_step(params, X, Y)
    agree = np.allclose(a_nn, a_np, rtol=1e-12, atol=0) and all(
        np.allclose(g_nn[k], g_np[k], rtol=1e-9, atol=1e-15) for k in g_nn)
    if not agree:
        raise AssertionError("nnlib and the NumPy reference disagree on the MLP step")
    times = interleave({"nnlib": lambda: wall(nnlib_step, model, X, Y, repeat=3),
                        "numpy": lambda: wall(numpy_step, params, X, Y, repeat=3)},
                       3 if quick else 30, budget=None if quick else 10, min_rounds=3)
    rows = [Row("nnlib", f"MLP {list(SIZES)} step, batch {BATCH} / NumPy",
                paired_ratio(times["nnlib"], times["numpy"]), target=STEP_TARGET,
                note=f"{len(times['nnlib'])} pairs")]

    z = np.random.default_rng(2).standard_normal(N_VALUES) * 4
    for name, (label, ref) in REFERENCES.items():
        act = activations.get(name)
        if not np.allclose(act(z), ref(z), rtol=1e-8, atol=1e-12):
            raise AssertionError(f"nnlib's {name} disagrees with its reference")
        times = interleave({"nnlib": lambda act=act: wall(act, z, repeat=3),
                            "ref": lambda ref=ref: wall(ref, z, repeat=3)},
                           3 if quick else 20, budget=None if quick else 2.5, min_rounds=3)
        rows.append(Row("nnlib", f"{name} (10^6 values) / {label}",
                        paired_ratio(times["nnlib"], times["ref"]), target=ACTIVATION_TARGET,
                        note=f"{len(times['ref'])} pairs"))
    return rows


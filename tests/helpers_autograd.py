"""An independent reference for back-propagation: the same network written
with autograd.numpy and differentiated by the ``autograd`` package.

Nothing here calls nnlib's activations or losses; only the network's weights
and the names of its activations are read.
"""

import autograd.numpy as anp
from autograd import grad
from autograd.scipy.special import erfc, logsumexp


def _sigmoid(z):
    # exp(-log(1 + e^-z)): autograd differentiates this to sigmoid(z) * sigmoid(-z),
    # exact in saturation, where expit's a * (1 - a) cancels.
    return anp.exp(-anp.logaddexp(0.0, -z))


def _tanh(z):
    # autograd's own tanh gradient, 1/cosh(z)^2, overflows for |z| > 710
    return 2 * _sigmoid(2 * z) - 1


def _tanh_of_nonnegative(s):
    return -anp.expm1(-2 * s) / (1 + anp.exp(-2 * s))  # no cancellation near 0


def _elu(z, alpha=1.0):
    # exp(z) - 1, not expm1: autograd differentiates expm1 as expm1(z) + 1,
    # which cancels to 0 for z << 0 where the true slope alpha * e^z is tiny
    return anp.where(z > 0, z, alpha * (anp.exp(anp.minimum(z, 0.0)) - 1))


def _gelu(z, approximate="none"):
    if approximate == "tanh":
        u = anp.sqrt(2 / anp.pi) * (z + 0.044715 * z**3)
        return z * _sigmoid(2 * u)
    return 0.5 * z * erfc(-z / anp.sqrt(2.0))  # erfc(-x) = 1 + erf(x), without cancelling


def _softplus(z, beta=1.0, threshold=20.0):
    return anp.where(beta * z > threshold, z, anp.logaddexp(0.0, beta * z) / beta)


def _softmax(z, axis=0):
    e = anp.exp(z - anp.max(z, axis=axis, keepdims=True))
    return e / anp.sum(e, axis=axis, keepdims=True)


# Written from the textbook formulas for autograd; parameters keep nnlib's
# names so ``act.defaults`` can be passed straight through.
ACTIVATIONS = {
    "sigmoid": _sigmoid,
    "tanh": _tanh,
    "relu": lambda z: anp.where(z > 0, z, 0.0),
    "leaky_relu": lambda z, alpha=0.01: anp.where(z > 0, z, alpha * z),
    "elu": _elu,
    "selu": lambda z: 1.0507009873554805 * _elu(z, 1.6732632423543772),
    "gelu": _gelu,
    "silu": lambda z: z * _sigmoid(z),
    "softplus": _softplus,
    "mish": lambda z: z * _tanh_of_nonnegative(anp.logaddexp(0.0, z)),
    "softsign": lambda z: z / (1 + anp.abs(z)),
    "hardsigmoid": lambda z: anp.clip(z + 3, 0, 6) / 6,
    "hardswish": lambda z: anp.where(z < -3, 0.0, anp.where(z > 3, z, z * (z + 3) / 6)),
    "identity": lambda z: z,
    "softmax": _softmax,
}

LOSSES = {
    "binary_cross_entropy": lambda A, Y: -anp.mean(Y * anp.log(A) + (1 - Y) * anp.log(1 - A)),
    "cross_entropy": lambda A, Y: -anp.sum(Y * anp.log(A)) / A.shape[1],
    "mse": lambda A, Y: anp.mean((A - Y) ** 2),
    # from logits Z: mean over columns of logsumexp(z) - z_c (Y one-hot picks z_c)
    "softmax_cross_entropy": lambda Z, Y: anp.mean(
        logsumexp(Z, axis=0) - anp.sum(Y * Z, axis=0)
    ),
}


def reference_activation(act):
    """The autograd version of nnlib activation ``act``, with its default parameters."""
    if act.name not in ACTIVATIONS:
        raise KeyError(
            f"no autograd reference for activation {act.name!r}: add one to "
            f"tests/helpers_autograd.py so its gradients are checked independently"
        )
    fn = ACTIVATIONS[act.name]
    return lambda z: fn(z, **act.defaults)


def reference_gradients(model, X, Y, loss):
    """``model.gradients()`` computed by autograd, as a dict with the same keys.

    A dropout layer multiplies by the mask its last forward drew (``layer.mask``,
    True = kept) and divides by 1 - p; in evaluation mode (no mask) it passes
    its input on.
    """
    steps = []  # ("dense", g) or ("dropout", scaled mask or None), in order
    for layer in model.layers:
        if hasattr(layer, "W"):
            steps.append(("dense", reference_activation(layer.activation)))
        else:
            mask = None if layer.mask is None else layer.mask / (1 - layer.p)
            steps.append(("dropout", mask))
    J_of = LOSSES[loss]

    def J(params):
        A, weights = X, iter(params)
        for kind, step in steps:
            if kind == "dense":
                W, b = next(weights)
                A = step(W @ A + b)
            elif step is not None:
                A = A * step
        return J_of(A, Y)

    params = [(layer.W.copy(), layer.b.copy()) for layer in model.layers if hasattr(layer, "W")]
    grads = grad(J)(params)
    out = {}
    for l, (dW, db) in enumerate(grads, start=1):
        out[f"dW{l}"] = dW
        out[f"db{l}"] = db
    return out

r"""Independent high-precision reference definitions of every activation.

Each function here is PyTorch's *documented* definition written out plainly
with mpmath. No stability tricks are needed: mpmath's exponent range is
unbounded, and every evaluation at ``x`` runs with ``60 + min(|x|, 1000)`` significant
digits, enough for $1 + e^{-|x|}$ or $1 - \sigma(x)$ to keep 60 digits of
their small part. (One exact identity is used, in :func:`gelu`.)

Derivatives are not written by hand: :func:`derivative` differentiates the
reference function numerically with ``mpmath.diff`` at that precision, so a
wrong hand-derived formula in ``nnlib`` cannot be copied into its reference.

Nothing here imports ``nnlib``.
"""

import functools
import math

import mpmath as mp

DIGITS = 60
"""Significant digits of every evaluation (more for large |x|); mpmath's global
precision is left alone."""

SELU_ALPHA = mp.mpf("1.6732632423543772848170429916717")
SELU_SCALE = mp.mpf("1.0507009873554804934193349852946")


def _f(x):
    """A float or mpf as an mpf (floats exactly)."""
    return mp.mpf(x)


def sigmoid(x):
    return 1 / (1 + mp.exp(-x))


def tanh(x):
    return mp.tanh(x)


def relu(x):
    return x if x > 0 else mp.mpf(0)


def leaky_relu(x, alpha=0.01):
    return x if x > 0 else _f(alpha) * x


def elu(x, alpha=1.0):
    return x if x > 0 else _f(alpha) * (mp.exp(x) - 1)


def selu(x):
    # PyTorch: scale * (max(0, x) + min(0, alpha * (exp(x) - 1)))
    return SELU_SCALE * (max(0, x) + min(0, SELU_ALPHA * (mp.exp(x) - 1)))


def gelu(x, approximate="none"):
    if approximate == "none":
        return x * mp.ncdf(x)
    if approximate == "tanh":
        inner = mp.sqrt(2 / mp.pi) * (x + mp.mpf("0.044715") * x**3)
        # 1 + tanh(u) = 2 / (1 + e^(-2u)) exactly; this form needs no extra
        # digits when u << 0 (u reaches -7e7 at x = -1000).
        return x / 2 * (2 / (1 + mp.exp(-2 * inner)))
    raise ValueError(approximate)


def silu(x):
    return x / (1 + mp.exp(-x))


def softplus(x, beta=1.0, threshold=20.0):
    bx = _f(beta) * x
    if bx > _f(threshold):
        return x
    return mp.log(1 + mp.exp(bx)) / _f(beta)


def mish(x):
    return x * mp.tanh(mp.log(1 + mp.exp(x)))


def softsign(x):
    return x / (1 + abs(x))


def hardsigmoid(x):
    if x <= -3:
        return mp.mpf(0)
    if x >= 3:
        return mp.mpf(1)
    return x / 6 + mp.mpf(1) / 2


def hardswish(x):
    if x <= -3:
        return mp.mpf(0)
    if x >= 3:
        return x
    return x * (x + 3) / 6


def identity(x):
    return x


FUNCTIONS = {
    f.__name__: f
    for f in (
        sigmoid, tanh, relu, leaky_relu, elu, selu, gelu, silu,
        softplus, mish, softsign, hardsigmoid, hardswish, identity,
    )
}


def _call(name, x, params):
    return FUNCTIONS[name](x, **dict(params))


def _digits(x):
    """Working precision for evaluating at x (see the module docstring)."""
    # Past |x| = 1000 the small parts (e^-|x| and the like) underflow float64.
    return DIGITS + int(min(abs(x), 1000))


@functools.lru_cache(maxsize=None)
def value(name, x, params=()):
    """f(x) rounded to the nearest float64; ``params`` is a tuple of pairs."""
    with mp.workdps(_digits(x)):
        return float(_call(name, _f(x), params))


@functools.lru_cache(maxsize=None)
def derivative(name, x, params=()):
    """f'(x) by high-precision numerical differentiation, rounded to float64.

    ``mpmath.diff`` uses a central difference with a tiny step at extra
    working precision; ``x`` must not be a kink of f.
    """
    with mp.workdps(_digits(x)):
        return float(mp.diff(lambda t: _call(name, t, params), _f(x)))


def derivative_root(name, guess, params=()):
    """The zero of f' nearest ``guess`` (an mpf at full precision)."""
    with mp.workdps(DIGITS):
        return +mp.findroot(lambda t: mp.diff(lambda u: _call(name, u, params), t), _f(guess))


def taylor_of_derivative(name, at, n, params=()):
    """Coefficients c_0..c_n of f'(at + d) = sum c_k d^k (mpf)."""
    # f(at + d) = sum a_k d^k, so f'(at + d) = sum (k + 1) a_{k+1} d^k.
    with mp.workdps(DIGITS):
        a = mp.taylor(lambda t: _call(name, t, params), at, n + 1)
        return [+((k + 1) * a[k + 1]) for k in range(n + 1)]


def softmax(column):
    """Softmax of a sequence of floats, as float64."""
    with mp.workdps(DIGITS):
        zs = [_f(v) for v in column]
        es = [mp.exp(v) for v in zs]  # no max subtracted: mpmath cannot overflow
        total = mp.fsum(es)
        return [float(e / total) for e in es]


def softmax_jacobian(column):
    """d softmax_i / d z_j of one column, by mpmath.diff, as nested lists of float64."""
    k = len(column)

    def s(i, zs):
        es = [mp.exp(v) for v in zs]
        return es[i] / mp.fsum(es)

    def partial(i, j):
        zs = [_f(v) for v in column]
        return mp.diff(lambda t: s(i, zs[:j] + [t] + zs[j + 1:]), zs[j])

    with mp.workdps(DIGITS):
        return [[float(partial(i, j)) for j in range(k)] for i in range(k)]


def is_close(got, want, rtol=1e-12, atol=1e-300):
    """got within rtol of want (infinities must match exactly)."""
    if math.isinf(want) or math.isinf(got):
        return got == want
    return abs(got - want) <= max(rtol * abs(want), atol)

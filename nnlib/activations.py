r"""Activation functions and their derivatives.

Each activation is a callable object: ``sigmoid(z)`` is $\sigma(z)$ and
``sigmoid.derivative(z)`` is $\sigma'(z)$, both functions of the
pre-activation ``z`` (not of the output ``a``). Parameters are keyword
arguments of both, with PyTorch's defaults: leaky ReLU's slope ``alpha`` is
0.01 unless given, so a slope of 0.2 is ``leaky_relu(z, alpha=0.2)`` with
``leaky_relu.derivative(z, alpha=0.2)``.

All of them accept a Python scalar or a NumPy array of any shape and return
the same shape. Float arrays keep their dtype; integers and booleans are
computed in float64. (Every formula is evaluated in float64 and the result
rounded to the input's dtype, so float16 and float32 get correctly rounded
values.) The formulas are the numerically stable ones: no overflow, invalid
or divide warning for any finite input or $\pm\infty$, the right limits at
$\pm\infty$, and NaN in gives NaN out.

Elementwise: [`sigmoid`][nnlib.activations.sigmoid], [`tanh`][nnlib.activations.tanh],
[`relu`][nnlib.activations.relu], [`leaky_relu`][nnlib.activations.leaky_relu],
[`elu`][nnlib.activations.elu], [`selu`][nnlib.activations.selu],
[`gelu`][nnlib.activations.gelu], [`silu`][nnlib.activations.silu],
[`softplus`][nnlib.activations.softplus], [`mish`][nnlib.activations.mish],
[`softsign`][nnlib.activations.softsign], [`hardsigmoid`][nnlib.activations.hardsigmoid],
[`hardswish`][nnlib.activations.hardswish], [`identity`][nnlib.activations.identity].
Not elementwise: [`softmax`][nnlib.activations.softmax], whose ``derivative`` is a
Jacobian matrix.

Find an activation by name with [`get`][nnlib.activations.get];
[`ACTIVATIONS`][nnlib.activations.ACTIVATIONS] maps every name to its object.
"""

import functools
import inspect
import math

import numpy as np
from scipy import special

from nnlib._checks import (
    FLOAT64,
    all_finite,
    as_float_array,
    check_parameters,
    describe,
    real_number,
    unwrap_scalar,
)

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "SELU_ALPHA",
    "SELU_SCALE",
    "Softmax",
    "elu",
    "gelu",
    "get",
    "hardsigmoid",
    "hardswish",
    "identity",
    "leaky_relu",
    "mish",
    "relu",
    "selu",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "softsign",
    "tanh",
]

ACTIVATIONS = {}
"""Every activation by name, in the order they are defined."""


class Activation:
    """An elementwise activation $g(z)$ with its derivative $g'(z)$.

    Made by the ``activation`` decorator from a function of ``z``; the
    derivative is attached with
    [`derivative_of`][nnlib.activations.Activation.derivative_of]. Calling
    the object checks the input, converts it to a float array and returns an
    array of the same shape and dtype (a NumPy scalar for a scalar input).
    """

    _elementwise = True

    def __init__(self, fn):
        functools.update_wrapper(self, fn)
        self.name = fn.__name__
        self._fn = fn
        self._dfn = None
        self._signature = inspect.signature(fn)
        self.defaults = {
            p.name: p.default
            for p in list(self._signature.parameters.values())[1:]
        }

    def __call__(self, z, **params):
        return self._apply(self._fn, z, params)

    def derivative(self, z, **params):
        """The derivative $g'(z)$, a function of ``z``, same parameters as $g$."""
        return self._apply(self._dfn, z, params)

    def backward(self, z, dA, **params):
        r"""Chain rule through this activation: $dZ = dA \odot g'(Z)$."""
        dA = as_float_array(dA, f"{self.name}.backward: dA")
        g = np.asarray(self.derivative(z, **params))
        if dA.shape != g.shape:
            raise ValueError(
                f"{self.name}.backward: dA must have the shape of z, {g.shape}, got {dA.shape}"
            )
        return dA * g

    def derivative_of(self, dfn):
        """Decorator: attach ``dfn(z, **params)`` as this activation's derivative."""
        if inspect.signature(dfn) != self._signature:
            raise TypeError(
                f"{self.name}: the derivative's signature {inspect.signature(dfn)} "
                f"differs from the function's {self._signature}"
            )
        self._dfn = dfn
        return self

    def _apply(self, fn, z, params):
        if params:
            unknown = sorted(set(params) - set(self.defaults))
            if unknown:
                takes = ", ".join(f"{k}={v!r}" for k, v in self.defaults.items())
                raise TypeError(
                    f"{self.name} got unknown parameter(s) {', '.join(unknown)}; "
                    f"it takes {takes or 'no parameters'}"
                )
            check_parameters(self.name, params)
        if fn is None:
            raise NotImplementedError(
                f"{self.name} has no derivative: attach one with @{self.name}.derivative_of"
            )
        z = as_float_array(z, f"{self.name}: z")
        if z.ndim == 0 and self._elementwise:  # the formulas work in place, on arrays
            return self._apply(fn, z.reshape(1), params)[0]
        if z.dtype is FLOAT64:  # no round trip
            return unwrap_scalar(np.asarray(fn(z, **params)))
        out = np.asarray(fn(z.astype(np.float64), **params))
        return unwrap_scalar(_round_to(out, z.dtype))

    _fused_chain = None
    """Optional ``f(z, dA)``: the chain rule in fewer passes than ``dA * g'(z)``."""

    def _chain(self, z, dA):
        r"""$dA \odot g'(z)$ for float64 ``z`` and ``dA`` that a layer has already checked."""
        if self._fused_chain is not None:
            return self._fused_chain(z, dA)
        if self._dfn is None:
            self._apply(None, z, {})  # says what is missing
        g = self._dfn(z)
        if g is z or g.shape != dA.shape or g.dtype is not FLOAT64:
            return dA * g
        return np.multiply(g, dA, out=g)  # the derivative is a new array: reuse it

    def __repr__(self):
        return f"<activation {self.name}>"


def activation(fn):
    """Decorator: turn ``fn(z, **params)`` into a registered activation.

    The result is an [`Activation`][nnlib.activations.Activation], listed in
    [`ACTIVATIONS`][nnlib.activations.ACTIVATIONS] under ``fn``'s name.
    """
    return _register(Activation(fn))


def _register(act):
    ACTIVATIONS[act.name] = act
    return act


def get(name):
    """Return the activation called ``name``.

    Examples
    --------
    >>> get("tanh")
    <activation tanh>
    >>> get("relu6")
    Traceback (most recent call last):
        ...
    ValueError: unknown activation 'relu6'; known: sigmoid, tanh, relu, leaky_relu...
    """
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise TypeError(f"an activation name must be a string, got {type(name).__name__}")
    try:
        return ACTIVATIONS[name]
    except KeyError:
        known = ", ".join(ACTIVATIONS)
        raise ValueError(f"unknown activation {name!r}; known: {known}") from None


# --- numerical helpers -------------------------------------------------------


def _round_to(out, dtype):
    """``out`` (float64) rounded to ``dtype``."""
    # Rounding may flush a tiny float64 value to 0 in float16/32: that is the
    # correctly rounded answer, not an error, so it raises no underflow.
    with np.errstate(under="ignore"):
        return out.astype(dtype, copy=False)


def _where_nan(z, out):
    """Put NaN in ``out`` (in place) wherever ``z`` is NaN (for piecewise formulas)."""
    # One min() tells whether there is a NaN at all; only then is there a second pass.
    if z.size and math.isnan(z.min()):
        np.copyto(out, z, where=np.isnan(z))
    return out


def _exp_neg_abs(z, scale=1.0):
    r"""$e^{-s|z|}$ for ``scale`` $s > 0$, a new array.

    Where $s|z|$ overflows or $e^{-s|z|}$ underflows, the result is exactly 0,
    which is right, so neither raises a signal.
    """
    e = np.abs(z)
    with np.errstate(over="ignore", under="ignore"):
        e *= -scale
        return np.exp(e, out=e)


def _sigmoid(x):
    r"""$\sigma(x) = 1 / (1 + e^{-x})$, a new array, within a few ulps (no cancellation).

    Where $e^{-x}$ overflows, $\sigma(x)$ is 0 (it is below 1e-308 there), and where it
    rounds to 0, $\sigma(x)$ is 1: both right, so neither raises a signal.
    """
    with np.errstate(over="ignore", under="ignore"):
        out = np.negative(x)
        np.exp(out, out=out)
        out += 1
        return np.divide(1, out, out=out)


_LOG1P_EXP_IS_X = 37.0
r"""Past this, $\log(1 + e^x)$ is $x$ itself in float64 ($e^{-x}$ is under half an ulp of $x$)."""


def _log1p_exp(x):
    r"""$\log(1 + e^{\min(x, 37)})$, a new array: softplus of $x$ up to 37 (to a few
    ulps; exactly 0, without a signal, where $e^x$ rounds to 0), and 37 past it, where
    softplus is $x$ itself in float64: softplus returns $x$ there, and mish's $\tanh$ of
    37 is 1, as of $x$."""
    out = np.minimum(x, _LOG1P_EXP_IS_X)
    with np.errstate(under="ignore"):
        np.exp(out, out=out)
        return np.log1p(out, out=out)


_EXP_IS_ZERO = math.log(np.finfo(np.float64).smallest_subnormal) - 1
"""Below this, $e^a$ rounds to exactly 0 in float64."""


def _exp(a):
    """$e^a$, exactly 0 (without an underflow signal) where it rounds to 0."""
    return np.exp(a, out=np.zeros_like(a), where=~(a < _EXP_IS_ZERO))


def _near_root(z, plain, root, coeffs, width=0.01):
    r"""Use a Taylor series for $g'$ within ``width`` of a root of $g'$.

    Near a root, $g'$ is a difference of two nearly equal terms, and the plain
    formula keeps its absolute but not its relative precision. There
    $g'(z) = \sum_{k \ge 1} c_k d^k$ with $d = z - z_0$ keeps both; ``root``
    is $z_0$ as a pair ``(hi, lo)`` with $z_0 = \text{hi} + \text{lo}$ to 32 digits.
    """
    hi, lo = root
    # Only the few z near the root get the series (``plain`` is changed in place).
    near = (z > hi - 2 * width) & (z < hi + 2 * width)
    if near.any():
        d = (z[near] - hi) - lo  # z - hi is exact near the root
        series = np.polynomial.polynomial.polyval(d, (0.0, *coeffs))
        plain[near] = np.where(np.abs(d) < width, series, plain[near])
    return plain


# --- sigmoid -----------------------------------------------------------------


@activation
def sigmoid(z):
    r"""Logistic sigmoid.

    $$\sigma(z) = \frac{1}{1 + e^{-z}}, \qquad
      \sigma'(z) = \sigma(z)\,\bigl(1 - \sigma(z)\bigr) = \sigma(z)\,\sigma(-z).$$

    Range $(0, 1)$: the output is a probability, never exactly 0 or 1 for
    finite $z$ in exact arithmetic (float64 rounds $\sigma(40)$ to 1).
    Computed with ``scipy.special.expit``, which never takes ``exp`` of a
    large positive number. The derivative is computed as
    $\sigma(z)\,\sigma(-z) = e^{-|z|} / (1 + e^{-|z|})^2$, which keeps full
    relative precision where $1 - \sigma(z)$ would cancel.

    Examples
    --------
    >>> sigmoid(0.0)
    0.5
    >>> sigmoid(np.array([-1000.0, 2.0, 1000.0]))
    array([0.        , 0.88079708, 1.        ])
    >>> sigmoid.derivative(0.0)
    0.25
    """
    return special.expit(z)


@sigmoid.derivative_of
def _(z):
    e = _exp_neg_abs(z)  # sigma(z) sigma(-z) = e / (1 + e)^2 with e = e^{-|z|}
    d = e + 1
    d *= d
    with np.errstate(under="ignore"):  # subnormal far out: right, no signal
        return np.divide(e, d, out=e)


# --- tanh --------------------------------------------------------------------


@activation
def tanh(z):
    r"""Hyperbolic tangent.

    $$\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}, \qquad
      \tanh'(z) = 1 - \tanh^2(z) = \frac{1}{\cosh^2 z}.$$

    Range $(-1, 1)$, zero-centred; $\tanh(z) = 2\sigma(2z) - 1$. The
    derivative uses the right-hand form: $1 - \tanh^2 z$ loses all its
    digits to cancellation once $\tanh z$ rounds to $\pm 1$.

    Examples
    --------
    >>> tanh(0.5)
    0.46211715726000974
    >>> tanh.derivative(np.array([0.0, 1000.0]))
    array([1., 0.])
    """
    return np.tanh(z)


@tanh.derivative_of
@np.errstate(over="ignore", under="ignore")  # as a decorator: cheaper than a with block
def _(z):
    # sech^2 z = (1 / cosh z)^2, within a few ulps. Where cosh z overflows to inf
    # the result is 0 and where the square is subnormal it rounds: both right, no signal.
    d = np.cosh(z)
    np.reciprocal(d, out=d)
    d *= d
    return d


# --- ReLU --------------------------------------------------------------------


@activation
def relu(z):
    r"""Rectified linear unit.

    $$\operatorname{ReLU}(z) = \max(0, z), \qquad
      \operatorname{ReLU}'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}$$

    Range $[0, \infty)$. ReLU has no derivative at $z = 0$; nnlib uses
    $\operatorname{ReLU}'(0) = 0$, as PyTorch, d2l.ai and CS231n do.

    Examples
    --------
    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    >>> relu.derivative(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 1.])
    """
    return np.maximum(z, 0)


@relu.derivative_of
def _(z):
    d = np.empty_like(z)
    np.greater(z, 0, out=d, casting="unsafe")  # 0 for z <= 0 (the kink included)
    return _where_nan(z, d)


def _relu_chain(z, dA):
    r"""$dA \odot [z > 0]$: a layer's backward through ReLU, NaN kept.

    $\lceil \operatorname{clip}(z, 0, 1) \rceil$ is $[z > 0]$ as floats, and NaN where $z$ is:
    two quick float loops, where ``dA * (z > 0)`` spends longer turning the mask into floats."""
    d = z.clip(0, 1)
    np.ceil(d, out=d)
    d *= dA
    return d


relu._fused_chain = _relu_chain


# --- leaky ReLU --------------------------------------------------------------


@activation
def leaky_relu(z, alpha=0.01):
    r"""Leaky ReLU with negative slope ``alpha`` (default 0.01, as PyTorch).

    $$\operatorname{LReLU}(z) = \begin{cases} z & z > 0 \\ \alpha z & z \le 0 \end{cases}
      \qquad
      \operatorname{LReLU}'(z) = \begin{cases} 1 & z > 0 \\ \alpha & z \le 0 \end{cases}$$

    For $0 \le \alpha \le 1$ this is $\max(\alpha z, z)$. At the kink nnlib
    uses $\operatorname{LReLU}'(0) = \alpha$, as PyTorch does.

    Examples
    --------
    >>> leaky_relu(np.array([-2.0, 3.0]))
    array([-0.02,  3.  ])
    >>> leaky_relu.derivative(np.array([-2.0, 0.0, 3.0]), alpha=0.1)
    array([0.1, 0.1, 1. ])
    """
    real_number(alpha, "leaky_relu: alpha")
    return np.where(z > 0, z, alpha * z)


@leaky_relu.derivative_of
def _(z, alpha=0.01):
    real_number(alpha, "leaky_relu: alpha")
    return _where_nan(z, np.where(z > 0, 1.0, float(alpha)))  # float64, whatever alpha is


# --- ELU and SELU ------------------------------------------------------------


def _elu(z, alpha, scale=1.0):
    """``scale * z`` for z > 0, ``alpha * (e^z - 1)`` for z <= 0."""
    # min(z, 0): expm1 never sees a large positive z (it would overflow).
    out = np.minimum(z, 0)
    with np.errstate(under="ignore"):  # alpha * (e^z - 1) may be subnormal: right, no signal
        np.expm1(out, out=out)
        out *= alpha
    np.multiply(z, scale, out=out, where=z > 0)
    return out


def _elu_derivative(z, alpha, scale=1.0):
    d = np.minimum(z, 0)
    with np.errstate(under="ignore"):  # e^z rounds to 0 far out: right, no signal
        np.exp(d, out=d)
        d *= alpha
    np.copyto(d, scale, where=z > 0)
    return d


@activation
def elu(z, alpha=1.0):
    r"""Exponential linear unit with saturation value $-\alpha$ (default 1.0).

    $$\operatorname{ELU}(z) = \begin{cases} z & z > 0 \\ \alpha\,(e^{z} - 1) & z \le 0 \end{cases}
      \qquad
      \operatorname{ELU}'(z) = \begin{cases} 1 & z > 0 \\ \alpha\, e^{z} & z \le 0 \end{cases}$$

    Range $(-\alpha, \infty)$. $e^z - 1$ is computed with ``expm1``, which
    keeps full precision for small $|z|$ where $e^z \approx 1$. At the kink
    nnlib uses $\operatorname{ELU}'(0) = \alpha$ (the $z \le 0$ branch), as
    PyTorch does; for $\alpha = 1$ both sides agree there.

    Examples
    --------
    >>> elu(np.array([-1000.0, -1.0, 0.0, 2.0]))
    array([-1.        , -0.63212056,  0.        ,  2.        ])
    >>> elu.derivative(np.array([-1.0, 0.0, 2.0]), alpha=0.5)
    array([0.18393972, 0.5       , 1.        ])
    """
    real_number(alpha, "elu: alpha")
    return _elu(z, alpha)


@elu.derivative_of
def _(z, alpha=1.0):
    real_number(alpha, "elu: alpha")
    return _elu_derivative(z, alpha)


SELU_ALPHA = 1.6732632423543772848170429916717
r"""SELU's $\alpha$ (Klambauer et al. 2017), as in PyTorch."""
SELU_SCALE = 1.0507009873554804934193349852946
r"""SELU's $\lambda$ (Klambauer et al. 2017), as in PyTorch."""
_SELU_SCALE_ALPHA = 1.7580993408473768
r"""$\lambda\alpha$ correctly rounded (the product of the rounded constants is 1 ulp off)."""


@activation
def selu(z):
    r"""Scaled ELU, with the fixed constants of Klambauer et al. (2017).

    $$\operatorname{SELU}(z) = \lambda \begin{cases} z & z > 0 \\
        \alpha\,(e^{z} - 1) & z \le 0 \end{cases}
      \qquad
      \operatorname{SELU}'(z) = \lambda \begin{cases} 1 & z > 0 \\
        \alpha\, e^{z} & z \le 0 \end{cases}$$

    with $\alpha \approx 1.6733$ ([`SELU_ALPHA`][nnlib.activations.SELU_ALPHA])
    and $\lambda \approx 1.0507$ ([`SELU_SCALE`][nnlib.activations.SELU_SCALE]),
    chosen so that activations keep zero mean and unit variance through deep
    layers. Like PyTorch, it takes no parameters. At the kink nnlib uses
    $\operatorname{SELU}'(0) = \lambda\alpha \approx 1.7581$ (the $z \le 0$
    branch), as PyTorch does. (For $|z| > 1.7\cdot10^{308}/\lambda$ the
    exact result exceeds the largest float64 and overflows to $\pm\infty$.)

    Examples
    --------
    >>> selu(np.array([-1000.0, 0.0, 1.0]))
    array([-1.75809934,  0.        ,  1.05070099])
    >>> selu.derivative(np.array([-1.0, 0.0, 1.0]))
    array([0.6467686 , 1.75809934, 1.05070099])
    """
    return _elu(z, _SELU_SCALE_ALPHA, SELU_SCALE)


@selu.derivative_of
def _(z):
    return _elu_derivative(z, _SELU_SCALE_ALPHA, SELU_SCALE)


# --- GELU --------------------------------------------------------------------

_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_GELU_KAPPA = 0.044715

# Roots z0 = hi + lo of g' and Taylor coefficients c_1..c_7 of g'(z0 + d),
# computed with mpmath (tests/reference.py; tests/test_activations.py checks them).
_GELU_ROOT = (-0.7517915246935645, 1.4956759177009883e-17)
_GELU_SERIES = (
    0.4314939923140469, 0.388284982990552, -0.018199676398671087,
    -0.1140082332972217, -0.014771522148244337, 0.019421679838189067,
    0.004539228379125415,
)
_GELU_TANH_ROOT = (-0.7524614220710163, 3.635560509207687e-17)
_GELU_TANH_SERIES = (
    0.4304000910248585, 0.38751844613578895, -0.01578285352184803,
    -0.11394448308095899, -0.01661932834305256, 0.019682309459833118,
    0.005261059254921912,
)


def _gelu_mode(approximate):
    if not isinstance(approximate, str) or approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {describe(approximate)}")
    return approximate


def _gelu_tanh_parts(z):
    r"""Clipped z, $\sigma(\pm 2u)$ and $2u'$, for $u = \sqrt{2/\pi}(z + \kappa z^3)$."""
    # Past |z| = 30, sigma(2u) is exactly 0 or 1; the clip keeps z^3 from overflowing.
    zc = np.clip(z, -30, 30)
    two_u = 2 * _SQRT_2_OVER_PI * (zc + _GELU_KAPPA * zc**3)
    two_du = 2 * _SQRT_2_OVER_PI * (1 + 3 * _GELU_KAPPA * zc**2)
    return zc, special.expit(two_u), special.expit(-two_u), two_du


@activation
def gelu(z, approximate="none"):
    r"""Gaussian error linear unit (Hendrycks & Gimpel 2016).

    With $\Phi$ and $\varphi$ the standard normal CDF and density,
    ``approximate="none"`` (the default) is the exact GELU:

    $$\operatorname{GELU}(z) = z\,\Phi(z), \qquad
      \operatorname{GELU}'(z) = \Phi(z) + z\,\varphi(z).$$

    ``approximate="tanh"`` is the tanh approximation, with
    $u = \sqrt{2/\pi}\,(z + 0.044715\,z^3)$, and its own derivative:

    $$g(z) = \tfrac{1}{2} z\,\bigl(1 + \tanh u\bigr) = z\,\sigma(2u), \qquad
      g'(z) = \sigma(2u) + z\,\sigma(2u)\,\sigma(-2u)\,
        2\sqrt{2/\pi}\,\bigl(1 + 3 \cdot 0.044715\, z^2\bigr).$$

    It is computed as $z\,\sigma(2u)$: $1 + \tanh u$ would cancel for
    $u \ll 0$. Any other ``approximate`` raises ``ValueError``. GELU is
    smooth (no kinks); its minimum, $\approx -0.17$ at $z \approx -0.75$, is
    a root of $g'$, where a Taylor series keeps $g'$ accurate. Past
    $|z| = 40$ (exact) or $30$ (tanh) the result is $z$ or $-0$ to float64
    precision.

    Examples
    --------
    >>> gelu(np.array([-1.0, 0.0, 1.0]))
    array([-0.15865525,  0.        ,  0.84134475])
    >>> gelu(1.0, approximate="tanh")
    0.8411919906082768
    >>> gelu.derivative(np.array([-1.0, 0.0, 1.0]))
    array([-0.08331547,  0.5       ,  1.08331547])
    >>> gelu.derivative(1.0, approximate="tanh")
    1.0829640838457826
    """
    if _gelu_mode(approximate) == "tanh":
        zc, s, _, _ = _gelu_tanh_parts(z)
        return np.where(z > 30, z, zc * s)
    # Past |z| = 40, Phi(z) is exactly 0 or 1; the clip avoids -inf * 0.
    zc = np.clip(z, -40, 40)
    return np.where(z > 40, z, zc * special.ndtr(zc))


@gelu.derivative_of
def _(z, approximate="none"):
    if _gelu_mode(approximate) == "tanh":
        zc, s, s_minus, two_du = _gelu_tanh_parts(z)
        plain = s + zc * s * s_minus * two_du
        return _near_root(z, plain, _GELU_TANH_ROOT, _GELU_TANH_SERIES)
    zc = np.clip(z, -40, 40)
    d = zc * zc
    d *= -0.5
    with np.errstate(under="ignore"):  # the density rounds to 0 far out: right, no signal
        np.exp(d, out=d)
        d /= math.sqrt(2 * math.pi)
        d *= zc
    d += special.ndtr(zc)  # Phi(z) + z phi(z)
    return _near_root(z, d, _GELU_ROOT, _GELU_SERIES)


# --- SiLU --------------------------------------------------------------------

_SILU_ROOT = (-1.2784645427610737, -1.0946994183093437e-16)
_SILU_SERIES = (
    0.2178117057198001, 0.1466487969969469, 0.018874814223782312,
    -0.015222655223188032, -0.006606589138356696, 0.000126627410081122,
    0.0007985218818397998,
)


@activation
def silu(z):
    r"""Sigmoid linear unit, also called swish: $z$ gated by $\sigma(z)$.

    $$\operatorname{SiLU}(z) = z\,\sigma(z), \qquad
      \operatorname{SiLU}'(z) = \sigma(z)\,\bigl(1 + z\,\sigma(-z)\bigr).$$

    Smooth, no kinks. The minimum, $\approx -0.28$ at $z \approx -1.278$,
    is a root of the derivative, where a Taylor series keeps it accurate.
    Past $|z| = 800$, $\sigma(z)$ is exactly 0 or 1 in float64.

    Examples
    --------
    >>> silu(np.array([-1.0, 0.0, 2.0]))
    array([-0.26894142,  0.        ,  1.76159416])
    >>> silu.derivative(np.array([-1.0, 0.0, 2.0]))
    array([0.07232949, 0.5       , 1.09078425])
    """
    zc = np.maximum(z, -800)  # silu(-inf) = -0, not -inf * 0 (past -800 it is -0 anyway)
    s = _sigmoid(zc)
    s *= zc
    return s


@silu.derivative_of
def _(z):
    zc = np.clip(z, -800, 800)  # keeps -inf * 0 out
    s = _sigmoid(zc)
    d = 1 - s  # sigma(-z): its rounding error is absolute, and 1 + ... absorbs it
    d *= zc
    d += 1
    d *= s
    return _near_root(z, d, _SILU_ROOT, _SILU_SERIES)


# --- softplus ----------------------------------------------------------------


def _softplus_parts(z, beta, threshold):
    """$\\beta z$ and where PyTorch switches to the linear branch."""
    real_number(beta, "softplus: beta")
    real_number(threshold, "softplus: threshold")
    if beta == 0:
        raise ValueError("softplus: beta must be nonzero, got 0")
    # beta * z may overflow to +-inf; both branches below handle that exactly.
    with np.errstate(over="ignore"):
        bz = z if beta == 1 else beta * z
    # Past beta z = 37 the log branch is z itself to float64: the same as the linear one.
    return bz, bz > min(threshold, _LOG1P_EXP_IS_X)


@activation
def softplus(z, beta=1.0, threshold=20.0):
    r"""Softplus, a smooth ReLU, with PyTorch's ``beta`` and ``threshold``.

    $$\operatorname{softplus}(z) = \begin{cases}
        \frac{1}{\beta}\log\bigl(1 + e^{\beta z}\bigr) & \beta z \le \text{threshold} \\
        z & \beta z > \text{threshold} \end{cases}
      \qquad
      \operatorname{softplus}'(z) = \begin{cases}
        \sigma(\beta z) & \beta z \le \text{threshold} \\
        1 & \beta z > \text{threshold} \end{cases}$$

    The linear branch is PyTorch's shortcut: the two branches differ by less
    than $e^{-20}/\beta$, so softplus has a tiny jump at
    $\beta z = \text{threshold}$, where nnlib (like PyTorch) still uses the
    log branch. That branch is computed as $\log(1 + e^{\min(\beta z, 37)})$ with
    ``log1p``, which keeps full precision where $e^{\beta z}$ is tiny. Past
    $\beta z = 37$ (which matters when ``threshold`` is above 37) softplus returns $z$:
    there it is $z + \log(1 + e^{-\beta z})/\beta$, and $e^{-\beta z} < e^{-37}$ is under
    half an ulp of $\beta z$, so $z$ is its float64 value and $e^{\beta z}$ never
    overflows. ``beta`` must be nonzero.

    Examples
    --------
    >>> softplus(np.array([-1000.0, 0.0, 1.0, 20.0, 21.0]))
    array([ 0.        ,  0.69314718,  1.31326169, 20.        , 21.        ])
    >>> softplus.derivative(np.array([0.0, 20.0, 21.0]))
    array([0.5, 1. , 1. ])
    >>> softplus(1.0, beta=2.0)
    1.0634640055214863
    >>> softplus(-40.0) == np.exp(-40.0), softplus(50.0, threshold=100.0)
    (True, 50.0)
    """
    bz, linear = _softplus_parts(z, beta, threshold)
    out = _log1p_exp(bz)
    if beta != 1:
        out /= beta
    return np.where(linear, z, out)


@softplus.derivative_of
def _(z, beta=1.0, threshold=20.0):
    bz, linear = _softplus_parts(z, beta, threshold)
    d = _sigmoid(bz)
    return np.maximum(d, linear, out=d)  # 1 on the linear branch; NaN stays NaN


# --- Mish --------------------------------------------------------------------

_MISH_ROOT = (-1.1924312145154952, -4.8484829848031044e-17)
_MISH_SERIES = (
    0.2669479140495345, 0.20473126408010586, 0.04190782104360987,
    -0.020271822716684245, -0.01582112656173338, -0.0033606849270232685,
    0.0010924055409445854,
)


@activation
def mish(z):
    r"""Mish (Misra 2019): $z$ gated by $\tanh$ of softplus.

    With $\operatorname{sp}(z) = \log(1 + e^{z})$ and
    $\operatorname{sp}'(z) = \sigma(z)$:

    $$\operatorname{mish}(z) = z\,\tanh\bigl(\operatorname{sp}(z)\bigr), \qquad
      \operatorname{mish}'(z) = \tanh\bigl(\operatorname{sp}(z)\bigr)
        + z\,\sigma(z)\,\operatorname{sech}^2\bigl(\operatorname{sp}(z)\bigr).$$

    Smooth, no kinks. $\operatorname{sp}(z)$ is computed as $\log(1 + e^{\min(z, 37)})$
    with ``log1p``: $\tanh(\operatorname{sp}(z))$ is exactly 1 in float64 from about
    $z = 19$ on, so the clamp changes nothing but keeps $e^z$ from overflowing; and the
    derivative's
    $\operatorname{sech}^2 t = 1 - \tanh^2 t$ at $t = \operatorname{sp}(z)$, whose small absolute error vanishes
    next to $\tanh(\operatorname{sp}(z))$. The minimum, $\approx -0.31$ at
    $z \approx -1.192$, is a root of the derivative, where a Taylor series
    keeps it accurate.

    Examples
    --------
    >>> mish(np.array([-1.0, 0.0, 1.0]))
    array([-0.30340146,  0.        ,  0.86509839])
    >>> mish.derivative(np.array([-1.0, 0.0, 1.0]))
    array([0.05921676, 0.6       , 1.04903622])
    >>> np.tanh(19.1), mish(np.array([20.0, 1000.0]))
    (1.0, array([  20., 1000.]))
    """
    zc = np.maximum(z, -800)  # past -800 mish is -0; keeps -inf * 0 out
    out = _log1p_exp(zc)
    np.tanh(out, out=out)  # exactly 1 past z = 37: out is z there, inf included
    out *= zc
    return out


@mish.derivative_of
def _(z):
    zc = np.clip(z, -800, 800)
    t = _log1p_exp(zc)
    np.tanh(t, out=t)
    # sech^2 = 1 - tanh^2: its rounding error is absolute, and tanh(sp) + ... absorbs it.
    d = t * t
    np.subtract(1, d, out=d)
    d *= _sigmoid(zc)
    d *= zc
    d += t
    return _near_root(z, d, _MISH_ROOT, _MISH_SERIES)


# --- softsign ----------------------------------------------------------------


@activation
def softsign(z):
    r"""Softsign: like tanh, but approaching $\pm 1$ polynomially.

    $$\operatorname{softsign}(z) = \frac{z}{1 + |z|}, \qquad
      \operatorname{softsign}'(z) = \frac{1}{(1 + |z|)^2}.$$

    Range $(-1, 1)$. It is differentiable at 0, $\operatorname{softsign}'(0)
    = 1$, but its second derivative jumps there. For $|z| \ge 1$ it is
    computed as $\operatorname{sign}(z)\,\bigl(1 - 1/(1 + |z|)\bigr)$: the
    same value, but every rounded step is monotone in $|z|$, so huge inputs
    never come out in the wrong order (and $\pm\infty$ gives $\pm 1$). The
    derivative is computed as $\bigl(1/(1 + |z|)\bigr)^2$, which never
    overflows.

    Examples
    --------
    >>> softsign(np.array([-3.0, 0.0, 1.0, np.inf]))
    array([-0.75,  0.  ,  0.5 ,  1.  ])
    >>> softsign.derivative(np.array([-3.0, 0.0, 1.0]))
    array([0.0625, 1.    , 0.25  ])
    """
    d = np.abs(z)
    inside = d < 1
    d += 1
    out = np.divide(1, d)
    np.subtract(1, out, out=out)
    np.copysign(out, z, out=out)  # sign(z) (1 - 1/(1 + |z|)); NaN stays NaN
    return np.divide(z, d, out=out, where=inside)


@softsign.derivative_of
def _(z):
    return (1 / (1 + np.abs(z))) ** 2


# --- hard sigmoid and hard swish ---------------------------------------------


@activation
def hardsigmoid(z):
    r"""Hard sigmoid, PyTorch's piecewise-linear sigmoid: $\operatorname{ReLU6}(z + 3)/6$.

    $$h(z) = \begin{cases} 0 & z \le -3 \\ z/6 + 1/2 & -3 < z < 3 \\ 1 & z \ge 3
      \end{cases} \qquad
      h'(z) = \begin{cases} 1/6 & -3 < z < 3 \\ 0 & \text{otherwise} \end{cases}$$

    Kinks at $z = \pm 3$: nnlib uses $h'(\pm 3) = 0$, as PyTorch's
    ``hardsigmoid_backward`` does (its gradient is nonzero only for
    $-3 < z < 3$).

    Examples
    --------
    >>> hardsigmoid(np.array([-4.0, -3.0, 0.0, 1.5, 3.0]))
    array([0.  , 0.  , 0.5 , 0.75, 1.  ])
    >>> hardsigmoid.derivative(np.array([-3.0, 0.0, 3.0]))
    array([0.        , 0.16666667, 0.        ])
    """
    return np.clip(z + 3, 0, 6) / 6


@hardsigmoid.derivative_of
def _(z):
    return _where_nan(z, np.where(np.abs(z) < 3, 1 / 6, 0.0))


@activation
def hardswish(z):
    r"""Hard swish (MobileNetV3): $z \cdot \operatorname{ReLU6}(z + 3)/6$.

    $$h(z) = \begin{cases} 0 & z \le -3 \\ z\,(z + 3)/6 & -3 < z < 3 \\ z & z \ge 3
      \end{cases} \qquad
      h'(z) = \begin{cases} 0 & z < -3 \\ (2z + 3)/6 = z/3 + 1/2 & -3 \le z \le 3
        \\ 1 & z > 3 \end{cases}$$

    Kinks at $z = \pm 3$: nnlib uses the middle formula on the closed
    interval, $h'(-3) = -1/2$ and $h'(3) = 3/2$, as PyTorch's
    ``hardswish_backward`` does (its scalar CPU and its CUDA kernels; the
    vectorized CPU kernel returns 1 at $z = 3$). Note that these are the
    one-sided slopes from inside, not the values just outside (0 and 1).
    $z/3 + 1/2$ is computed as $(2z + 3)/6$, exact near its root $-3/2$.

    Examples
    --------
    >>> hardswish(np.array([-4.0, -1.0, 0.0, 1.0, 4.0]))
    array([-0.        , -0.33333333,  0.        ,  0.66666667,  4.        ])
    >>> hardswish.derivative(np.array([-4.0, -3.0, 0.0, 3.0, 4.0]))
    array([ 0. , -0.5,  0.5,  1.5,  1. ])
    """
    out = z + 3
    np.clip(out, 0, 6, out=out)
    out /= 6  # ReLU6(z + 3) / 6: exactly 1 past z = 3, so the product is z there
    out *= np.maximum(z, -3)  # not -inf * 0 at -inf
    return out


@hardswish.derivative_of
def _(z):
    d = np.clip(z, -3, 3)
    d *= 2
    d += 3
    d /= 6  # (2z + 3)/6 on [-3, 3]
    np.copyto(d, 0.0, where=z < -3)
    np.copyto(d, 1.0, where=z > 3)
    return d


# --- identity ----------------------------------------------------------------


@activation
def identity(z):
    r"""The identity, for a linear output layer (regression).

    $$g(z) = z, \qquad g'(z) = 1.$$

    Returns a copy, so changing the output never changes ``z``.

    Examples
    --------
    >>> identity(np.array([-2.0, 3.0]))
    array([-2.,  3.])
    >>> identity.derivative(np.array([-2.0, 3.0]))
    array([1., 1.])
    """
    return z.copy()


@identity.derivative_of
def _(z):
    return _where_nan(z, np.ones_like(z))


# --- softmax -----------------------------------------------------------------


class Softmax(Activation):
    """Softmax: not elementwise, so its derivative is a Jacobian matrix.

    ``softmax(Z, axis=0)`` normalises each column (classes on rows, examples
    as columns). ``softmax.derivative(z)`` is the $(k, k)$ Jacobian of one
    column and ``softmax.backward(Z, dA, axis=0)`` applies its transpose to
    every column of ``dA`` without building it.
    """

    _elementwise = False

    def derivative(self, z):
        r"""The Jacobian $S$, $S_{jr} = \partial s_j / \partial z_r$, of one column $z$.

        $$S = \operatorname{diag}(s) - s\,s^{\mathsf T}, \qquad
          S_{jr} = s_j\,(\delta_{jr} - s_r).$$

        ``z`` has shape ``(k,)`` or ``(k, 1)``; the result is ``(k, k)``.
        """
        x = as_float_array(z, "softmax.derivative: z")
        if not (x.ndim == 1 or (x.ndim == 2 and x.shape[1] == 1)):
            raise ValueError(
                f"softmax.derivative: z must be one column, shape (k,) or (k, 1), got {x.shape}"
            )
        s = self._fn(x.astype(np.float64).reshape(-1), axis=0)
        J = -np.outer(s, s)
        # J_ii = s_i (1 - s_i), with 1 - s_i as the sum of the other entries:
        # no cancellation when s_i rounds to 1.
        rest = np.where(np.eye(s.size, dtype=bool), 0.0, s).sum(axis=1)
        np.fill_diagonal(J, s * rest)
        return _round_to(J, x.dtype)

    def backward(self, z, dA, axis=0):
        r"""Chain rule through softmax, one column at a time.

        $$dz = S^{\mathsf T} da = s \odot \Bigl(da - \textstyle\sum_j s_j\, da_j\Bigr)$$

        for each column $da$ of ``dA`` (the sum along ``axis``; the Jacobian
        $S$ is symmetric), for every column at once.
        """
        x = as_float_array(z, "softmax.backward: z")
        dA = as_float_array(dA, "softmax.backward: dA")
        if dA.shape != x.shape:
            raise ValueError(
                f"softmax.backward: dA must have the shape of z, {x.shape}, got {dA.shape}"
            )
        dZ = self._chain(x.astype(np.float64, copy=False), dA, axis)
        return _round_to(dZ, np.result_type(x.dtype, dA.dtype))

    def _chain(self, z, dA, axis=0):
        """``backward`` for float64 ``z`` and a ``dA`` of its shape, already checked."""
        s = self._fn(z, axis)
        # Measured from the entry r with the largest probability, the same sum
        # loses nothing when s_r rounds to 1: s_i ((dA_i - dA_r) - sum_j s_j (dA_j - dA_r)).
        r = np.argmax(s, axis=axis, keepdims=True) if s.size else 0
        d = dA - np.take_along_axis(dA, r, axis=axis) if s.size else dA
        dZ = s * (d - np.sum(s * d, axis=axis, keepdims=True))
        return dZ

    def __repr__(self):
        return "<activation softmax>"


@np.errstate(over="ignore", under="ignore")
def _softmax_plain(z, m, axis):
    """$e^{z - m}$ over its sum along ``axis``, for column maxima ``m`` that are all finite."""
    # z - m can overflow only towards -inf, e^(z - m) and the quotient only underflow
    # (to 0 or a subnormal): all right, so no signal.
    e = np.subtract(z, m)
    np.exp(e, out=e)
    return np.divide(e, e.sum(axis=axis, keepdims=True), out=e)  # sum >= 1


@_register
@Softmax
def softmax(z, axis=0):
    r"""Softmax along ``axis`` (the classes).

    $$s_j = \frac{e^{z_j}}{\sum_r e^{z_r}} = \frac{e^{z_j - z_{\max}}}{\sum_r e^{z_r - z_{\max}}},
      \quad z_{\max} = \max_r z_r; \qquad
      \frac{\partial s_j}{\partial z_r} = s_j\,(\delta_{jr} - s_r).$$

    Subtracting the column maximum $z_{\max}$ changes nothing mathematically but
    makes every exponent $\le 0$: no overflow, and the largest term is 1.
    Infinite entries take their limits: in a column with $+\infty$ entries
    they share the probability equally and the rest get 0 (PyTorch gives NaN
    there); $-\infty$ entries get 0. A column of only $-\infty$ has no limit
    (0/0) and gives NaN, as in PyTorch; so does a column with a NaN.
    ``derivative`` and ``backward`` are described on
    [`Softmax`][nnlib.activations.Softmax].

    Examples
    --------
    >>> Z = np.array([[1.0, 0.0, 1000.0], [2.0, 0.0, 0.0], [3.0, 0.0, -np.inf]])
    >>> softmax(Z)
    array([[0.09003057, 0.33333333, 1.        ],
           [0.24472847, 0.33333333, 0.        ],
           [0.66524096, 0.33333333, 0.        ]])
    >>> softmax(np.array([[0.0, np.log(3.0)]]), axis=1)
    array([[0.25, 0.75]])
    >>> softmax.derivative(np.array([0.0, np.log(3.0)]))
    array([[ 0.1875, -0.1875],
           [-0.1875,  0.1875]])
    """
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"softmax: axis must be an integer, got {describe(axis)}")
    if z.ndim == 0:
        raise ValueError("softmax: z must have at least one axis (the classes), got a scalar")
    m = z.max(axis=axis, keepdims=True)
    if all_finite(m):  # no +inf, no NaN: the plain formula is exact
        return _softmax_plain(z, m, axis)
    shift = np.where(np.isfinite(m), m, 0.0)
    # z - m can overflow only towards -inf, where e^(z - m) is 0 anyway.
    with np.errstate(over="ignore"):
        d = z - shift
    # In a column with +inf, the limit: e^0 = 1 at its +inf entries, 0 elsewhere.
    d = np.where(m == np.inf, np.where(z == np.inf, 0.0, -np.inf), d)
    d = np.where(np.isnan(m), np.nan, d)  # a NaN makes its whole column NaN
    e = _exp(d)
    total = np.sum(e, axis=axis, keepdims=True)
    return np.divide(e, total, out=np.full_like(e, np.nan), where=total > 0)


r"""Activation functions and their derivatives.

Each activation is a callable object: ``sigmoid(z)`` is $\sigma(z)$ and
``sigmoid.derivative(z)`` is $\sigma'(z)$, both functions of the
pre-activation ``z`` (not of the output ``a``). Parameters are keyword
arguments of both: ``leaky_relu(z, alpha=0.2)`` and
``leaky_relu.derivative(z, alpha=0.2)``.

All of them accept a Python scalar or a NumPy array of any shape and return
the same shape. Float arrays keep their dtype; integers and booleans are
computed in float64. The formulas are the numerically stable ones: no
overflow warning for any finite input or $\pm\infty$, and NaN in gives NaN
out.

Find an activation by name with :func:`get`; :data:`ACTIVATIONS` maps every
name to its object.
"""

import functools
import inspect

import numpy as np
from scipy import special

from nnlib._checks import as_float_array, real_number, unwrap_scalar

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "get",
    "leaky_relu",
    "relu",
    "sigmoid",
    "tanh",
]

ACTIVATIONS = {}
"""Every activation by name, in the order they are defined."""


class Activation:
    """An elementwise activation $g(z)$ with its derivative $g'(z)$.

    Made by the :func:`activation` decorator from a function of ``z``; the
    derivative is attached with :meth:`derivative_of`. Calling the object
    checks the input, converts it to a float array and returns an array of
    the same shape (a NumPy scalar for a scalar input).
    """

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
        unknown = sorted(set(params) - set(self.defaults))
        if unknown:
            takes = ", ".join(f"{k}={v!r}" for k, v in self.defaults.items())
            raise TypeError(
                f"{self.name} got unknown parameter(s) {', '.join(unknown)}; "
                f"it takes {takes or 'no parameters'}"
            )
        z = as_float_array(z, f"{self.name}: z")
        return unwrap_scalar(np.asarray(fn(z, **params)))

    def __repr__(self):
        return f"<activation {self.name}>"


def activation(fn):
    """Decorator: turn ``fn(z, **params)`` into a registered :class:`Activation`."""
    act = Activation(fn)
    ACTIVATIONS[act.name] = act
    return act


def get(name):
    """Return the activation called ``name``.

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


def _where_nan(z, out):
    """Put NaN in ``out`` wherever ``z`` is NaN (for piecewise formulas)."""
    return np.where(np.isnan(z), z, out)


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
    $\sigma(z)\,\sigma(-z)$, which keeps full relative precision where
    $1 - \sigma(z)$ would cancel.

    >>> sigmoid(0.0)
    0.5
    >>> sigmoid(np.array([-1000.0, 2.0, 1000.0]))
    array([0.        , 0.88079708, 1.        ])
    >>> sigmoid.derivative(0.0)
    0.25
    """
    return special.expit(z).astype(z.dtype, copy=False)


@sigmoid.derivative_of
def _(z):
    return (special.expit(z) * special.expit(-z)).astype(z.dtype, copy=False)


# --- tanh --------------------------------------------------------------------


@activation
def tanh(z):
    r"""Hyperbolic tangent.

    $$\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}, \qquad
      \tanh'(z) = 1 - \tanh^2(z) = \frac{4e^{-2|z|}}{\left(1 + e^{-2|z|}\right)^2}.$$

    Range $(-1, 1)$, zero-centred; $\tanh(z) = 2\sigma(2z) - 1$. The
    derivative uses the right-hand form: $1 - \tanh^2 z$ loses all its
    digits to cancellation once $\tanh z$ rounds to $\pm 1$.

    >>> tanh(0.5)
    0.46211715726000974
    >>> tanh.derivative(np.array([0.0, 1000.0]))
    array([1., 0.])
    """
    return np.tanh(z)


@tanh.derivative_of
def _(z):
    e = np.exp(-2 * np.abs(z))
    return 4 * e / (1 + e) ** 2


# --- ReLU --------------------------------------------------------------------


@activation
def relu(z):
    r"""Rectified linear unit.

    $$\operatorname{ReLU}(z) = \max(0, z), \qquad
      \operatorname{ReLU}'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}$$

    Range $[0, \infty)$. ReLU has no derivative at $z = 0$; nnlib uses
    $\operatorname{ReLU}'(0) = 0$, as PyTorch, d2l.ai and CS231n do.

    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    >>> relu.derivative(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 1.])
    """
    return np.maximum(z, 0)


@relu.derivative_of
def _(z):
    return np.heaviside(z, 0).astype(z.dtype, copy=False)


# --- leaky ReLU --------------------------------------------------------------


@activation
def leaky_relu(z, alpha=0.01):
    r"""Leaky ReLU with negative slope ``alpha`` (default 0.01, as PyTorch).

    $$\operatorname{LReLU}(z) = \begin{cases} z & z > 0 \\ \alpha z & z \le 0 \end{cases}
      \qquad
      \operatorname{LReLU}'(z) = \begin{cases} 1 & z > 0 \\ \alpha & z \le 0 \end{cases}$$

    For $0 \le \alpha \le 1$ this is $\max(\alpha z, z)$. At the kink nnlib
    uses $\operatorname{LReLU}'(0) = \alpha$, as PyTorch does.

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
    slope = np.where(z > 0, 1, alpha).astype(z.dtype)
    return _where_nan(z, slope)

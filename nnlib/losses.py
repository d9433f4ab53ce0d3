r"""Loss functions $J(A, Y)$ and their derivatives $\partial J / \partial A$.

Each loss is a callable object: ``mse(A, Y)`` is the loss as a Python float,
averaged over the batch, and ``mse.derivative(A, Y)`` is
$\partial J / \partial A$, an array of the shape of ``A``. Because $J$ is a
mean, the derivative already carries the $1/m$: back-propagating it gives
$\partial J / \partial W$ directly, with no later division by $m$.

``A`` (the network's output) and ``Y`` (the targets) have the same shape
``(n[L], m)``: one column per example. Both must be finite. Losses are
computed in float64.

Find a loss by name with [`get`][nnlib.losses.get];
[`LOSSES`][nnlib.losses.LOSSES] maps every name to its object.
"""

import inspect

import numpy as np

from nnlib import activations
from nnlib._checks import FLOAT64, all_finite, as_float_array

__all__ = [
    "EPS",
    "LOSSES",
    "Loss",
    "binary_cross_entropy",
    "cross_entropy",
    "get",
    "mse",
    "softmax_cross_entropy",
]

EPS = 1e-12
r"""Cross-entropies clip ``A`` to ``[EPS, 1 - EPS]`` so that $\log$ stays finite."""

LOSSES = {}
"""Every loss by name."""


class Loss:
    r"""A loss $J(A, Y)$ with its derivative $\partial J / \partial A$.

    Made by the ``_loss`` decorator from a function ``fn(A, Y)``; the
    derivative is attached with
    [`derivative_of`][nnlib.losses.Loss.derivative_of]. Both receive float64
    arrays of the same 2-D shape that have passed this loss's checks.

    ``fused_with`` names the output activation whose derivative cancels
    against this loss's (sigmoid for binary cross-entropy, softmax for
    cross-entropy); [`fused_dZ`][nnlib.losses.Loss.fused_dZ] then gives $\partial J / \partial Z$
    in one step.
    """

    def __init__(self, fn, check=None, input="A"):
        self.name = fn.__name__
        self.input = input  # what the first argument is called in error messages
        self.__doc__ = fn.__doc__
        self._fn = fn
        self._dfn = None
        self._signature = inspect.signature(fn)
        self._check = check
        self.fused_with = None
        self._fused = None

    def __call__(self, A, Y):
        A, Y = self._prepare(A, Y)
        return self._value(A, Y)

    def _value(self, A, Y):
        """The loss for ``A`` and ``Y`` that have passed ``_prepare`` (the training loops')."""
        return float(self._fn(A, Y))

    def derivative(self, A, Y):
        r"""$\partial J / \partial A$, an array of the shape of ``A``."""
        if self._dfn is None:
            raise NotImplementedError(
                f"{self.name} has no derivative: attach one with @{self.name}.derivative_of"
            )
        A, Y = self._prepare(A, Y)
        return self._dfn(A, Y)

    def fused_dZ(self, A, Y):
        r"""$\partial J / \partial Z$ through the output activation ``fused_with``."""
        if self._fused is None:
            raise ValueError(f"{self.name} has no fused gradient")
        A, Y = self._prepare(A, Y)
        return self._fused(A, Y)

    def derivative_of(self, dfn):
        r"""Decorator: attach ``dfn(A, Y)`` as $\partial J / \partial A$."""
        self._check_signature(dfn, "derivative")
        self._dfn = dfn
        return self

    def fused(self, activation_name):
        r"""Decorator: attach ``fn(A, Y)`` as $\partial J/\partial Z$ through ``activation_name``."""

        def attach(fn):
            self._check_signature(fn, "fused gradient")
            self.fused_with = activation_name
            self._fused = fn
            return self

        return attach

    def _check_signature(self, fn, what):
        if inspect.signature(fn) != self._signature:
            raise TypeError(
                f"{self.name}: the {what}'s signature {inspect.signature(fn)} "
                f"differs from the loss's {self._signature}"
            )

    def _prepare(self, A, Y, A_checked=False):
        """``A`` and ``Y`` as float64 arrays, checked. ``A_checked``: ``A`` is the output of
        the activation this loss is fused with (in range by construction), so only ``Y``
        is checked, and the ``check`` function gets ``None`` for ``A``."""
        if not (type(A) is np.ndarray and A.dtype is FLOAT64):
            A = np.asarray(as_float_array(A, f"{self.name}: {self.input}"), dtype=np.float64)
        if not (type(Y) is np.ndarray and Y.dtype is FLOAT64):
            Y = np.asarray(as_float_array(Y, f"{self.name}: Y"), dtype=np.float64)
        if A.shape != Y.shape:
            raise ValueError(
                f"{self.name}: {self.input} and Y must have the same shape, "
                f"got {self.input} {A.shape} and Y {Y.shape}"
            )
        if A.ndim != 2 or A.shape[1] == 0:
            raise ValueError(
                f"{self.name}: {self.input} and Y must be 2-D (outputs, examples) with at least "
                f"one example, got shape {A.shape}"
            )
        if A_checked and self._check is not None:
            # A fused loss's check fails on NaN and inf labels too: when it passes, Y is
            # finite. When it fails, the checks below say what is wrong, in their order.
            try:
                self._check(self.name, None, Y)
                return A, Y
            except ValueError:
                pass
        for what, arr in ((self.input, A), ("Y", Y)):
            if not (what == self.input and A_checked) and not all_finite(arr):
                raise ValueError(f"{self.name}: {what} contains NaN or inf")
        if self._check is not None:
            self._check(self.name, None if A_checked else A, Y)
        return A, Y

    def __repr__(self):
        return f"<loss {self.name}>"


def _loss(check=None, input="A"):
    """Decorator: turn ``fn(A, Y)`` into a registered [`Loss`][nnlib.losses.Loss].

    ``check(name, A, Y)`` raises ``ValueError`` for values this loss does not
    accept; ``A`` is None when it is the output of the fused activation (see
    ``Loss._prepare``). A loss with a fused activation must have a check that
    also fails on NaN and inf in ``Y``. ``input`` names the first argument in
    error messages (``Z`` for a loss of logits).
    """

    def register(fn):
        obj = Loss(fn, check, input)
        LOSSES[obj.name] = obj
        return obj

    return register


def get(name):
    """Return the loss called ``name`` (a [`Loss`][nnlib.losses.Loss] is returned as is).

    Examples
    --------
    >>> get("mse")
    <loss mse>
    >>> get("hinge")
    Traceback (most recent call last):
        ...
    ValueError: unknown loss 'hinge'; known: binary_cross_entropy, cross_entropy, mse,
    softmax_cross_entropy
    """
    if isinstance(name, Loss):
        return name
    if not isinstance(name, str):
        raise TypeError(f"a loss name must be a string, got {type(name).__name__}")
    try:
        return LOSSES[name]
    except KeyError:
        known = ", ".join(LOSSES)
        raise ValueError(f"unknown loss {name!r}; known: {known}") from None


def _in_unit_interval(name, what, arr):
    # arr.min() and arr.max() through their ufuncs directly: this runs on every backward.
    low, high = np.minimum.reduce(arr, axis=None), np.maximum.reduce(arr, axis=None)
    if not (low >= 0 and high <= 1):  # NaN fails too
        raise ValueError(f"{name}: {what} must lie in [0, 1], got values from {low:g} to {high:g}")


# --- binary cross-entropy ----------------------------------------------------


def _check_bce(name, A, Y):
    if A is not None:
        _in_unit_interval(name, "A (probabilities)", A)
    _in_unit_interval(name, "Y (labels)", Y)


@_loss(_check_bce)
def binary_cross_entropy(A, Y):
    r"""Binary cross-entropy, the mean over all entries of ``A``.

    $$J = -\frac{1}{N} \sum_{i,j} \Bigl( y^{(i)}_j \log a^{(i)}_j
          + (1 - y^{(i)}_j) \log (1 - a^{(i)}_j) \Bigr),
      \qquad
      \frac{\partial J}{\partial a^{(i)}_j} = \frac{1}{N}\,
          \frac{a^{(i)}_j - y^{(i)}_j}{a^{(i)}_j(1 - a^{(i)}_j)}$$

    where $a^{(i)}_j$ is row $j$ (output unit), column $i$ (example) of
    ``A``, and $N = n^{[L]} m$ is the number of entries; for one output
    unit, $N = m$.
    ``A`` holds probabilities and ``Y`` labels (0 or 1, or soft labels),
    both in $[0, 1]$. ``A`` is clipped to ``[EPS, 1 - EPS]`` (``EPS`` =
    1e-12) before the logs and in the derivative, so a saturated sigmoid
    output ($a = 0$ or $1$) gives a finite loss and gradient.

    Through a sigmoid output $A = \sigma(Z)$ the factor $a(1-a) = \sigma'(z)$
    cancels (see ``binary_cross_entropy.fused_dZ``):

    $$\frac{\partial J}{\partial Z} = \frac{A - Y}{N}.$$

    Examples
    --------
    >>> A = np.array([[0.9, 0.2, 0.6]])
    >>> Y = np.array([[1, 0, 1]])
    >>> binary_cross_entropy(A, Y)
    0.2797765635793423
    >>> binary_cross_entropy.derivative(A, Y)
    array([[-0.37037037,  0.41666667, -0.55555556]])
    >>> binary_cross_entropy.fused_dZ(A, Y)
    array([[-0.03333333,  0.06666667, -0.13333333]])
    """
    # Array methods, not np.clip and np.mean: they skip a dispatch layer that costs
    # more than the arithmetic on a small batch.
    A = A.clip(EPS, 1 - EPS)
    return -(Y * np.log(A) + (1 - Y) * np.log(1 - A)).mean()


@binary_cross_entropy.derivative_of
def _(A, Y):
    A = A.clip(EPS, 1 - EPS)
    return (A - Y) / (A * (1 - A)) / A.size


@binary_cross_entropy.fused("sigmoid")
def _(A, Y):
    return (A - Y) / A.size


# --- categorical cross-entropy -----------------------------------------------


def _check_ce(name, A, Y):
    if A is not None:
        _in_unit_interval(name, "A (probabilities)", A)
    sums = np.ones(Y.shape[0]) @ Y  # column sums: a matrix product is fast in any layout
    # min and max through their ufuncs directly, as in _in_unit_interval
    low, high = np.minimum.reduce(sums), np.maximum.reduce(sums)
    if np.minimum.reduce(Y, axis=None) < 0 or not (low >= 1 - 1e-6 and high <= 1 + 1e-6):
        raise ValueError(
            f"{name}: every column of Y must be one-hot (or a probability "
            f"column: non-negative, summing to 1), classes on rows; "
            f"got Y of shape {Y.shape}"
        )


@_loss(_check_ce)
def cross_entropy(A, Y):
    r"""Categorical cross-entropy for softmax outputs, classes on rows.

    $$J = -\frac{1}{m} \sum_{i=1}^{m} \sum_{j=1}^{k} y^{(i)}_j \log a^{(i)}_j,
      \qquad
      \frac{\partial J}{\partial a^{(i)}_j} = -\frac{1}{m}\,\frac{y^{(i)}_j}{a^{(i)}_j}$$

    ``A`` and ``Y`` have shape ``(k, m)``: ``k`` classes, ``m`` examples;
    $a^{(i)}_j$ is row $j$ (class), column $i$ (example).
    Every column of ``Y`` is one-hot (or a probability vector). ``A`` is
    clipped to ``[EPS, 1]`` before the log and in the derivative.

    Through a softmax output (over each column), the softmax Jacobian turns
    this into (see ``cross_entropy.fused_dZ``)

    $$\frac{\partial J}{\partial Z} = \frac{A - Y}{m}.$$

    Examples
    --------
    >>> A = np.array([[0.7, 0.1],
    ...               [0.2, 0.3],
    ...               [0.1, 0.6]])
    >>> Y = np.array([[1, 0],
    ...               [0, 0],
    ...               [0, 1]])
    >>> cross_entropy(A, Y)
    0.4337502838523616
    >>> cross_entropy.fused_dZ(A, Y)
    array([[-0.15,  0.05],
           [ 0.1 ,  0.15],
           [ 0.05, -0.2 ]])
    """
    return -(Y * np.log(A.clip(EPS, 1))).sum() / A.shape[1]


@cross_entropy.derivative_of
def _(A, Y):
    return -Y / A.clip(EPS, 1) / A.shape[1]


@cross_entropy.fused("softmax")
def _(A, Y):
    return (A - Y) / A.shape[1]


# --- mean squared error ------------------------------------------------------


@_loss()
def mse(A, Y):
    r"""Mean squared error, the mean over all entries of ``A``.

    $$J = \frac{1}{N} \sum_{i,j} (a^{(i)}_j - y^{(i)}_j)^2,
      \qquad
      \frac{\partial J}{\partial a^{(i)}_j} = \frac{2}{N} (a^{(i)}_j - y^{(i)}_j)$$

    where $a^{(i)}_j$ is row $j$, column $i$ of ``A``, and $N = n^{[L]} m$
    is the number of entries ($N = m$ for one output unit). No
    factor $\frac12$: this is the mean of the squared errors, as in
    ``torch.nn.MSELoss``.

    Examples
    --------
    >>> A = np.array([[0.5, 2.0, 1.0]])
    >>> Y = np.array([[1.0, 1.0, 1.0]])
    >>> mse(A, Y)
    0.4166666666666667
    >>> mse.derivative(A, Y)
    array([[-0.33333333,  0.66666667,  0.        ]])
    """
    return ((A - Y) ** 2).mean()


@mse.derivative_of
def _(A, Y):
    return 2 * (A - Y) / A.size


# --- softmax cross-entropy from logits --------------------------------------


def _check_one_hot(name, Z, Y):
    ones = Y == 1
    bad = ~((ones | (Y == 0)).all(axis=0) & (ones.sum(axis=0) == 1))
    if bad.any():
        j = int(np.argmax(bad))
        raise ValueError(
            f"{name}: every column of Y must be one-hot (one 1, zeros elsewhere), "
            f"classes on rows; got column {j} = {Y[:, j].tolist()}"
        )


@_loss(_check_one_hot, input="Z")
def softmax_cross_entropy(Z, Y):
    r"""Cross-entropy of a softmax, computed from the logits $Z$ (classes on rows).

    With $z^{(i)}$ the logits of example $i$ (column $i$ of ``Z``) and
    $c^{(i)}$ its true class (the row of the 1 in column $i$ of ``Y``),

    $$J = \frac{1}{m} \sum_{i=1}^{m} \Bigl(\log\Bigl(\sum_{j=1}^{k} e^{z^{(i)}_j}\Bigr)
      - z^{(i)}_{c^{(i)}}\Bigr), \qquad
      \frac{\partial J}{\partial z^{(i)}_j} = \frac{1}{m} \Bigl(\frac{e^{z^{(i)}_j}}
      {\sum_{r=1}^{k} e^{z^{(i)}_r}} - y^{(i)}_j\Bigr).$$

    For one example, dropping the $(i)$, the loss is
    $\mathcal{L} = -\log \operatorname{softmax}(z)_c = \operatorname{logsumexp}(z) - z_c$,
    and the gradient is the fused one, with no softmax Jacobian and no
    division by a probability:

    $$\frac{\partial J}{\partial Z} = \frac{\operatorname{softmax}(Z) - Y}{m}.$$

    Nothing is clipped. With $z_{\max} = \max_j z_j$ reached at row $r$,

    $$\mathcal{L} = (z_{\max} - z_c) + \log\Bigl(1 + \sum_{j \ne r} e^{z_j - z_{\max}}\Bigr),$$

    two non-negative terms, every exponent $\le 0$ and the small sum kept by
    ``log1p``; so the loss is accurate to a few rounding errors for any
    finite logits (a value that exceeds the float range is ``inf``). Use it
    on an [`MLP`][nnlib.network.MLP] whose last activation is
    ``"identity"``: the network's output is then $Z^{[L]}$.

    ``Z`` and ``Y`` have shape ``(k, m)``; every column of ``Y`` must be
    one-hot. The loss and its derivative are float64.

    Examples
    --------
    >>> Z = np.array([[2.0, 0.0],
    ...               [1.0, 0.0],
    ...               [0.0, 1000.0]])
    >>> Y = np.array([[1, 0],
    ...               [0, 1],
    ...               [0, 0]])
    >>> softmax_cross_entropy(Z, Y)  # (0.40760596 + 1000) / 2
    500.2038029822222
    >>> softmax_cross_entropy.derivative(Z, Y)
    array([[-0.16737952,  0.        ],
           [ 0.12236424, -0.5       ],
           [ 0.04501529,  0.5       ]])
    """
    m = Z.shape[1]
    cols = np.arange(m)
    r = Z.argmax(axis=0)
    M = Z[r, cols]
    z_c = Z[Y.argmax(axis=0), cols]
    # Differences of huge logits can pass the float range; only towards
    # -inf inside exp (where e^(z - M) is 0 anyway) or to an inf loss.
    with np.errstate(over="ignore"):
        D = Z - M
        D[r, cols] = -np.inf  # leave out the 1 from the largest entry
        per_example = (M - z_c) + np.log1p(np.exp(D).sum(axis=0))
    return per_example.mean()


@softmax_cross_entropy.derivative_of
def _(Z, Y):
    return (activations.softmax(Z) - Y) / Z.shape[1]

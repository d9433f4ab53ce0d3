r"""A fully connected layer: forward and backward propagation for one layer.

Examples are columns. A layer with ``n_in`` inputs and ``n_out`` units holds

$$W \in \mathbb{R}^{n_{\text{out}} \times n_{\text{in}}}, \qquad b \in \mathbb{R}^{n_{\text{out}} \times 1},$$

and for a batch ``A_prev`` of shape ``(n_in, m)`` computes

$$Z = W A_{\text{prev}} + b, \qquad A = g(Z).$$
"""

import numpy as np

from nnlib import activations
from nnlib._checks import FLOAT64, all_finite, as_float_array, describe, positive_int, real_number

__all__ = ["INITS", "Dense", "Dropout"]

INITS = {
    "he": lambda n_in, n_out: np.sqrt(2 / n_in),
    "xavier": lambda n_in, n_out: np.sqrt(2 / (n_in + n_out)),
    "lecun": lambda n_in, n_out: np.sqrt(1 / n_in),
    "small": lambda n_in, n_out: 0.01,
    "zeros": lambda n_in, n_out: 0.0,
}
"""Weight initialisations by name: each maps ``(n_in, n_out)`` to the std of $W$."""


def _check_init(init):
    """``init`` if it is a name in INITS or a positive finite std, else an error."""
    if isinstance(init, str):
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}; known: {', '.join(INITS)}, or a std > 0")
        return init
    if isinstance(init, bool) or not isinstance(init, (int, float, np.integer, np.floating)):
        raise TypeError(
            f"init must be a name ({', '.join(INITS)}) or a std > 0, got {describe(init)}"
        )
    if not (np.isfinite(init) and init > 0):
        raise ValueError(f"init as a number is the std of W and must be finite and > 0, got {init}")
    return float(init)


class Dense:
    r"""A fully connected layer $A = g(W A_{\text{prev}} + b)$.

    Parameters
    ----------
    n_in : int
        Number of inputs $n^{[l-1]}$: the rows of ``A_prev``.
    n_out : int
        Number of units $n^{[l]}$: the rows of ``A``.
    activation : str or Activation, default "relu"
        A name from [`ACTIVATIONS`][nnlib.activations.ACTIVATIONS] (or the
        [`Activation`][nnlib.activations.Activation] itself).
    init : str or float, default "he"
        ``"he"``, ``"xavier"``, ``"lecun"``, ``"small"`` or ``"zeros"`` (the
        keys of [`INITS`][nnlib.layers.INITS]), or a positive number: how to
        draw $W$; $b$ starts at zero. Every entry of $W$ is drawn from
        $\mathcal{N}(0, \operatorname{std}^2)$ with

        $$\operatorname{std}_{\text{he}} = \sqrt{\frac{2}{n_{\text{in}}}}, \quad
          \operatorname{std}_{\text{xavier}} = \sqrt{\frac{2}{n_{\text{in}} + n_{\text{out}}}}, \quad
          \operatorname{std}_{\text{lecun}} = \sqrt{\frac{1}{n_{\text{in}}}}, \quad
          \operatorname{std}_{\text{small}} = 0.01, \quad \operatorname{std}_{\text{zeros}} = 0,$$

        or $\operatorname{std}$ = ``init`` when it is a number. ``"zeros"``
        makes $W = 0$: every unit of the layer then computes the same thing
        and gets the same gradient (the symmetry that random initialisation
        breaks).

        He (He et al. 2015) suits ReLU-like activations; Xavier is Glorot
        normal (Glorot & Bengio 2010), derived for an activation with
        $g'(0) = 1$ and outputs centred on 0: tanh (not sigmoid, whose slope
        is at most 1/4 and whose outputs are centred on 1/2). LeCun's
        $\sqrt{1/n_{\text{in}}}$ is what some courses call "Xavier".
    seed : int or numpy.random.Generator or None
        Seeds ``np.random.default_rng``; the same seed gives the same $W$.

    Attributes
    ----------
    W : ndarray
        The weights $W^{[l]}$, shape ``(n_out, n_in)``: row $j$ holds the
        weights of unit $j$, one per input.
    b : ndarray
        The biases $b^{[l]}$, shape ``(n_out, 1)``, zero at the start; added
        to every column of $W A_{\text{prev}}$ (broadcast over the $m$ examples).
    A_prev : ndarray or None
        The input of the last [`forward`][nnlib.layers.Dense.forward], shape
        ``(n_in, m)``; [`backward`][nnlib.layers.Dense.backward] needs it for
        $dW = dZ\, A_{\text{prev}}^{\top}$. None before the first forward.
    Z : ndarray or None
        The pre-activation $Z = W A_{\text{prev}} + b$ of the last forward, shape
        ``(n_out, m)``; backward needs it for $g'(Z)$.
    A : ndarray or None
        The output $A = g(Z)$ of the last forward, shape ``(n_out, m)``.
    dZ : ndarray or None
        $\partial J / \partial Z$ from the last
        [`backward`][nnlib.layers.Dense.backward], shape ``(n_out, m)``.
        None before the first backward.
    dW : ndarray or None
        $\partial J / \partial W$ from the last backward, the shape of ``W``.
    db : ndarray or None
        $\partial J / \partial b$ from the last backward, the shape of ``b``.

    Examples
    --------
    >>> layer = Dense(3, 2, "tanh", init="xavier", seed=0)
    >>> layer
    Dense(3→2, tanh)
    >>> layer.W.shape, layer.b.shape
    ((2, 3), (2, 1))
    >>> layer.W
    array([[ 0.07951877, -0.08355045,  0.40503885],
           [ 0.06634466, -0.33878706,  0.22869279]])
    >>> Dense(3, 2, init="small", seed=0).W[0]
    array([ 0.0012573 , -0.00132105,  0.00640423])
    >>> Dense(3, 2, init=0.5, seed=0).W[0]
    array([ 0.06286511, -0.06605243,  0.32021133])
    >>> Dense(3, 2, init="zeros").W
    array([[0., 0., 0.],
           [0., 0., 0.]])
    """

    def __init__(self, n_in, n_out, activation="relu", *, init="he", seed=None):
        self.n_in = positive_int(n_in, "Dense: n_in")
        self.n_out = positive_int(n_out, "Dense: n_out")
        self.activation = activations.get(activation)
        self.init = _check_init(init)
        std = INITS[init](self.n_in, self.n_out) if isinstance(init, str) else self.init
        rng = np.random.default_rng(seed)
        self.W = std * rng.standard_normal((self.n_out, self.n_in))
        if std == 0:
            self.W = np.zeros_like(self.W)  # +0.0, not the -0.0 of 0 * a negative draw
        self.b = np.zeros((self.n_out, 1))
        self.A_prev = self.Z = self.A = None
        self.dZ = self.dW = self.db = None

    def forward(self, A_prev):
        r"""Forward propagation: $Z = W A_{\text{prev}} + b$, $A = g(Z)$.

        ``A_prev`` has shape ``(n_in, m)``; returns ``A``, shape
        ``(n_out, m)``. Keeps ``A_prev``, ``Z`` and ``A`` for
        [`backward`][nnlib.layers.Dense.backward].

        Examples
        --------
        >>> layer = Dense(2, 1, "sigmoid")
        >>> layer.W[:] = [[1.0, -2.0]]
        >>> layer.b[:] = 0.5
        >>> layer.forward(np.array([[1.0, 0.0], [1.0, 2.0]]))
        array([[0.37754067, 0.02931223]])
        >>> layer.Z
        array([[-0.5, -3.5]])
        """
        return self._forward(self._check_input(A_prev))

    def _check_input(self, A_prev):
        """``A_prev`` as a float array, checked: ``(n_in, m)`` and finite."""
        if not (type(A_prev) is np.ndarray and A_prev.dtype.kind == "f"):
            A_prev = as_float_array(A_prev, f"{self}.forward: A_prev")
        if A_prev.ndim != 2 or A_prev.shape[0] != self.n_in:
            hint = "; reshape one example with x.reshape(-1, 1)" if A_prev.ndim == 1 else ""
            raise ValueError(
                f"{self}.forward: A_prev must have {self.n_in} rows (one per input, "
                f"one column per example), got shape {A_prev.shape}{hint}"
            )
        if not all_finite(A_prev):
            raise ValueError(f"{self}.forward: A_prev contains NaN or inf")
        return A_prev

    def _forward(self, A_prev):
        """``forward`` without the checks, for an ``A_prev`` already checked (the network's)."""
        Z = self.W @ A_prev
        if Z.dtype is self.b.dtype:
            Z += self.b  # in place: no temporary
        else:
            Z = Z + self.b
        # Float64 Z (always, with float64 W): the formula itself, no conversions.
        A = self.activation._fn(Z) if Z.dtype is FLOAT64 else self.activation(Z)
        self.A_prev, self.Z, self.A = A_prev, Z, A
        return A

    def backward(self, dA=None, *, dZ=None):
        r"""Backward propagation: from $dA = \partial J/\partial A$ to $dA_{\text{prev}}$.

        $$dZ = dA \odot g'(Z), \quad dW = dZ\, A_{\text{prev}}^{\top}, \quad
          db = \sum_{\text{columns}} dZ, \quad dA_{\text{prev}} = W^{\top} dZ.$$

        For an elementwise $g$; through softmax, which is not elementwise,
        $dZ$ is the product with its Jacobian
        ([`Softmax.backward`][nnlib.activations.Softmax.backward]).
        Pass either ``dA`` (shape of ``A``) or, when $dZ$ is already known
        (the fused output gradient $(A - Y)/m$, or $(A - Y)/N$ over all
        $N$ entries for binary cross-entropy with several outputs), ``dZ=``
        instead. Stores
        ``dZ``, ``dW`` and ``db`` and returns ``dA_prev``. There is no
        $1/m$ here: it lives in the loss derivative, so ``dW`` is exactly
        $\partial J/\partial W$ for $J$ the mean loss.

        Examples
        --------
        >>> layer = Dense(2, 1, "sigmoid")
        >>> layer.W[:] = [[1.0, -2.0]]
        >>> A = layer.forward(np.array([[1.0, 0.0], [1.0, 2.0]]))
        >>> Y = np.array([[1.0, 0.0]])
        >>> layer.backward(dZ=(A - Y) / 2)
        array([[-0.36552929,  0.0089931 ],
               [ 0.73105858, -0.01798621]])
        >>> layer.dW, layer.db
        (array([[-0.36552929, -0.34754308]]), array([[-0.35653618]]))
        """
        if self.Z is None:
            raise ValueError(
                f"{self}.backward: call forward first; backward needs the A_prev "
                f"and Z that forward keeps"
            )
        if (dA is None) == (dZ is None):
            raise TypeError(f"{self}.backward: pass exactly one of dA or dZ=")
        if dZ is None:
            return self._backward(dA=self._gradient_array(dA, "dA"))
        return self._backward(dZ=self._gradient_array(dZ, "dZ"))

    def _backward(self, dA=None, dZ=None, dA_prev=True):
        r"""``backward`` without the checks; ``dA_prev=False`` skips $W^\top dZ$ (layer 1's)."""
        if dZ is None:
            if self.Z.dtype is FLOAT64 and dA.dtype is FLOAT64:
                dZ = self.activation._chain(self.Z, dA)
            else:
                dZ = self.activation.backward(self.Z, dA)
        self.dZ = dZ
        self.dW = dZ @ self.A_prev.T
        self.db = np.add.reduce(dZ, axis=1, keepdims=True)  # dZ.sum(...) without a Python layer
        if not dA_prev:
            return None
        # One unit: W^T dZ is an outer product, the same numbers by broadcasting, faster.
        return self.W.T * dZ if self.n_out == 1 else self.W.T @ dZ

    def _gradient_array(self, grad, what):
        grad = as_float_array(grad, f"{self}.backward: {what}")
        if grad.shape != self.Z.shape:
            raise ValueError(
                f"{self}.backward: {what} must have shape {self.Z.shape} "
                f"(the shape of Z), got {grad.shape}"
            )
        if not all_finite(grad):
            raise ValueError(f"{self}.backward: {what} contains NaN or inf")
        return grad

    def __repr__(self):
        return f"Dense({self.n_in}→{self.n_out}, {self.activation.name})"

    def __str__(self):
        return f"Dense({self.n_in}→{self.n_out})"


class Dropout:
    r"""Inverted dropout: zero each unit with probability $p$ while training.

    In training mode (a new ``Dropout`` is in training mode) ``forward``
    draws a fresh mask $D$ of independent Bernoulli variables, each 1 with
    probability $1 - p$, and scales the kept units by $1/(1 - p)$:

    $$\tilde{A} = \frac{D \odot A}{1 - p}, \qquad
      \mathbb{E}[\tilde{A}] = A,$$

    so the expected input to the next layer is the same as without dropout
    and nothing needs rescaling at test time. In evaluation mode
    ([`eval`][nnlib.layers.Dropout.eval]) it is the identity. ``backward``
    sends the gradient back through the same mask:

    $$dA = \frac{D \odot d\tilde{A}}{1 - p}, \qquad
      d\tilde{A} = \partial J / \partial \tilde{A}.$$

    Dropout has no parameters. To use it inside an
    [`MLP`][nnlib.network.MLP], pass ``dropout=p`` to the MLP, which puts a
    ``Dropout`` after every hidden layer.

    Parameters
    ----------
    p : float
        The probability of dropping a unit, in $[0, 1)$.
    seed : int or numpy.random.Generator or None
        Seeds ``np.random.default_rng``, which draws the masks; the same seed
        gives the same sequence of masks.

    Attributes
    ----------
    p : float
        The drop probability.
    training : bool
        True in training mode, False in evaluation mode.
    mask : ndarray of bool or None
        $D$ from the last ``forward`` in training mode (True = kept); None
        after a forward in evaluation mode.

    Examples
    --------
    >>> drop = Dropout(0.5, seed=0)
    >>> drop
    Dropout(p=0.5)
    >>> A = np.arange(1.0, 9.0).reshape(2, 4)
    >>> drop.forward(A)  # kept units doubled, the others 0
    array([[ 2.,  0.,  0.,  0.],
           [10., 12., 14., 16.]])
    >>> drop.mask
    array([[ True, False, False, False],
           [ True,  True,  True,  True]])
    >>> drop.backward(np.full((2, 4), 0.1))
    array([[0.2, 0. , 0. , 0. ],
           [0.2, 0.2, 0.2, 0.2]])
    >>> drop.eval().forward(A)
    array([[1., 2., 3., 4.],
           [5., 6., 7., 8.]])
    """

    def __init__(self, p, seed=None):
        real_number(p, "Dropout: p")
        if not 0 <= p < 1:
            raise ValueError(f"Dropout: p (the drop probability) must be in [0, 1), got {p}")
        self.p = float(p)
        self.rng = np.random.default_rng(seed)
        self.training = True
        self.mask = None
        self._shape = None

    def train(self):
        """Switch to training mode (random masks); returns the layer."""
        self.training = True
        return self

    def eval(self):
        """Switch to evaluation mode (the identity); returns the layer."""
        self.training = False
        return self

    def forward(self, A):
        r"""$D \odot A / (1 - p)$ with a fresh mask $D$ in training mode; ``A`` in evaluation mode.

        ``A`` is an array of any shape, usually ``(n, m)``; the result has its
        shape and dtype.
        """
        A = as_float_array(A, f"{self}.forward: A")
        self._shape = A.shape
        if not self.training:
            self.mask = None
            return A
        self.mask = self.rng.random(A.shape) >= self.p
        with np.errstate(over="ignore"):  # near the float maximum, A / (1 - p) is inf
            return np.where(self.mask, A / (1 - self.p), A.dtype.type(0))

    def backward(self, dA):
        r"""$D \odot d\tilde{A} / (1 - p)$ through the mask of the last ``forward``.

        The argument ``dA`` is $d\tilde{A} = \partial J / \partial \tilde{A}$, the
        gradient at this layer's output, of the shape of the last forward's
        input; returns $dA = \partial J / \partial A$. After a forward
        in evaluation mode it returns ``dA`` unchanged.
        """
        if self._shape is None:
            raise ValueError(f"{self}.backward: call forward first; backward uses its mask")
        dA = as_float_array(dA, f"{self}.backward: dA")
        if dA.shape != self._shape:
            raise ValueError(
                f"{self}.backward: dA must have shape {self._shape} (the shape of the "
                f"last forward's input), got {dA.shape}"
            )
        if self.mask is None:
            return dA
        with np.errstate(over="ignore"):
            return np.where(self.mask, dA / (1 - self.p), dA.dtype.type(0))

    def _forward(self, A):
        """``forward`` as the network calls it."""
        return self.forward(A)

    def _backward(self, dA=None, dZ=None, dA_prev=True):
        """``backward`` as the network calls it: Dropout has no $Z$, so only ``dA``."""
        return self.backward(dA)

    def __repr__(self):
        return f"Dropout(p={self.p:g})"

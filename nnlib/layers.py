r"""A fully connected layer: forward and backward propagation for one layer.

Examples are columns. A layer with ``n_in`` inputs and ``n_out`` units holds

$$W \in \mathbb{R}^{n_{out} \times n_{in}}, \qquad b \in \mathbb{R}^{n_{out} \times 1},$$

and for a batch ``A_prev`` of shape ``(n_in, m)`` computes

$$Z = W A_{prev} + b, \qquad A = g(Z).$$
"""

import numpy as np

from nnlib import activations
from nnlib._checks import FLOAT64, as_float_array, positive_int

__all__ = ["INITS", "Dense"]

INITS = {
    "he": lambda n_in, n_out: np.sqrt(2 / n_in),
    "xavier": lambda n_in, n_out: np.sqrt(2 / (n_in + n_out)),
    "lecun": lambda n_in, n_out: np.sqrt(1 / n_in),
    "small": lambda n_in, n_out: 0.01,
}
"""Weight initialisations by name: each maps ``(n_in, n_out)`` to the std of $W$."""


class Dense:
    r"""A fully connected layer $A = g(W A_{prev} + b)$.

    Parameters
    ----------
    n_in : int
        Number of inputs $n^{[l-1]}$: the rows of ``A_prev``.
    n_out : int
        Number of units $n^{[l]}$: the rows of ``A``.
    activation : str or Activation, default "relu"
        A name from [`ACTIVATIONS`][nnlib.activations.ACTIVATIONS] (or the
        [`Activation`][nnlib.activations.Activation] itself).
    init : str, default "he"
        ``"he"``, ``"xavier"``, ``"lecun"`` or ``"small"`` (the keys of
        [`INITS`][nnlib.layers.INITS]): how to draw $W$; $b$ starts at zero.
        Every entry of $W$ is drawn from $\mathcal{N}(0, \sigma^2)$ with

        $$\sigma_{he} = \sqrt{\frac{2}{n_{in}}}, \quad
          \sigma_{xavier} = \sqrt{\frac{2}{n_{in} + n_{out}}}, \quad
          \sigma_{lecun} = \sqrt{\frac{1}{n_{in}}}, \quad
          \sigma_{small} = 0.01.$$

        He (He et al. 2015) suits ReLU-like activations; Xavier is Glorot
        normal (Glorot & Bengio 2010), for tanh and sigmoid. LeCun's
        $\sqrt{1/n_{in}}$ is what some courses call "Xavier".
    seed : int or numpy.random.Generator or None
        Seeds ``np.random.default_rng``; the same seed gives the same $W$.

    Attributes
    ----------
    W : ndarray
        The weights $W^{[l]}$, shape ``(n_out, n_in)``: row $i$ holds the
        weights of unit $i$, one per input.
    b : ndarray
        The biases $b^{[l]}$, shape ``(n_out, 1)``, zero at the start; added
        to every column of $W A_{prev}$ (broadcast over the $m$ examples).
    A_prev : ndarray or None
        The input of the last [`forward`][nnlib.layers.Dense.forward], shape
        ``(n_in, m)``; [`backward`][nnlib.layers.Dense.backward] needs it for
        $dW = dZ\, A_{prev}^{\top}$. None before the first forward.
    Z : ndarray or None
        The pre-activation $Z = W A_{prev} + b$ of the last forward, shape
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
    """

    def __init__(self, n_in, n_out, activation="relu", *, init="he", seed=None):
        self.n_in = positive_int(n_in, "Dense: n_in")
        self.n_out = positive_int(n_out, "Dense: n_out")
        self.activation = activations.get(activation)
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}; known: {', '.join(INITS)}")
        self.init = init
        std = INITS[init](self.n_in, self.n_out)
        rng = np.random.default_rng(seed)
        self.W = std * rng.standard_normal((self.n_out, self.n_in))
        self.b = np.zeros((self.n_out, 1))
        self.A_prev = self.Z = self.A = None
        self.dZ = self.dW = self.db = None

    def forward(self, A_prev):
        r"""Forward propagation: $Z = W A_{prev} + b$, $A = g(Z)$.

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
        if not np.isfinite(A_prev).all():
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
        r"""Backward propagation: from $dA = \partial J/\partial A$ to $dA_{prev}$.

        $$dZ = dA \odot g'(Z), \quad dW = dZ\, A_{prev}^{\top}, \quad
          db = \sum_{\text{columns}} dZ, \quad dA_{prev} = W^{\top} dZ.$$

        Pass either ``dA`` (shape of ``A``) or, when $dZ$ is already known
        (the fused output gradient $(A - Y)/m$), ``dZ=`` instead. Stores
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
        self.db = dZ.sum(axis=1, keepdims=True)
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
        if not np.isfinite(grad).all():
            raise ValueError(f"{self}.backward: {what} contains NaN or inf")
        return grad

    def __repr__(self):
        return f"Dense({self.n_in}→{self.n_out}, {self.activation.name})"

    def __str__(self):
        return f"Dense({self.n_in}→{self.n_out})"

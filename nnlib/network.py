r"""A multilayer perceptron: a stack of [`Dense`][nnlib.layers.Dense] layers.

Layer $l = 1, \dots, L$ computes

$$Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}, \qquad A^{[l]} = g^{[l]}(Z^{[l]}),
  \qquad A^{[0]} = X,$$

and backward propagation runs the same layers in reverse, starting from
$\partial J / \partial A^{[L]}$ (or directly from $dZ^{[L]}$, see
[`MLP.backward`][nnlib.network.MLP.backward]).
"""

import numpy as np

from nnlib import losses
from nnlib._checks import as_float_array, describe, positive_int, real_number
from nnlib.layers import Dense, Dropout, _check_init

__all__ = ["MLP"]


class MLP:
    r"""A multilayer perceptron.

    Parameters
    ----------
    layer_sizes : list of int
        $[n^{[0]}, n^{[1]}, \dots, n^{[L]}]$: inputs first, outputs last.
    activations : list of str
        $g^{[1]}, \dots, g^{[L]}$, one name per layer
        (``len(layer_sizes) - 1`` of them).
    seed : int or numpy.random.Generator or None, default 0
        Seeds one ``np.random.default_rng`` that draws every layer's $W$ in
        turn; the same seed gives the same network.
    init : str or float, default "he"
        Weight initialisation for every layer; see
        [`Dense`][nnlib.layers.Dense].
    dropout : float or list of float or None, default None
        Inverted dropout after the hidden layers: a drop probability $p$ in
        $[0, 1)$ for every hidden layer, or a list of $L - 1$ of them, one
        per hidden layer in order (0 for none). Each puts a
        [`Dropout`][nnlib.layers.Dropout] into ``layers`` right after its
        hidden layer, drawing its masks from the network's generator (after
        the weights, so these are the same as without dropout). Never after
        the output layer.

    Attributes
    ----------
    layers : list of Dense and Dropout
        The layers in order. Without dropout ``layers[0]`` is layer 1 of the
        docs' notation; with it the ``Dropout`` layers sit between the
        ``Dense`` ones and [`parameters`][nnlib.network.MLP.parameters] still
        numbers the ``Dense`` layers $1, \dots, L$.
    A : ndarray or None
        The output $A^{[L]}$ of the last [`forward`][nnlib.network.MLP.forward].
    training : bool
        True (the default) in training mode, False after
        [`eval`][nnlib.network.MLP.eval]. Dropout is active only in training
        mode, so call ``eval()`` before measuring a trained network with
        dropout (``loss``, ``predict``, ``accuracy``) and ``train()`` before
        training it again.

    Examples
    --------
    >>> model = MLP([2, 4, 1], ["tanh", "sigmoid"], init="xavier")
    >>> model
    MLP([2, 4, 1], ['tanh', 'sigmoid'])
    >>> model.layers
    [Dense(2→4, tanh), Dense(4→1, sigmoid)]
    >>> X = np.array([[0.0, 0.0, 1.0, 1.0],
    ...               [0.0, 1.0, 0.0, 1.0]])
    >>> model.forward(X)
    array([[0.5       , 0.47935401, 0.45497978, 0.43512923]])

    With dropout, and logits out (for ``softmax_cross_entropy``):

    >>> MLP([2, 8, 8, 3], ["relu", "relu", "identity"], dropout=0.2).layers
    [Dense(2→8, relu), Dropout(p=0.2),
     Dense(8→8, relu), Dropout(p=0.2),
     Dense(8→3, identity)]
    """

    def __init__(self, layer_sizes, activations, seed=0, init="he", dropout=None):
        if not isinstance(layer_sizes, (list, tuple)) or len(layer_sizes) < 2:
            raise TypeError(
                f"MLP: layer_sizes must be a list of at least two sizes "
                f"[n_x, ..., n_L], got {describe(layer_sizes)}"
            )
        sizes = [positive_int(n, f"MLP: layer_sizes[{i}]") for i, n in enumerate(layer_sizes)]
        if isinstance(activations, str) or not isinstance(activations, (list, tuple)):
            raise TypeError(
                f"MLP: activations must be a list of names, one per layer, "
                f"got {describe(activations)}"
            )
        if len(activations) != len(sizes) - 1:
            raise ValueError(
                f"MLP: need one activation per layer: {len(sizes)} layer sizes make "
                f"{len(sizes) - 1} layers, got {len(activations)} activations"
            )
        _check_init(init)
        rates = self._dropout_rates(dropout, len(sizes) - 2)
        rng = np.random.default_rng(seed)
        self.layers = [
            Dense(n_in, n_out, g, init=init, seed=rng)
            for n_in, n_out, g in zip(sizes[:-1], sizes[1:], activations)
        ]
        for l in reversed(range(len(rates))):  # after hidden layer l + 1
            if rates[l]:
                self.layers.insert(l + 1, Dropout(rates[l], seed=rng))
        self.dropout = dropout
        self.training = True
        self.A = None

    @staticmethod
    def _dropout_rates(dropout, hidden):
        if dropout is None:
            return [0.0] * hidden
        if hidden == 0:
            raise ValueError("MLP: dropout goes after hidden layers, and this network has none")
        if isinstance(dropout, (list, tuple)):
            if len(dropout) != hidden:
                raise ValueError(
                    f"MLP: dropout must be one probability or a list of one per hidden "
                    f"layer ({hidden}), got a list of {len(dropout)}"
                )
            rates = list(dropout)
        else:
            rates = [dropout] * hidden
        for p in rates:
            real_number(p, "MLP: dropout")
            if not 0 <= p < 1:
                raise ValueError(f"MLP: dropout probabilities must be in [0, 1), got {p}")
        return rates

    def train(self):
        """Training mode: every [`Dropout`][nnlib.layers.Dropout] layer drops units.

        Returns the MLP itself. A new MLP is in training mode.
        """
        self.training = True
        for layer in self.layers:
            if isinstance(layer, Dropout):
                layer.train()
        return self

    def eval(self):
        """Evaluation mode: every [`Dropout`][nnlib.layers.Dropout] layer is the identity.

        Returns the MLP itself, so ``model.eval().accuracy(X, Y)`` reads well.

        Examples
        --------
        >>> model = MLP([2, 16, 1], ["relu", "sigmoid"], dropout=0.5)
        >>> X = np.array([[1.0], [2.0]])
        >>> bool(model.forward(X) == model.forward(X))  # a new mask each time
        False
        >>> model.eval().training, bool(model.forward(X) == model.forward(X))
        (False, True)
        """
        self.training = False
        for layer in self.layers:
            if isinstance(layer, Dropout):
                layer.eval()
        return self

    def forward(self, X):
        r"""Forward propagation through every layer; returns $A^{[L]}$.

        $$A^{[0]} = X, \qquad A^{[l]} = g^{[l]}\bigl(W^{[l]} A^{[l-1]} + b^{[l]}\bigr),
          \quad l = 1, \dots, L.$$

        ``X`` has shape ``(n_x, m)``; the result has shape ``(n[L], m)``.
        Every layer keeps its ``A_prev``, ``Z`` and ``A`` for
        [`backward`][nnlib.network.MLP.backward].

        Examples
        --------
        >>> model = MLP([2, 3, 1], ["relu", "sigmoid"])
        >>> model.forward(np.array([[1.0, -1.0], [0.5, 2.0]]))
        array([[0.64550301, 0.32665849]])
        """
        return self._forward(self.layers[0]._check_input(X))

    def _forward(self, X):
        """``forward`` for an ``X`` already checked: the layers' own checks are skipped."""
        A = X
        for layer in self.layers:
            A = layer._forward(A)
        self.A = A
        return A

    def backward(self, Y, loss="binary_cross_entropy"):
        r"""Backward propagation of the mean loss $J(A^{[L]}, Y)$.

        Call it after [`forward`][nnlib.network.MLP.forward]. Sets every
        layer's ``dW`` and ``db`` to $\partial J/\partial W^{[l]}$ and
        $\partial J/\partial b^{[l]}$. When the loss and the output activation
        are sigmoid + binary cross-entropy or softmax + cross-entropy, the
        output layer starts from the fused gradient

        $$dZ^{[L]} = \frac{A^{[L]} - Y}{m}$$

        ($m$ = number of entries of $A^{[L]}$ for binary cross-entropy, which
        is $m$ for one output unit). Otherwise it starts from
        $dA^{[L]} = \partial J/\partial A^{[L]}$ and chains through $g'$.

        Examples
        --------
        >>> model = MLP([2, 3, 1], ["relu", "sigmoid"])
        >>> X = np.array([[1.0, -1.0], [0.5, 2.0]])
        >>> Y = np.array([[1, 0]])
        >>> _ = model.forward(X)
        >>> model.backward(Y)
        >>> model.gradients()["db2"]
        array([[-0.01391925]])
        """
        loss = losses.get(loss)
        if self.A is None:
            raise ValueError(
                "MLP.backward: call forward(X) first; backward uses the values "
                "that forward keeps"
            )
        # A comes from forward: through a fused output activation it needs no check.
        fused = self._fused(loss)
        _, Y = loss._prepare(self.A, Y, A_checked=fused)
        self._backward(Y, loss, fused)

    def _fused(self, loss):
        """True when ``loss`` and the output activation give $dZ^{[L]}$ in one step."""
        return loss.fused_with == self.layers[-1].activation.name

    def _backward(self, Y, loss, fused):
        """``backward`` for a ``Y`` that ``loss`` has already checked against ``self.A``;
        ``fused`` is ``self._fused(loss)``."""
        layers = self.layers
        if fused:
            dA = layers[-1]._backward(dZ=loss._fused(self.A, Y), dA_prev=len(layers) > 1)
        else:
            dA = layers[-1]._backward(dA=loss._dfn(self.A, Y), dA_prev=len(layers) > 1)
        for l in range(len(layers) - 2, -1, -1):
            dA = layers[l]._backward(dA=dA, dA_prev=l > 0)  # layer 1 needs no dA_prev

    def loss(self, X, Y, loss="binary_cross_entropy"):
        r"""The mean loss $J$ on ``(X, Y)``, a float: ``loss(forward(X), Y)``.

        $$J = \mathcal{L}\bigl(A^{[L]}(X), Y\bigr),$$

        averaged over the examples (see [`nnlib.losses`][nnlib.losses]). Runs
        [`forward`][nnlib.network.MLP.forward], so the layers keep this batch's values.

        Examples
        --------
        >>> model = MLP([2, 3, 1], ["relu", "sigmoid"])
        >>> model.loss(np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([[1, 0]]))
        0.41661401418080757
        """
        return losses.get(loss)(self.forward(X), Y)

    def predict(self, X):
        r"""Class labels for the examples in ``X``.

        $$\hat y = \begin{cases} [\,a > 0.5\,] & \text{sigmoid output} \\
                                 \arg\max_j a_j & \text{softmax output} \\
                                 \arg\max_j z_j & \text{identity output (logits), } k \ge 2
                   \end{cases}$$

        Sigmoid output: $\hat y = 1$ where $a > 0.5$, else 0, shape
        ``(n[L], m)``. Softmax output: the row of the largest $a$ in each
        column, shape ``(1, m)``. An identity output with two or more rows is
        read as logits (trained with ``softmax_cross_entropy``): the row of
        the largest logit, which is the row of the largest softmax
        probability. All are integer arrays.

        Examples
        --------
        >>> model = MLP([2, 3, 2], ["relu", "softmax"])
        >>> model.predict(np.array([[1.0, -1.0], [0.5, 2.0]]))
        array([[0, 1]])
        >>> MLP([2, 3, 2], ["relu", "identity"]).predict(np.array([[1.0, -1.0], [0.5, 2.0]]))
        array([[0, 1]])
        """
        A = self.forward(X)
        name = self.layers[-1].activation.name
        if name == "sigmoid":
            return (A > 0.5).astype(int)
        if self._classes_on_rows():
            return A.argmax(axis=0, keepdims=True)
        raise ValueError(
            f"MLP.predict needs a sigmoid or softmax output layer, this network "
            f"ends in {name}; use forward(X) for its raw outputs"
        )

    def accuracy(self, X, Y):
        r"""The fraction of examples whose predicted label matches ``Y``.

        $$\text{accuracy} = \frac{1}{m} \sum_{i=1}^{m} [\,\hat y^{(i)} = y^{(i)}\,]$$

        The predicted labels are those of [`predict`][nnlib.network.MLP.predict].
        ``Y`` holds labels of the shape ``predict`` returns, or, for a
        softmax or logits output, one-hot columns ``(k, m)``.

        Examples
        --------
        >>> model = MLP([2, 3, 1], ["relu", "sigmoid"])
        >>> model.accuracy(np.array([[1.0, -1.0], [0.5, 2.0]]), [[1, 1]])
        0.5
        """
        labels = self.predict(X)
        Y = as_float_array(Y, "MLP.accuracy: Y")
        if self._classes_on_rows() and Y.shape == self.A.shape:
            Y = Y.argmax(axis=0, keepdims=True)
        if Y.shape != labels.shape:
            raise ValueError(
                f"MLP.accuracy: Y must have shape {labels.shape} (labels) "
                f"or, for softmax, {self.A.shape} (one-hot), got {Y.shape}"
            )
        return float(np.mean(labels == Y))

    def parameters(self):
        r"""Every parameter by its docs name: ``{"W1": W, "b1": b, "W2": ...}``.

        The arrays themselves, not copies: updating them in place updates
        the network, as gradient descent does:

        $$W^{[l]} \leftarrow W^{[l]} - \alpha\, dW^{[l]}, \qquad
          b^{[l]} \leftarrow b^{[l]} - \alpha\, db^{[l]}.$$

        Examples
        --------
        >>> list(MLP([2, 3, 1], ["relu", "sigmoid"]).parameters())
        ['W1', 'b1', 'W2', 'b2']
        """
        params = {}
        for (W, b, _, _), layer in self._named_layers():
            params[W] = layer.W
            params[b] = layer.b
        return params

    def gradients(self):
        r"""Every gradient from the last backward pass: ``{"dW1": dW, "db1": db, ...}``.

        As set by [`backward`][nnlib.network.MLP.backward]. Key
        ``"d" + name`` holds $\partial J / \partial$ ``parameters()[name]``,
        an array of the same shape, e.g.

        $$dW^{[l]} = \frac{\partial J}{\partial W^{[l]}} = dZ^{[l]} A^{[l-1]\top}.$$

        Examples
        --------
        >>> model = MLP([2, 3, 1], ["relu", "sigmoid"])
        >>> X, Y = np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([[1, 0]])
        >>> _ = model.forward(X)
        >>> model.backward(Y)
        >>> {name: g.shape for name, g in model.gradients().items()}
        {'dW1': (3, 2), 'db1': (3, 1), 'dW2': (1, 3), 'db2': (1, 1)}
        >>> model.gradients()["dW2"]
        array([[-0.0105778 , -0.12281064,  0.20560857]])
        """
        grads = {}
        for (_, _, dW, db), layer in self._named_layers():
            if layer.dW is None:
                raise ValueError(
                    "MLP.gradients: no gradients yet; call forward(X) then backward(Y)"
                )
            grads[dW] = layer.dW
            grads[db] = layer.db
        return grads

    def _classes_on_rows(self):
        """True for a softmax output, or logits: an identity output with k >= 2 rows."""
        output = self.layers[-1]
        name = output.activation.name
        return name == "softmax" or (name == "identity" and output.n_out >= 2)

    def _named_layers(self):
        """``((W, b, dW, db) names, layer)`` for each Dense layer, layer 1 first.

        Built once per list of layers: a training step asks for them twice.
        """
        layers = tuple(self.layers)
        if getattr(self, "_names_for", None) != layers:
            dense = [layer for layer in layers if isinstance(layer, Dense)]
            self._names = [((f"W{l}", f"b{l}", f"dW{l}", f"db{l}"), layer)
                           for l, layer in enumerate(dense, start=1)]
            self._names_for = layers
        return self._names

    def __repr__(self):
        dense = [layer for _, layer in self._named_layers()]
        sizes = [dense[0].n_in] + [layer.n_out for layer in dense]
        names = [layer.activation.name for layer in dense]
        extra = "" if self.dropout is None else f", dropout={self.dropout!r}"
        return f"MLP({sizes}, {names}{extra})"


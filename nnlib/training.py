r"""Training loops: full-batch gradient descent and minibatch SGD.

Both update the model in place, one step per batch,

$$W \leftarrow W - \alpha\, \frac{\partial J}{\partial W}, \qquad
  b \leftarrow b - \alpha\, \frac{\partial J}{\partial b},$$

and return the loss history: one float per epoch, the mean loss over the
training set as that epoch saw it. For gradient descent that is $J$ at the
parameters before the epoch's step; for SGD it is the average of the
minibatch losses (each computed before its step), weighted by batch size.

The model is anything with ``forward``, ``backward``, ``parameters`` and
``gradients`` like [`MLP`][nnlib.network.MLP].
"""

import math

import numpy as np

from nnlib import losses
from nnlib._checks import as_float_array, describe, real_number
from nnlib._checks import positive_int
from nnlib.network import MLP

__all__ = ["gradient_descent", "sgd"]


def gradient_descent(model, X, Y, *, learning_rate, epochs, loss="binary_cross_entropy"):
    r"""Full-batch gradient descent: one step on all of ``(X, Y)`` per epoch.

    $$\theta \leftarrow \theta - \alpha\, \nabla_\theta J(\theta)$$

    for every parameter $\theta$; $\alpha$ is ``learning_rate``. Returns the
    list of ``epochs`` losses, ``history[i]`` = $J$ before step ``i``.

    Examples
    --------
    >>> from nnlib import datasets, network
    >>> X, Y = datasets.xor()
    >>> model = network.MLP([2, 4, 1], ["tanh", "sigmoid"], seed=1, init="xavier")
    >>> history = gradient_descent(model, X, Y, learning_rate=1.0, epochs=300)
    >>> round(history[0], 4), round(history[-1], 4)
    (0.6906, 0.0099)
    >>> model.predict(X)
    array([[0, 1, 1, 0]])
    """
    loss = losses.get(loss)
    X, Y = _check_data(X, Y)
    learning_rate = _positive_real(learning_rate, "learning_rate")
    epochs = _epochs(epochs)
    history = []
    for epoch in range(epochs):
        # Epoch 0 checks X and Y through the public calls; later epochs reuse that.
        history.append(_forward_backward(model, X, Y, loss, epoch, checked=epoch > 0))
        _step(model, learning_rate)
    return history


def sgd(
    model,
    X,
    Y,
    *,
    learning_rate,
    epochs,
    batch_size,
    seed=0,
    momentum=0.0,
    loss="binary_cross_entropy",
):
    r"""Minibatch stochastic gradient descent, with optional momentum.

    Each epoch shuffles the columns of ``(X, Y)`` (seeded: the same ``seed``
    gives the same run) and takes one step per minibatch of ``batch_size``
    examples (the last one may be smaller). With momentum $\beta$ each
    parameter keeps a velocity $v$, starting at 0:

    $$v \leftarrow \beta\, v + \nabla_\theta J_{batch}, \qquad
      \theta \leftarrow \theta - \alpha\, v$$

    (the form PyTorch uses); $\beta = 0$ is plain SGD. Returns one float per
    epoch: the batch-size-weighted mean of that epoch's minibatch losses.

    Examples
    --------
    >>> from nnlib import datasets, network
    >>> X, Y = datasets.moons(m=100, noise=0.1, seed=0)
    >>> model = network.MLP([2, 8, 1], ["tanh", "sigmoid"], seed=0, init="xavier")
    >>> history = sgd(model, X, Y, learning_rate=0.5, epochs=100, batch_size=10,
    ...               momentum=0.9, seed=0)
    >>> len(history), history[-1] < 0.1
    (100, True)
    >>> model.accuracy(X, Y)
    1.0
    """
    loss = losses.get(loss)
    X, Y = _check_data(X, Y)
    learning_rate = _positive_real(learning_rate, "learning_rate")
    epochs = _epochs(epochs)
    batch_size = positive_int(batch_size, "sgd: batch_size")
    real_number(momentum, "sgd: momentum")
    if not 0 <= momentum < 1:
        raise ValueError(f"sgd: momentum must be in [0, 1), got {momentum}")
    rng = np.random.default_rng(seed)
    m = X.shape[1]
    velocity = {name: np.zeros_like(p) for name, p in model.parameters().items()}
    history = []
    for epoch in range(epochs):
        order = rng.permutation(m)
        total = 0.0
        for start in range(0, m, batch_size):
            batch = order[start : start + batch_size]
            X_batch, Y_batch = X[:, batch], Y[:, batch]
            # Epoch 0 checks every column of X and Y once, batch by batch.
            J = _forward_backward(model, X_batch, Y_batch, loss, epoch, checked=epoch > 0)
            total += J * len(batch)
            _step(model, learning_rate, velocity, momentum)
        history.append(total / m)
    return history


def _forward_backward(model, X, Y, loss, epoch, checked):
    """Forward pass, loss, backward pass on one batch; return the loss.

    ``checked``: this X and Y have passed the public calls' checks before, so
    an [`MLP`][nnlib.network.MLP] skips them. The loss still checks ``A``
    unless the output activation keeps it in range (sigmoid or softmax with
    its own loss), where a NaN shows up as a non-finite loss instead.
    """
    if checked and isinstance(model, MLP):
        A = model._forward(X)
        J = loss._value(A, Y) if model._fused(loss) else loss(A, Y)
        _check_finite(J, epoch)
        model._backward(Y, loss)
        return J
    J = loss(model.forward(X), Y)
    _check_finite(J, epoch)
    model.backward(Y, loss)
    return J


def _step(model, learning_rate, velocity=None, momentum=0.0):
    """One update of every parameter, in place."""
    grads = model.gradients()
    for name, p in model.parameters().items():
        step = grads["d" + name]
        if velocity is not None:
            velocity[name] = momentum * velocity[name] + step
            step = velocity[name]
        p -= learning_rate * step


def _check_data(X, Y):
    X = as_float_array(X, "training: X")
    Y = as_float_array(Y, "training: Y")
    if X.ndim != 2 or Y.ndim != 2 or X.shape[1] != Y.shape[1]:
        raise ValueError(
            f"training: X and Y must be 2-D with one column per example and the "
            f"same number of columns, got X {X.shape} and Y {Y.shape}"
        )
    return X, Y.astype(np.float64, copy=False)  # the losses compute in float64


def _positive_real(value, what):
    real_number(value, what)
    if not value > 0 or not math.isfinite(value):
        raise ValueError(f"{what} must be a positive number, got {value}")
    return value


def _epochs(epochs):
    if isinstance(epochs, bool) or not isinstance(epochs, int | np.integer):
        raise TypeError(f"epochs must be a non-negative integer, got {describe(epochs)}")
    if epochs < 0:
        raise ValueError(f"epochs must be a non-negative integer, got {epochs}")
    return int(epochs)


def _check_finite(J, epoch):
    if not math.isfinite(J):
        raise ValueError(
            f"training diverged: the loss is {J} in epoch {epoch}; "
            f"try a smaller learning_rate"
        )

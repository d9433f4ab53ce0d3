r"""Training loops: full-batch gradient descent and minibatch SGD.

Both update the model in place, one step per batch, by default

$$W \leftarrow W - \alpha\, \frac{\partial J}{\partial W}, \qquad
  b \leftarrow b - \alpha\, \frac{\partial J}{\partial b},$$

or with any optimiser of [`nnlib.optimizers`][nnlib.optimizers] passed as
``optimizer=`` instead of ``learning_rate=``. They return the loss history,
a [`History`][nnlib.training.History]: one float per epoch, the mean loss
over the training set as that epoch saw it. For gradient descent that is $J$
at the parameters before the epoch's step; for SGD it is the average of the
minibatch losses (each computed before its step), weighted by batch size.
Given ``validation=(X_val, Y_val)``, the history also holds the validation
loss after every epoch, and ``patience=`` stops early.

The model is anything with ``forward``, ``backward``, ``parameters`` and
``gradients`` like [`MLP`][nnlib.network.MLP].
"""

import math

import numpy as np

from nnlib import losses
from nnlib._checks import as_float_array, describe, positive_int, real_number
from nnlib.network import MLP
from nnlib.optimizers import SGD, Optimizer

__all__ = ["History", "gradient_descent", "sgd"]


class History(list):
    r"""The training losses, one per epoch, with the validation losses beside them.

    A ``list`` of floats: ``history[i]`` is the training loss of epoch
    ``i`` (see [`gradient_descent`][nnlib.training.gradient_descent] and
    [`sgd`][nnlib.training.sgd] for which one).

    Attributes
    ----------
    validation : list of float
        $J$ on the validation data at the end of each epoch (after its
        updates), computed in evaluation mode (dropout off); empty without
        ``validation=``.
    best_epoch : int or None
        The epoch with the lowest validation loss, counted from 0 (its
        index in ``validation``); None without
        ``validation=``. With ``patience=``, the model ends with the
        parameters it had after this epoch.
    stopped_early : bool
        True if ``patience`` stopped training before ``epochs``.
    """

    def __init__(self):
        super().__init__()
        self.validation = []
        self.best_epoch = None
        self.stopped_early = False


def gradient_descent(
    model,
    X,
    Y,
    *,
    learning_rate=None,
    epochs,
    loss="binary_cross_entropy",
    optimizer=None,
    validation=None,
    patience=None,
):
    r"""Full-batch gradient descent: one step on all of ``(X, Y)`` per epoch.

    $$\theta \leftarrow \theta - \alpha\, \nabla_\theta J(\theta)$$

    for every parameter $\theta$; $\alpha$ is ``learning_rate``. Or pass an
    ``optimizer`` (such as [`Adam`][nnlib.optimizers.Adam]) instead of
    ``learning_rate``: its [`step`][nnlib.optimizers.Optimizer.step] makes
    each update. Returns a [`History`][nnlib.training.History] of ``epochs``
    losses, ``history[i]`` = $J$ before step ``i``.

    ``validation=(X_val, Y_val)`` records $J$ on that data after every step
    in ``history.validation``. With it, ``patience=k`` stops once the
    validation loss has not improved for ``k`` epochs in a row and puts
    back the parameters of the best epoch (early stopping).

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

    With Adam, a validation set and a network big enough to overfit: the
    training loss keeps falling while the validation loss turns up after
    epoch ``best_epoch``; ``patience=20`` stops 20 epochs after the best
    one and keeps its parameters.

    >>> from nnlib.optimizers import Adam
    >>> X, Y = datasets.moons(m=200, noise=0.3, seed=0)
    >>> train, val = datasets.train_validation_split(X, Y, validation=0.25)
    >>> def big():
    ...     return network.MLP([2, 64, 64, 1], ["relu", "relu", "sigmoid"], seed=0)
    >>> history = gradient_descent(big(), *train, optimizer=Adam(lr=0.01), epochs=400,
    ...                            validation=val)
    >>> round(history[-1], 2), round(history.validation[-1], 2), history.best_epoch
    (0.06, 0.84, 68)
    >>> model = big()
    >>> history = gradient_descent(model, *train, optimizer=Adam(lr=0.01), epochs=400,
    ...                            validation=val, patience=20)
    >>> len(history), history.stopped_early, history.best_epoch
    (26, True, 5)
    >>> round(model.loss(*val), 2) == round(history.validation[5], 2)
    True
    """
    loss = losses.get(loss)
    X, Y = _check_data(X, Y)
    optimizer = _optimizer(learning_rate, optimizer)
    epochs = _epochs(epochs)
    tracker = _Tracker(model, loss, validation, patience)
    for epoch in range(epochs):
        # Epoch 0 checks X and Y through the public calls; later epochs reuse that.
        tracker.history.append(_forward_backward(model, X, Y, loss, epoch, checked=epoch > 0))
        _step(optimizer, model, checked=epoch > 0)
        if tracker.end_of_epoch(epoch):
            break
    return tracker.done()


def sgd(
    model,
    X,
    Y,
    *,
    learning_rate=None,
    epochs,
    batch_size,
    seed=0,
    momentum=0.0,
    loss="binary_cross_entropy",
    optimizer=None,
    validation=None,
    patience=None,
):
    r"""Minibatch stochastic gradient descent, with optional momentum.

    Each epoch shuffles the columns of ``(X, Y)`` (seeded: the same ``seed``
    gives the same run) and takes one step per minibatch of ``batch_size``
    examples (the last one may be smaller). With momentum $\beta$ each
    parameter keeps a velocity $v$, starting at 0:

    $$v \leftarrow \beta\, v + \nabla_\theta J_{\text{batch}}, \qquad
      \theta \leftarrow \theta - \alpha\, v$$

    (the form PyTorch uses, [`SGD`][nnlib.optimizers.SGD]); $\beta = 0$ is
    plain SGD. Or pass an ``optimizer`` instead of ``learning_rate`` and
    ``momentum``: its [`step`][nnlib.optimizers.Optimizer.step] makes each
    update. Returns a [`History`][nnlib.training.History], one float per
    epoch: the batch-size-weighted mean of that epoch's minibatch losses.
    ``validation=`` and ``patience=`` work as in
    [`gradient_descent`][nnlib.training.gradient_descent].

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
    real_number(momentum, "sgd: momentum")
    if not 0 <= momentum < 1:
        raise ValueError(f"sgd: momentum must be in [0, 1), got {momentum}")
    if optimizer is not None and momentum:
        raise TypeError("sgd: momentum= goes with learning_rate=; an optimizer= has its own")
    optimizer = _optimizer(learning_rate, optimizer, momentum)
    epochs = _epochs(epochs)
    batch_size = positive_int(batch_size, "sgd: batch_size")
    rng = np.random.default_rng(seed)
    m = X.shape[1]
    tracker = _Tracker(model, loss, validation, patience)
    for epoch in range(epochs):
        order = rng.permutation(m)
        total = 0.0
        for start in range(0, m, batch_size):
            batch = order[start : start + batch_size]
            X_batch, Y_batch = X[:, batch], Y[:, batch]
            # Epoch 0 checks every column of X and Y once, batch by batch.
            J = _forward_backward(model, X_batch, Y_batch, loss, epoch, checked=epoch > 0)
            total += J * len(batch)
            _step(optimizer, model, checked=epoch > 0)
        tracker.history.append(total / m)
        if tracker.end_of_epoch(epoch):
            break
    return tracker.done()


def _optimizer(learning_rate, optimizer, momentum=0.0):
    """The optimiser that makes the updates: ``optimizer``, or SGD at ``learning_rate``."""
    if optimizer is None:
        if learning_rate is None:
            raise TypeError("training: pass learning_rate= (for plain SGD) or optimizer=")
        return SGD(_positive_real(learning_rate, "learning_rate"), momentum=momentum)
    if learning_rate is not None:
        raise TypeError(
            "training: pass learning_rate= or optimizer=, not both "
            "(the optimizer has its own learning rate)"
        )
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(
            f"training: optimizer must have a step(model) method, like "
            f"nnlib.optimizers.Adam, got {describe(optimizer)}"
        )
    return optimizer


def _forward_backward(model, X, Y, loss, epoch, checked):
    """Forward pass, loss, backward pass on one batch; return the loss.

    ``checked``: this X and Y have passed the public calls' checks before, so
    an [`MLP`][nnlib.network.MLP] skips them. The loss still checks ``A``
    unless the output activation keeps it in range (sigmoid or softmax with
    its own loss), where a NaN shows up as a non-finite loss instead.
    """
    if checked and isinstance(model, MLP):
        A = model._forward(X)
        fused = model._fused(loss)
        J = loss._value(A, Y) if fused else loss(A, Y)
        _check_finite(J, epoch)
        model._backward(Y, loss, fused)
        return J
    J = loss(model.forward(X), Y)
    _check_finite(J, epoch)
    model.backward(Y, loss)
    return J


def _step(optimizer, model, checked):
    """``optimizer.step(model)``; ``checked``: it has stepped this MLP before, so an nnlib
    optimiser skips its checks (the parameters and gradients keep their names and shapes)."""
    if checked and isinstance(optimizer, Optimizer) and isinstance(model, MLP):
        optimizer._step(model.parameters(), model.gradients())
    else:
        optimizer.step(model)


class _Tracker:
    """The history, the validation losses and early stopping of one run."""

    def __init__(self, model, loss, validation, patience):
        self.model, self.loss, self.history = model, loss, History()
        self.data = None
        if validation is not None:
            if not isinstance(validation, (tuple, list)) or len(validation) != 2:
                raise TypeError(
                    f"training: validation must be a pair (X_val, Y_val), "
                    f"got {describe(validation)}"
                )
            self.data = _check_data(*validation, what="validation")
        if patience is not None:
            if self.data is None:
                raise TypeError("training: patience= needs validation=(X_val, Y_val)")
            patience = positive_int(patience, "training: patience")
        self.patience = patience
        self.best = None  # the parameters of the best epoch, with patience

    def end_of_epoch(self, epoch):
        """Record the validation loss; True when early stopping says stop."""
        if self.data is None:
            return False
        losses_so_far, history = self.history.validation, self.history
        losses_so_far.append(self._validation_loss())
        if history.best_epoch is None or losses_so_far[-1] < losses_so_far[history.best_epoch]:
            history.best_epoch = epoch
            if self.patience is not None:  # keep the best parameters to put back
                self.best = {k: p.copy() for k, p in self.model.parameters().items()}
        if self.patience is not None and epoch - self.history.best_epoch >= self.patience:
            self.history.stopped_early = True
            return True
        return False

    def _validation_loss(self):
        X_val, Y_val = self.data
        model = self.model
        training = getattr(model, "training", None)
        if training:
            model.eval()
        try:
            return self.loss(model.forward(X_val), Y_val)
        finally:
            if training:
                model.train()

    def done(self):
        if self.best is not None:
            for name, p in self.model.parameters().items():
                p[...] = self.best[name]
        return self.history


def _check_data(X, Y, what="training"):
    X = as_float_array(X, f"{what}: X")
    Y = as_float_array(Y, f"{what}: Y")
    if X.ndim != 2 or Y.ndim != 2 or X.shape[1] != Y.shape[1]:
        raise ValueError(
            f"{what}: X and Y must be 2-D with one column per example and the "
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

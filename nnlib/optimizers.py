r"""Optimisers: SGD with momentum, RMSprop and Adam, with PyTorch's update rules.

Each optimiser is an object built with its hyperparameters; its
[`step`][nnlib.optimizers.Optimizer.step] updates every parameter of a model in
place from the model's gradients. The model is anything whose
``parameters()`` returns ``{"W1": W, "b1": b, ...}`` (the arrays themselves)
and whose ``gradients()`` returns ``{"dW1": dW, "db1": db, ...}``, like
[`MLP`][nnlib.network.MLP]; key ``"d" + name`` is the gradient of ``name``.

The update rules are those of ``torch.optim.SGD``, ``torch.optim.RMSprop``
and ``torch.optim.Adam`` with the same arguments (and their other arguments
at PyTorch's defaults). Below, $\theta$ is one parameter, $g_t$ its gradient
at step $t = 1, 2, \dots$ and $\alpha$ the learning rate ``lr``.

Weight decay (an L2 penalty $\frac{\lambda}{2} \lVert W \rVert_F^2$ added to
$J$) adds $\lambda W$ to the gradient of every weight, the parameters whose
name starts with ``"W"``, and never to a bias. Here nnlib differs from a plain
``torch.optim.SGD(model.parameters(), weight_decay=...)``, which decays every
parameter it is given, biases included; PyTorch does what nnlib does when the
biases are put in a parameter group of their own with ``weight_decay=0``.

An optimiser keeps state per parameter name (a velocity, running averages,
the step count), so use one optimiser object per model, for the whole run.
"""

import math

import numpy as np

from nnlib._checks import real_number

__all__ = ["Optimizer", "SGD", "RMSprop", "Adam"]


class Optimizer:
    r"""What the three optimisers share: the step over a model's parameters.

    A subclass updates one parameter in ``_update(name, theta, g)``, where
    ``g`` already includes weight decay, and lists its per-parameter state
    in ``_stores()``.

    Attributes
    ----------
    t : int
        The number of steps taken so far.
    weight_decay : float
        $\lambda$, 0 unless the subclass takes it as an argument.
    """

    t = 0
    weight_decay = 0.0

    def step(self, model):
        r"""Update every parameter of ``model`` in place from its gradients.

        Reads ``model.parameters()`` and ``model.gradients()`` (call the
        model's ``backward`` first) and changes the parameter arrays
        themselves, so the model sees the update. Returns None.

        Examples
        --------
        >>> from nnlib import datasets, network
        >>> X, Y = datasets.xor()
        >>> model = network.MLP([2, 4, 1], ["tanh", "sigmoid"], seed=1, init="xavier")
        >>> opt = Adam(lr=0.05)
        >>> for t in range(200):
        ...     J = model.loss(X, Y)
        ...     model.backward(Y)
        ...     opt.step(model)
        >>> opt.t, model.predict(X)
        (200, array([[0, 1, 1, 0]]))
        """
        params = model.parameters()
        grads = model.gradients()
        self._check(params, grads)
        self._step(params, grads)

    def _check(self, params, grads):
        """Raise unless every parameter has a gradient, and state, of its shape."""
        for name, theta in params.items():  # check everything before changing anything
            key = "d" + name
            if key not in grads:
                raise ValueError(
                    f"{self!r}.step: model.gradients() has no {key!r} for parameter "
                    f"{name!r}; got keys {sorted(grads)}"
                )
            if grads[key].shape != theta.shape:
                raise ValueError(
                    f"{self!r}.step: gradient {key!r} must have the shape of {name!r}, "
                    f"{theta.shape}, got {grads[key].shape}"
                )
            for store in self._stores():
                if name in store and store[name].shape != theta.shape:
                    raise ValueError(
                        f"{self!r}.step: parameter {name!r} has shape {theta.shape}, but "
                        f"this optimiser's state for it has shape {store[name].shape}; "
                        f"use one optimiser per model"
                    )

    def _step(self, params, grads):
        """``step`` for parameters and gradients already checked (a training loop's later steps)."""
        self.t += 1
        for name, theta in params.items():
            g = grads["d" + name]
            if self.weight_decay and name.startswith("W"):
                g = g + self.weight_decay * theta
            self._update(name, theta, g)

    def _stores(self):
        """The dicts of per-parameter state (velocities, averages)."""
        return ()

    @staticmethod
    def _state(store, name, theta):
        """The buffer ``store[name]``, zeros like ``theta`` the first time."""
        if name not in store:
            store[name] = np.zeros_like(theta)
        return store[name]

    def __repr__(self):
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._args)
        return f"{type(self).__name__}({args})"


def _check(value, what, low, high=math.inf, low_open=False):
    """A finite real hyperparameter in [low, high) (or (low, high) if low_open)."""
    real_number(value, what)
    inside = (value > low if low_open else value >= low) and value < high
    if not (math.isfinite(value) and inside):
        left = "(" if low_open else "["
        right = "inf)" if high == math.inf else f"{high:g})"
        raise ValueError(f"{what} must be a finite number in {left}{low:g}, {right}, got {value}")
    return float(value)


class SGD(Optimizer):
    r"""Stochastic gradient descent with optional momentum and weight decay.

    As ``torch.optim.SGD(params, lr, momentum, weight_decay=...)`` (no
    dampening, no Nesterov), with the biases in a parameter group of weight
    decay 0. With weight decay $\lambda$ (weights only),

    $$g_t \leftarrow g_t + \lambda\, \theta_{t-1};$$

    then with momentum $\beta > 0$ the velocity starts as the first gradient
    and accumulates the later ones,

    $$v_1 = g_1, \qquad v_t = \beta\, v_{t-1} + g_t, \qquad
      \theta_t = \theta_{t-1} - \alpha\, v_t,$$

    and with $\beta = 0$ the step is plain gradient descent,
    $\theta_t = \theta_{t-1} - \alpha\, g_t$.

    Parameters
    ----------
    lr : float
        The learning rate $\alpha \ge 0$.
    momentum : float, default 0.0
        $\beta$ in $[0, 1)$.
    weight_decay : float, default 0.0
        $\lambda \ge 0$, applied to the weights (names starting with "W").

    Attributes
    ----------
    velocity : dict of ndarray
        $v$ for every parameter name, created at the first step (empty when
        ``momentum`` is 0).

    Examples
    --------
    One step on a model with one weight, $J = \frac12 (w - 3)^2$, so
    $\partial J / \partial w = w - 3$:

    >>> class Bowl:
    ...     def __init__(self, w):
    ...         self.W = np.array([[w]])
    ...     def parameters(self):
    ...         return {"W": self.W}
    ...     def gradients(self):
    ...         return {"dW": self.W - 3.0}
    >>> bowl, opt = Bowl(0.0), SGD(lr=0.1, momentum=0.9)
    >>> opt
    SGD(lr=0.1, momentum=0.9, weight_decay=0.0)
    >>> for t in range(3):
    ...     opt.step(bowl)
    ...     print(round(bowl.W[0, 0], 6))
    0.3
    0.84
    1.542
    """

    _args = ("lr", "momentum", "weight_decay")

    def __init__(self, lr, momentum=0.0, weight_decay=0.0):
        self.lr = _check(lr, "SGD: lr (the learning rate)", 0.0)
        self.momentum = _check(momentum, "SGD: momentum", 0.0, 1.0)
        self.weight_decay = _check(weight_decay, "SGD: weight_decay", 0.0)
        self.velocity = {}

    def _stores(self):
        return (self.velocity,)

    def _update(self, name, theta, g):
        if self.momentum:
            if name in self.velocity:
                v = self.velocity[name]
                v *= self.momentum
                v += g
            else:  # PyTorch: the buffer starts as a copy of the first gradient
                self.velocity[name] = v = np.array(g, dtype=theta.dtype)
            g = v
        theta -= self.lr * g


class RMSprop(Optimizer):
    r"""RMSprop: each step divided by a running root mean square of the gradients.

    As ``torch.optim.RMSprop(params, lr, alpha, eps)`` (not centred, no
    momentum, no weight decay). The running average starts at zero and
    $\varepsilon$ is added after the square root:

    $$s_0 = 0, \qquad s_t = \rho\, s_{t-1} + (1 - \rho)\, g_t^2, \qquad
      \theta_t = \theta_{t-1} - \alpha\, \frac{g_t}{\sqrt{s_t} + \varepsilon}$$

    with $\rho$ = ``alpha``, all operations elementwise.

    Parameters
    ----------
    lr : float, default 0.01
        The learning rate $\alpha \ge 0$.
    alpha : float, default 0.99
        The smoothing constant $\rho$ in $[0, 1)$.
    eps : float, default 1e-8
        $\varepsilon > 0$.

    Attributes
    ----------
    square_avg : dict of ndarray
        $s_t$ for every parameter name, created at the first step.

    Examples
    --------
    The first step moves every parameter by about
    $\alpha / \sqrt{1 - \rho} = 0.1$, whatever the size of its gradient:

    >>> class Bowl:
    ...     def __init__(self):
    ...         self.W = np.array([[0.0, 0.0]])
    ...     def parameters(self):
    ...         return {"W": self.W}
    ...     def gradients(self):
    ...         return {"dW": np.array([[1000.0, 0.001]]) * (self.W - 3.0)}
    >>> bowl = Bowl()
    >>> RMSprop(lr=0.01).step(bowl)
    >>> bowl.W
    array([[0.1       , 0.09999667]])
    """

    _args = ("lr", "alpha", "eps")

    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        self.lr = _check(lr, "RMSprop: lr (the learning rate)", 0.0)
        self.alpha = _check(alpha, "RMSprop: alpha", 0.0, 1.0)
        self.eps = _check(eps, "RMSprop: eps", 0.0, low_open=True)
        self.square_avg = {}

    def _stores(self):
        return (self.square_avg,)

    def _update(self, name, theta, g):
        s = self._state(self.square_avg, name, theta)
        s *= self.alpha
        s += (1 - self.alpha) * (g * g)
        theta -= self.lr * (g / (np.sqrt(s) + self.eps))


class Adam(Optimizer):
    r"""Adam: momentum and RMSprop together, with bias correction.

    As ``torch.optim.Adam(params, lr, betas=(beta1, beta2), eps,
    weight_decay)`` (not AMSGrad), with the biases in a parameter group of
    weight decay 0. With weight decay $\lambda$ (weights only)
    $g_t \leftarrow g_t + \lambda\, \theta_{t-1}$; then, with both averages
    starting at zero,

    $$v_t = \beta_1 v_{t-1} + (1 - \beta_1)\, g_t, \qquad
      s_t = \beta_2 s_{t-1} + (1 - \beta_2)\, g_t^2,$$

    $$\hat v_t = \frac{v_t}{1 - \beta_1^t}, \qquad
      \hat s_t = \frac{s_t}{1 - \beta_2^t}, \qquad
      \theta_t = \theta_{t-1} - \alpha\, \frac{\hat v_t}{\sqrt{\hat s_t} + \varepsilon}.$$

    The bias corrections undo the pull of the zero start: at $t = 1$,
    $\hat v_1 = g_1$ and $\hat s_1 = g_1^2$, so the first step is
    $\alpha\, g_1 / (|g_1| + \varepsilon)$, about $\alpha$ per parameter.
    $\varepsilon$ is added to $\sqrt{\hat s_t}$, after the correction, as in
    PyTorch.

    Parameters
    ----------
    lr : float, default 0.001
        The learning rate $\alpha \ge 0$.
    beta1, beta2 : float, default 0.9 and 0.999
        $\beta_1$ and $\beta_2$, the decay rates of the two averages, in $[0, 1)$.
    eps : float, default 1e-8
        $\varepsilon > 0$.
    weight_decay : float, default 0.0
        $\lambda \ge 0$, applied to the weights (names starting with "W").

    Attributes
    ----------
    m, v : dict of ndarray
        The two averages for every parameter name, created at the first
        step: ``m`` holds $v_t$ (the first moment) and ``v`` holds $s_t$
        (the second); the attribute names are those of Kingma and Ba's paper.
    t : int
        The number of steps taken so far: the $t$ of the bias corrections.

    Examples
    --------
    >>> class Bowl:
    ...     def __init__(self):
    ...         self.W = np.array([[0.0, 0.0]])
    ...     def parameters(self):
    ...         return {"W": self.W}
    ...     def gradients(self):
    ...         return {"dW": np.array([[1000.0, 0.001]]) * (self.W - 3.0)}
    >>> bowl, opt = Bowl(), Adam(lr=0.1)
    >>> opt.step(bowl)
    >>> bowl.W
    array([[0.1       , 0.09999967]])
    >>> opt.t, opt.m["W"], opt.v["W"]
    (1, array([[-3.e+02, -3.e-04]]), array([[9.e+03, 9.e-09]]))
    """

    _args = ("lr", "beta1", "beta2", "eps", "weight_decay")

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
        self.lr = _check(lr, "Adam: lr (the learning rate)", 0.0)
        self.beta1 = _check(beta1, "Adam: beta1", 0.0, 1.0)
        self.beta2 = _check(beta2, "Adam: beta2", 0.0, 1.0)
        self.eps = _check(eps, "Adam: eps", 0.0, low_open=True)
        self.weight_decay = _check(weight_decay, "Adam: weight_decay", 0.0)
        self.m, self.v = {}, {}

    def _stores(self):
        return (self.m, self.v)

    def _update(self, name, theta, g):
        m = self._state(self.m, name, theta)
        v = self._state(self.v, name, theta)
        m *= self.beta1
        m += (1 - self.beta1) * g
        v *= self.beta2
        v += (1 - self.beta2) * (g * g)
        correction1 = 1 - self.beta1**self.t
        correction2 = 1 - self.beta2**self.t
        denom = np.sqrt(v) / math.sqrt(correction2) + self.eps
        theta -= (self.lr / correction1) * (m / denom)

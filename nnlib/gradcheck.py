r"""Gradient checking: compare back-propagation with central differences.

For each parameter entry $\theta_p$ ($\theta$ is every parameter of the
network in one vector, and $\mathbf{e}_p$ the vector with 1 in position $p$ and 0
elsewhere),

$$\frac{\partial J}{\partial \theta_p} \approx
  \frac{J(\theta + \varepsilon \mathbf{e}_p) - J(\theta - \varepsilon \mathbf{e}_p)}{2\varepsilon},$$

with error $O(\varepsilon^2)$. Agreement is measured by the relative error
of [`relative_error`][nnlib.gradcheck.relative_error]; below about $10^{-7}$ the gradients agree.

Examples
--------
>>> from nnlib import network
>>> model = network.MLP([2, 3, 1], ["tanh", "sigmoid"])
>>> X, Y = np.array([[0.5, -1.0], [2.0, 0.3]]), np.array([[1, 0]])
>>> errors = check_network(model, X, Y)
>>> errors["overall"] < 1e-7
True
"""

import numpy as np

from nnlib import losses
from nnlib._checks import as_float_array, real_number

__all__ = ["check_network", "numerical_gradient", "numerical_gradients", "relative_error"]

TINY = np.finfo(np.float64).tiny


def relative_error(analytic, numeric):
    r"""Relative error between two gradients.

    $$\text{error} = \frac{\lVert a - n \rVert_2}{\max(\lVert a \rVert_2 + \lVert n \rVert_2,\ \text{tiny})}$$

    For scalars this is $|a - n| / (|a| + |n|)$, the form of Ng's gradient
    checking; CS231n divides by $\max(|a|, |n|)$ instead, which gives at most
    twice this value. It lies in $[0, 1]$ and is 0 when both are zero
    (``tiny`` is the smallest positive float64).

    Examples
    --------
    >>> relative_error(1.0, 1.0001)
    4.9997500124988246e-05
    >>> relative_error(np.array([0.0, 2.0]), np.array([0.0, 2.0]))
    0.0
    """
    a = np.asarray(as_float_array(analytic, "relative_error: analytic"), dtype=np.float64)
    n = np.asarray(as_float_array(numeric, "relative_error: numeric"), dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(
            f"relative_error: the gradients must have the same shape, got {a.shape} and {n.shape}"
        )
    scale = np.linalg.norm(a) + np.linalg.norm(n)
    return float(np.linalg.norm(a - n) / max(scale, TINY))


def numerical_gradient(f, x, eps=1e-6):
    r"""Central-difference gradient of a scalar function ``f`` at the array ``x``.

    $$
    \frac{\partial f}{\partial x_p} \approx
    \frac{f(x + \varepsilon \mathbf{e}_p) - f(x - \varepsilon \mathbf{e}_p)}{2\varepsilon}
    $$

    ``x`` is a float array, perturbed in place one entry at a time (and
    restored exactly), so ``f`` may also read it from elsewhere, e.g. a
    network's weights. Returns an array of the shape of ``x``.

    Examples
    --------
    >>> numerical_gradient(lambda x: np.sum(x ** 3), np.array([1.0, 2.0]))
    array([ 3., 12.])
    """
    real_number(eps, "numerical_gradient: eps")
    if not eps > 0:
        raise ValueError(f"numerical_gradient: eps must be positive, got {eps}")
    if not (isinstance(x, np.ndarray) and x.dtype.kind == "f"):
        raise TypeError("numerical_gradient: x must be a float ndarray (it is perturbed in place)")
    grad = np.zeros_like(x)
    for i in range(x.size):
        old = x.flat[i]
        x.flat[i] = old + eps
        f_plus = f(x)
        x.flat[i] = old - eps
        f_minus = f(x)
        x.flat[i] = old
        grad.flat[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def numerical_gradients(model, X, Y, *, loss="binary_cross_entropy", eps=1e-6):
    r"""Central-difference gradients of the mean loss for every parameter.

    $$\frac{\partial J}{\partial W^{[l]}_{jr}} \approx
      \frac{J(W^{[l]}_{jr} + \varepsilon) - J(W^{[l]}_{jr} - \varepsilon)}{2\varepsilon}$$

    for every entry $W^{[l]}_{jr}$ (row $j$, column $r$), and likewise for
    the biases.

    Returns a dict keyed like ``model.gradients()``: ``{"dW1": ..., "db1": ...}``.
    The model's parameters are left exactly as they were. Costs two forward
    passes per parameter entry: for small networks only.

    Examples
    --------
    >>> from nnlib import network
    >>> model = network.MLP([2, 3, 1], ["relu", "sigmoid"])
    >>> X, Y = np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([[1, 0]])
    >>> numerical_gradients(model, X, Y)["dW2"]
    array([[-0.0105778 , -0.12281064,  0.20560857]])
    """
    loss = losses.get(loss)

    def J(_):  # the perturbed parameter is live inside the model
        return loss(model.forward(X), Y)

    return {
        "d" + name: numerical_gradient(J, p, eps) for name, p in model.parameters().items()
    }


def check_network(model, X, Y, *, loss="binary_cross_entropy", eps=1e-6):
    r"""Relative error of back-propagation against central differences.

    $$\text{error} = \frac{\lVert dW_{\text{backprop}} - dW_{\text{numeric}} \rVert_2}
      {\lVert dW_{\text{backprop}} \rVert_2 + \lVert dW_{\text{numeric}} \rVert_2}$$

    Returns ``{"W1": error, "b1": error, ..., "overall": error}``: one
    [`relative_error`][nnlib.gradcheck.relative_error] per parameter, and one
    over all gradients together. Leaves the model's parameters unchanged,
    and its gradients those of ``(X, Y)`` from a fresh
    ``forward``/``backward``. Around
    $10^{-10}$ is typical for float64 with ``eps=1e-6``; above $10^{-7}$
    suggests a bug (or an input at a kink, such as ReLU at 0).

    Examples
    --------
    >>> from nnlib import network
    >>> model = network.MLP([2, 3, 1], ["relu", "sigmoid"])
    >>> X, Y = np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([[1, 0]])
    >>> errors = check_network(model, X, Y)
    >>> list(errors)
    ['W1', 'b1', 'W2', 'b2', 'overall']
    >>> max(errors.values()) < 1e-7
    True
    """
    numeric = numerical_gradients(model, X, Y, loss=loss, eps=eps)
    model.forward(X)
    model.backward(Y, loss)
    analytic = model.gradients()
    errors = {
        name[1:]: relative_error(analytic[name], numeric[name]) for name in numeric
    }
    errors["overall"] = relative_error(
        np.concatenate([g.ravel() for g in analytic.values()]),
        np.concatenate([g.ravel() for g in numeric.values()]),
    )
    return errors

r"""Small seeded toy datasets in the plane; nothing is downloaded.

Every generator returns ``X, Y`` with examples as columns: ``X`` has shape
``(2, m)``. Binary datasets give labels ``Y`` of shape ``(1, m)`` (0 or 1,
integers). Multiclass datasets give one-hot ``Y`` of shape ``(k, m)``
(floats, classes on rows), or with ``one_hot=False`` integer labels
``(1, m)`` in ``0, ..., k-1``. The same ``seed`` gives the same arrays;
``seed=None`` draws fresh randomness. Except for [`xor`][nnlib.datasets.xor],
the columns come shuffled.
"""

import numpy as np

from nnlib._checks import as_float_array, describe, real_number
from nnlib._checks import positive_int

__all__ = ["blobs", "circles", "moons", "one_hot", "spiral", "train_validation_split", "xor"]


def one_hot(labels, k=None):
    r"""One-hot columns from integer class labels.

    $$Y_{ij} = \begin{cases} 1 & \text{if example } j \text{ has class } i \\
                             0 & \text{otherwise} \end{cases}$$

    ``labels`` has shape ``(m,)`` or ``(1, m)`` with values in
    ``0, ..., k-1``; ``k`` defaults to ``max(labels) + 1``. Returns a float
    array of shape ``(k, m)``; ``Y.argmax(axis=0)`` undoes it.

    Examples
    --------
    >>> one_hot([2, 0, 1, 2])
    array([[0., 1., 0., 0.],
           [0., 0., 1., 0.],
           [1., 0., 0., 1.]])
    """
    arr = as_float_array(labels, "one_hot: labels")
    if arr.ndim == 2 and arr.shape[0] == 1:
        arr = arr[0]
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"one_hot: labels must have shape (m,) or (1, m), got {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)) or arr.min() < 0:
        raise ValueError("one_hot: labels must be non-negative integers")
    arr = arr.astype(int)
    k = arr.max() + 1 if k is None else positive_int(k, "one_hot: k")
    if arr.max() >= k:
        raise ValueError(f"one_hot: labels must be below k={k}, got {arr.max()}")
    Y = np.zeros((k, arr.size))
    Y[arr, np.arange(arr.size)] = 1.0
    return Y


def xor(m=4, noise=0.0, seed=0):
    r"""The XOR problem: corners of the unit square, label $x_1 \oplus x_2$.

    Example $j$ sits at corner $j \bmod 4$ of $(0,0), (0,1), (1,0), (1,1)$,
    plus Gaussian noise of std ``noise``; its label is

    $$y = x_1 \oplus x_2 = \begin{cases} 1 & \text{if exactly one coordinate is } 1 \\
                                         0 & \text{otherwise.} \end{cases}$$

    The default is the truth table itself. Not linearly separable.

    Examples
    --------
    >>> X, Y = xor()
    >>> X
    array([[0., 0., 1., 1.],
           [0., 1., 0., 1.]])
    >>> Y
    array([[0, 1, 1, 0]])
    """
    m, noise, rng = _setup(m, noise, seed)
    corners = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
    which = np.arange(m) % 4
    X = corners[:, which] + noise * rng.standard_normal((2, m))
    Y = np.array([[0, 1, 1, 0]])[:, which]
    return X, Y


def moons(m=200, noise=0.1, seed=0):
    r"""Two interleaving half circles (as ``sklearn.datasets.make_moons``).

    Class 0 lies on the upper arc, class 1 on the lower one, for
    $t \in [0, \pi]$ evenly spaced:

    $$x^{(0)} = (\cos t,\ \sin t), \qquad x^{(1)} = (1 - \cos t,\ \tfrac12 - \sin t),$$

    each plus Gaussian noise of std ``noise``. ``m // 2`` examples are class
    0, the rest class 1.

    Examples
    --------
    >>> X, Y = moons(m=6, noise=0.0)
    >>> X.shape, Y.shape, Y.sum()
    ((2, 6), (1, 6), 3)
    """
    m, noise, rng = _setup(m, noise, seed)
    m0 = m // 2
    t0, t1 = np.linspace(0, np.pi, m0), np.linspace(0, np.pi, m - m0)
    X = np.hstack([[np.cos(t0), np.sin(t0)], [1 - np.cos(t1), 0.5 - np.sin(t1)]])
    labels = np.repeat([0, 1], [m0, m - m0])
    return _shuffled(X + noise * rng.standard_normal((2, m)), labels[None, :], rng)


def circles(m=200, noise=0.05, factor=0.5, seed=0):
    r"""A circle inside a circle (as ``sklearn.datasets.make_circles``).

    Class 0 on the unit circle, class 1 on the circle of radius ``factor``
    ($0 < \text{factor} < 1$), at evenly spaced angles $t$:

    $$x^{(0)} = (\cos t,\ \sin t), \qquad x^{(1)} = \text{factor}\cdot(\cos t,\ \sin t),$$

    each plus Gaussian noise of std ``noise``. ``m // 2`` examples are class
    0, the rest class 1.

    Examples
    --------
    >>> X, Y = circles(m=8, noise=0.0, factor=0.5)
    >>> np.sort(np.hypot(X[0], X[1]).round(3))
    array([0.5, 0.5, 0.5, 0.5, 1. , 1. , 1. , 1. ])
    """
    m, noise, rng = _setup(m, noise, seed)
    real_number(factor, "circles: factor")
    if not 0 < factor < 1:
        raise ValueError(f"circles: factor must be between 0 and 1, got {factor}")
    m0 = m // 2
    t0 = np.linspace(0, 2 * np.pi, m0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, m - m0, endpoint=False)
    X = np.hstack([[np.cos(t0), np.sin(t0)], [factor * np.cos(t1), factor * np.sin(t1)]])
    labels = np.repeat([0, 1], [m0, m - m0])
    return _shuffled(X + noise * rng.standard_normal((2, m)), labels[None, :], rng)


def spiral(m=300, k=3, noise=0.2, seed=0, one_hot=True):
    r"""``k`` interleaved spiral arms, one per class (after CS231n).

    Arm $c$ has points at radius $r$ evenly spaced in $[0, 1]$ and angle

    $$\theta = \frac{2\pi c}{k} + 4r + \text{noise}\cdot\varepsilon, \quad
      \varepsilon \sim \mathcal{N}(0, 1), \qquad x = (r \sin\theta,\ r\cos\theta).$$

    ``m`` examples split as evenly as possible over the ``k`` classes.

    Examples
    --------
    >>> X, Y = spiral(m=9, k=3)
    >>> X.shape, Y.shape, Y.sum(axis=1)
    ((2, 9), (3, 9), array([3., 3., 3.]))
    >>> spiral(m=9, k=3, one_hot=False)[1].shape
    (1, 9)
    """
    m, noise, rng = _setup(m, noise, seed)
    k = _classes(k, m)
    labels = np.arange(m) * k // m  # k nearly equal runs 0, 0, ..., k-1
    r = np.concatenate([np.linspace(0, 1, n) for n in np.bincount(labels, minlength=k)])
    theta = 2 * np.pi * labels / k + 4 * r + noise * rng.standard_normal(m)
    X = np.array([r * np.sin(theta), r * np.cos(theta)])
    return _shuffled(X, _targets(labels, k, one_hot), rng)


def blobs(m=300, k=3, std=0.5, radius=2.0, seed=0, one_hot=True):
    r"""``k`` Gaussian blobs, one per class, centred on a circle.

    Class $c$ has centre $\mu_c = \text{radius}\cdot(\cos\frac{2\pi c}{k},\
    \sin\frac{2\pi c}{k})$ and its points are

    $$x = \mu_c + \text{std}\cdot\varepsilon, \qquad \varepsilon \sim \mathcal{N}(0, I_2).$$

    ``m`` examples split as evenly as possible over the ``k`` classes.

    Examples
    --------
    >>> X, Y = blobs(m=300, k=3, std=0.1)
    >>> centre = X[:, Y[0] == 1].mean(axis=1)
    >>> np.abs(centre - [2.0, 0.0]).max() < 0.05
    True
    """
    m, std, rng = _setup(m, std, seed, what="std")
    k = _classes(k, m)
    real_number(radius, "blobs: radius")
    labels = np.arange(m) * k // m
    angle = 2 * np.pi * labels / k
    X = radius * np.array([np.cos(angle), np.sin(angle)]) + std * rng.standard_normal((2, m))
    return _shuffled(X, _targets(labels, k, one_hot), rng)


def train_validation_split(X, Y, validation=0.25, seed=0):
    r"""Split the examples (columns) at random into a training and a validation set.

    A shuffled ``round(validation * m)`` of the $m$ columns (at least one)
    go to the validation set and the rest to the training set; every
    example lands in exactly one of them. Returns
    ``(X_train, Y_train), (X_val, Y_val)``. Train on the first pair and
    measure on the second, which the training never sees: the gap between
    the two losses shows overfitting.

    Parameters
    ----------
    X, Y : ndarray
        Shapes ``(n_x, m)`` and ``(n_y, m)``: examples as columns.
    validation : float, default 0.25
        The fraction of examples held out, in $(0, 1)$; both parts keep at
        least one example.
    seed : int or numpy.random.Generator or None, default 0
        Seeds the shuffle.

    Examples
    --------
    >>> X, Y = moons(m=200, noise=0.3, seed=0)
    >>> (X_train, Y_train), (X_val, Y_val) = train_validation_split(X, Y, validation=0.25)
    >>> X_train.shape, Y_train.shape, X_val.shape, Y_val.shape
    ((2, 150), (1, 150), (2, 50), (1, 50))
    """
    X = np.asarray(X)
    Y = np.asarray(Y)
    if X.ndim != 2 or Y.ndim != 2 or X.shape[1] != Y.shape[1] or X.shape[1] < 2:
        raise ValueError(
            f"train_validation_split: X and Y must be 2-D with the same number of "
            f"columns (examples), at least 2, got X {X.shape} and Y {Y.shape}"
        )
    real_number(validation, "train_validation_split: validation")
    if not 0 < validation < 1:
        raise ValueError(
            f"train_validation_split: validation must be a fraction in (0, 1), got {validation}"
        )
    m = X.shape[1]
    n_val = min(max(round(validation * m), 1), m - 1)
    order = np.random.default_rng(seed).permutation(m)
    val, train = order[:n_val], order[n_val:]
    return (X[:, train], Y[:, train]), (X[:, val], Y[:, val])


def _setup(m, noise, seed, what="noise"):
    m = positive_int(m, "m")
    real_number(noise, what)
    if not noise >= 0:
        raise ValueError(f"{what} must be non-negative, got {noise}")
    return m, float(noise), np.random.default_rng(seed)


def _classes(k, m):
    k = positive_int(k, "k")
    if not 2 <= k <= m:
        raise ValueError(f"k must be at least 2 and at most m={m}, got {k}")
    return k


def _targets(labels, k, as_one_hot):
    if not isinstance(as_one_hot, bool):
        raise TypeError(f"one_hot must be True or False, got {describe(as_one_hot)}")
    return one_hot(labels, k) if as_one_hot else labels[None, :]


def _shuffled(X, Y, rng):
    order = rng.permutation(X.shape[1])
    return X[:, order], Y[:, order]

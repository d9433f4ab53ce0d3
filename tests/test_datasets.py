import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib import datasets

BINARY = {
    "xor": lambda **kw: datasets.xor(**{"m": 40, "noise": 0.1, **kw}),
    "moons": datasets.moons,
    "circles": datasets.circles,
}
MULTICLASS = {"spiral": datasets.spiral, "blobs": datasets.blobs}


def test_xor_default_is_the_truth_table():
    X, Y = datasets.xor()
    np.testing.assert_array_equal(X, [[0, 0, 1, 1], [0, 1, 0, 1]])
    np.testing.assert_array_equal(Y, [[0, 1, 1, 0]])
    assert Y.dtype.kind == "i"


def test_xor_noise_and_labels():
    X, Y = datasets.xor(m=400, noise=0.05, seed=1)
    corners = np.round(X)
    np.testing.assert_array_equal(Y[0], (corners[0] != corners[1]).astype(int))
    assert 0.03 < np.std(X - corners) < 0.07
    np.testing.assert_array_equal(np.bincount(Y[0]), [200, 200])


@pytest.mark.parametrize("name", list(BINARY))
def test_binary_shapes_labels_and_balance(name):
    X, Y = BINARY[name]()
    m = X.shape[1]
    assert X.shape == (2, m) and Y.shape == (1, m)
    assert X.dtype == np.float64 and Y.dtype.kind == "i"
    assert set(np.unique(Y)) == {0, 1}
    assert abs(Y.sum() - m / 2) <= 1


@pytest.mark.parametrize("make", [*BINARY.values(), *MULTICLASS.values()])
def test_seeds_reproduce(make):
    X1, Y1 = make(seed=3)
    X2, Y2 = make(seed=3)
    X3, _ = make(seed=4)
    assert np.array_equal(X1, X2) and np.array_equal(Y1, Y2)
    assert not np.array_equal(X1, X3)


def test_moons_geometry_without_noise():
    X, Y = datasets.moons(m=101, noise=0.0)
    upper, lower = X[:, Y[0] == 0], X[:, Y[0] == 1]
    assert upper.shape[1] == 50 and lower.shape[1] == 51
    np.testing.assert_allclose(np.hypot(upper[0], upper[1]), 1.0, rtol=1e-12)
    np.testing.assert_allclose(np.hypot(lower[0] - 1, lower[1] - 0.5), 1.0, rtol=1e-12)
    assert upper[1].min() >= 0 and lower[1].max() <= 0.5


def test_moons_are_shuffled():
    _, Y = datasets.moons(m=100)
    assert 0 < Y[0, :50].sum() < 50


def test_circles_radii_without_noise():
    X, Y = datasets.circles(m=51, noise=0.0, factor=0.3)
    r = np.hypot(X[0], X[1])
    np.testing.assert_allclose(r[Y[0] == 0], 1.0, rtol=1e-12)
    np.testing.assert_allclose(r[Y[0] == 1], 0.3, rtol=1e-12)
    assert (Y[0] == 1).sum() == 26


@pytest.mark.parametrize("name", list(MULTICLASS))
@pytest.mark.parametrize("k", [2, 3, 5])
def test_multiclass_shapes_and_one_hot(name, k):
    X, Y = MULTICLASS[name](m=101, k=k, seed=0)
    assert X.shape == (2, 101) and Y.shape == (k, 101)
    np.testing.assert_array_equal(Y.sum(axis=0), np.ones(101))
    assert set(np.unique(Y)) == {0.0, 1.0}
    counts = Y.sum(axis=1)
    assert counts.max() - counts.min() <= 1
    _, labels = MULTICLASS[name](m=101, k=k, seed=0, one_hot=False)
    assert labels.shape == (1, 101) and labels.dtype.kind == "i"
    np.testing.assert_array_equal(datasets.one_hot(labels, k), Y)
    np.testing.assert_array_equal(Y.argmax(axis=0), labels[0])


def test_spiral_without_noise_lies_on_its_arms():
    X, labels = datasets.spiral(m=30, k=3, noise=0.0, one_hot=False)
    r = np.hypot(X[0], X[1])
    theta = np.arctan2(X[0], X[1])  # x = (r sin t, r cos t)
    expected = 2 * np.pi * labels[0] / 3 + 4 * r
    diff = np.angle(np.exp(1j * (theta - expected)))
    np.testing.assert_allclose(diff[r > 1e-12], 0, atol=1e-12)
    assert r.max() == pytest.approx(1.0)


def test_blobs_centres_and_spread():
    X, labels = datasets.blobs(m=3000, k=4, std=0.3, radius=5.0, one_hot=False)
    for c in range(4):
        pts = X[:, labels[0] == c]
        angle = 2 * np.pi * c / 4
        np.testing.assert_allclose(pts.mean(axis=1), 5 * np.array([np.cos(angle), np.sin(angle)]), atol=0.05)
        assert pts.std(axis=1) == pytest.approx([0.3, 0.3], rel=0.1)


def test_one_hot():
    np.testing.assert_array_equal(
        datasets.one_hot(np.array([[1, 0, 2]])), [[0, 1, 0], [1, 0, 0], [0, 0, 1]]
    )
    assert datasets.one_hot([0, 1], k=4).shape == (4, 2)
    np.testing.assert_array_equal(datasets.one_hot([1.0, 0.0]), [[0, 1], [1, 0]])


# --- errors -----------------------------------------------------------------------


def test_one_hot_errors():
    with pytest.raises(ValueError, match="one_hot: labels must be non-negative integers"):
        datasets.one_hot([0, -1])
    with pytest.raises(ValueError, match="one_hot: labels must be non-negative integers"):
        datasets.one_hot([0.5, 1])
    with pytest.raises(ValueError, match="one_hot: labels must be below k=2, got 2"):
        datasets.one_hot([0, 2], k=2)
    with pytest.raises(ValueError, match=r"one_hot: labels must have shape \(m,\) or \(1, m\), got \(2, 2\)"):
        datasets.one_hot([[0, 1], [1, 0]])
    with pytest.raises(TypeError, match="one_hot: labels must be a real number or an array"):
        datasets.one_hot(["a", "b"])
    with pytest.raises(TypeError, match="one_hot: k must be a positive integer, got float 2.0"):
        datasets.one_hot([0, 1], k=2.0)


@pytest.mark.parametrize("make", [*BINARY.values(), *MULTICLASS.values()])
def test_m_errors(make):
    with pytest.raises(ValueError, match="m must be a positive integer, got 0"):
        make(m=0)
    with pytest.raises(TypeError, match="m must be a positive integer, got float 10.0"):
        make(m=10.0)


@pytest.mark.parametrize("make", [datasets.xor, datasets.moons, datasets.circles, datasets.spiral])
def test_noise_errors(make):
    with pytest.raises(ValueError, match="noise must be non-negative, got -0.1"):
        make(noise=-0.1)
    with pytest.raises(TypeError, match="noise must be a real number, got str 'low'"):
        make(noise="low")


def test_other_parameter_errors():
    with pytest.raises(ValueError, match="circles: factor must be between 0 and 1, got 1.5"):
        datasets.circles(factor=1.5)
    with pytest.raises(TypeError, match="circles: factor must be a real number"):
        datasets.circles(factor=None)
    with pytest.raises(ValueError, match="k must be at least 2 and at most m=10, got 1"):
        datasets.spiral(m=10, k=1)
    with pytest.raises(ValueError, match="k must be at least 2 and at most m=3, got 4"):
        datasets.blobs(m=3, k=4)
    with pytest.raises(ValueError, match="std must be non-negative, got -1"):
        datasets.blobs(std=-1)
    with pytest.raises(TypeError, match="blobs: radius must be a real number"):
        datasets.blobs(radius="far")
    with pytest.raises(TypeError, match="one_hot must be True or False, got str 'yes'"):
        datasets.spiral(one_hot="yes")


@settings(max_examples=40, deadline=None)
@given(
    m=st.integers(1, 60),
    noise=st.floats(0, 2),
    seed=st.integers(0, 2**32 - 1),
    name=st.sampled_from(list(BINARY)),
)
def test_binary_properties(m, noise, seed, name):
    make = {"xor": datasets.xor, **{k: v for k, v in BINARY.items() if k != "xor"}}[name]
    X, Y = make(m=m, noise=noise, seed=seed)
    assert X.shape == (2, m) and Y.shape == (1, m)
    assert np.isfinite(X).all()
    assert set(np.unique(Y)) <= {0, 1}


@settings(max_examples=40, deadline=None)
@given(m=st.integers(2, 60), data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_multiclass_properties(m, data, seed):
    k = data.draw(st.integers(2, min(m, 6)))
    for make in MULTICLASS.values():
        X, Y = make(m=m, k=k, seed=seed)
        assert X.shape == (2, m) and Y.shape == (k, m)
        assert np.isfinite(X).all()
        np.testing.assert_array_equal(Y.sum(axis=0), 1.0)
        assert Y.sum(axis=1).min() >= m // k


# --- train/validation split ------------------------------------------------------


def test_train_validation_split_partitions_the_columns():
    X, Y = datasets.spiral(m=90, k=3, seed=2)
    (X_train, Y_train), (X_val, Y_val) = datasets.train_validation_split(X, Y, validation=0.3, seed=1)
    assert X_train.shape == (2, 63) and Y_train.shape == (3, 63)
    assert X_val.shape == (2, 27) and Y_val.shape == (3, 27)
    # every example lands in exactly one part, with its own label
    joined = np.concatenate([np.vstack([X_train, Y_train]), np.vstack([X_val, Y_val])], axis=1)
    original = np.vstack([X, Y])
    assert sorted(map(tuple, joined.T)) == sorted(map(tuple, original.T))
    again = datasets.train_validation_split(X, Y, validation=0.3, seed=1)
    np.testing.assert_array_equal(again[1][0], X_val)
    other = datasets.train_validation_split(X, Y, validation=0.3, seed=2)
    assert not np.array_equal(other[1][0], X_val)


def test_train_validation_split_keeps_both_parts_non_empty():
    X, Y = datasets.xor()
    (X_train, _), (X_val, _) = datasets.train_validation_split(X, Y, validation=0.01)
    assert (X_train.shape[1], X_val.shape[1]) == (3, 1)
    (X_train, _), (X_val, _) = datasets.train_validation_split(X, Y, validation=0.99)
    assert (X_train.shape[1], X_val.shape[1]) == (1, 3)


def test_train_validation_split_errors():
    X, Y = datasets.xor()
    for bad in (0, 1, 1.5, -0.2, float("nan")):
        with pytest.raises(ValueError, match=rf"validation must be a fraction in \(0, 1\), got {bad}"):
            datasets.train_validation_split(X, Y, validation=bad)
    with pytest.raises(TypeError, match="validation must be a real number, got str"):
        datasets.train_validation_split(X, Y, validation="0.2")
    with pytest.raises(ValueError, match=r"same number of columns .* got X \(2, 4\) and Y \(1, 3\)"):
        datasets.train_validation_split(X, Y[:, :3])
    with pytest.raises(ValueError, match=r"at least 2, got X \(2, 1\) and Y \(1, 1\)"):
        datasets.train_validation_split(X[:, :1], Y[:, :1])

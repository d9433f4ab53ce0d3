import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib import activations, gradcheck
from nnlib.layers import INITS, Dense, Dropout


def fixed_layer():
    layer = Dense(2, 3, "tanh")
    layer.W[:] = [[1.0, -1.0], [0.5, 2.0], [0.0, 0.3]]
    layer.b[:] = [[0.1], [-0.2], [0.0]]
    return layer


X = np.array([[1.0, 0.0, -2.0, 0.5], [2.0, -1.0, 1.0, 0.0]])


def test_shapes_and_zero_bias():
    layer = Dense(3, 4, seed=0)
    assert layer.W.shape == (4, 3)
    assert layer.b.shape == (4, 1)
    assert np.array_equal(layer.b, np.zeros((4, 1)))
    assert layer.activation is activations.relu
    assert layer.init == "he"
    assert repr(layer) == "Dense(3→4, relu)"
    assert layer.A_prev is layer.Z is layer.A is layer.dW is layer.db is layer.dZ is None


@pytest.mark.parametrize(
    "init, expected_std",
    [
        ("he", np.sqrt(2 / 200)),
        ("xavier", np.sqrt(2 / (200 + 300))),
        ("lecun", np.sqrt(1 / 200)),
        ("small", 0.01),
    ],
)
def test_init_std(init, expected_std):
    W = Dense(200, 300, init=init, seed=1).W
    # Within 4 standard errors: of the mean, std/sqrt(n); of the std, std/sqrt(2n).
    n = W.size
    assert abs(W.mean()) < 4 * expected_std / np.sqrt(n)
    assert W.std() == pytest.approx(expected_std, rel=4 / np.sqrt(2 * n))


def test_init_formula_exactly():
    z = np.random.default_rng(5).standard_normal((3, 2))
    np.testing.assert_array_equal(Dense(2, 3, init="he", seed=5).W, np.sqrt(2 / 2) * z)
    np.testing.assert_array_equal(Dense(2, 3, init="small", seed=5).W, 0.01 * z)


def test_seeds():
    assert np.array_equal(Dense(4, 5, seed=7).W, Dense(4, 5, seed=7).W)
    assert not np.array_equal(Dense(4, 5, seed=7).W, Dense(4, 5, seed=8).W)
    rng = np.random.default_rng(0)
    first, second = Dense(2, 2, seed=rng), Dense(2, 2, seed=rng)
    assert not np.array_equal(first.W, second.W)  # a Generator is shared, not reset


def test_forward_values():
    layer = fixed_layer()
    A = layer.forward(X)
    Z = layer.W @ X + layer.b
    assert np.array_equal(layer.Z, Z)
    assert np.array_equal(A, np.tanh(Z))
    assert layer.A is A
    assert layer.A_prev is not None and np.array_equal(layer.A_prev, X)
    np.testing.assert_allclose(Z[:, 0], [1 - 2 + 0.1, 0.5 + 4 - 0.2, 0.6])


def test_forward_accepts_lists_and_ints():
    layer = fixed_layer()
    np.testing.assert_array_equal(layer.forward([[1, 0], [2, -1]]), layer.forward(X[:, :2]))


def test_backward_values():
    layer = fixed_layer()
    layer.forward(X)
    dA = np.arange(12.0).reshape(3, 4) / 10
    dA_prev = layer.backward(dA)
    dZ = dA / np.cosh(layer.Z) ** 2  # tanh', without 1 - tanh² cancelling
    np.testing.assert_allclose(layer.dZ, dZ, rtol=1e-13)
    np.testing.assert_allclose(layer.dW, dZ @ X.T, rtol=1e-13)
    np.testing.assert_allclose(layer.db, dZ.sum(axis=1, keepdims=True), rtol=1e-13)
    np.testing.assert_allclose(dA_prev, layer.W.T @ dZ, rtol=1e-13)
    assert layer.dW.shape == layer.W.shape and layer.db.shape == layer.b.shape
    assert dA_prev.shape == X.shape


def test_backward_from_dZ_skips_the_activation():
    layer = fixed_layer()
    layer.forward(X)
    dA = np.ones((3, 4))
    via_dA = layer.backward(dA)
    dW = layer.dW.copy()
    via_dZ = layer.backward(dZ=activations.tanh.backward(layer.Z, dA))
    np.testing.assert_array_equal(via_dZ, via_dA)
    np.testing.assert_array_equal(layer.dW, dW)
    dZ = np.full((3, 4), 0.25)
    layer.backward(dZ=dZ)
    np.testing.assert_array_equal(layer.dZ, dZ)
    np.testing.assert_array_equal(layer.db, np.full((3, 1), 1.0))


@pytest.mark.parametrize("name", [n for n in activations.ACTIVATIONS if n != "softmax"])
def test_backward_is_dA_times_the_derivative_at_Z(name):
    # The layer's own chain rule (in place, fused for some activations) gives exactly
    # what the public derivative does; the kink z = 0 is among the Z here.
    layer = Dense(2, 3, name)
    layer.W[:] = [[1.0, -1.0], [0.5, 2.0], [0.0, 0.3]]
    layer.forward(X)
    dA = np.arange(12.0).reshape(3, 4) / 10 - 0.5
    layer.backward(dA)
    assert (layer.Z == 0).any()
    np.testing.assert_array_equal(layer.dZ, dA * activations.get(name).derivative(layer.Z))


def test_relu_backward_at_the_edges_of_the_float_range():
    # ReLU'(z) is 1 for z > 0 (the smallest subnormal and inf included), 0 for z <= 0
    # (-0.0 and -inf included), and NaN where z is NaN, whatever dA is.
    layer = Dense(2, 1, "relu")
    layer.forward(np.ones((2, 8)))
    layer.Z = np.array([[np.nan, -np.inf, np.inf, -0.0, 0.0, 5e-324, -5e-324, 1e308]])
    layer.backward(np.full((1, 8), -2.0))
    np.testing.assert_array_equal(layer.dZ, [[np.nan, 0, -2, 0, 0, -2, 0, -2]])


def test_backward_of_one_unit_is_the_same_outer_product():
    layer = Dense(3, 1, "sigmoid", seed=0)
    layer.forward(np.random.default_rng(2).standard_normal((3, 5)))
    dZ = np.random.default_rng(3).standard_normal((1, 5))
    np.testing.assert_array_equal(layer.backward(dZ=dZ), layer.W.T @ dZ)


def test_gradients_are_exact_for_a_linear_objective():
    # J = sum(C * Z) has dJ/dW = C @ A_prev.T exactly; pass dZ = C
    layer = Dense(2, 3, "sigmoid", seed=0)
    layer.forward(X)
    C = np.random.default_rng(1).standard_normal((3, 4))
    layer.backward(dZ=C)
    eps = 1e-3
    for i in range(3):
        for j in range(2):
            layer.W[i, j] += eps
            plus = np.sum(C * (layer.W @ X + layer.b))
            layer.W[i, j] -= 2 * eps
            minus = np.sum(C * (layer.W @ X + layer.b))
            layer.W[i, j] += eps
            assert layer.dW[i, j] == pytest.approx((plus - minus) / (2 * eps), rel=1e-9)


# --- errors -----------------------------------------------------------------------


def test_forward_wrong_rows():
    with pytest.raises(
        ValueError,
        match=r"Dense\(3→4\).forward: A_prev must have 3 rows .* got shape \(2, 10\)$",
    ):
        Dense(3, 4).forward(np.zeros((2, 10)))


def test_forward_one_dimensional_input_hints_reshape():
    with pytest.raises(ValueError, match=r"got shape \(3,\); reshape one example with x.reshape\(-1, 1\)"):
        Dense(3, 4).forward(np.zeros(3))


def test_forward_bad_values():
    layer = Dense(2, 1)
    with pytest.raises(TypeError, match=r"Dense\(2→1\).forward: A_prev must be a real number or an array"):
        layer.forward(np.ones((2, 1)) * 1j)
    with pytest.raises(TypeError, match="A_prev must be a real number or an array of real numbers, got str"):
        layer.forward("x")
    with pytest.raises(TypeError, match="A_prev must be a real number"):
        layer.forward([[1.0], [1.0, 2.0]])
    with pytest.raises(ValueError, match=r"Dense\(2→1\).forward: A_prev contains NaN or inf"):
        layer.forward(np.array([[np.nan], [1.0]]))
    with pytest.raises(ValueError, match="A_prev contains NaN or inf"):
        layer.forward(np.array([[np.inf], [1.0]]))


def test_backward_before_forward():
    with pytest.raises(ValueError, match=r"Dense\(2→3\).backward: call forward first"):
        Dense(2, 3).backward(np.ones((3, 4)))


def test_backward_wrong_shape():
    layer = fixed_layer()
    layer.forward(X)
    with pytest.raises(
        ValueError,
        match=r"Dense\(2→3\).backward: dA must have shape \(3, 4\) \(the shape of Z\), got \(3, 5\)",
    ):
        layer.backward(np.ones((3, 5)))
    with pytest.raises(ValueError, match=r"dZ must have shape \(3, 4\) \(the shape of Z\), got \(4, 3\)"):
        layer.backward(dZ=np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"Dense\(2→3\).backward: dA contains NaN or inf"):
        layer.backward(np.full((3, 4), np.nan))
    with pytest.raises(TypeError, match="backward: dA must be a real number or an array"):
        layer.backward(np.ones((3, 4), dtype=complex))


def test_backward_needs_exactly_one_gradient():
    layer = fixed_layer()
    layer.forward(X)
    with pytest.raises(TypeError, match=r"Dense\(2→3\).backward: pass exactly one of dA or dZ="):
        layer.backward()
    with pytest.raises(TypeError, match="pass exactly one of dA or dZ="):
        layer.backward(np.ones((3, 4)), dZ=np.ones((3, 4)))


def test_constructor_errors():
    with pytest.raises(ValueError, match="unknown activation 'relu6'; known: sigmoid, tanh"):
        Dense(2, 3, "relu6")
    with pytest.raises(ValueError, match="unknown init 'glorot'; known: he, xavier, lecun, small"):
        Dense(2, 3, init="glorot")
    with pytest.raises(ValueError, match="Dense: n_in must be a positive integer, got 0"):
        Dense(0, 3)
    with pytest.raises(ValueError, match="Dense: n_out must be a positive integer, got -2"):
        Dense(2, -2)
    with pytest.raises(TypeError, match="Dense: n_in must be a positive integer, got float 2.0"):
        Dense(2.0, 3)
    with pytest.raises(TypeError, match="Dense: n_out must be a positive integer, got bool True"):
        Dense(2, True)
    assert INITS["he"](8, 1) == 0.5


# --- properties ------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    n_in=st.integers(1, 6),
    n_out=st.integers(1, 6),
    m=st.integers(1, 7),
    name=st.sampled_from(list(activations.ACTIVATIONS)),
    scale=st.sampled_from([1.0, 1e3, 1e6]),
    shift=st.sampled_from([0.0, -1e3, -1e6]),
    seed=st.integers(0, 2**16),
)
def test_forward_backward_shapes_and_finiteness(n_in, n_out, m, name, scale, shift, seed):
    rng = np.random.default_rng(seed)
    layer = Dense(n_in, n_out, name, seed=seed)
    A_prev = shift + scale * rng.standard_normal((n_in, m))  # incl. large negatives
    A = layer.forward(A_prev)
    assert A.shape == (n_out, m)
    assert np.isfinite(A).all()
    dA_prev = layer.backward(rng.standard_normal((n_out, m)))
    assert dA_prev.shape == (n_in, m)
    assert layer.dW.shape == (n_out, n_in) and layer.db.shape == (n_out, 1)
    for g in (dA_prev, layer.dW, layer.db):
        assert np.isfinite(g).all()
    np.testing.assert_allclose(layer.db, layer.dZ.sum(axis=1, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(dA_prev, layer.W.T @ layer.dZ, rtol=1e-12, atol=1e-300)


# --- initialisation: zeros and a given std ---------------------------------------


def test_zeros_init_is_positive_zero():
    W = Dense(3, 4, init="zeros", seed=0).W
    assert W.shape == (4, 3)
    assert (W == 0).all() and not np.signbit(W).any()


def test_numeric_init_is_the_std():
    z = np.random.default_rng(5).standard_normal((3, 2))
    np.testing.assert_array_equal(Dense(2, 3, init=0.25, seed=5).W, 0.25 * z)
    assert Dense(2, 3, init=3).init == 3.0
    assert Dense(300, 200, init=0.05, seed=0).W.std() == pytest.approx(0.05, rel=0.02)


@pytest.mark.parametrize("init", [0, -0.1, np.nan, np.inf])
def test_numeric_init_must_be_a_positive_std(init):
    with pytest.raises(ValueError, match=rf"init as a number is the std of W and must be finite and > 0, got {init}"):
        Dense(2, 3, init=init)


def test_init_errors():
    with pytest.raises(ValueError,
                       match=r"unknown init 'glorot'; known: he, xavier, lecun, small, zeros, or a std > 0"):
        Dense(2, 3, init="glorot")
    with pytest.raises(TypeError, match="init must be a name .* or a std > 0, got bool True"):
        Dense(2, 3, init=True)
    with pytest.raises(TypeError, match="got NoneType None"):
        Dense(2, 3, init=None)


# --- dropout -----------------------------------------------------------------------


def test_dropout_starts_in_training_mode_and_switches():
    drop = Dropout(0.25)
    assert drop.training and drop.p == 0.25 and repr(drop) == "Dropout(p=0.25)"
    assert drop.eval() is drop and not drop.training
    assert drop.train() is drop and drop.training


def test_dropout_inverted_scaling_exactly():
    p = 0.3
    A = np.random.default_rng(1).standard_normal((5, 40))
    drop = Dropout(p, seed=2)
    out = drop.forward(A)
    kept = drop.mask
    assert kept.dtype == bool and kept.shape == A.shape
    assert 0 < kept.sum() < A.size
    np.testing.assert_array_equal(out[kept], A[kept] / (1 - p))
    assert (out[~kept] == 0).all()


def test_dropout_keeps_each_unit_with_probability_1_minus_p():
    # n Bernoulli(1 - p) draws: the kept fraction has standard error sqrt(p (1 - p) / n);
    # 4 standard errors fail by chance with probability 6e-5 for any seed
    for p in (0.1, 0.5, 0.8):
        n = 200_000
        kept = Dropout(p, seed=3).forward(np.ones((1, n))) != 0
        se = np.sqrt(p * (1 - p) / n)
        assert abs(kept.mean() - (1 - p)) < 4 * se


def test_dropout_preserves_the_expectation():
    # K passes over fixed A: per entry, out has mean a and std |a| sqrt(p / (1 - p)),
    # so the average of K passes is within 4.5 standard errors of a for all 12 entries
    # (chance of a false failure under 1e-4)
    p, K = 0.4, 20_000
    A = np.array([[1.0, -2.0, 0.5, 3.0], [-0.1, 4.0, 2.5, -1.5], [0.25, -3.0, 1.0, 7.0]])
    drop = Dropout(p, seed=4)
    total = np.zeros_like(A)
    for _ in range(K):
        total += drop.forward(A)
    se = np.abs(A) * np.sqrt(p / (1 - p) / K)
    assert (np.abs(total / K - A) < 4.5 * se).all()
    # and the masks really are random: the spread matches the formula within 5%
    draws = np.array([drop.forward(A)[0, 0] for _ in range(4000)])
    assert draws.std() == pytest.approx(np.sqrt(p / (1 - p)), rel=0.05)


def test_dropout_in_eval_mode_is_the_identity():
    A = np.random.default_rng(0).standard_normal((3, 6))
    drop = Dropout(0.9, seed=0).eval()
    out = drop.forward(A)
    np.testing.assert_array_equal(out, A)
    assert drop.mask is None
    dA = np.arange(18.0).reshape(3, 6)
    np.testing.assert_array_equal(drop.backward(dA), dA)


def test_dropout_p_zero_keeps_everything():
    A = np.random.default_rng(0).standard_normal((3, 6))
    np.testing.assert_array_equal(Dropout(0.0, seed=0).forward(A), A)


class FixedUniform:
    """Stands in for a Generator: the same uniform draws at every call."""

    def __init__(self, u):
        self.u = u

    def random(self, shape):
        assert shape == self.u.shape
        return self.u


def test_dropout_backward_is_the_gradient_through_the_mask():
    p = 0.5
    rng = np.random.default_rng(6)
    A = rng.standard_normal((4, 5))
    G = rng.standard_normal((4, 5))  # J = sum(G * dropout(A)), so dJ/dA_out = G
    drop = Dropout(p)
    drop.rng = FixedUniform(rng.random((4, 5)))  # one mask for every forward
    numeric = gradcheck.numerical_gradient(lambda a: np.sum(G * drop.forward(a)), A.copy())
    drop.forward(A)
    analytic = drop.backward(G)
    assert gradcheck.relative_error(analytic, numeric) < 1e-9
    np.testing.assert_array_equal(analytic == 0, ~drop.mask)  # dropped units get no gradient


def test_dropout_is_deterministic_with_a_seed():
    A = np.ones((6, 7))
    a, b, c = Dropout(0.5, seed=11), Dropout(0.5, seed=11), Dropout(0.5, seed=12)
    for _ in range(3):
        out_a, out_b, out_c = a.forward(A), b.forward(A), c.forward(A)
        np.testing.assert_array_equal(out_a, out_b)
    assert not np.array_equal(out_a, out_c)
    assert not np.array_equal(a.forward(A), a.forward(A))  # a fresh mask every forward


def test_dropout_keeps_float32_and_has_no_warnings_at_extremes():
    drop = Dropout(0.5, seed=0)
    out = drop.forward(np.full((3, 4), 2.0, dtype=np.float32))
    assert out.dtype == np.float32
    assert drop.backward(np.ones((3, 4), dtype=np.float32)).dtype == np.float32
    huge = drop.forward(np.full((2, 50), 1e308))  # 1e308 / 0.5 is past the float range
    assert set(np.unique(huge)) == {0.0, np.inf}


@pytest.mark.parametrize("p", [1.0, -0.1, 1.5, np.nan, np.inf])
def test_dropout_p_outside_unit_interval(p):
    with pytest.raises(ValueError, match=rf"Dropout: p \(the drop probability\) must be in \[0, 1\), got {p}"):
        Dropout(p)


def test_dropout_errors():
    with pytest.raises(TypeError, match="Dropout: p must be a real number, got str '0.5'"):
        Dropout("0.5")
    drop = Dropout(0.5)
    with pytest.raises(ValueError, match=r"Dropout\(p=0.5\).backward: call forward first"):
        drop.backward(np.ones((2, 2)))
    drop.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"dA must have shape \(2, 3\) .* got \(3, 2\)"):
        drop.backward(np.ones((3, 2)))
    with pytest.raises(TypeError, match=r"Dropout\(p=0.5\).forward: A must be a real number"):
        drop.forward([["a"]])

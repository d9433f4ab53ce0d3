import math

import autograd
import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlib import activations, gradcheck, losses
from nnlib.losses import binary_cross_entropy, cross_entropy, mse, softmax_cross_entropy
from tests.helpers_autograd import LOSSES as REFERENCE

A2 = np.array([[0.9, 0.2, 0.6]])
Y2 = np.array([[1.0, 0.0, 1.0]])
A3 = np.array([[0.7, 0.1], [0.2, 0.3], [0.1, 0.6]])
Y3 = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])
Z3 = np.array([[2.0, -1.0], [0.5, 3.0], [-1.0, 0.25]])
CASES = {
    "binary_cross_entropy": (A2, Y2),
    "mse": (A2, Y2),
    "cross_entropy": (A3, Y3),
    "softmax_cross_entropy": (Z3, Y3),
}
INPUT = {"softmax_cross_entropy": "Z"}  # the first argument's name in messages; A for the rest


def test_registry():
    assert list(losses.LOSSES) == [
        "binary_cross_entropy", "cross_entropy", "mse", "softmax_cross_entropy"
    ]
    assert losses.get("mse") is mse
    assert losses.get(mse) is mse
    assert repr(cross_entropy) == "<loss cross_entropy>"
    assert binary_cross_entropy.fused_with == "sigmoid"
    assert cross_entropy.fused_with == "softmax"
    assert mse.fused_with is None
    assert softmax_cross_entropy.fused_with is None  # its derivative is already dJ/dZ


def test_get_errors():
    with pytest.raises(
        ValueError,
        match="unknown loss 'hinge'; known: binary_cross_entropy, cross_entropy, mse, "
        "softmax_cross_entropy",
    ):
        losses.get("hinge")
    with pytest.raises(TypeError, match="a loss name must be a string, got int"):
        losses.get(3)


def test_values_by_hand():
    expected_bce = -(math.log(0.9) + math.log(0.8) + math.log(0.6)) / 3
    assert binary_cross_entropy(A2, Y2) == pytest.approx(expected_bce, rel=1e-15)
    assert mse(A2, Y2) == pytest.approx((0.01 + 0.04 + 0.16) / 3, rel=1e-15)
    assert cross_entropy(A3, Y3) == pytest.approx(-(math.log(0.7) + math.log(0.6)) / 2, rel=1e-15)
    assert isinstance(mse(A2, Y2), float)


def test_bce_mean_is_over_all_entries():
    A = np.array([[0.9, 0.2], [0.6, 0.5]])
    Y = np.array([[1, 0], [1, 1]])
    expected = -(math.log(0.9) + math.log(0.8) + math.log(0.6) + math.log(0.5)) / 4
    assert binary_cross_entropy(A, Y) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("name", list(losses.LOSSES))
def test_derivative_matches_central_differences_and_autograd(name):
    loss = losses.get(name)
    A, Y = CASES[name]
    dA = loss.derivative(A, Y)
    assert dA.shape == A.shape
    numeric = gradcheck.numerical_gradient(lambda a: loss(a, Y), A.copy())
    assert gradcheck.relative_error(dA, numeric) < 1e-8
    reference = autograd.grad(REFERENCE[name])(A, Y)
    assert gradcheck.relative_error(dA, reference) < 1e-12


def test_fused_bce_is_chain_rule_through_sigmoid():
    Z = np.array([[-2.0, 0.3, 1.5], [0.1, -0.4, 4.0]])
    Y = np.array([[0, 1, 1], [1, 0, 1]])
    A = activations.sigmoid(Z)
    chained = binary_cross_entropy.derivative(A, Y) * activations.sigmoid.derivative(Z)
    np.testing.assert_allclose(binary_cross_entropy.fused_dZ(A, Y), chained, rtol=1e-12)
    np.testing.assert_allclose(binary_cross_entropy.fused_dZ(A, Y), (A - Y) / 6, rtol=0)


def test_fused_cross_entropy_is_chain_rule_through_softmax():
    softmax = activations.get("softmax")
    Z = np.array([[-2.0, 0.3], [0.1, 1.4], [1.0, -0.5]])
    Y = np.array([[0, 1], [1, 0], [0, 0]])
    A = softmax(Z)
    chained = softmax.backward(Z, cross_entropy.derivative(A, Y))
    np.testing.assert_allclose(cross_entropy.fused_dZ(A, Y), chained, rtol=1e-12)
    np.testing.assert_allclose(cross_entropy.fused_dZ(A, Y), (A - Y) / 2, rtol=0)


def test_mse_has_no_fused_gradient():
    with pytest.raises(ValueError, match="mse has no fused gradient"):
        mse.fused_dZ(A2, Y2)


def test_bce_is_finite_at_saturated_outputs():
    A = np.array([[0.0, 1.0, 0.0, 1.0]])
    Y = np.array([[0, 1, 1, 0]])
    J = binary_cross_entropy(A, Y)
    # two perfect predictions cost ~EPS, two confidently wrong ones about
    # -log(EPS) (a clipped to EPS, or to 1 - EPS, which rounds)
    worst = -math.log(losses.EPS) - math.log(1 - (1 - losses.EPS))
    assert J == pytest.approx(worst / 4, rel=1e-9)
    dA = binary_cross_entropy.derivative(A, Y)
    assert np.isfinite(dA).all()
    assert dA[0, 2] < 0 < dA[0, 3]  # pushes towards the label
    assert binary_cross_entropy(A[:, :2], Y[:, :2]) < 1e-11


def test_cross_entropy_is_finite_at_zero_probability():
    A = np.array([[1.0, 0.0], [0.0, 1.0]])
    Y = np.array([[0, 0], [1, 1]])
    assert cross_entropy(A, Y) == pytest.approx(-math.log(losses.EPS) / 2, rel=1e-12)
    assert np.isfinite(cross_entropy.derivative(A, Y)).all()


def test_soft_labels_are_allowed():
    assert binary_cross_entropy([[0.5]], [[0.5]]) == pytest.approx(math.log(2), rel=1e-15)
    assert cross_entropy([[0.5], [0.5]], [[0.5], [0.5]]) == pytest.approx(math.log(2), rel=1e-15)


# --- errors -----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(losses.LOSSES))
def test_shape_mismatch_names_both_shapes(name):
    loss = losses.get(name)
    A = INPUT.get(name, "A")
    with pytest.raises(
        ValueError, match=rf"{name}: {A} and Y must have the same shape, got {A} \(1, 3\) and Y \(3, 1\)"
    ):
        loss(np.full((1, 3), 0.5), np.full((3, 1), 0.5))
    with pytest.raises(ValueError, match=rf"got {A} \(2, 3\) and Y \(1, 3\)"):
        loss.derivative(np.full((2, 3), 0.5), np.ones((1, 3)))


@pytest.mark.parametrize("name", list(losses.LOSSES))
def test_input_errors(name):
    loss = losses.get(name)
    A = INPUT.get(name, "A")
    with pytest.raises(ValueError, match=rf"{name}: {A} and Y must be 2-D .* got shape \(3,\)"):
        loss(np.full(3, 0.5), np.full(3, 0.5))
    with pytest.raises(ValueError, match=r"at least one example, got shape \(1, 0\)"):
        loss(np.zeros((1, 0)), np.zeros((1, 0)))
    with pytest.raises(ValueError, match=rf"{name}: {A} contains NaN or inf"):
        loss([[np.nan, 0.5]], [[1.0, 0.0]])
    with pytest.raises(ValueError, match=rf"{name}: Y contains NaN or inf"):
        loss([[0.5, 0.5]], [[np.inf, 0.0]])
    with pytest.raises(TypeError, match=rf"{name}: {A} must be a real number or an array"):
        loss(np.array([[0.5 + 1j]]), [[1.0]])
    with pytest.raises(TypeError, match=rf"{name}: Y must be a real number or an array"):
        loss([[0.5]], [["yes"]])


def test_bce_labels_outside_unit_interval():
    with pytest.raises(
        ValueError,
        match=r"binary_cross_entropy: Y \(labels\) must lie in \[0, 1\], got values from -1 to 1",
    ):
        binary_cross_entropy([[0.5, 0.5]], [[-1, 1]])
    with pytest.raises(ValueError, match=r"Y \(labels\) must lie in \[0, 1\], got values from 0 to 2"):
        binary_cross_entropy.fused_dZ([[0.5, 0.5]], [[0, 2]])


@pytest.mark.parametrize("name", ["binary_cross_entropy", "cross_entropy"])
def test_probabilities_outside_unit_interval(name):
    with pytest.raises(
        ValueError, match=rf"{name}: A \(probabilities\) must lie in \[0, 1\], got values from -0.5 to 1"
    ):
        losses.get(name)([[-0.5], [1.0]], [[0.0], [1.0]])


def test_cross_entropy_needs_one_hot_columns():
    with pytest.raises(
        ValueError, match=r"cross_entropy: every column of Y must be one-hot .* got Y of shape \(2, 2\)"
    ):
        cross_entropy(np.full((2, 2), 0.5), np.array([[1, 1], [1, 0]]))
    with pytest.raises(ValueError, match="every column of Y must be one-hot"):
        cross_entropy.derivative(np.full((2, 1), 0.5), np.array([[1.5], [-0.5]]))
    with pytest.raises(ValueError, match="every column of Y must be one-hot"):
        # labels (1, m) instead of one-hot (k, m) for a one-row output
        cross_entropy(np.full((1, 3), 0.5), np.array([[0, 1, 0]]))


# --- properties ------------------------------------------------------------------

finite = st.floats(-1e6, 1e6, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    Z=hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=5), elements=finite),
    data=st.data(),
)
def test_bce_of_sigmoid_is_finite_and_non_negative(Z, data):
    Y = data.draw(hnp.arrays(np.int64, Z.shape, elements=st.integers(0, 1)))
    A = activations.sigmoid(Z)
    J = binary_cross_entropy(A, Y)
    assert 0 <= J <= -math.log(losses.EPS) + 1e-4
    for grad in binary_cross_entropy.derivative(A, Y), binary_cross_entropy.fused_dZ(A, Y):
        assert np.isfinite(grad).all()
        assert np.all(np.sign(grad) * np.sign(A - Y) >= 0)  # always towards the label


@settings(max_examples=60, deadline=None)
@given(
    A=hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=5), elements=finite),
    data=st.data(),
)
def test_mse_properties(A, data):
    Y = data.draw(hnp.arrays(np.float64, A.shape, elements=finite))
    V = data.draw(hnp.arrays(np.float64, A.shape, elements=finite))
    assert mse(A, Y) >= 0
    assert mse(A, A) == 0
    # J is quadratic, so its Taylor expansion ends at the second term, exactly:
    # J(A + V) = J(A) + <dJ/dA, V> + J(V, 0).
    linear = float(np.sum(mse.derivative(A, Y) * V))
    zero = np.zeros_like(A)
    scale = mse(A, Y) + mse(V, zero) + float(np.sum(np.abs(mse.derivative(A, Y) * V)))
    # Rounding A + V - Y moves each residual r by up to d = 2 eps (|A| + |V| + |Y|), so its
    # square by up to 2 |r| d + d^2 (d^2 matters where r rounds to 0: V tiny next to A).
    d = 2 * np.finfo(float).eps * (abs(A) + abs(V) + abs(Y))
    rounding = 4 * np.mean(2 * np.abs(A + V - Y) * d + d**2)
    assert abs(mse(A + V, Y) - (mse(A, Y) + linear + mse(V, zero))) <= (
        1e-12 * scale + rounding + 1e-300)


@settings(max_examples=60, deadline=None)
@given(
    k=st.integers(2, 5),
    m=st.integers(1, 6),
    seed=st.integers(0, 2**16),
    scale=st.sampled_from([1.0, 1e3]),
)
def test_cross_entropy_of_softmax_is_finite(k, m, seed, scale):
    rng = np.random.default_rng(seed)
    A = activations.get("softmax")(scale * rng.standard_normal((k, m)))
    Y = np.eye(k)[:, rng.integers(0, k, m)]
    J = cross_entropy(A, Y)
    assert 0 <= J <= -math.log(losses.EPS) + 1e-9
    assert np.isfinite(cross_entropy.derivative(A, Y)).all()
    np.testing.assert_allclose(cross_entropy.fused_dZ(A, Y).sum(axis=0), 0, atol=1e-15)


def test_a_derivative_with_another_signature_is_refused():
    def hinge(A, Y):
        return np.mean(np.maximum(0, 1 - A * Y))

    loss = losses.Loss(hinge)  # not registered: the registry stays as it is
    with pytest.raises(TypeError, match=r"hinge: the derivative's signature \(A\) differs "
                                        r"from the loss's \(A, Y\)"):
        loss.derivative_of(lambda A: -A)
    with pytest.raises(TypeError, match="hinge: the fused gradient's signature"):
        loss.fused("sigmoid")(lambda A, Y, extra: A)
    with pytest.raises(NotImplementedError, match=r"hinge has no derivative: attach one with "
                                                  r"@hinge.derivative_of"):
        loss.derivative(A2, Y2)


# --- softmax cross-entropy from logits ------------------------------------------------


def mp_softmax_cross_entropy(z, c):
    """-log softmax(z)_c for one column, in 60-digit arithmetic (no stability tricks)."""
    with mp.workdps(60):
        zs = [mp.mpf(float(v)) for v in z]
        return mp.log(mp.fsum(mp.exp(v) for v in zs)) - zs[c]


def mp_softmax(z):
    with mp.workdps(60):
        e = [mp.exp(mp.mpf(float(v))) for v in z]
        total = mp.fsum(e)
        return [float(v / total) for v in e]


HUGE = [
    ([1000.0, -1000.0, 0.0], 0),  # right and sure: e^-1000, below the float range, is 0
    ([1000.0, -1000.0, 0.0], 1),  # wrong and sure: 2000
    ([1000.0, 990.0], 0),  # small loss log1p(e^-10), no cancellation against 1000
    ([1000.0, 990.0], 1),
    ([-1000.0, -1000.0, -1000.0], 2),  # log 3
    ([1e6, -1e6, 3.0], 2),
    ([-1e300, 1e300], 0),  # 2e300
    ([5.0, 5.0 + 1e-9, -3.0], 0),  # a near tie
    ([0.0, 40.0, 40.0], 1),  # a tie at the max: log 2
]


@pytest.mark.parametrize("z, c", HUGE)
def test_softmax_cross_entropy_is_exact_at_huge_logits(z, c):
    Z = np.array(z).reshape(-1, 1)
    Y = np.eye(len(z))[:, [c]]
    J = softmax_cross_entropy(Z, Y)
    expected = float(mp_softmax_cross_entropy(z, c))
    assert J == pytest.approx(expected, rel=4e-16, abs=0)
    dZ = softmax_cross_entropy.derivative(Z, Y)
    np.testing.assert_allclose(dZ[:, 0], np.array(mp_softmax(z)) - Y[:, 0], rtol=1e-15, atol=0)


def test_softmax_cross_entropy_is_the_mean_over_columns():
    Z = np.array([[1000.0, 0.0, -3.0], [-1000.0, 1.0, 2.0]])
    Y = np.array([[0, 1, 0], [1, 0, 1]])
    per_column = [float(mp_softmax_cross_entropy(Z[:, j], int(Y[1, j]))) for j in range(3)]
    assert softmax_cross_entropy(Z, Y) == pytest.approx(sum(per_column) / 3, rel=1e-15)
    assert isinstance(softmax_cross_entropy(Z, Y), float)


def test_softmax_cross_entropy_agrees_with_cross_entropy_of_softmax():
    Z = np.random.default_rng(4).standard_normal((4, 7))
    Y = np.eye(4)[:, [0, 1, 2, 3, 3, 2, 1]]
    A = activations.softmax(Z)
    assert softmax_cross_entropy(Z, Y) == pytest.approx(cross_entropy(A, Y), rel=1e-14)
    np.testing.assert_allclose(
        softmax_cross_entropy.derivative(Z, Y), cross_entropy.fused_dZ(A, Y), rtol=1e-14
    )


def test_softmax_cross_entropy_float32_logits():
    Z = np.array([[100.0, -100.0], [0.0, 1.0]], dtype=np.float32)
    Y = np.array([[1, 0], [0, 1]])
    J = softmax_cross_entropy(Z, Y)
    expected = (mp_softmax_cross_entropy([100.0, 0.0], 0) + mp_softmax_cross_entropy([-100.0, 1.0], 1)) / 2
    assert J == pytest.approx(float(expected), rel=1e-15)


@settings(max_examples=60, deadline=None)
@given(
    k=st.integers(2, 5),
    m=st.integers(1, 6),
    seed=st.integers(0, 2**16),
    scale=st.sampled_from([1.0, 1e3, 1e8]),
)
def test_softmax_cross_entropy_properties(k, m, seed, scale):
    rng = np.random.default_rng(seed)
    Z = scale * rng.standard_normal((k, m))
    Y = np.eye(k)[:, rng.integers(0, k, m)]
    J = softmax_cross_entropy(Z, Y)
    assert math.isfinite(J) and J >= 0
    dZ = softmax_cross_entropy.derivative(Z, Y)
    assert np.isfinite(dZ).all()
    np.testing.assert_allclose(dZ.sum(axis=0), 0, atol=1e-15)  # softmax and Y both sum to 1
    # shifting every logit of a column by the same amount changes nothing
    assert softmax_cross_entropy(Z - Z.max(axis=0), Y) == pytest.approx(J, rel=1e-12, abs=1e-300)


def test_softmax_cross_entropy_needs_one_hot_columns():
    Z = np.zeros((3, 2))
    with pytest.raises(
        ValueError,
        match=r"softmax_cross_entropy: every column of Y must be one-hot \(one 1, zeros "
        r"elsewhere\), classes on rows; got column 1 = \[0.5, 0.5, 0.0\]",
    ):
        softmax_cross_entropy(Z, [[1, 0.5], [0, 0.5], [0, 0]])
    with pytest.raises(ValueError, match=r"got column 0 = \[1.0, 1.0, 0.0\]"):
        softmax_cross_entropy.derivative(Z, [[1, 0], [1, 1], [0, 0]])
    with pytest.raises(ValueError, match=r"got column 0 = \[0.0, 0.0, 0.0\]"):
        softmax_cross_entropy(Z, np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"Z and Y must have the same shape, got Z \(3, 2\) and Y \(1, 2\)"):
        softmax_cross_entropy(Z, [[0, 2]])  # labels instead of one-hot columns

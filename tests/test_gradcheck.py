"""Back-propagation checked two ways, for every activation and every loss:
against central differences (nnlib.gradcheck) and against autograd."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib import activations, gradcheck, losses
from nnlib.network import MLP
from tests.helpers_autograd import reference_gradients

ALL_ACTIVATIONS = list(activations.ACTIVATIONS)
KINK_MARGIN = 1e-4


def near_kink(model):
    """True if some pre-activation Z sits within KINK_MARGIN of a jump in g'.

    Probes g'(Z ± margin) through ``backward`` with dA = 1, so it needs no
    list of where each activation's kinks are.
    """
    for layer in model.layers:
        probe = np.ones_like(layer.Z)
        below = layer.activation.backward(layer.Z - KINK_MARGIN, probe)
        above = layer.activation.backward(layer.Z + KINK_MARGIN, probe)
        if np.abs(above - below).max() > 1e-2:
            return True
    return False


def targets(loss, shape, rng):
    if loss == "binary_cross_entropy":
        return rng.integers(0, 2, shape).astype(float)
    if loss in ("cross_entropy", "softmax_cross_entropy"):
        return np.eye(shape[0])[:, rng.integers(0, shape[0], shape[1])]
    return rng.standard_normal(shape)


def smooth_problem(sizes, names, loss, m=5):
    """A seeded network and data with no Z near a kink (resampled until so)."""
    for seed in range(100):
        rng = np.random.default_rng(seed)
        model = MLP(sizes, names, seed=seed, init="xavier")
        for layer in model.layers:  # non-zero biases exercise db
            layer.b[:] = 0.5 * rng.standard_normal(layer.b.shape)
        X = rng.standard_normal((sizes[0], m))
        Y = targets(loss, (sizes[-1], m), rng)
        model.forward(X)
        if not near_kink(model):
            return model, X, Y
    raise AssertionError(f"no kink-free sample for {names}")


def assert_gradients_agree(model, X, Y, loss):
    errors = gradcheck.check_network(model, X, Y, loss=loss)
    assert set(errors) == {*model.parameters(), "overall"}
    for name, error in errors.items():
        assert error <= 1e-7, (name, error)
    reference = reference_gradients(model, X, Y, loss)
    for name, dP in model.gradients().items():
        assert gradcheck.relative_error(dP, reference[name]) <= 1e-9, name


# --- every activation -------------------------------------------------------


@pytest.mark.parametrize("name", ALL_ACTIVATIONS)
def test_every_activation_in_every_layer_mse(name):
    model, X, Y = smooth_problem([3, 5, 4, 2], [name, name, name], "mse")
    assert_gradients_agree(model, X, Y, "mse")


@pytest.mark.parametrize("name", ALL_ACTIVATIONS)
def test_every_activation_hidden_with_sigmoid_bce(name):
    model, X, Y = smooth_problem([3, 4, 1], [name, "sigmoid"], "binary_cross_entropy")
    assert_gradients_agree(model, X, Y, "binary_cross_entropy")


# --- every loss ---------------------------------------------------------------

LOSS_NETWORKS = {
    "binary_cross_entropy": [
        (["tanh", "sigmoid"], 1),  # fused
        (["relu", "sigmoid"], 3),  # fused, several outputs
    ],
    "mse": [(["tanh", "sigmoid"], 2), (["leaky_relu", "tanh"], 1)],
    "cross_entropy": [(["tanh", "softmax"], 3)],  # fused
    "softmax_cross_entropy": [(["tanh", "identity"], 3), (["relu", "identity"], 2)],  # logits
}


def test_loss_networks_cover_every_loss():
    assert set(LOSS_NETWORKS) == set(losses.LOSSES)


@pytest.mark.parametrize(
    "loss, names, n_out",
    [(loss, names, n) for loss, nets in LOSS_NETWORKS.items() for names, n in nets],
)
def test_every_loss(loss, names, n_out):
    model, X, Y = smooth_problem([3, 4, n_out], names, loss, m=6)
    assert_gradients_agree(model, X, Y, loss)


def test_cross_entropy_chained_through_sigmoid():
    # not fused: sigmoid outputs with a one-hot target
    model, X, Y = smooth_problem([2, 3, 3], ["tanh", "sigmoid"], "cross_entropy")
    assert_gradients_agree(model, X, Y, "cross_entropy")


# --- property tests -------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4),
    m=st.integers(1, 6),
    name=st.sampled_from(ALL_ACTIVATIONS),
    scale=st.sampled_from([1e-3, 1.0, 30.0, 1e3]),
    seed=st.integers(0, 2**16),
)
def test_backprop_matches_autograd_over_shapes_and_scales(sizes, m, name, scale, seed):
    # MSE through the same activation in every layer; large scales saturate
    # and push Z to large negatives, where gradients must stay exact and finite.
    rng = np.random.default_rng(seed)
    model = MLP(sizes, [name] * (len(sizes) - 1), seed=seed)
    X = scale * rng.standard_normal((sizes[0], m))
    Y = rng.standard_normal((sizes[-1], m))
    model.forward(X)
    model.backward(Y, "mse")
    reference = reference_gradients(model, X, Y, "mse")
    floor = softmax_floor(model, Y) if name == "softmax" else {}
    for key, dP in model.gradients().items():
        assert np.isfinite(dP).all()
        if key in floor:
            diff = np.linalg.norm(dP - reference[key])
            scale = np.linalg.norm(dP) + np.linalg.norm(reference[key])
            assert diff <= 1e-9 * scale + floor[key], key
        else:
            assert gradcheck.relative_error(dP, reference[key]) <= 1e-9, key


def softmax_floor(model, Y):
    """Absolute error allowed in each softmax gradient: float64 resolution of its scale.

    Softmax's backward, s * (dA - sum(s * dA)) (as in PyTorch), cancels
    where an output rounds to 1: the tiny true gradient s_i s_j (dA_i - dA_j)
    comes out with an absolute error of about eps * |dA|. So allow 1e-13
    times the natural scale |dA[l]| |A[l-1]| of each dW[l].
    """
    dA = np.linalg.norm(2 * (model.A - Y) / model.A.size)
    floor = {}
    for l in range(len(model.layers), 0, -1):
        layer = model.layers[l - 1]
        floor[f"dW{l}"] = 1e-13 * dA * np.linalg.norm(layer.A_prev)
        floor[f"db{l}"] = 1e-13 * dA * np.sqrt(layer.A_prev.shape[1])
        dA *= np.linalg.norm(layer.W)
    return floor


@settings(max_examples=30, deadline=None)
@given(
    n_h=st.integers(1, 5),
    m=st.integers(1, 8),
    seed=st.integers(0, 2**16),
)
def test_central_differences_match_for_tanh_sigmoid_bce(n_h, m, seed):
    rng = np.random.default_rng(seed)
    model = MLP([2, n_h, 1], ["tanh", "sigmoid"], seed=seed, init="xavier")
    X = rng.uniform(-2, 2, (2, m))
    Y = rng.integers(0, 2, (1, m))
    assert gradcheck.check_network(model, X, Y)["overall"] <= 1e-7


# --- the gradcheck module itself ---------------------------------------------------


def test_relative_error_values():
    assert gradcheck.relative_error(1.0, 3.0) == 0.5
    assert gradcheck.relative_error(2.0, -2.0) == 1.0
    assert gradcheck.relative_error(0.0, 0.0) == 0.0
    assert gradcheck.relative_error(np.zeros((2, 3)), np.zeros((2, 3))) == 0.0
    # norms, not entrywise: ||(3, 4) - (3, 0)|| / (5 + 3)
    assert gradcheck.relative_error([3.0, 4.0], [3.0, 0.0]) == 0.5


def test_relative_error_errors():
    with pytest.raises(ValueError, match=r"same shape, got \(2,\) and \(3,\)"):
        gradcheck.relative_error(np.ones(2), np.ones(3))
    with pytest.raises(TypeError, match="relative_error: numeric must be a real number"):
        gradcheck.relative_error(1.0, 1j)


def test_numerical_gradient_of_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    g = gradcheck.numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    np.testing.assert_allclose(g, np.cos(x), rtol=1e-9)
    assert np.array_equal(x, before)


def test_numerical_gradient_errors():
    with pytest.raises(TypeError, match="x must be a float ndarray"):
        gradcheck.numerical_gradient(np.sum, np.array([1, 2]))
    with pytest.raises(ValueError, match="eps must be positive, got 0"):
        gradcheck.numerical_gradient(np.sum, np.ones(2), eps=0)
    with pytest.raises(TypeError, match="eps must be a real number"):
        gradcheck.numerical_gradient(np.sum, np.ones(2), eps="small")


def test_check_network_leaves_parameters_and_sets_true_gradients():
    model = MLP([2, 3, 1], ["tanh", "sigmoid"], seed=3)
    X = np.array([[0.5, -1.0, 2.0], [2.0, 0.3, -0.7]])
    Y = np.array([[1, 0, 1]])
    before = {k: v.copy() for k, v in model.parameters().items()}
    errors = gradcheck.check_network(model, X, Y)
    assert list(errors) == ["W1", "b1", "W2", "b2", "overall"]
    for k, v in model.parameters().items():
        assert np.array_equal(v, before[k])
    numeric = gradcheck.numerical_gradients(model, X, Y)
    for k, g in model.gradients().items():
        np.testing.assert_allclose(g, numeric[k], rtol=1e-6, atol=1e-10)


def test_check_network_catches_a_wrong_gradient():
    class Buggy(MLP):
        def backward(self, Y, loss="binary_cross_entropy"):
            super().backward(Y, loss)
            self.layers[0].dW *= 2  # forgot a factor somewhere

    model = Buggy([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    X = np.array([[0.5, -1.0], [2.0, 0.3]])
    errors = gradcheck.check_network(model, X, np.array([[1, 0]]))
    assert errors["W1"] == pytest.approx(1 / 3, rel=1e-6)  # |2a - a| / (2a + a)
    assert errors["b1"] < 1e-7
    assert errors["overall"] > 1e-3

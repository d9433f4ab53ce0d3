import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib import activations, datasets, gradcheck, losses, training
from nnlib.layers import Dense, Dropout
from nnlib.network import MLP
from tests.helpers_autograd import reference_gradients

X = np.array([[0.5, -1.0, 2.0, 0.0], [1.5, 0.3, -0.7, 1.0]])
Y = np.array([[1, 0, 1, 0]])


def test_structure():
    model = MLP([2, 4, 3, 1], ["tanh", "relu", "sigmoid"])
    assert repr(model) == "MLP([2, 4, 3, 1], ['tanh', 'relu', 'sigmoid'])"
    assert all(isinstance(layer, Dense) for layer in model.layers)
    assert [layer.W.shape for layer in model.layers] == [(4, 2), (3, 4), (1, 3)]
    assert [layer.activation for layer in model.layers] == [
        activations.tanh,
        activations.relu,
        activations.sigmoid,
    ]
    assert model.A is None


def test_seed_and_init():
    a, b = MLP([2, 4, 1], ["tanh", "sigmoid"], seed=3), MLP([2, 4, 1], ["tanh", "sigmoid"], seed=3)
    for p, q in zip(a.parameters().values(), b.parameters().values()):
        assert np.array_equal(p, q)
    c = MLP([2, 4, 1], ["tanh", "sigmoid"], seed=4)
    assert not np.array_equal(a.layers[0].W, c.layers[0].W)
    # one generator draws the layers in turn
    rng = np.random.default_rng(3)
    W1 = np.sqrt(2 / 2) * rng.standard_normal((4, 2))
    W2 = np.sqrt(2 / 4) * rng.standard_normal((1, 4))
    np.testing.assert_array_equal(a.layers[0].W, W1)
    np.testing.assert_array_equal(a.layers[1].W, W2)
    small = MLP([2, 4, 1], ["tanh", "sigmoid"], init="small")
    assert np.abs(small.layers[0].W).max() < 0.05


def test_forward_is_the_composition():
    model = MLP([2, 4, 1], ["tanh", "sigmoid"], seed=1)
    W1, b1, W2, b2 = model.parameters().values()
    b1 += 0.1
    expected = activations.sigmoid(W2 @ np.tanh(W1 @ X + b1) + b2)
    A = model.forward(X)
    np.testing.assert_allclose(A, expected, rtol=1e-15)
    assert model.A is A


def test_parameters_and_gradients_share_names_and_arrays():
    model = MLP([2, 4, 1], ["tanh", "sigmoid"])
    params = model.parameters()
    assert list(params) == ["W1", "b1", "W2", "b2"]
    assert params["W2"] is model.layers[1].W and params["b1"] is model.layers[0].b
    model.forward(X)
    model.backward(Y)
    grads = model.gradients()
    assert list(grads) == ["dW1", "db1", "dW2", "db2"]
    assert grads["dW1"] is model.layers[0].dW
    for name, p in params.items():
        assert grads["d" + name].shape == p.shape


def test_backward_by_hand_two_layers():
    model = MLP([2, 4, 1], ["tanh", "sigmoid"], seed=2)
    W1, b1, W2, b2 = model.parameters().values()
    m = X.shape[1]
    Z1 = W1 @ X + b1
    A1 = np.tanh(Z1)
    A2 = activations.sigmoid(W2 @ A1 + b2)
    dZ2 = (A2 - Y) / m
    dW2 = dZ2 @ A1.T
    db2 = dZ2.sum(axis=1, keepdims=True)
    dZ1 = (W2.T @ dZ2) / np.cosh(Z1) ** 2
    dW1 = dZ1 @ X.T
    db1 = dZ1.sum(axis=1, keepdims=True)
    model.forward(X)
    model.backward(Y, loss="binary_cross_entropy")
    grads = model.gradients()
    for name, expected in [("dW1", dW1), ("db1", db1), ("dW2", dW2), ("db2", db2)]:
        np.testing.assert_allclose(grads[name], expected, rtol=1e-12, atol=1e-17)


def chained_gradients(model, Y, loss):
    """Back-propagation starting from dA = dJ/dA, never from the fused dZ."""
    loss = losses.get(loss)
    dA = loss.derivative(model.A, Y)
    for layer in reversed(model.layers):
        dA = layer.backward(dA)
    return {k: v.copy() for k, v in model.gradients().items()}


def test_fused_equals_chained_sigmoid_bce():
    model = MLP([2, 5, 2], ["relu", "sigmoid"], seed=0)
    Y2 = np.array([[1, 0, 1, 0], [0, 0, 1, 1]])
    model.forward(X)
    chained = chained_gradients(model, Y2, "binary_cross_entropy")
    model.backward(Y2, "binary_cross_entropy")
    np.testing.assert_allclose(model.layers[-1].dZ, (model.A - Y2) / Y2.size, rtol=0)
    for name, g in model.gradients().items():
        np.testing.assert_allclose(g, chained[name], rtol=1e-12, atol=1e-17)


def test_fused_equals_chained_softmax_cross_entropy():
    model = MLP([2, 5, 3], ["tanh", "softmax"], seed=0)
    Y3 = np.array([[1, 0, 0, 0], [0, 0, 1, 1], [0, 1, 0, 0]])
    model.forward(X)
    chained = chained_gradients(model, Y3, "cross_entropy")
    model.backward(Y3, "cross_entropy")
    np.testing.assert_allclose(model.layers[-1].dZ, (model.A - Y3) / 4, rtol=0)
    for name, g in model.gradients().items():
        np.testing.assert_allclose(g, chained[name], rtol=1e-12, atol=1e-17)


def test_fused_gradient_survives_saturation():
    # a saturated sigmoid still gets the full (A - Y)/m signal
    model = MLP([2, 1], ["sigmoid"])
    model.layers[0].W[:] = [[100.0, 0.0]]
    model.forward(np.array([[1.0], [0.0]]))  # a = sigmoid(100) = 1.0 in float64
    model.backward(np.array([[0]]))
    assert model.gradients()["db1"][0, 0] == 1.0


def test_loss_convenience():
    model = MLP([2, 4, 1], ["tanh", "sigmoid"])
    expected = losses.binary_cross_entropy(model.forward(X), Y)
    assert model.loss(X, Y) == expected
    assert model.loss(X, Y, "mse") == losses.mse(model.forward(X), Y)


def test_predict_sigmoid_thresholds_at_one_half():
    model = MLP([1, 1], ["sigmoid"])
    model.layers[0].W[:] = 1.0
    labels = model.predict(np.array([[-1.0, 0.0, 1e-9, 3.0]]))
    assert labels.dtype.kind == "i"
    np.testing.assert_array_equal(labels, [[0, 0, 1, 1]])  # a > 0.5, so a = 0.5 -> 0


def test_predict_softmax_is_argmax_over_rows():
    model = MLP([2, 3], ["softmax"])
    model.layers[0].W[:] = [[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]
    labels = model.predict(np.array([[3.0, 0.0, -2.0], [1.0, 2.0, -2.0]]))
    np.testing.assert_array_equal(labels, [[0, 1, 2]])
    assert model.accuracy(np.array([[3.0, 0.0, -2.0], [1.0, 2.0, -2.0]]), [[0, 1, 1]]) == 2 / 3
    assert model.accuracy(np.array([[3.0], [1.0]]), [[1.0], [0.0], [0.0]]) == 1.0  # one-hot


def test_accuracy():
    model = MLP([1, 1], ["sigmoid"])
    model.layers[0].W[:] = 1.0
    assert model.accuracy([[-1.0, 2.0, 3.0, -4.0]], [[0, 1, 0, 0]]) == 0.75
    with pytest.raises(
        ValueError, match=r"MLP.accuracy: Y must have shape \(1, 4\) \(labels\) .* got \(4,\)"
    ):
        model.accuracy([[-1.0, 2.0, 3.0, -4.0]], [0, 1, 0, 0])


# --- errors -----------------------------------------------------------------------


def test_backward_before_forward():
    model = MLP([2, 4, 1], ["tanh", "sigmoid"])
    with pytest.raises(ValueError, match=r"MLP.backward: call forward\(X\) first"):
        model.backward(Y)
    with pytest.raises(ValueError, match=r"MLP.gradients: no gradients yet; call forward\(X\) then backward\(Y\)"):
        model.gradients()


def test_backward_errors():
    model = MLP([2, 4, 1], ["tanh", "sigmoid"])
    model.forward(X)
    with pytest.raises(
        ValueError, match=r"binary_cross_entropy: A and Y must have the same shape, got A \(1, 4\) and Y \(1, 3\)"
    ):
        model.backward(Y[:, :3])
    with pytest.raises(ValueError, match=r"binary_cross_entropy: Y \(labels\) must lie in \[0, 1\]"):
        model.backward(2 * Y)
    with pytest.raises(ValueError, match="unknown loss 'hinge'; known: binary_cross_entropy"):
        model.backward(Y, loss="hinge")
    with pytest.raises(ValueError, match=r"mse: A and Y must have the same shape, got A \(1, 4\) and Y \(4,\)"):
        model.backward(Y[0], loss="mse")


def test_forward_errors():
    model = MLP([2, 4, 1], ["tanh", "sigmoid"])
    with pytest.raises(ValueError, match=r"Dense\(2→4\).forward: A_prev must have 2 rows .* got shape \(3, 4\)"):
        model.forward(np.zeros((3, 4)))
    with pytest.raises(TypeError, match="A_prev must be a real number or an array of real numbers"):
        model.forward(np.zeros((2, 4), dtype=complex))


def test_predict_needs_a_classifier_output():
    model = MLP([2, 1], ["tanh"])
    with pytest.raises(ValueError, match="MLP.predict needs a sigmoid or softmax output layer, this network ends in tanh"):
        model.predict(X)
    with pytest.raises(ValueError, match="this network ends in identity"):
        MLP([2, 1], ["identity"]).predict(X)  # one linear output: a regression, not logits


def test_predict_and_accuracy_read_an_identity_output_as_logits():
    logits = MLP([2, 5, 3], ["tanh", "identity"], seed=3)
    probs = MLP([2, 5, 3], ["tanh", "softmax"], seed=3)
    X3 = np.random.default_rng(0).standard_normal((2, 50))
    labels = probs.predict(X3)
    np.testing.assert_array_equal(logits.predict(X3), labels)
    assert len(np.unique(labels)) == 3  # all three classes occur, so the check means something
    Y3 = np.eye(3)[:, [0, 1, 2, 1, 0] * 10]
    assert logits.accuracy(X3, Y3) == probs.accuracy(X3, Y3)
    assert logits.accuracy(X3, Y3.argmax(axis=0, keepdims=True)) == probs.accuracy(X3, Y3)


def test_constructor_errors():
    with pytest.raises(
        ValueError, match="MLP: need one activation per layer: 3 layer sizes make 2 layers, got 1 activations"
    ):
        MLP([2, 4, 1], ["sigmoid"])
    with pytest.raises(TypeError, match="MLP: activations must be a list of names, one per layer, got str 'relu'"):
        MLP([2, 4, 1], "relu")
    with pytest.raises(ValueError, match=r"MLP: layer_sizes\[1\] must be a positive integer, got 0"):
        MLP([2, 0, 1], ["relu", "sigmoid"])
    with pytest.raises(ValueError, match=r"MLP: layer_sizes\[2\] must be a positive integer, got -1"):
        MLP([2, 3, -1], ["relu", "sigmoid"])
    with pytest.raises(TypeError, match=r"MLP: layer_sizes\[0\] must be a positive integer, got float 2.5"):
        MLP([2.5, 1], ["sigmoid"])
    with pytest.raises(TypeError, match=r"MLP: layer_sizes must be a list of at least two sizes"):
        MLP([3], [])
    with pytest.raises(TypeError, match=r"MLP: layer_sizes must be a list .* got int 3"):
        MLP(3, ["relu"])
    with pytest.raises(ValueError, match="unknown activation 'sigmod'; known: sigmoid"):
        MLP([2, 1], ["sigmod"])
    with pytest.raises(ValueError, match="unknown init 'glorot'; known: he, xavier, lecun, small, zeros"):
        MLP([2, 1], ["sigmoid"], init="glorot")
    with pytest.raises(ValueError, match="init as a number is the std of W and must be finite and > 0, got -1"):
        MLP([2, 1], ["sigmoid"], init=-1)


# --- properties ------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=5),
    m=st.integers(1, 8),
    seed=st.integers(0, 2**16),
    scale=st.sampled_from([1.0, 100.0, 1e4]),
    shift=st.sampled_from([0.0, -50.0, -1e4]),
)
def test_shapes_and_finite_gradients(sizes, m, seed, scale, shift):
    rng = np.random.default_rng(seed)
    names = [str(n) for n in rng.choice(list(activations.ACTIVATIONS), len(sizes) - 2)]
    names.append("sigmoid")
    model = MLP(sizes, names, seed=seed)
    X = shift + scale * rng.standard_normal((sizes[0], m))  # incl. large negatives
    Y = rng.integers(0, 2, (sizes[-1], m))
    A = model.forward(X)
    assert A.shape == (sizes[-1], m)
    assert np.all((0 <= A) & (A <= 1))
    J = model.loss(X, Y)
    assert np.isfinite(J) and J >= 0
    model.backward(Y)
    for name, g in model.gradients().items():
        assert g.shape == model.parameters()[name[1:]].shape
        assert np.isfinite(g).all()
    assert model.predict(X).shape == (sizes[-1], m)


# --- logits, dropout and zero initialisation ----------------------------------------


class FixedUniform:
    """Stands in for a Generator: the same uniform draws for a given shape, every call."""

    def __init__(self, seed):
        self.rng, self.draws = np.random.default_rng(seed), {}

    def random(self, shape):
        if shape not in self.draws:
            self.draws[shape] = self.rng.random(shape)
        return self.draws[shape]


def test_dropout_layers_sit_after_the_hidden_layers():
    model = MLP([2, 5, 4, 3], ["relu", "tanh", "identity"], dropout=0.5, seed=1)
    assert [type(layer) for layer in model.layers] == [Dense, Dropout, Dense, Dropout, Dense]
    assert repr(model) == "MLP([2, 5, 4, 3], ['relu', 'tanh', 'identity'], dropout=0.5)"
    assert list(model.parameters()) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert model.parameters()["W2"] is model.layers[2].W
    plain = MLP([2, 5, 4, 3], ["relu", "tanh", "identity"], seed=1)
    for name, p in plain.parameters().items():  # dropout draws nothing at construction
        np.testing.assert_array_equal(model.parameters()[name], p)
    some = MLP([2, 5, 4, 3], ["relu", "tanh", "identity"], dropout=[0.0, 0.25])
    assert [type(layer) for layer in some.layers] == [Dense, Dense, Dropout, Dense]
    assert some.layers[2].p == 0.25


def test_train_and_eval_reach_every_dropout_layer():
    model = MLP([2, 6, 6, 1], ["relu", "relu", "sigmoid"], dropout=0.5)
    assert model.training and all(layer.training for layer in model.layers[1::2][:2])
    assert model.eval() is model and not model.training
    drops = [layer for layer in model.layers if isinstance(layer, Dropout)]
    assert len(drops) == 2 and not any(d.training for d in drops)
    plain = MLP([2, 6, 6, 1], ["relu", "relu", "sigmoid"])
    np.testing.assert_array_equal(model.forward(X), plain.forward(X))  # identity when evaluating
    model.train()
    assert model.training and all(d.training for d in drops)
    assert not np.array_equal(model.forward(X), plain.forward(X))


def test_dropout_constructor_errors():
    with pytest.raises(ValueError, match=r"MLP: dropout probabilities must be in \[0, 1\), got 1.0"):
        MLP([2, 3, 1], ["relu", "sigmoid"], dropout=1.0)
    with pytest.raises(ValueError, match=r"one per hidden layer \(2\), got a list of 1"):
        MLP([2, 3, 3, 1], ["relu", "relu", "sigmoid"], dropout=[0.5])
    with pytest.raises(TypeError, match="MLP: dropout must be a real number, got str"):
        MLP([2, 3, 1], ["relu", "sigmoid"], dropout="0.5")
    with pytest.raises(ValueError, match="dropout goes after hidden layers, and this network has none"):
        MLP([2, 1], ["sigmoid"], dropout=0.5)


@pytest.mark.parametrize("dropout", [None, 0.3, [0.5, 0.2]])
def test_softmax_cross_entropy_and_dropout_gradients(dropout):
    rng = np.random.default_rng(8)
    model = MLP([3, 6, 5, 4], ["tanh", "sigmoid", "identity"], seed=8, dropout=dropout)
    for layer in model.layers:
        if isinstance(layer, Dropout):
            layer.rng = FixedUniform(int(rng.integers(1000)))  # the same mask at every forward
        else:
            layer.b[:] = 0.3 * rng.standard_normal(layer.b.shape)
    X3 = rng.standard_normal((3, 7))
    Y3 = np.eye(4)[:, rng.integers(0, 4, 7)]
    errors = gradcheck.check_network(model, X3, Y3, loss="softmax_cross_entropy")
    assert max(errors.values()) < 1e-7, errors
    reference = reference_gradients(model, X3, Y3, "softmax_cross_entropy")
    for name, g in model.gradients().items():
        assert gradcheck.relative_error(g, reference[name]) < 1e-10, name
    if dropout is not None:  # the masks really dropped something
        assert any((~layer.mask).any() for layer in model.layers if isinstance(layer, Dropout))


def test_identity_output_with_softmax_cross_entropy_matches_a_softmax_output():
    logits = MLP([2, 5, 3], ["relu", "identity"], seed=4)
    probs = MLP([2, 5, 3], ["relu", "softmax"], seed=4)
    Y3 = np.eye(3)[:, [0, 1, 2, 1]]
    J = logits.loss(X, Y3, "softmax_cross_entropy")
    assert J == pytest.approx(probs.loss(X, Y3, "cross_entropy"), rel=1e-14)
    logits.backward(Y3, "softmax_cross_entropy")
    probs.backward(Y3, "cross_entropy")
    for name, g in logits.gradients().items():
        np.testing.assert_allclose(g, probs.gradients()[name], rtol=1e-12, atol=1e-17)


def test_zero_init_keeps_hidden_units_identical():
    # W = 0: every hidden unit computes the same value and gets the same gradient,
    # so training never tells them apart
    X2, Y2 = datasets.moons(m=60, noise=0.1, seed=0)
    X2, Y2 = X2[:, :45], Y2[:, :45]  # unbalanced: with balanced labels even W2 stays 0
    assert Y2.mean() != 0.5
    model = MLP([2, 4, 1], ["sigmoid", "sigmoid"], init="zeros")
    training.gradient_descent(model, X2, Y2, learning_rate=1.0, epochs=50)
    W1, b1, W2 = model.layers[0].W, model.layers[0].b, model.layers[1].W
    assert np.abs(W1).max() > 1e-3  # it did move
    for row in range(1, 4):
        np.testing.assert_array_equal(W1[row], W1[0])
        np.testing.assert_array_equal(b1[row], b1[0])
        assert W2[0, row] == W2[0, 0]

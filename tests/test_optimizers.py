"""nnlib.optimizers against the published update rules, written out here step by step.

The references follow the pseudo-code in PyTorch's documentation of
torch.optim.SGD / RMSprop / Adam (and Kingma & Ba 2015, Algorithm 1, for Adam's
bias correction), in their textbook algebra, not in nnlib's.
"""

import math

import numpy as np
import pytest

from nnlib import datasets
from nnlib.network import MLP
from nnlib.optimizers import SGD, Adam, RMSprop


def problem():
    X, Y = datasets.moons(m=40, noise=0.2, seed=3)
    return MLP([2, 5, 1], ["tanh", "sigmoid"], seed=2, init="xavier"), X, Y


def reference_sgd(lr, momentum, weight_decay):
    state = {}

    def update(name, theta, g):
        if weight_decay and name.startswith("W"):
            g = g + weight_decay * theta
        if momentum:
            # PyTorch: "if t > 1: b_t = mu b_{t-1} + g_t, else b_t = g_t"
            state[name] = g if name not in state else momentum * state[name] + g
            g = state[name]
        return theta - lr * g

    return update


def reference_rmsprop(lr, alpha, eps):
    v = {}

    def update(name, theta, g):
        v[name] = alpha * v.get(name, 0.0) + (1 - alpha) * g**2
        return theta - lr * g / (np.sqrt(v[name]) + eps)

    return update


def reference_adam(lr, beta1, beta2, eps, weight_decay):
    m, v, t = {}, {}, {}

    def update(name, theta, g):
        if weight_decay and name.startswith("W"):
            g = g + weight_decay * theta
        t[name] = t.get(name, 0) + 1
        m[name] = beta1 * m.get(name, 0.0) + (1 - beta1) * g
        v[name] = beta2 * v.get(name, 0.0) + (1 - beta2) * g**2
        m_hat = m[name] / (1 - beta1 ** t[name])
        v_hat = v[name] / (1 - beta2 ** t[name])
        return theta - lr * m_hat / (np.sqrt(v_hat) + eps)

    return update


CASES = {
    "sgd": (lambda: SGD(lr=0.3), lambda: reference_sgd(0.3, 0.0, 0.0)),
    "sgd momentum": (lambda: SGD(0.2, momentum=0.9), lambda: reference_sgd(0.2, 0.9, 0.0)),
    "sgd momentum decay": (
        lambda: SGD(0.2, momentum=0.5, weight_decay=0.1),
        lambda: reference_sgd(0.2, 0.5, 0.1),
    ),
    "rmsprop": (lambda: RMSprop(), lambda: reference_rmsprop(0.01, 0.99, 1e-8)),
    "rmsprop custom": (
        lambda: RMSprop(lr=0.05, alpha=0.9, eps=1e-3),
        lambda: reference_rmsprop(0.05, 0.9, 1e-3),
    ),
    "adam": (lambda: Adam(), lambda: reference_adam(0.001, 0.9, 0.999, 1e-8, 0.0)),
    "adam custom": (
        lambda: Adam(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-4, weight_decay=0.01),
        lambda: reference_adam(0.05, 0.8, 0.99, 1e-4, 0.01),
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_step_by_step_against_the_published_rule(case):
    make, make_reference = CASES[case]
    model, X, Y = problem()
    opt, reference = make(), make_reference()
    expected = {k: v.copy() for k, v in model.parameters().items()}
    arrays = {k: id(v) for k, v in model.parameters().items()}
    for _ in range(25):
        model.loss(X, Y)
        model.backward(Y)
        grads = {k: g.copy() for k, g in model.gradients().items()}
        for name in expected:
            expected[name] = reference(name, model.parameters()[name].copy(), grads["d" + name])
        opt.step(model)
        for name, p in model.parameters().items():
            np.testing.assert_allclose(p, expected[name], rtol=1e-12, atol=1e-15, err_msg=name)
    assert opt.t == 25
    assert {k: id(v) for k, v in model.parameters().items()} == arrays  # updated in place


class Scalars:
    """A model with one weight and one bias whose gradients are set by the test."""

    def __init__(self, w, b, dtype=np.float64):
        self.W = np.array([[w]], dtype=dtype)
        self.b = np.array([[b]], dtype=dtype)
        self.grads = {}

    def parameters(self):
        return {"W1": self.W, "b1": self.b}

    def gradients(self):
        return self.grads


def test_sgd_momentum_buffer_starts_as_the_first_gradient():
    model = Scalars(1.0, 1.0)
    opt = SGD(lr=0.1, momentum=0.9)
    model.grads = {"dW1": np.array([[2.0]]), "db1": np.array([[-1.0]])}
    opt.step(model)
    # with a zero-initialised, dampened buffer the first step would differ
    assert model.W[0, 0] == pytest.approx(1.0 - 0.1 * 2.0, rel=1e-15)
    assert model.b[0, 0] == pytest.approx(1.0 + 0.1, rel=1e-15)
    model.grads = {"dW1": np.array([[0.5]]), "db1": np.array([[0.0]])}
    opt.step(model)
    assert opt.velocity["W1"][0, 0] == pytest.approx(0.9 * 2.0 + 0.5)
    assert model.W[0, 0] == pytest.approx(0.8 - 0.1 * 2.3)
    assert model.b[0, 0] == pytest.approx(1.1 + 0.1 * 0.9)
    assert opt.velocity["W1"] is not model.grads["dW1"]  # a copy, not the gradient array


def test_adam_bias_correction_makes_the_first_step_lr():
    # Kingma & Ba: with m_hat, v_hat the first step is lr * g / (|g| + eps) whatever |g| is
    for g in (1e-6, 1.0, 1e6):
        model = Scalars(0.0, 0.0)
        model.grads = {"dW1": np.array([[g]]), "db1": np.array([[-g]])}
        Adam(lr=0.01).step(model)
        assert model.W[0, 0] == pytest.approx(-0.01 * g / (g + 1e-8), rel=1e-12)
        assert model.b[0, 0] == pytest.approx(0.01 * g / (g + 1e-8), rel=1e-12)


def test_adam_second_step_by_hand():
    model = Scalars(0.0, 0.0)
    opt = Adam(lr=0.1, beta1=0.5, beta2=0.75, eps=0.0 + 1e-8)
    for g in (1.0, 3.0):
        model.grads = {"dW1": np.array([[g]]), "db1": np.array([[0.0]])}
        opt.step(model)
    m = 0.5 * 0.5 * 1.0 + 0.5 * 3.0  # 1.75
    v = 0.75 * 0.25 * 1.0 + 0.25 * 9.0  # 2.4375
    m_hat, v_hat = m / (1 - 0.5**2), v / (1 - 0.75**2)
    step2 = 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8)
    assert model.W[0, 0] == pytest.approx(-0.1 * 1 / (1 + 1e-8) - step2, rel=1e-14)


@pytest.mark.parametrize("opt", [SGD(0.1, weight_decay=0.5), SGD(0.1, 0.9, weight_decay=0.5),
                                 Adam(0.1, weight_decay=0.5)])
def test_weight_decay_reaches_weights_only(opt):
    # with zero loss gradients only the decay term moves anything
    model = Scalars(2.0, 2.0)
    for _ in range(3):
        model.grads = {"dW1": np.array([[0.0]]), "db1": np.array([[0.0]])}
        opt.step(model)
    assert model.b[0, 0] == 2.0  # the bias never sees the decay
    assert 0 < model.W[0, 0] < 2.0  # the weight is pulled towards 0


def test_sgd_weight_decay_value():
    model = Scalars(2.0, 2.0)
    model.grads = {"dW1": np.array([[0.25]]), "db1": np.array([[0.25]])}
    SGD(0.1, weight_decay=0.5).step(model)
    assert model.W[0, 0] == pytest.approx(2.0 - 0.1 * (0.25 + 0.5 * 2.0), rel=1e-15)
    assert model.b[0, 0] == pytest.approx(2.0 - 0.1 * 0.25, rel=1e-15)


@pytest.mark.parametrize("opt", [SGD(0.1, momentum=0.9, weight_decay=0.1), RMSprop(),
                                 Adam(weight_decay=0.1)])
def test_float32_stays_float32(opt):
    model = Scalars(1.0, -1.0, dtype=np.float32)
    for _ in range(3):
        model.grads = {"dW1": np.array([[0.5]], np.float32), "db1": np.array([[1e-30]], np.float32)}
        opt.step(model)
    assert model.W.dtype == model.b.dtype == np.float32
    assert all(np.isfinite(p).all() for p in model.parameters().values())


def test_tiny_and_huge_gradients_stay_finite():
    for opt in (RMSprop(), Adam()):
        model = Scalars(0.0, 0.0)
        model.grads = {"dW1": np.array([[1e150]]), "db1": np.array([[0.0]])}
        opt.step(model)
        assert np.isfinite(model.W).all() and model.b[0, 0] == 0.0


def test_lr_zero_changes_nothing():
    model, X, Y = problem()
    before = {k: v.copy() for k, v in model.parameters().items()}
    model.loss(X, Y)
    model.backward(Y)
    for opt in (SGD(0.0, momentum=0.9), RMSprop(lr=0.0), Adam(lr=0.0)):
        opt.step(model)
    for name, p in model.parameters().items():
        np.testing.assert_array_equal(p, before[name])


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: SGD(-0.1), r"SGD: lr \(the learning rate\) must be a finite number in \[0, inf\), got -0.1"),
        (lambda: SGD(math.nan), r"SGD: lr .* got nan"),
        (lambda: Adam(lr=math.inf), r"Adam: lr .* got inf"),
        (lambda: SGD(0.1, momentum=1.0), r"SGD: momentum must be a finite number in \[0, 1\), got 1.0"),
        (lambda: SGD(0.1, weight_decay=-1), r"SGD: weight_decay must be .* got -1"),
        (lambda: RMSprop(alpha=1.0), r"RMSprop: alpha must be a finite number in \[0, 1\), got 1.0"),
        (lambda: RMSprop(eps=0.0), r"RMSprop: eps must be a finite number in \(0, inf\), got 0.0"),
        (lambda: Adam(beta1=1.0), r"Adam: beta1 must be a finite number in \[0, 1\), got 1.0"),
        (lambda: Adam(beta2=-0.1), r"Adam: beta2 must be .* got -0.1"),
        (lambda: Adam(eps=-1e-8), r"Adam: eps must be a finite number in \(0, inf\), got -1e-08"),
        (lambda: Adam(weight_decay=math.nan), r"Adam: weight_decay .* got nan"),
    ],
)
def test_bad_hyperparameters(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_hyperparameter_types():
    with pytest.raises(TypeError, match=r"SGD: lr \(the learning rate\) must be a real number, got str '0.1'"):
        SGD("0.1")
    with pytest.raises(TypeError, match="Adam: beta1 must be a real number, got bool True"):
        Adam(beta1=True)


def test_step_errors():
    model = Scalars(0.0, 0.0)
    model.grads = {"dW1": np.array([[1.0]])}
    with pytest.raises(ValueError, match=r"no 'db1' for parameter 'b1'; got keys \['dW1'\]"):
        SGD(0.1).step(model)
    model.grads = {"dW1": np.ones((2, 1)), "db1": np.ones((1, 1))}
    with pytest.raises(ValueError, match=r"'dW1' must have the shape of 'W1', \(1, 1\), got \(2, 1\)"):
        Adam().step(model)
    opt = RMSprop()
    model.grads = {"dW1": np.ones((1, 1)), "db1": np.ones((1, 1))}
    opt.step(model)
    other = Scalars(0.0, 0.0)
    other.W = np.zeros((3, 3))
    other.grads = {"dW1": np.ones((3, 3)), "db1": np.ones((1, 1))}
    with pytest.raises(ValueError, match="use one optimiser per model"):
        opt.step(other)


def test_repr():
    assert repr(SGD(0.1)) == "SGD(lr=0.1, momentum=0.0, weight_decay=0.0)"
    assert repr(RMSprop()) == "RMSprop(lr=0.01, alpha=0.99, eps=1e-08)"
    assert repr(Adam()) == "Adam(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08, weight_decay=0.0)"



def test_against_torch_when_installed():
    torch = pytest.importorskip("torch")
    model, X, Y = problem()
    params = {k: torch.tensor(v.copy(), requires_grad=True) for k, v in model.parameters().items()}
    weights = [p for k, p in params.items() if k.startswith("W")]
    biases = [p for k, p in params.items() if k.startswith("b")]
    opt_t = torch.optim.Adam([{"params": weights, "weight_decay": 0.01},
                              {"params": biases, "weight_decay": 0.0}], lr=0.05)
    opt = Adam(lr=0.05, weight_decay=0.01)
    for _ in range(10):
        model.loss(X, Y)
        model.backward(Y)
        for name, g in model.gradients().items():
            params[name[1:]].grad = torch.tensor(g.copy())
        opt_t.step()
        opt.step(model)
        for name, p in model.parameters().items():
            np.testing.assert_allclose(p, params[name].detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("opt", [SGD(0.1, momentum=0.9), RMSprop(), Adam()])
def test_a_failed_step_changes_nothing(opt):
    model = Scalars(1.0, 1.0)
    model.grads = {"dW1": np.array([[1.0]]), "db1": np.array([[1.0]])}
    opt.step(model)
    before = (model.W.copy(), model.b.copy(), opt.t)
    model.b = np.zeros((2, 1))  # b1 changed shape: its state no longer fits
    model.grads = {"dW1": np.array([[1.0]]), "db1": np.ones((2, 1))}
    with pytest.raises(ValueError, match="use one optimiser per model"):
        opt.step(model)
    assert (model.W[0, 0], opt.t) == (before[0][0, 0], before[2])  # W1 was not updated either

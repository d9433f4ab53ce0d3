import warnings

import numpy as np
import pytest

from nnlib import datasets, training
from nnlib.network import MLP
from nnlib.optimizers import SGD, Adam


def xor_model(seed=1):
    return MLP([2, 4, 1], ["tanh", "sigmoid"], seed=seed, init="xavier")


def params_copy(model):
    return {k: v.copy() for k, v in model.parameters().items()}


def test_gradient_descent_solves_xor():
    X, Y = datasets.xor()
    model = xor_model()
    history = training.gradient_descent(model, X, Y, learning_rate=1.0, epochs=500)
    assert len(history) == 500 and all(isinstance(J, float) for J in history)
    np.testing.assert_array_equal(model.predict(X), Y)
    assert model.accuracy(X, Y) == 1.0
    assert history[-1] < 0.01 < 0.6 < history[0]
    assert all(b <= a for a, b in zip(history[50:], history[51:]))  # monotone once under way


def test_sgd_solves_moons():
    X, Y = datasets.moons(m=200, noise=0.15, seed=0)
    model = MLP([2, 16, 1], ["tanh", "sigmoid"], seed=0, init="xavier")
    history = training.sgd(
        model, X, Y, learning_rate=0.3, epochs=200, batch_size=20, momentum=0.9, seed=0
    )
    assert len(history) == 200
    assert model.accuracy(X, Y) >= 0.97
    assert history[-1] < 0.05 < history[0]


def test_sgd_softmax_cross_entropy_learns_spiral():
    X, Y = datasets.spiral(m=150, k=3, noise=0.1, seed=0)
    model = MLP([2, 32, 3], ["relu", "softmax"], seed=0)
    history = training.sgd(
        model, X, Y, learning_rate=0.5, epochs=150, batch_size=30, momentum=0.9,
        seed=0, loss="cross_entropy",
    )
    assert model.accuracy(X, Y) >= 0.9
    assert history[-1] < history[0] / 3


def test_gradient_descent_history_is_the_loss_before_each_step():
    X, Y = datasets.xor()
    model = xor_model()
    J0 = model.loss(X, Y)
    history = training.gradient_descent(model, X, Y, learning_rate=0.5, epochs=3)
    assert history[0] == J0
    # replay by hand: one step is W -= lr * dW for every parameter
    replay = xor_model()
    for J in history:
        assert replay.loss(X, Y) == J
        replay.backward(Y)
        grads = replay.gradients()
        for name, p in replay.parameters().items():
            p -= 0.5 * grads["d" + name]
    for name, p in model.parameters().items():
        np.testing.assert_array_equal(p, replay.parameters()[name])


def test_gradient_descent_zero_epochs_changes_nothing():
    X, Y = datasets.xor()
    model = xor_model()
    before = params_copy(model)
    assert training.gradient_descent(model, X, Y, learning_rate=1.0, epochs=0) == []
    for k, v in model.parameters().items():
        assert np.array_equal(v, before[k])


def test_sgd_with_momentum_matches_a_hand_rolled_loop():
    X, Y = datasets.moons(m=20, noise=0.1, seed=3)
    lr, beta, batch, seed = 0.2, 0.8, 7, 5
    model = MLP([2, 3, 1], ["tanh", "sigmoid"], seed=2)
    history = training.sgd(
        model, X, Y, learning_rate=lr, epochs=2, batch_size=batch, momentum=beta, seed=seed
    )
    ref = MLP([2, 3, 1], ["tanh", "sigmoid"], seed=2)
    v = {k: np.zeros_like(p) for k, p in ref.parameters().items()}
    rng = np.random.default_rng(seed)
    expected = []
    for _ in range(2):
        order = rng.permutation(20)
        losses = []
        for batch_idx in (order[:7], order[7:14], order[14:]):
            Xb, Yb = X[:, batch_idx], Y[:, batch_idx]
            losses.append(ref.loss(Xb, Yb) * len(batch_idx))
            ref.backward(Yb)
            g = ref.gradients()
            for k, p in ref.parameters().items():
                v[k] = beta * v[k] + g["d" + k]
                p -= lr * v[k]
        expected.append(sum(losses) / 20)
    np.testing.assert_allclose(history, expected, rtol=1e-14)
    for k, p in model.parameters().items():
        np.testing.assert_allclose(p, ref.parameters()[k], rtol=1e-13)


def test_full_batch_sgd_is_gradient_descent():
    X, Y = datasets.xor()
    a, b = xor_model(), xor_model()
    h_gd = training.gradient_descent(a, X, Y, learning_rate=1.0, epochs=20)
    h_sgd = training.sgd(b, X, Y, learning_rate=1.0, epochs=20, batch_size=100, seed=0)
    np.testing.assert_allclose(h_sgd, h_gd, rtol=1e-12)  # only the column order differs


def test_determinism():
    X, Y = datasets.moons(m=60, noise=0.2, seed=0)

    def run(seed):
        model = MLP([2, 5, 1], ["relu", "sigmoid"], seed=0)
        history = training.sgd(
            model, X, Y, learning_rate=0.1, epochs=5, batch_size=8, momentum=0.5, seed=seed
        )
        return history, params_copy(model)

    h1, p1 = run(7)
    h2, p2 = run(7)
    h3, _ = run(8)
    assert h1 == h2
    for k in p1:
        assert np.array_equal(p1[k], p2[k])
    assert h1 != h3  # the seed drives the shuffling


def test_training_with_mse():
    X, Y = datasets.xor()
    model = xor_model(0)
    history = training.gradient_descent(model, X, Y, learning_rate=2.0, epochs=800, loss="mse")
    assert history[-1] < 0.01
    assert model.accuracy(X, Y) == 1.0


# --- errors -----------------------------------------------------------------------


@pytest.mark.parametrize("train", ["gradient_descent", "sgd"])
def test_argument_errors(train):
    X, Y = datasets.xor()
    model = xor_model()
    extra = {"batch_size": 2} if train == "sgd" else {}

    def call(**kw):
        args = {"learning_rate": 0.1, "epochs": 1, **extra, **kw}
        return getattr(training, train)(model, X, Y, **args)

    with pytest.raises(ValueError, match="learning_rate must be a positive number, got 0"):
        call(learning_rate=0)
    with pytest.raises(ValueError, match="learning_rate must be a positive number, got -0.1"):
        call(learning_rate=-0.1)
    with pytest.raises(ValueError, match="learning_rate must be a positive number, got nan"):
        call(learning_rate=float("nan"))
    with pytest.raises(TypeError, match="learning_rate must be a real number, got str '0.1'"):
        call(learning_rate="0.1")
    with pytest.raises(ValueError, match="epochs must be a non-negative integer, got -1"):
        call(epochs=-1)
    with pytest.raises(TypeError, match="epochs must be a non-negative integer, got float 10.0"):
        call(epochs=10.0)
    with pytest.raises(ValueError, match="unknown loss 'bce'; known: binary_cross_entropy"):
        call(loss="bce")
    with pytest.raises(TypeError, match="learning_rate"):
        getattr(training, train)(model, X, Y, epochs=1, **extra)


def test_sgd_specific_errors():
    X, Y = datasets.xor()
    model = xor_model()
    kw = {"learning_rate": 0.1, "epochs": 1}
    with pytest.raises(ValueError, match="sgd: batch_size must be a positive integer, got 0"):
        training.sgd(model, X, Y, batch_size=0, **kw)
    with pytest.raises(TypeError, match="sgd: batch_size must be a positive integer, got float 2.5"):
        training.sgd(model, X, Y, batch_size=2.5, **kw)
    with pytest.raises(ValueError, match=r"sgd: momentum must be in \[0, 1\), got 1"):
        training.sgd(model, X, Y, batch_size=2, momentum=1, **kw)
    with pytest.raises(TypeError, match="sgd: momentum must be a real number, got complex"):
        training.sgd(model, X, Y, batch_size=2, momentum=0.5j, **kw)


def test_data_errors():
    X, Y = datasets.xor()
    model = xor_model()
    with pytest.raises(
        ValueError,
        match=r"X and Y must be 2-D .* same number of columns, got X \(2, 4\) and Y \(1, 3\)",
    ):
        training.gradient_descent(model, X, Y[:, :3], learning_rate=0.1, epochs=1)
    with pytest.raises(ValueError, match=r"got X \(2, 4\) and Y \(4,\)"):
        training.sgd(model, X, Y[0], learning_rate=0.1, epochs=1, batch_size=2)
    with pytest.raises(TypeError, match="training: X must be a real number or an array"):
        training.gradient_descent(model, X.astype(complex), Y, learning_rate=0.1, epochs=1)
    with pytest.raises(ValueError, match=r"binary_cross_entropy: Y \(labels\) must lie in \[0, 1\]"):
        training.gradient_descent(model, X, 3 * Y, learning_rate=0.1, epochs=1)
    with pytest.raises(ValueError, match=r"Dense\(2→4\).forward: A_prev must have 2 rows"):
        training.gradient_descent(model, X[:1], Y, learning_rate=0.1, epochs=1)


def test_divergence_is_an_error_not_silent_nan():
    X = np.array([[1.0, 2.0, 3.0]])
    Y = np.array([[1.0, -2.0, 3.0]])
    model = MLP([1, 4, 1], ["relu", "identity"], seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow on the way
        with pytest.raises(
            ValueError,
            match=r"training diverged: the loss is inf in epoch \d+; try a smaller learning_rate",
        ):
            training.gradient_descent(model, X, Y, learning_rate=10.0, epochs=1000, loss="mse")


# --- optimizers, validation and early stopping ---------------------------------------


def moons_split(seed=0):
    X, Y = datasets.moons(m=120, noise=0.3, seed=seed)
    return datasets.train_validation_split(X, Y, validation=0.25, seed=seed)


def test_learning_rate_is_sgd_without_and_with_momentum():
    X, Y = datasets.moons(m=40, noise=0.2, seed=1)
    for momentum in (0.0, 0.9):
        by_rate, by_optimizer = xor_model(), xor_model()
        h1 = training.sgd(by_rate, X, Y, learning_rate=0.2, momentum=momentum, epochs=5,
                          batch_size=8, seed=3)
        h2 = training.sgd(by_optimizer, X, Y, optimizer=SGD(0.2, momentum=momentum), epochs=5,
                          batch_size=8, seed=3)
        assert h1 == h2
        for name, p in by_rate.parameters().items():
            np.testing.assert_array_equal(p, by_optimizer.parameters()[name])


def test_gradient_descent_with_adam_is_the_hand_rolled_loop():
    X, Y = datasets.xor()
    model, replay = xor_model(), xor_model()
    history = training.gradient_descent(model, X, Y, optimizer=Adam(lr=0.05), epochs=20)
    opt = Adam(lr=0.05)
    for J in history:
        assert replay.loss(X, Y) == J
        replay.backward(Y)
        opt.step(replay)
    for name, p in model.parameters().items():
        np.testing.assert_array_equal(p, replay.parameters()[name])


def test_any_object_with_a_step_method_is_an_optimizer_on_every_epoch():
    # Not an nnlib optimiser: the loop calls its step(model) each epoch, as documented.
    class HalfStep:
        calls = 0

        def step(self, model):
            self.calls += 1
            grads = model.gradients()
            for name, p in model.parameters().items():
                p -= 0.5 * grads["d" + name]

    X, Y = datasets.xor()
    model, replay = xor_model(), xor_model()
    opt = HalfStep()
    history = training.gradient_descent(model, X, Y, optimizer=opt, epochs=5)
    assert opt.calls == 5
    for J in history:  # the loss before each step, then the step by hand
        assert replay.loss(X, Y) == J
        replay.backward(Y)
        for name, p in replay.parameters().items():
            p -= 0.5 * replay.gradients()["d" + name]
    for name, p in model.parameters().items():
        np.testing.assert_array_equal(p, replay.parameters()[name])


def test_history_is_a_list_with_validation_losses_after_each_epoch():
    (X, Y), (X_val, Y_val) = moons_split()
    model, replay = xor_model(), xor_model()
    history = training.gradient_descent(model, X, Y, learning_rate=0.5, epochs=6,
                                        validation=(X_val, Y_val))
    assert isinstance(history, list) and isinstance(history, training.History)
    assert len(history) == len(history.validation) == 6 and not history.stopped_early
    for epoch in range(6):  # the validation loss is measured after the epoch's step
        replay.loss(X, Y)
        replay.backward(Y)
        for name, p in replay.parameters().items():
            p -= 0.5 * replay.gradients()["d" + name]
        assert history.validation[epoch] == replay.loss(X_val, Y_val)
    assert history.best_epoch == int(np.argmin(history.validation))
    plain = training.gradient_descent(xor_model(), X, Y, learning_rate=0.5, epochs=6)
    assert plain.validation == [] and plain.best_epoch is None and list(plain) == list(history)


def test_validation_loss_is_measured_without_dropout():
    (X, Y), (X_val, Y_val) = moons_split()
    model = MLP([2, 16, 1], ["relu", "sigmoid"], seed=0, dropout=0.5)
    history = training.sgd(model, X, Y, learning_rate=0.1, epochs=3, batch_size=30,
                           validation=(X_val, Y_val))
    assert model.training  # put back in training mode
    assert model.eval().loss(X_val, Y_val) == history.validation[-1]


def test_early_stopping_keeps_the_best_parameters():
    (X, Y), (X_val, Y_val) = moons_split()

    def big():
        return MLP([2, 64, 64, 1], ["relu", "relu", "sigmoid"], seed=0)

    model = big()
    history = training.gradient_descent(model, X, Y, optimizer=Adam(lr=0.02), epochs=500,
                                        validation=(X_val, Y_val), patience=15)
    assert history.stopped_early and len(history) == history.best_epoch + 16
    best = history.validation[history.best_epoch]
    assert best == min(history.validation) and all(v >= best for v in history.validation[-15:])
    # the parameters are those after epoch best_epoch: replay that many steps
    replay = big()
    training.gradient_descent(replay, X, Y, optimizer=Adam(lr=0.02), epochs=history.best_epoch + 1)
    for name, p in model.parameters().items():
        np.testing.assert_array_equal(p, replay.parameters()[name])
    assert model.loss(X_val, Y_val) == best


def test_spiral_with_logits_softmax_cross_entropy_and_adam():
    # three interleaved spirals, 300 points: the stated bar is 97% on the training set
    # and 95% on a fresh sample of the same spirals
    X, Y = datasets.spiral(m=300, k=3, noise=0.2, seed=0)
    model = MLP([2, 64, 64, 3], ["relu", "relu", "identity"], seed=0)
    history = training.sgd(model, X, Y, optimizer=Adam(lr=0.01), epochs=150, batch_size=50,
                           loss="softmax_cross_entropy")
    assert history[-1] < history[0] / 10
    assert model.accuracy(X, Y) >= 0.97  # the row of the largest logit, as predict reads it
    X_new, Y_new = datasets.spiral(m=300, k=3, noise=0.2, seed=1)
    assert np.mean(model.forward(X_new).argmax(axis=0) == Y_new.argmax(axis=0)) >= 0.95


@pytest.mark.parametrize("train", ["gradient_descent", "sgd"])
def test_optimizer_and_validation_errors(train):
    X, Y = datasets.xor()
    model = xor_model()
    extra = {"batch_size": 2} if train == "sgd" else {}

    def call(**kw):
        return getattr(training, train)(model, X, Y, epochs=1, **extra, **kw)

    with pytest.raises(TypeError, match="pass learning_rate= or optimizer=, not both"):
        call(learning_rate=0.1, optimizer=SGD(0.1))
    with pytest.raises(TypeError, match=r"pass learning_rate= \(for plain SGD\) or optimizer="):
        call()
    with pytest.raises(TypeError, match="optimizer must have a step\\(model\\) method, like "
                       "nnlib.optimizers.Adam, got str 'adam'"):
        call(optimizer="adam")
    with pytest.raises(TypeError, match=r"validation must be a pair \(X_val, Y_val\), "
                                        r"got an array of dtype float64 and shape \(2, 4\)"):
        call(learning_rate=0.1, validation=X)
    with pytest.raises(ValueError, match=r"validation: X and Y must be 2-D .* got X \(2, 4\) and Y \(1, 3\)"):
        call(learning_rate=0.1, validation=(X, Y[:, :3]))
    with pytest.raises(TypeError, match=r"patience= needs validation=\(X_val, Y_val\)"):
        call(learning_rate=0.1, patience=3)
    with pytest.raises(ValueError, match="training: patience must be a positive integer, got 0"):
        call(learning_rate=0.1, validation=(X, Y), patience=0)


def test_sgd_momentum_belongs_to_learning_rate():
    X, Y = datasets.xor()
    with pytest.raises(TypeError, match="sgd: momentum= goes with learning_rate=; an optimizer= has its own"):
        training.sgd(xor_model(), X, Y, optimizer=Adam(), momentum=0.9, epochs=1, batch_size=2)

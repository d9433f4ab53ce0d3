"""The course pages and their figures show the same experiments.

Each figure module of the why-depth, initialisation, multiclass, regularisation
and optimisers pages rebuilds its networks from its own constants; the pages
build them again in their doctests and quote the results. Here the figure
code's results must be the numbers the pages print, so that changing a setting
in one place and not the other fails.
"""

import re

import numpy as np
import pytest

from nnlib import datasets
from scripts.figures import depth, initialisation, multiclass, optimisers, regularisation
from scripts.site_check import ROOT


def page(name):
    return (ROOT / "docs" / f"{name}.md").read_text(encoding="utf-8")


def test_why_depth_figures_draw_the_page_networks():
    text = page("why-depth")
    X, Y = datasets.xor()
    np.testing.assert_array_equal(depth.xor_network().forward(X), Y)
    for name in ("W1", "b1", "W2"):  # the page sets them as W1[:] = [[1, 1], [1, 1]] etc.
        assert f"{name}[:] = {np.array(depth.XOR_NET[name]).astype(int).tolist()}" in text, name
    x = np.linspace(*depth.INTERVAL, 2001)[None, :]
    for n in depth.WIDTHS:
        error = np.abs(depth.interpolating_network(depth.target, n).forward(x)
                       - depth.target(x)).max()
        assert f"{n:2} hidden units: largest error {error:.4f}" in text
    x = np.linspace(0, 1, 1025)[None, :]
    for d in (1, 2, 3, 4):
        pieces = depth.linear_pieces(depth.sawtooth_network(d).forward(x)[0])
        assert pieces == 2 ** d
        assert f"{d} hidden layers, {2 * d:2} units: {pieces:2} pieces" in text


def test_initialisation_figure_measures_the_page_network():
    text = page("initialisation")
    assert (initialisation.WIDTH, initialisation.DEPTH, initialisation.EXAMPLES) == (100, 20, 500)
    assert "def layer_statistics(g, init, n=100, L=20, m=500):" in text
    for g in initialisation.ACTIVATIONS:
        for init in initialisation.INITS:
            forward, backward = initialisation.layer_statistics(g, init)
            factor_f = np.exp(np.mean(np.log(forward[1:] / forward[:-1])))
            factor_b = np.exp(np.mean(np.log(backward[:-1] / backward[1:])))
            line = rf"{g:4} {init:6} predicted \S+  forward {factor_f:.3f}  backward {factor_b:.3f}"
            assert re.search(line, text), (g, init)


def test_multiclass_figure_trains_the_page_classifier():
    text = page("multiclass")
    X, Y, model, history = multiclass.trained()
    assert multiclass.SIZES == [2, 32, 3] and 'MLP([2, 32, 3], ["relu", "identity"], seed=0)' in text
    assert f"Adam(lr={multiclass.LEARNING_RATE})" in text
    assert f"for step in range({multiclass.STEPS}):" in text
    assert f"({history[0]:.4f}, 1.0986, {history[-1]:.4f})" in text
    assert f"model.accuracy(X, Y), model.accuracy(X_test, Y_test)\n({model.accuracy(X, Y)!r}," in text


@pytest.mark.parametrize("title", regularisation.RUNS)
def test_regularisation_figures_train_the_page_networks(title):
    text = page("regularisation")
    _, history = regularisation.run(title)
    assert f"({history[-1]:.3f}, {history.validation[-1]:.3f})" in text
    if regularisation.RUNS[title][0] == 0.0:  # L2's best epoch is in the figure only
        assert f"({history.best_epoch}, {min(history.validation):.3f})" in text
    assert "epochs=400" in text and "Adam(lr=0.01" in text


def test_optimiser_figures_take_the_page_steps():
    text = page("optimisers")
    labels = ("gradient descent", "momentum", "RMSprop", "Adam")
    for label, make in zip(labels, optimisers.BOWL_OPTIMISERS.values()):
        w = optimisers.path(make())[-1]
        assert f"{label:16} J = {optimisers.Bowl(w).loss():.1e}" in text, label
    for label, make in zip(labels, optimisers.SPIRAL_OPTIMISERS.values()):
        J = optimisers.spiral_history(make())[-1]  # after the last of the 500 steps
        assert f"{label:16} J after {optimisers.SPIRAL_STEPS} steps: {J:.3f}" in text, label
    assert "Bowl([-4.0, 1.5])" in text and optimisers.START == (-4.0, 1.5)


def test_figure_alt_texts_state_orderings_that_hold():
    """The regularisation and optimisers alt texts describe orderings, not numbers: check them."""
    text = page("regularisation")
    train, _ = regularisation.data()
    none, l2, dropout = (regularisation.run(title) for title in regularisation.RUNS)
    assert "without regularisation, with the higher training accuracy of the two" in text
    assert none[0].accuracy(*train) > l2[0].accuracy(*train)
    assert "its validation cost ends the lowest of the three" in text
    assert "ends between the other two" in text
    assert l2[1].validation[-1] < dropout[1].validation[-1] < none[1].validation[-1]
    assert "turns up later than without regularisation" in text
    assert dropout[1].best_epoch > none[1].best_epoch
    assert "climbs to several times that value" in text
    assert none[1].validation[-1] > 2 * min(none[1].validation)

    text = page("optimisers")
    gd, momentum, rmsprop, adam = (optimisers.spiral_history(make())[-1]
                                   for make in optimisers.SPIRAL_OPTIMISERS.values())
    assert "end several times lower, RMSprop the lowest" in text
    assert rmsprop < adam and 2 * adam < min(gd, momentum)
    assert "lie almost on top of each other and end highest" in text
    assert abs(gd - momentum) < 0.05 * gd


def test_initialisation_alt_text_states_what_the_figure_measures():
    """Every number in the per-layer figure's alt text, against the figure's own runs."""
    text = page("initialisation")
    assert text.count("by a factor of about 10 (tanh) or 14 (ReLU) at each layer it passes") == 2
    stats = {(g, init): initialisation.layer_statistics(g, init)
             for g in initialisation.ACTIVATIONS for init in initialisation.INITS}
    depth = initialisation.DEPTH
    for g, factor in (("tanh", 10), ("relu", 14)):
        forward, backward = stats[g, "small"]
        # the mean factor per layer (geometric), each way; off the plot from the fifth layer
        assert (forward[0] / forward[-1]) ** (1 / (depth - 1)) == pytest.approx(factor, rel=0.05)
        assert (backward[-1] / backward[0]) ** (1 / (depth - 1)) == pytest.approx(factor, rel=0.05)
        assert forward[0] > 1e-4 and (forward[4:] < 1e-4).all()
        assert backward[-1] > 1e-4 and (backward[:16] < 1e-4).all()
    assert "off the plot (below 1e-4) from the fifth layer it passes on: layers 5 to 20 forward, " \
           "16 down to 1 backward" in text
    assert "xavier and he both keep the signal between 0.15 and 2.3" in text
    tanh = np.concatenate([*stats["tanh", "xavier"], *stats["tanh", "he"]])
    assert tanh.min() >= 0.15 and tanh.max() <= 2.3
    forward, backward = stats["tanh", "xavier"]
    assert (f"from {forward[0]:.0f} at layer 1 to {forward[-1]:.2f} at layer 20 forward and from "
            f"{backward[-1]:.2f} at layer 20 to {backward[0]:.2f} at layer 1 backward") in text
    assert "he stays between 0.9 and 1.7 in both directions" in text
    relu_he = np.concatenate(stats["relu", "he"])
    assert relu_he.min() >= 0.9 and relu_he.max() <= 1.7
    forward, backward = stats["relu", "xavier"]
    assert (np.diff(forward) < 0).all() and (np.diff(backward) > 0).all()  # "steadily"
    assert (f"xavier falls steadily from {forward[0]:.0f} to {forward[-1]:.0e} forward and from "
            f"{backward[-1]:.1f} at layer 20 to {backward[0]:.0e} at layer 1 backward"
            ).replace("e-0", "e-") in text

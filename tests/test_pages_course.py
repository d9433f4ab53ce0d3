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
from scripts.site_check import page_source


def test_why_depth_figures_draw_the_page_networks():
    text = page_source("why-depth")
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
    text = page_source("initialisation")
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
    text = page_source("multiclass")
    X, Y, model, history = multiclass.trained()
    assert multiclass.SIZES == [2, 32, 3] and 'MLP([2, 32, 3], ["relu", "identity"], seed=0)' in text
    assert f"Adam(lr={multiclass.LEARNING_RATE})" in text
    assert f"for step in range({multiclass.STEPS}):" in text
    assert f"({history[0]:.4f}, 1.0986, {history[-1]:.4f})" in text
    assert f"model.accuracy(X, Y), model.accuracy(X_test, Y_test)\n({model.accuracy(X, Y)!r}," in text


@pytest.mark.parametrize("title", regularisation.RUNS)
def test_regularisation_figures_train_the_page_networks(title):
    text = page_source("regularisation")
    _, history = regularisation.run(title)
    assert f"({history[-1]:.3f}, {history.validation[-1]:.3f})" in text
    if regularisation.RUNS[title][0] == 0.0:  # L2's best epoch is in the figure only
        assert f"({history.best_epoch}, {min(history.validation):.3f})" in text
    assert "epochs=400" in text and "Adam(lr=0.01" in text


def test_optimiser_figures_take_the_page_steps():
    text = page_source("optimisers")
    labels = ("gradient descent", "momentum", "RMSprop", "Adam")
    for label, make in zip(labels, optimisers.BOWL_OPTIMISERS.values()):
        w = optimisers.path(make())[-1]
        assert f"{label:16} J = {optimisers.Bowl(w).loss():.1e}" in text, label
    for label, make in zip(labels, optimisers.SPIRAL_OPTIMISERS.values()):
        J = optimisers.spiral_history(make())[-1]  # after the last of the 500 steps
        assert f"{label:16} J after {optimisers.SPIRAL_STEPS} steps: {J:.3f}" in text, label
    assert "Bowl([-4.0, 1.5])" in text and optimisers.START == (-4.0, 1.5)


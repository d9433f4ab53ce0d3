"""The figures' alt texts say what the figures show.

An alt text is read instead of the figure, so its numbers and claims (a value
reached, where a curve peaks, which line ends lowest) must be as right as the
figure. Each test takes the numbers from the figure module's own runs (the
same helpers the figure draws from) or from nnlib, and asserts the alt text's
words with the value formatted as the page writes it: a change in nnlib or in
a figure that makes the words wrong fails here. ``alt_text`` also checks that
the light and the dark image of a figure carry the same alt text.
"""

import inspect
import json
import re

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy.optimize import minimize_scalar

from nnlib import datasets, gradcheck, network, optimizers, training
from nnlib.activations import ACTIVATIONS, softmax
from scripts.figures import (
    activations,
    backprop,
    depth,
    forward,
    initialisation,
    multiclass,
    neuron,
    optimisers,
    regularisation,
    vanishing,
)
from scripts.figures import training as training_figures
from scripts.site_check import ROOT, page_source
from scripts.style import THEMES


def alt_text(name, figure):
    """The alt text of ``figure`` (e.g. "depth/xor") on page ``name``, whitespace collapsed.

    The figure must appear once in each theme, with the same alt text.
    """
    text = page_source(name)
    prefix = "../" * name.count("/")
    alts = {theme: re.findall(rf"!\[(.+?)\]\({re.escape(prefix)}figures/{re.escape(figure)}"
                              rf"-{theme}\.svg#only-{theme}\)", text)
            for theme in ("light", "dark")}
    assert len(alts["light"]) == 1, (name, figure, alts)
    assert alts["light"] == alts["dark"], f"{figure}: the light and dark alt texts differ"
    return " ".join(alts["light"][0].split())


def notebook_alt_texts(name):
    """The alt texts set in the cell metadata of docs/notebooks/<name>.ipynb, in order."""
    cells = json.loads((ROOT / "docs" / "notebooks" / f"{name}.ipynb").read_text())["cells"]
    return [" ".join(c["metadata"]["alt"].split()) for c in cells if "alt" in c["metadata"]]


def extremum(f, lo, hi, largest=False):
    """(z, f(z)) at the minimum (or maximum) of the scalar function f on [lo, hi]."""
    sign = -1 if largest else 1
    result = minimize_scalar(lambda z: sign * f(z), bounds=(lo, hi), method="bounded",
                             options={"xatol": 1e-9})
    return result.x, f(result.x)


def e(x):
    """x with one significant digit as the alt texts write it: 2e-10, 4e-2."""
    return f"{x:.0e}".replace("e-0", "e-").replace("e+0", "e")


# --- why depth -----------------------------------------------------------------------


def test_why_depth_alt_texts():
    alt = alt_text("why-depth", "depth/xor")
    X, Y = datasets.xor()
    H = depth.xor_network().layers[0].forward(X)
    assert sorted(map(tuple, H.T.astype(int).tolist())) == [(0, 0), (1, 0), (1, 0), (2, 1)]
    assert "the corners land on (0,0), (1,0) twice and (2,1)" in alt
    # the line drawn in hidden space, h1 - 2 h2 = 0.5, puts the label-1 points on one side
    assert np.array_equal(H[0] - 2 * H[1] > 0.5, Y[0] == 1)
    assert "one straight line separates the triangle at (1,0) from the two circles" in alt
    assert depth.XOR_PLANE == (-0.5, 1.5) and "the input plane from -0.5 to 1.5 on both axes" in alt
    g = np.linspace(*depth.XOR_PLANE, 161)  # the figure's grid
    g0, g1 = np.meshgrid(g, g)
    above = depth.xor_network().forward(np.vstack([g0.ravel(), g1.ravel()]))[0] > 0.5
    s = g0.ravel() + g1.ravel()
    assert np.array_equal(above, (s > 0.5) & (s < 1.5))
    assert ("the band between the lines x1 + x2 = 0.5 and x1 + x2 = 1.5 is shaded as output "
            "above 0.5 and holds both triangles") in alt

    alt = alt_text("why-depth", "depth/width")
    assert depth.INTERVAL == (-2.0, 2.0) and "on x from -2 to 2" in alt
    assert "four one-hidden-layer ReLU networks of 2, 4, 8 and 16 units" in alt
    assert depth.WIDTHS == (2, 4, 8, 16)
    x = np.linspace(*depth.INTERVAL, 401)  # the figure's grid
    target = depth.target(x)
    out = {n: depth.interpolating_network(depth.target, n).forward(x[None, :])[0]
           for n in depth.WIDTHS}
    assert depth.linear_pieces(out[2]) == 1 and out[2][200] == pytest.approx(0, abs=1e-12)
    assert out[2][[0, -1]] == pytest.approx(target[[0, -1]])
    assert "The 2-unit network is a straight line through the end points and the origin" in alt
    peaks = np.flatnonzero((target[1:-1] > target[:-2]) & (target[1:-1] > target[2:])) + 1
    troughs = np.flatnonzero((target[1:-1] < target[:-2]) & (target[1:-1] < target[2:])) + 1
    assert len(peaks) == len(troughs) == 2
    assert (np.abs(out[4] - target)[np.concatenate([peaks, troughs])] > 0.5).all()
    assert "the 4-unit one a zigzag that misses both peaks and both troughs" in alt
    assert np.abs(out[16] - target).max() < 0.1  # under the faint target's thick line
    assert "the 16-unit one is hard to tell from the target" in alt

    alt = alt_text("why-depth", "depth/sawtooth")
    x = np.linspace(0, 1, 1025)
    teeth, pieces = [], []
    for d in (1, 2, 3, 4):
        y = depth.sawtooth_network(d).forward(x[None, :])[0]
        assert (y.min(), y.max()) == (0.0, 1.0)
        teeth.append(int(((y[1:-1] > y[:-2]) & (y[1:-1] > y[2:])).sum()))
        pieces.append(depth.linear_pieces(y))
    assert f"zigzags between 0 and 1 with {teeth[0]}, {teeth[1]}, {teeth[2]} and {teeth[3]} " \
           "teeth" in alt
    assert f"the titles read {pieces[0]}, {pieces[1]}, {pieces[2]} and {pieces[3]} linear " \
           "pieces for 2, 4, 6 and 8 units" in alt


# --- loss and gradient descent -------------------------------------------------------


def test_loss_saturation_alt_text():
    alt = alt_text("loss-and-gradient-descent", "loss-and-gradient-descent/saturation")
    z, bce, mse = training_figures.saturation_gradients()
    z, bce, mse = z[0], np.abs(bce[0]), np.abs(mse[0])  # the figure plots |dL/dz|
    assert (z[0], z[-1]) == (-8, 8) and "for z from -8 to 8" in alt
    assert bce[0] > 0.99 and (np.diff(bce) < 0).all() and bce[-1] < 1e-3
    assert "close to 1 for very negative z and falling smoothly to 0 for large z" in alt
    top = mse.argmax()
    assert mse[top] == pytest.approx(8 / 27, rel=1e-3)
    assert z[top] == pytest.approx(-np.log(2), abs=z[1] - z[0])
    assert f"a bump of height 8/27, about {8 / 27:.1f}, at z = -ln 2, about " \
           f"{-np.log(2):.2f}" in alt
    assert mse[0] < 1e-3 and "falls to almost 0 for very negative z" in alt


def test_loss_learning_rates_alt_text():
    alt = alt_text("loss-and-gradient-descent", "loss-and-gradient-descent/learning-rates")
    small, right, large = (np.array(training_figures.learning_rate_history(rate))
                           for rate in training_figures.RATES.values())
    assert f"for {training_figures.EPOCHS} epochs at three learning rates" in alt
    rates = list(training_figures.RATES.values())
    assert f"With alpha {rates[0]:g} the loss falls slowly from {small[0]:.2f} to about " \
           f"{small[-1]:.2f}" in alt
    assert (right[:100] < 0.3).any()  # quickly: within the first fifth
    assert f"With alpha {rates[1]:g} it falls quickly below 0.3 and reaches about " \
           f"{right[-1]:.2f}" in alt
    assert large[1] > 1
    last = large[-100:]  # still jumping at the end
    assert last.max() > 10 * last.min()
    assert f"With alpha {rates[2]:g} it jumps at once above 1 and keeps jumping between about " \
           f"{large[1:].min():.1f} and {large[1:].max():.0f} for all 500 epochs" in alt


def test_loss_divergence_alt_text():
    alt = alt_text("loss-and-gradient-descent", "loss-and-gradient-descent/divergence")
    X, _ = datasets.moons(**training_figures.MOONS)
    critical = training_figures.linear_neuron_threshold(X)
    factors = training_figures.DIVERGENCE_FACTORS
    assert f"at learning rates {factors[0]:g}, {factors[1]:g} and {factors[2]:g} times the " \
           f"threshold 2 over lambda max, which is {critical:.3f}" in alt
    assert training_figures.DIVERGENCE_TICKS[0] == 1 and training_figures.DIVERGENCE_TICKS[-1] == 1e300
    assert "on a log scale marked from 1 to 10 to the 300" in alt
    runs = [training_figures.divergence_run(f) for f in factors]
    for history, failed in runs[:2]:
        assert not failed and len(history) == training_figures.DIVERGENCE_EPOCHS
        assert f"{history[-1]:.1f}" == "0.1"
    assert "The first two stay flat at the bottom, converging to about 0.1" in alt
    history, failed = runs[2]
    steps = np.diff(np.log10(history))[100:]
    assert failed and steps.min() > 0 and np.ptp(steps) < 1e-6  # a straight line, rising
    assert history[-1] > 1e300 and round(len(history), -1) == 1050
    assert "The third rises as a straight line on the log scale, past 10 to the 300 after " \
           "about 1050 epochs, where a cross marks the last finite loss" in alt


# --- backpropagation -----------------------------------------------------------------


def test_backpropagation_graph_alt_text():
    alt = alt_text("backpropagation", "backpropagation/graph")
    fig = Figure()
    with matplotlib.rc_context(THEMES["light"]):
        backprop.graph(fig)
    labels = [" ".join(t.get_text().split()) for t in fig.axes[0].texts]
    # each box reads "$Z^{[1]}$ (4, 5)" ("$X = A^{[0]}$ (3, 5)", "$Y$ (1, 5)"): name, layer, shape
    boxes = re.findall(r"\$([A-Za-z])(?:\^\{\[(\d)\]\})?(?: = A\^\{\[0\]\})?\$ (\(\d, \d\))",
                       " ".join(labels))
    shapes = {name + layer: shape for name, layer, shape in boxes}
    assert shapes == {"X": "(3, 5)", "Z1": "(4, 5)", "A1": "(4, 5)", "Z2": "(1, 5)",
                      "A2": "(1, 5)", "W1": "(4, 3)", "b1": "(4, 1)", "W2": "(1, 4)",
                      "b2": "(1, 1)", "Y": "(1, 5)"}
    n_x, m = backprop.X.shape
    assert f"a two-layer network with {n_x} inputs, 4 hidden units and 1 output on {m} " \
           "examples" in alt
    assert f"X of shape {shapes['X']}, " + ", ".join(
        f"{name} {shapes[name]}" for name in ("Z1", "A1", "Z2", "A2")) in alt
    assert f"W1 {shapes['W1']} and b1 {shapes['b1']} feed Z1, W2 {shapes['W2']} and b2 " \
           f"{shapes['b2']} feed Z2, and Y {shapes['Y']} feeds J" in alt


def test_backpropagation_gradcheck_alt_text():
    alt = alt_text("backpropagation", "backpropagation/gradcheck-eps")
    eps, errors = backprop.gradcheck_errors()
    assert (eps[0], eps[-1]) == (0.1, pytest.approx(1e-10))
    assert "for epsilon from 0.1 down to 1e-10" in alt
    tanh, relu = errors["tanh"], errors["relu"]
    best = tanh.argmin()
    slope = np.polyfit(np.log10(eps[:best]), np.log10(tanh[:best]), 1)[0]
    assert slope == pytest.approx(2, abs=0.05)  # like epsilon squared
    late = eps <= 1e-6
    slope = np.polyfit(np.log10(eps[late]), np.log10(tanh[late]), 1)[0]
    assert slope == pytest.approx(-1, abs=0.2)  # like 1 over epsilon
    assert (f"The tanh curve is V-shaped: it falls like epsilon squared from about {e(tanh[0])} "
            f"at epsilon 0.1 to a minimum near {e(tanh[best])} at epsilon {e(eps[best])}, then "
            f"rises again like 1 over epsilon as rounding errors grow, to about {e(tanh[-1])} "
            "at epsilon 1e-10") in alt
    large = eps > 1.5e-4
    assert ((relu[large] > 0.05) & (relu[large] < 0.2)).all()
    assert (np.abs(np.log10(relu[~large] / tanh[~large])) < 1).all()  # on the tanh curve
    assert "The ReLU curve stays near 0.1, in the probably-a-bug band, while epsilon is " \
           "larger than about 1e-4, then drops onto the tanh curve" in alt
    default = inspect.signature(gradcheck.check_network).parameters["eps"].default
    assert f"a dashed line nnlib's default epsilon {e(default)}" in alt


# --- vanishing gradients -------------------------------------------------------------


def test_vanishing_gradient_norms_alt_text():
    alt = alt_text("vanishing-gradients", "vanishing/gradient-norms")
    L = vanishing.DEPTH + 1
    assert f"for the {L} layers of the same network" in alt
    norms = {g: vanishing.measure(g, "xavier") for g in vanishing.HIDDEN}
    dW = {g: n["dW"] for g, n in norms.items()}
    dZ = {g: n["dZ"] for g, n in norms.items()}
    assert dW["sigmoid"][-1] > 1e6 * dW["sigmoid"][0]
    assert f"the sigmoid line climbs from about {e(dW['sigmoid'][0])} at layer 1 to " \
           f"{e(dW['sigmoid'][-1])} at layer {L}" in alt
    assert 0.1 <= dW["tanh"].min() and dW["tanh"].max() <= 0.5
    assert 1e-4 <= dW["relu"].min() and dW["relu"].max() <= 1e-3
    assert all(v.max() < 5 * v.min() for v in (dW["tanh"], dW["relu"]))  # roughly flat
    assert "while tanh stays near 0.1 to 0.5 and ReLU near 1e-4 to 1e-3, both roughly flat" in alt
    assert f"sigmoid climbs from {e(dZ['sigmoid'][0])} to {e(dZ['sigmoid'][-1])}" in alt
    assert (np.abs(np.log(dZ["tanh"] / 0.05)) < np.log(1.5)).all()  # within 1.5 times 0.05
    assert "tanh is flat near 0.05" in alt
    top = dZ["relu"].argmax()
    assert top >= L - 2 and (np.diff(dZ["relu"][:top + 1]) > 0).all()  # steadily, to the top
    assert f"ReLU rises steadily from about {e(dZ['relu'][0])} at layer 1 to " \
           f"{e(dZ['relu'][top])} near the output" in alt


# --- activations ---------------------------------------------------------------------


def test_activation_alt_texts_quote_the_figures_numbers():
    Z = activations.Z
    assert (Z[0], Z[-1]) == (-5, 5)
    g = {name: ACTIVATIONS[name] for name in activations.elementwise()}
    d = {name: act.derivative for name, act in g.items()}

    alt = alt_text("activations/sigmoid-tanh", "activations/sigmoid")
    assert g["sigmoid"](0.0) == 0.5 and d["sigmoid"](0.0) == 0.25
    assert extremum(d["sigmoid"], -5, 5, largest=True) == pytest.approx((0, 0.25), abs=1e-6)
    assert "for z from -5 to 5, an S-shaped curve from 0 to 1 that crosses 0.5 at z = 0" in alt
    assert "a bell-shaped bump with maximum 0.25 at z = 0" in alt
    alt = alt_text("activations/sigmoid-tanh", "activations/tanh")
    assert d["tanh"](0.0) == 1 and "for z from -5 to 5" in alt and "maximum 1 at z = 0" in alt

    alt = alt_text("activations/relu-family", "activations/relu")
    assert d["relu"](0.0) == 0 and "a filled dot at value 0 at z = 0" in alt
    alt = alt_text("activations/relu-family", "activations/leaky_relu")
    alpha = g["leaky_relu"].defaults["alpha"]
    assert d["leaky_relu"](0.0) == d["leaky_relu"](-1.0) == alpha and d["leaky_relu"](1e-9) == 1
    assert f"leaky ReLU with alpha {alpha:g}" in alt
    assert f"its derivative, {alpha:g} for z at most 0 and 1 for positive z" in alt
    alt = alt_text("activations/relu-family", "activations/elu")
    assert g["elu"].defaults["alpha"] == 1 and "ELU with alpha 1" in alt
    assert d["elu"](-5.0) < 0.01 and d["elu"](0.0) == d["elu"](1.0) == 1
    assert "from near 0 at z = -5 to 1 at z = 0, then constant at 1" in alt
    alt = alt_text("activations/relu-family", "activations/selu")
    slope, kink, floor = d["selu"](1.0), d["selu"](0.0), g["selu"](-50.0)
    assert d["selu"](1e-9) == slope and kink > slope
    assert f"a line of slope {slope:.2f} for positive z and a curve falling towards " \
           f"{floor:.2f} for negative z" in alt
    assert f"rising exponentially to {kink:.2f} at z = 0, marked by a filled dot, then " \
           f"dropping to a constant {slope:.2f} for positive z, with an open dot at " \
           f"{slope:.2f} at z = 0" in alt

    alt = alt_text("activations/hard", "activations/softsign")
    assert g["softsign"](5.0) < np.tanh(5.0)
    assert f"about ±{g['softsign'](5.0):.2f} at z = ±5" in alt and d["softsign"](0.0) == 1
    assert f"falling off slowly on both sides to about {d['softsign'](5.0):.2f} at z = ±5" in alt
    alt = alt_text("activations/hard", "activations/hardsigmoid")
    assert d["hardsigmoid"](-3.0) == d["hardsigmoid"](3.0) == 0
    assert d["hardsigmoid"](0.0) == pytest.approx(1 / 6)
    assert "filled dots at 0 at z = -3 and z = 3" in alt and "open dots at 1/6" in alt
    alt = alt_text("activations/hard", "activations/hardswish")
    low = Z[np.argmin(g["hardswish"](Z))]
    assert f"a parabola dipping to {g['hardswish'](low):.3f} at z = {low:g} and reaching " \
           f"{g['hardswish'](3.0):g} at z = 3" in alt
    assert (d["hardswish"](-3.0), d["hardswish"](3.0)) == (-0.5, 1.5)
    assert (d["hardswish"](-3.001), d["hardswish"](3.001)) == (0, 1)
    assert "a straight line from -0.5 at z = -3 to 1.5 at z = 3, with filled dots at both ends" in alt

    alt = alt_text("activations/hard", "activations/identity")
    np.testing.assert_array_equal(g["identity"](Z), Z)
    np.testing.assert_array_equal(d["identity"](Z), np.ones_like(Z))
    assert "a straight line through the origin with slope 1" in alt and "the constant 1" in alt

    for name, at_zero in (("gelu", 0.5), ("silu", 0.5), ("mish", 0.6)):
        alt = alt_text("activations/smooth", f"activations/{name}")
        z_min, g_min = extremum(g[name], -3, 0)
        dz_min, d_min = extremum(d[name], -4, 0)
        dz_max, d_max = extremum(d[name], 0, 5, largest=True)
        assert d[name](0.0) == pytest.approx(at_zero)
        if name == "gelu":
            assert f"dipping to about {g_min:.2f} near z = {z_min:.2f}" in alt
            assert f"a minimum of about {d_min:.2f} near z = {dz_min:.1f}, {at_zero} at z = 0, " \
                   f"overshooting to about {d_max:.2f} near z = {dz_max:.1f}" in alt
            continue
        assert f"a minimum of about {g_min:.2f} near z = {z_min:.2f}" in alt, name
        assert d[name](z_min - 1e-3) < 0 < d[name](z_min + 1e-3)  # negative left of the minimum
        digits = 1 if name == "silu" else 2
        assert f"slightly negative for z below {z_min:.2f}, {at_zero} at z = 0, overshooting " \
               f"to about {d_max:.{digits}f} near z = {dz_max:.1f}" in alt, name
    alt = alt_text("activations/smooth", "activations/softplus")
    assert g["softplus"].defaults == {"beta": 1.0, "threshold": 20.0}
    assert g["softplus"](0.0) == pytest.approx(np.log(2)) and d["softplus"](0.0) == 0.5
    assert "with beta 1 and threshold 20" in alt and "log 2 at z = 0" in alt
    assert "equal to 0.5 at z = 0" in alt

    alt = alt_text("activations/smooth", "activations/gelu-approximations")
    z, diff_f, diff_d = activations.gelu_differences()
    diff_f, diff_d = diff_f * 1e4, diff_d * 1e4  # the figure's unit
    assert (z[0], z[-1]) == (-6, 6) and "for z from -6 to 6, in units of 1e-4" in alt
    np.testing.assert_allclose(diff_f, diff_f[::-1], atol=1e-6)  # even
    np.testing.assert_allclose(diff_d, -diff_d[::-1], atol=1e-6)  # odd
    right = z > 0
    peak, dip = np.argmax(np.where(right, diff_f, -np.inf)), np.argmin(np.where(right, diff_f, np.inf))
    assert f"peaks of about +{diff_f[peak]:.1f} near z = ±{z[peak]:.1f} and dips of about " \
           f"{diff_f[dip]:.1f} near z = ±{z[dip]:.1f}" in alt
    assert diff_f[z == 0] == 0 and np.abs(diff_f[np.abs(z) > 5]).max() < 0.05
    top = diff_d.argmax()
    assert f"oscillates between about {diff_d.min():.1f} at z = {z[diff_d.argmin()]:.0f} and " \
           f"+{diff_d[top]:.1f} at z = {z[top]:.0f}" in alt

    alt = alt_text("activations/softmax", "activations/softmax")
    logits = ", ".join(f"{v:.1f}" for v in activations.SOFTMAX_LOGITS[:-1])
    assert f"the logits z = {logits} and {activations.SOFTMAX_LOGITS[-1]:.1f}" in alt
    quoted = []
    for T in activations.SOFTMAX_TEMPERATURES:
        p = [f"{v:.2f}" for v in softmax(activations.SOFTMAX_LOGITS / T)]
        quoted.append(f"temperature {T:g}, {', '.join(p[:-1])} and {p[-1]}")
    quoted[0] = quoted[0].replace(", ", ", probabilities ", 1)
    assert all(words in alt for words in quoted), quoted


def test_activation_overview_alt_texts():
    alt = alt_text("activations/index", "activations/sigmoid-tanh-relu")
    Z = activations.Z
    assert (Z[0], Z[-1]) == (-5, 5) and "on one set of axes for z from -5 to 5" in alt
    leaky = ACTIVATIONS["leaky_relu"](Z[Z < 0])
    assert ((leaky < 0) & (leaky > -0.1)).all() and "leaky ReLU is just below zero" in alt

    alt = alt_text("activations/index", "activations/all")
    names = activations.elementwise()
    assert len(names) == 14 and "A grid of fourteen small panels" in alt
    assert activations.GRID_Z == (-4, 4) and activations.GRID_VALUES == (-2, 3)
    assert "z from -4 to 4 and values from -2 to 3" in alt
    rows = [names[i:i + 4] for i in range(0, len(names), 4)]
    assert rows == [["sigmoid", "tanh", "softsign", "hardsigmoid"],
                    ["relu", "leaky_relu", "elu", "selu"],
                    ["gelu", "silu", "mish", "softplus"], ["hardswish", "identity"]]
    selu = ACTIVATIONS["selu"].derivative
    assert f"(SELU's curves up to {selu(0.0):.2f} and drops to {selu(1.0):.2f} at z = 0)" in alt
    for name in ("gelu", "silu", "mish"):  # dip below zero, derivative overshoots 1
        act = ACTIVATIONS[name]
        assert extremum(act, -3, 0)[1] < 0 and extremum(act.derivative, 0, 4, True)[1] > 1


# --- the neuron and forward propagation -----------------------------------------------


def test_neuron_and_forward_alt_texts():
    alt = alt_text("neuron", "neuron/neuron")
    layer, x = neuron.example_neuron()
    a = layer.forward(x)[0, 0]
    (w1, w2, w3), b, z = layer.W[0], layer.b[0, 0], layer.Z[0, 0]
    x1, x2, x3 = x[:, 0]
    assert f"three inputs x1 = {x1:g}, x2 = {x2:g}, x3 = {x3:g}" in alt
    assert np.argmax(np.abs(layer.W[0])) == 2 and w2 < 0
    assert f"w1 = {w1:g}, w2 = {w2:g} (dashed, negative) and w3 = {w3:g} (thickest)" in alt
    assert f"the bias b = {b:g}" in alt and f"The sum z = {z:g}" in alt
    assert f"a = y-hat = {a:.3f}" in alt and f"a = sigma({z:g}) = {a:.4f}" in alt

    alt = alt_text("forward-propagation", "forward/network")
    model = forward.example_network()
    W1, W2 = (layer.W for layer in model.layers)
    assert W1.shape == (4, 2) and W2.shape == (1, 4)
    assert "8 edges labelled W1, 4 by 2, and 4 edges labelled W2, 1 by 4" in alt
    largest = max(np.abs(W1).max(), np.abs(W2).max())
    assert [tuple(i) for i in np.argwhere(np.abs(W1) == largest)] == [(2, 1), (3, 0)]
    assert W2[0, 1] == -largest and np.argwhere(np.abs(W2) == largest).tolist() == [[0, 1]]
    assert f"the thickest are the weight {largest:g} from x2 to a3 and from x1 to a4, and the " \
           f"dashed weight {-largest:g} from a2 to the output" in alt

    alt = alt_text("forward-propagation", "forward/decision-boundaries")
    X, Y, models = forward.trained_models()
    assert f"the same two half-moons of {X.shape[1]} points" in alt
    assert X[1, Y[0] == 0].mean() > X[1, Y[0] == 1].mean()  # class 0 is the upper arc
    linear, net = (m.accuracy(X, Y) for m in models.values())
    wrong = models["logistic regression"].predict(X)[0] != Y[0]
    upper, lower = X[:, wrong & (Y[0] == 0)], X[:, wrong & (Y[0] == 1)]
    assert (upper[0] > 0.8).all()  # the upper moon spans x1 from -1 to 1: its right end
    assert (lower[0] < 0.2).mean() > 0.9  # the lower one from 0 to 2: its left end, but one
    assert "the right end of the upper moon and the left end of the lower moon fall on the " \
           "wrong side" in alt
    assert f"fall on the wrong side; training accuracy {linear:.1%}" in alt
    assert f"every point is on its own side; training accuracy {net:.1%}" in alt and net == 1


# --- the course pages ----------------------------------------------------------------


def test_multiclass_alt_text():
    alt = alt_text("multiclass", "multiclass/spiral")
    X, Y, model, history = multiclass.trained()
    assert f"over {multiclass.STEPS} Adam steps, starting at {history[0]:.2f}, just above a " \
           f"dashed line at log 3 = {np.log(3):.2f}" in alt and history[0] > np.log(3)
    assert history[200] < history[0] / 5 and f"ending near {history[-1]:.2f}" in alt
    assert multiclass.PLANE == (-1.2, 1.2) and "the plane from -1.2 to 1.2" in alt
    assert multiclass.MARKERS == ("o", "^", "s")
    assert f"with the {X.shape[1]} training points (circles for class 0, triangles for class 1, " \
           "squares for class 2)" in alt
    wrong = X[:, model.predict(X).ravel() != Y.argmax(axis=0)]
    assert wrong.shape[1] == 2 and (np.linalg.norm(wrong, axis=0) < 0.1).all()
    assert "except for a couple near the centre" in alt


def test_optimisers_paths_alt_text():
    alt = alt_text("optimisers", "optimisers/paths")
    assert optimisers.START == (-4.0, 1.5) and "from the start at (-4, 1.5)" in alt
    assert (optimisers.BOWL_W1, optimisers.BOWL_W2) == ((-4.5, 1.5), (-2, 2))
    assert "w1 from -4.5 to 1.5 and w2 from -2 to 2" in alt
    assert optimisers.Bowl([2.0, 1.0]).loss() == 2.0**2 / 2 + 5 * 1.0**2
    assert "Contours of the bowl J = w1 squared over 2 plus 5 w2 squared" in alt
    assert f"still circling near it after {optimisers.STEPS} steps" in alt
    gd, momentum, rmsprop, adam = (optimisers.path(make())
                                   for make in optimisers.BOWL_OPTIMISERS.values())
    for label, words in zip(optimisers.BOWL_OPTIMISERS, (
            "Gradient descent with learning rate {}", "Momentum with learning rate {} and "
            "momentum {}", "RMSprop with learning rate {}", "Adam with learning rate {}")):
        assert words.format(*re.findall(r"= ([\d.]+)", label)) in alt, label
    # gradient descent: w2 changes sign every step, each swing smaller; w1 creeps up
    assert (np.sign(gd[1:, 1]) != np.sign(gd[:-1, 1])).all()
    assert (np.diff(np.abs(gd[:, 1])) < 0).all() and (np.diff(gd[:, 0]) > 0).all()
    assert "zig-zags across the narrow w2 direction with slowly shrinking swings" in alt
    assert momentum[:, 0].max() > 0.5 and np.abs(momentum[-1]).max() < 0.1
    assert "overshoots the minimum along w1 and circles back" in alt
    assert np.abs(rmsprop[5:, 1]).max() < 0.01 and (np.diff(rmsprop[:, 0]) > 0).all()
    assert "RMSprop with learning rate 0.1 drops to w2 = 0 within a few steps" in alt
    step = adam[1] - adam[0]
    assert step[0] == pytest.approx(-step[1])  # the first step: as far along w1 as along w2
    assert adam[:, 0].max() > 0 and np.linalg.norm(adam[-1]) > 0.05
    assert "heads diagonally, passes the minimum" in alt


def test_optimisers_training_alt_text():
    alt = alt_text("optimisers", "optimisers/training")
    assert f"against step, 0 to {optimisers.SPIRAL_STEPS}" in alt
    starts = {optimisers.spiral_history(make())[0] for make in
              optimisers.SPIRAL_OPTIMISERS.values()}
    assert len(starts) == 1 and "all starting from the same value" in alt
    labels = list(optimisers.SPIRAL_OPTIMISERS)
    assert "Gradient descent with learning rate {} and momentum with learning rate {} and " \
           "momentum {}".format(*re.findall(r"= ([\d.]+)", labels[0] + labels[1])) in alt
    rates = [re.search(r"α = ([\d.]+)", label)[1] for label in labels[2:]]
    assert rates[0] == rates[1] and f"Adam and RMSprop, both with learning rate {rates[0]}" in alt


def test_figure_alt_texts_state_orderings_that_hold():
    """The regularisation and optimisers alt texts describe orderings, not numbers: check them."""
    alt = alt_text("regularisation", "regularisation/boundaries")
    train, _ = regularisation.data()
    none, l2, dropout = (regularisation.run(title) for title in regularisation.RUNS)
    assert f"Two panels of the {train[0].shape[1]} training moons" in alt
    assert "without regularisation, with the higher training accuracy of the two" in alt
    assert none[0].accuracy(*train) > l2[0].accuracy(*train)
    assert f"L2 weight decay {list(regularisation.RUNS.values())[1][0]:g}" in alt

    alt = alt_text("regularisation", "regularisation/curves")
    assert f"epoch, 0 to {regularisation.EPOCHS}" in alt
    assert "its validation cost ends the lowest of the three" in alt
    assert "ends between the other two" in alt
    assert l2[1].validation[-1] < dropout[1].validation[-1] < none[1].validation[-1]
    assert "turns up later than without regularisation" in alt
    assert dropout[1].best_epoch > none[1].best_epoch
    assert none[1].best_epoch < regularisation.EPOCHS / 4
    assert "the validation cost reaches its lowest early in training" in alt
    assert "climbs to several times that value" in alt
    assert np.diff(none[1]).max() < 0.01 and none[1][-1] < 0.1
    assert "the training cost falls steadily towards 0" in alt
    assert none[1].validation[-1] > 2 * min(none[1].validation)
    assert "both curves flatten early and stay close together, with no climb" in alt
    assert l2[1].validation[-1] < 1.05 * min(l2[1].validation)
    assert abs(l2[1].validation[-1] - l2[1][-1]) < 0.1

    alt = alt_text("optimisers", "optimisers/training")
    gd, momentum, rmsprop, adam = (optimisers.spiral_history(make())[-1]
                                   for make in optimisers.SPIRAL_OPTIMISERS.values())
    assert "end several times lower, RMSprop the lowest" in alt
    assert rmsprop < adam and 2 * adam < min(gd, momentum)
    assert "lie almost on top of each other and end highest" in alt
    assert abs(gd - momentum) < 0.05 * gd


def test_initialisation_alt_text_states_what_the_figure_measures():
    """Every number in the per-layer figure's alt text, against the figure's own runs."""
    text = alt_text("initialisation", "initialisation/per-layer")
    assert "by a factor of about 10 (tanh) or 14 (ReLU) at each layer it passes" in text
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


# --- the notebooks -------------------------------------------------------------------


def test_activation_explorer_notebook_alt_texts():
    grid, decay, family = notebook_alt_texts("activation-explorer")
    names = [n for n in ACTIVATIONS if n != "softmax"]  # the notebook's panels
    assert len(names) == 14 and "Fourteen small plots" in grid and "for z from -4 to 4" in grid
    ends = np.array([-4.0, 4.0])
    for name in ("sigmoid", "tanh", "softsign", "hardsigmoid"):
        assert (np.abs(ACTIVATIONS[name].derivative(ends)) < 0.05).all(), name
    linear = ("relu", "leaky_relu", "elu", "selu", "gelu", "silu", "softplus", "mish",
              "hardswish")
    for name in linear:
        slope = ACTIVATIONS[name].derivative(4.0)
        assert slope == pytest.approx(1.05 if name == "selu" else 1, abs=0.06), name
    assert f"(SELU: {ACTIVATIONS['selu'].derivative(4.0):.2f})" in grid
    d = {name: ACTIVATIONS[name].derivative for name in ("sigmoid", "tanh", "softsign")}
    assert d["tanh"](-12.0) == d["tanh"](12.0) and d["sigmoid"](-12.0) == d["sigmoid"](12.0)
    assert f"to about {e(d['sigmoid'](12.0))} and {d['tanh'](12.0):.1e} at |z| = 12" in decay
    assert f"softsign's falls slowly, to about {d['softsign'](12.0):.3f}" in decay
    zg = np.linspace(-6, 6, 601)  # the notebook's grid
    gelu = ACTIVATIONS["gelu"]
    diff = 1e4 * (gelu(zg, approximate="tanh") - gelu(zg))
    low, high = zg[zg > 0][np.argmin(diff[zg > 0])], zg[zg > 0][np.argmax(diff[zg > 0])]
    assert f"dips to {diff.min():.1f}e-4 near z = ±{low:.2f} and peaks of {diff.max():.1f}e-4 " \
           f"near z = ±{high:.1f}" in family


def test_first_network_notebook_alt_text():
    _, curves, _ = notebook_alt_texts("first-network")
    X, Y = datasets.moons(m=200, noise=0.2, seed=0)  # as the notebook's cells
    model = network.MLP([2, 8, 1], ["tanh", "sigmoid"], seed=0, init="xavier")
    history = np.array(training.gradient_descent(model, X, Y, learning_rate=1.0, epochs=2000))
    sgd_model = network.MLP([2, 8, 1], ["tanh", "sigmoid"], seed=0, init="xavier")
    sgd = training.sgd(sgd_model, X, Y, learning_rate=0.1, epochs=200, batch_size=20,
                       momentum=0.9, seed=0)
    plateau = history[25:101]
    assert (np.abs(plateau - 0.3) < 0.02).all()
    assert f"Gradient descent falls from {history[0]:.2f}, pauses on a plateau near 0.3 for " \
           f"about 100 epochs, and reaches {history[-1]:.2f} after 2000 epochs" in curves
    assert f"minibatch SGD with momentum reaches about {sgd[-1]:.2f} within 200 epochs" in curves


def test_multiclass_notebook_alt_text():
    data, curves, regions = notebook_alt_texts("multiclass")
    X, Y, model, adam = multiclass.trained()  # the notebook trains the same Adam run
    assert X.shape[1] == 300 and "Scatter plot of the 300 training examples" in data
    r = np.linalg.norm(X, axis=0)
    assert 4 * (r.max() - r.min()) > np.pi  # the angle grows by 4 rad from centre to tip
    assert "each arm turning through more than half a circle" in data
    X_test, Y_test = datasets.spiral(m=300, k=3, noise=0.2, seed=1)  # as the notebook's
    wrong = X_test[:, model.predict(X_test).ravel() != Y_test.argmax(axis=0)]
    radius = np.sort(np.linalg.norm(wrong, axis=0))
    assert len(radius) == 3 and radius[1] < 0.05 and radius[2] > 0.95
    assert wrong[0, np.argmax(np.linalg.norm(wrong, axis=0))] > 0.5
    assert wrong[1, np.argmax(np.linalg.norm(wrong, axis=0))] < -0.5
    assert "apart from two at the centre, where the arms meet, and one at the outer end of an " \
           "arm, at the lower right" in regions
    # and gradient descent with momentum on the same classifier (spiral_history adds the
    # cost after the last step, which the notebook does not draw)
    sgd = optimisers.spiral_history(optimizers.SGD(lr=0.1, momentum=0.9),
                                    steps=multiclass.STEPS)[:-1]
    assert np.log(3) < adam[0] == sgd[0] < 1.1 * np.log(3)
    assert "Both curves start just above a dotted line at log 3" in curves
    assert adam[100] < adam[0] / 2 and sgd[100] < sgd[0] / 2
    assert adam[-1] < sgd[-1] and (adam[-1] / adam[100]) < (sgd[-1] / sgd[100])
    assert "after that the Adam curve keeps falling faster and ends lower" in curves

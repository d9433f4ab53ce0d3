"""Tests for nnlib.activations: values, derivatives, stability, dtypes, errors.

Reference values come from tests/reference.py: PyTorch's documented
definitions evaluated with mpmath at 60+ digits, derivatives by mpmath's own
numerical differentiation. Tolerance: relative 1e-12, with an absolute floor
of 1e-300 only for results in the subnormal range.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlib import activations as act
from nnlib.activations import ACTIVATIONS, get, softmax
from tests import reference as ref

ELEMENTWISE = [name for name in ACTIVATIONS if name != "softmax"]

# (name, params) pairs: every activation with its defaults, plus non-default
# parameters and gelu's tanh mode.
CASES = [(name, ()) for name in ELEMENTWISE] + [
    ("gelu", (("approximate", "tanh"),)),
    ("leaky_relu", (("alpha", 0.2),)),
    ("elu", (("alpha", 0.5),)),
    ("softplus", (("beta", 2.0),)),
    ("softplus", (("beta", 0.5), ("threshold", 5.0))),
]
CASE_IDS = [name + "".join(f"-{k}={v}" for k, v in params) for name, params in CASES]

# Where f or f' is not smooth: the derivative there is a documented choice
# (tested by value below), not a limit that a reference can compute.
KINKS = {
    "relu": [0.0],
    "leaky_relu": [0.0],
    "elu": [0.0],
    "selu": [0.0],
    "softsign": [0.0],  # f'' jumps
    "hardsigmoid": [-3.0, 3.0],
    "hardswish": [-3.0, 3.0],
}


def kinks(name, params):
    p = dict(params)
    if name == "softplus":  # the jump at beta * z = threshold
        return [p.get("threshold", 20.0) / p.get("beta", 1.0)]
    return KINKS.get(name, [])


# Roots of f' (where f' is a difference of nearly equal terms), found by
# mpmath from the reference definitions.
ROOT_GUESSES = {"gelu": -0.75, "silu": -1.28, "mish": -1.19}


def _grid():
    pos = np.concatenate(
        [
            np.logspace(-8, 3, 200),
            np.linspace(0, 6, 241),
            np.linspace(6, 40, 69),
            [1e-8, 0.5, 1.0, 2.9999, 3.0, 3.0001, 5.0, 10.0, 20.0, 20.0001, 100.0, 1e3],
        ]
    )
    return np.unique(np.concatenate([pos, -pos, [0.0]]))


GRID = _grid()


def _root_probes(name, params):
    if name not in ROOT_GUESSES:
        return []
    root = float(ref.derivative_root(name, ROOT_GUESSES[name], params))
    offsets = [0.0] + [s * o for o in (1e-15, 1e-12, 1e-9, 1e-6, 1e-4, 9.99e-3, 1.001e-2, 0.05)
                       for s in (1, -1)]
    return [root + o for o in offsets] + [np.nextafter(root, 0), np.nextafter(root, -1)]


def call(name, x, params=(), derivative=False):
    f = get(name)
    return (f.derivative if derivative else f)(x, **dict(params))


def mismatches(xs, got, want):
    return [
        (float(x), float(g), w)
        for x, g, w in zip(xs, got, want)
        if not ref.is_close(float(g), w)
    ]


# --- known values -------------------------------------------------------------

PHI_1 = 0.5 * (1 + math.erf(1 / math.sqrt(2)))  # Φ(1)
PDF_1 = math.exp(-0.5) / math.sqrt(2 * math.pi)  # φ(1)
SIG = lambda t: 1 / (1 + math.exp(-t))  # noqa: E731
LAMBDA_ALPHA = 1.7580993408473768  # λα of SELU, correctly rounded

# name, params, z, f(z), f'(z): hand-checked values (kinks included).
KNOWN = [
    ("sigmoid", (), 0.0, 0.5, 0.25),
    ("sigmoid", (), math.log(3), 0.75, 0.1875),
    ("tanh", (), 0.0, 0.0, 1.0),
    ("tanh", (), math.log(2), 0.6, 0.64),  # tanh(log 2) = 3/5
    ("relu", (), -2.0, 0.0, 0.0),
    ("relu", (), 0.0, 0.0, 0.0),  # kink: ReLU'(0) = 0
    ("relu", (), 3.0, 3.0, 1.0),
    ("leaky_relu", (), -2.0, -0.02, 0.01),
    ("leaky_relu", (), 0.0, 0.0, 0.01),  # kink: alpha
    ("leaky_relu", (("alpha", 0.2),), 0.0, 0.0, 0.2),
    ("elu", (), -math.log(2), -0.5, 0.5),
    ("elu", (), 0.0, 0.0, 1.0),  # kink: alpha
    ("elu", (("alpha", 0.5),), 0.0, 0.0, 0.5),
    ("elu", (("alpha", 0.5),), -math.log(2), -0.25, 0.25),
    ("elu", (), 2.0, 2.0, 1.0),
    ("selu", (), 0.0, 0.0, LAMBDA_ALPHA),  # kink: λα
    ("selu", (), 1.0, act.SELU_SCALE, act.SELU_SCALE),
    ("selu", (), -math.log(2), -LAMBDA_ALPHA / 2, LAMBDA_ALPHA / 2),
    ("gelu", (), 0.0, 0.0, 0.5),
    ("gelu", (), 1.0, PHI_1, PHI_1 + PDF_1),
    ("gelu", (), -1.0, -(1 - PHI_1), (1 - PHI_1) - PDF_1),
    ("gelu", (("approximate", "tanh"),), 0.0, 0.0, 0.5),
    ("silu", (), 0.0, 0.0, 0.5),
    ("silu", (), math.log(3), 0.75 * math.log(3), 0.75 * (1 + 0.25 * math.log(3))),
    ("softplus", (), 0.0, math.log(2), 0.5),
    ("softplus", (), math.log(3), math.log(4), 0.75),
    ("softplus", (), 20.0, 20 + math.log1p(math.exp(-20)), SIG(20)),  # threshold: log branch
    ("softplus", (), 20.0001, 20.0001, 1.0),
    ("softplus", (("beta", 2.0),), 0.0, math.log(2) / 2, 0.5),
    ("softplus", (("beta", 2.0),), 10.5, 10.5, 1.0),
    ("mish", (), 0.0, 0.0, 0.6),  # tanh(log 2) = 0.6
    ("softsign", (), 0.0, 0.0, 1.0),
    ("softsign", (), 1.0, 0.5, 0.25),
    ("softsign", (), -3.0, -0.75, 0.0625),
    ("hardsigmoid", (), -3.0, 0.0, 0.0),  # kink: 0
    ("hardsigmoid", (), 0.0, 0.5, 1 / 6),
    ("hardsigmoid", (), 1.5, 0.75, 1 / 6),
    ("hardsigmoid", (), 3.0, 1.0, 0.0),  # kink: 0
    ("hardsigmoid", (), 2.9999, 5.9999 / 6, 1 / 6),
    ("hardswish", (), -4.0, 0.0, 0.0),
    ("hardswish", (), -3.0, 0.0, -0.5),  # kink: middle formula, PyTorch
    ("hardswish", (), -1.5, -0.375, 0.0),
    ("hardswish", (), 1.0, 2 / 3, 5 / 6),
    ("hardswish", (), 3.0, 3.0, 1.5),  # kink: middle formula, PyTorch
    ("hardswish", (), 4.0, 4.0, 1.0),
    ("identity", (), -2.5, -2.5, 1.0),
]


@pytest.mark.parametrize("name, params, z, value, slope", KNOWN)
def test_known_values(name, params, z, value, slope):
    assert call(name, z, params) == pytest.approx(value, rel=1e-14, abs=1e-300)
    assert call(name, z, params, derivative=True) == pytest.approx(slope, rel=1e-14, abs=1e-300)


# Limits at -inf and +inf: (f(-inf), f(inf), f'(-inf), f'(inf)), compared exactly.
LIMITS = {
    "sigmoid": (0.0, 1.0, 0.0, 0.0),
    "tanh": (-1.0, 1.0, 0.0, 0.0),
    "relu": (0.0, np.inf, 0.0, 1.0),
    "leaky_relu": (-np.inf, np.inf, 0.01, 1.0),
    "elu": (-1.0, np.inf, 0.0, 1.0),
    "selu": (-LAMBDA_ALPHA, np.inf, 0.0, act.SELU_SCALE),
    "gelu": (0.0, np.inf, 0.0, 1.0),
    "silu": (0.0, np.inf, 0.0, 1.0),
    "softplus": (0.0, np.inf, 0.0, 1.0),
    "mish": (0.0, np.inf, 0.0, 1.0),
    "softsign": (-1.0, 1.0, 0.0, 0.0),
    "hardsigmoid": (0.0, 1.0, 0.0, 0.0),
    "hardswish": (0.0, np.inf, 0.0, 1.0),
    "identity": (-np.inf, np.inf, 1.0, 1.0),
}


def test_limits_cover_every_activation():
    assert set(LIMITS) == set(ELEMENTWISE)


# --- against the mpmath reference ----------------------------------------------


@pytest.mark.parametrize("name, params", CASES, ids=CASE_IDS)
def test_values_match_reference(name, params):
    xs = np.concatenate([GRID, _root_probes(name, params)])
    got = call(name, xs, params)
    want = [ref.value(name, float(x), params) for x in xs]
    assert mismatches(xs, got, want) == []


@pytest.mark.parametrize("name, params", CASES, ids=CASE_IDS)
def test_derivatives_match_reference(name, params):
    xs = np.concatenate([GRID, _root_probes(name, params)])
    xs = xs[~np.isin(xs, kinks(name, params))]
    got = call(name, xs, params, derivative=True)
    want = [ref.derivative(name, float(x), params) for x in xs]
    assert mismatches(xs, got, want) == []


def test_grid_has_the_required_points():
    for x in (1e-8, 0.5, 2.9999, 3.0, 20.0, 20.0001, 1e3):
        assert x in GRID and -x in GRID


@pytest.mark.parametrize(
    "name, params, root, series",
    [
        ("gelu", (), act._GELU_ROOT, act._GELU_SERIES),
        ("gelu", (("approximate", "tanh"),), act._GELU_TANH_ROOT, act._GELU_TANH_SERIES),
        ("silu", (), act._SILU_ROOT, act._SILU_SERIES),
        ("mish", (), act._MISH_ROOT, act._MISH_SERIES),
    ],
)
def test_taylor_constants_near_derivative_roots(name, params, root, series):
    # The module hard-codes the root of f' (as hi + lo) and f's Taylor
    # coefficients there; recompute both from the reference definition.
    z0 = ref.derivative_root(name, root[0], params)
    assert root[0] == float(z0)
    assert root[1] == pytest.approx(float(z0 - root[0]), rel=1e-6)
    coeffs = ref.taylor_of_derivative(name, z0, len(series), params)
    assert abs(coeffs[0]) < 1e-40
    assert list(series) == pytest.approx([float(c) for c in coeffs[1:]], rel=1e-14)


# --- finite differences ----------------------------------------------------------

FD_GRID = np.concatenate([np.linspace(-50, 50, 1001), [-1e3, -300.0, 300.0, 1e3]])


@pytest.mark.parametrize("name, params", CASES, ids=CASE_IDS)
def test_derivatives_match_central_differences(name, params):
    x = FD_GRID
    h = 1e-5 * np.maximum(1.0, np.abs(x))
    for k in kinks(name, params):  # skip points whose stencil straddles a kink
        x, h = x[np.abs(x - k) > 2 * h], h[np.abs(x - k) > 2 * h]
    fd = (call(name, x + h, params) - call(name, x - h, params)) / (2 * h)
    d = call(name, x, params, derivative=True)
    # Central differences have error ~ h^2 f''' + eps |f| / h ~ 1e-10; the
    # absolute floor only matters where f' crosses 0.
    np.testing.assert_allclose(fd, d, rtol=1e-7, atol=1e-9)


# --- stability ----------------------------------------------------------------------

EXTREMES = {
    np.float64: [-np.inf, -1e3, 1e3, np.inf],
    np.float32: [-np.inf, -3e38, -1e3, 1e3, 3e38, np.inf],
    np.float16: [-np.inf, -6e4, -1e3, 1e3, 6e4, np.inf],
}


@pytest.mark.parametrize("dtype", list(EXTREMES), ids=lambda d: d.__name__)
@pytest.mark.parametrize("name, params", CASES, ids=CASE_IDS)
def test_no_floating_point_signal_at_extremes(name, params, dtype):
    z = np.array(EXTREMES[dtype], dtype=dtype)
    with np.errstate(all="raise"):  # even underflow raises here
        a = call(name, z, params)
        g = call(name, z, params, derivative=True)
        dz = get(name).backward(z, np.ones_like(z), **dict(params))
    assert a.dtype == g.dtype == dz.dtype == dtype
    assert not np.isnan(a).any() and not np.isnan(g).any()
    if name != "selu":  # selu grows past z; checked in float64 below
        assert np.all(np.abs(a) <= np.maximum(np.abs(z), 2))


def limits(name, params):
    """LIMITS[name], with the alpha of leaky_relu or elu taken from params."""
    lo, hi, dlo, dhi = LIMITS[name]
    alpha = dict(params).get("alpha")
    if alpha is not None:
        lo, dlo = (-alpha, 0.0) if name == "elu" else (lo, alpha)
    return lo, hi, dlo, dhi


@pytest.mark.parametrize("name, params", CASES, ids=CASE_IDS)
def test_limits_at_infinity(name, params):
    lo, hi, dlo, dhi = limits(name, params)
    z = np.array([-np.inf, np.inf])
    assert call(name, z, params).tolist() == [lo, hi]
    assert call(name, z, params, derivative=True).tolist() == [dlo, dhi]


@pytest.mark.parametrize("name, params", CASES, ids=CASE_IDS)
def test_huge_inputs_match_reference(name, params):
    z = np.array([-1e3, 1e3, -3e38, 3e38])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        got = call(name, z, params)
        slope = call(name, z, params, derivative=True)
    assert mismatches(z, got, [ref.value(name, float(x), params) for x in z]) == []
    assert mismatches(z, slope, [ref.derivative(name, float(x), params) for x in z]) == []


@pytest.mark.parametrize("name, params", CASES, ids=CASE_IDS)
def test_inputs_near_float64_max_reach_the_asymptotes(name, params):
    # mpmath's erfc cannot go this far; f is at its asymptote in float64:
    # its finite limit, or slope * z where it grows without bound.
    lo, hi, dlo, dhi = limits(name, params)
    z = np.array([-1e300, 1e300])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        got = call(name, z, params)
        slope = call(name, z, params, derivative=True)
    want = [lo if np.isfinite(lo) else dlo * z[0], hi if np.isfinite(hi) else dhi * z[1]]
    assert got.tolist() == pytest.approx(want, rel=1e-15, abs=1e-300)
    assert slope.tolist() == pytest.approx([dlo, dhi], rel=1e-15, abs=1e-300)


@pytest.mark.parametrize("name, params", CASES, ids=CASE_IDS)
def test_largest_float64_gives_no_warning(name, params):
    big = np.finfo(np.float64).max
    z = np.array([-big, big, -5e-324, 5e-324])
    if name == "selu":  # lambda * z overflows: tested below
        z = z[2:]
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert np.isfinite(call(name, z, params, derivative=True)).all()
        a = call(name, z, params)
    assert not np.isnan(a).any()


def test_selu_overflows_only_when_the_exact_result_does():
    big = np.finfo(np.float64).max
    assert act.selu(big / act.SELU_SCALE) == pytest.approx(big, rel=1e-15)
    with pytest.warns(RuntimeWarning, match="overflow"):
        assert act.selu(big) == np.inf


@pytest.mark.parametrize("name, params", CASES, ids=CASE_IDS)
def test_nan_in_nan_out(name, params):
    z = np.array([np.nan, 0.5, np.nan, -3.0])
    for out in (
        call(name, z, params),
        call(name, z, params, derivative=True),
        get(name).backward(z, np.ones(4), **dict(params)),
    ):
        assert np.isnan(out).tolist() == [True, False, True, False]
    assert np.isnan(call(name, np.nan, params))


# --- dtypes and shapes --------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("name, params", CASES, ids=CASE_IDS)
def test_float_dtype_and_shape_are_kept(name, params, dtype):
    z = np.linspace(-5, 5, 24).reshape(2, 3, 4).astype(dtype)
    for derivative in (False, True):
        out = call(name, z, params, derivative)
        assert out.shape == (2, 3, 4) and out.dtype == dtype
        # Computed in float64, then rounded once to dtype.
        wide = call(name, z.astype(np.float64), params, derivative)
        assert np.array_equal(out, wide.astype(dtype))
    dz = get(name).backward(z, np.ones_like(z), **dict(params))
    assert dz.shape == (2, 3, 4) and dz.dtype == dtype


@pytest.mark.parametrize("name, params", CASES, ids=CASE_IDS)
def test_ints_bools_and_scalars_become_float64(name, params):
    ints = call(name, np.array([[-2, 0, 3]]), params)
    assert ints.dtype == np.float64 and ints.shape == (1, 3)
    assert np.array_equal(ints, call(name, np.array([[-2.0, 0.0, 3.0]]), params))
    bools = call(name, np.array([True, False]), params, derivative=True)
    assert bools.dtype == np.float64
    assert np.array_equal(bools, call(name, np.array([1.0, 0.0]), params, derivative=True))
    for scalar in (1.5, 2, np.float64(1.5), np.array(1.5)):
        out = call(name, scalar, params)
        assert isinstance(out, np.float64) and np.ndim(out) == 0
        assert isinstance(call(name, scalar, params, derivative=True), np.float64)
    assert isinstance(call(name, np.float32(1.5), params), np.float32)


def test_identity_returns_a_copy():
    z = np.array([1.0, 2.0])
    a = act.identity(z)
    a[0] = 5.0
    assert z[0] == 1.0


@pytest.mark.parametrize("name, params", CASES, ids=CASE_IDS)
def test_backward_is_the_gradient_of_a_weighted_sum(name, params):
    """backward(z, dA) is dJ/dz for J = sum(dA * g(z)), by central differences of J."""
    f, params = get(name), dict(params)
    z = np.linspace(-3.7, 3.3, 12).reshape(3, 4)  # away from every kink
    dA = np.arange(12.0).reshape(3, 4) - 5.5
    h = 1e-6
    numeric = np.empty_like(z)
    for i in np.ndindex(z.shape):
        step = np.zeros_like(z)
        step[i] = h
        plus, minus = np.sum(dA * f(z + step, **params)), np.sum(dA * f(z - step, **params))
        numeric[i] = (plus - minus) / (2 * h)
    np.testing.assert_allclose(f.backward(z, dA, **params), numeric, rtol=1e-6, atol=1e-8)
    with pytest.raises(ValueError, match="shape"):
        f.backward(z, dA.T, **params)


# --- parameters -------------------------------------------------------------------------


def test_parameters_are_keywords_of_both():
    z = np.array([-2.0, 1.0])
    assert act.elu(z, alpha=2.0)[0] == pytest.approx(2 * math.expm1(-2), rel=1e-15)
    assert act.elu.derivative(z, alpha=2.0)[0] == pytest.approx(2 * math.exp(-2), rel=1e-15)
    assert act.softplus(z, beta=3.0)[1] == pytest.approx(math.log1p(math.exp(3)) / 3, rel=1e-15)
    assert act.softplus.derivative(z, beta=3.0)[1] == pytest.approx(SIG(3), rel=1e-15)
    # threshold moves the switch to the linear branch
    assert act.softplus(1.0, threshold=0.5) == 1.0
    assert act.softplus.derivative(1.0, threshold=0.5) == 1.0
    assert act.softplus(1.0, threshold=1.0) == pytest.approx(math.log1p(math.e), rel=1e-15)


def test_defaults_are_pytorchs():
    assert act.leaky_relu.defaults == {"alpha": 0.01}
    assert act.elu.defaults == {"alpha": 1.0}
    assert act.selu.defaults == {}
    assert act.gelu.defaults == {"approximate": "none"}
    assert act.softplus.defaults == {"beta": 1.0, "threshold": 20.0}
    assert softmax.defaults == {"axis": 0}
    assert act.SELU_ALPHA == 1.6732632423543772848170429916717
    assert act.SELU_SCALE == 1.0507009873554804934193349852946


def test_gelu_tanh_mode_differs_from_exact():
    # numpy-ml's bug was to ignore `approximate`; the two differ by ~1e-3.
    z = np.array([-2.0, 1.0])
    assert abs(act.gelu(z, approximate="tanh") - act.gelu(z)).max() > 1e-4
    assert abs(act.gelu.derivative(z, approximate="tanh") - act.gelu.derivative(z)).max() > 1e-4


@pytest.mark.parametrize("name", ELEMENTWISE + ["softmax"])
def test_unknown_parameter_is_a_type_error(name):
    with pytest.raises(TypeError, match=r"unknown parameter\(s\) gamma"):
        get(name)(1.0, gamma=1)
    if name != "softmax":
        with pytest.raises(TypeError, match=r"unknown parameter\(s\) gamma"):
            get(name).derivative(1.0, gamma=1)


def test_selu_takes_no_parameters():
    with pytest.raises(TypeError, match="takes no parameters"):
        act.selu(1.0, alpha=1.0)


@pytest.mark.parametrize("bad", ["exact", "Tanh", None, 1, ""])
def test_bad_gelu_approximate_is_a_value_error(bad):
    for f in (act.gelu, act.gelu.derivative):
        with pytest.raises(ValueError, match="approximate must be 'none' or 'tanh', got"):
            f(1.0, approximate=bad)


@pytest.mark.parametrize(
    "name, param", [("leaky_relu", "alpha"), ("elu", "alpha"), ("softplus", "beta"),
                    ("softplus", "threshold")]
)
@pytest.mark.parametrize("bad", ["0.1", 1j, True, None])
def test_non_real_parameter_is_a_type_error(name, param, bad):
    for f in (get(name), get(name).derivative):
        with pytest.raises(TypeError, match=f"{name}: {param} must be a real number, got"):
            f(1.0, **{param: bad})


def test_softplus_beta_zero_is_a_value_error():
    with pytest.raises(ValueError, match="beta must be nonzero"):
        act.softplus(1.0, beta=0)


# Every numeric parameter of every activation, found from its defaults.
NUMERIC_PARAMETERS = [
    (name, param) for name, f in ACTIVATIONS.items() for param, default in f.defaults.items()
    if isinstance(default, float)
]


def test_numeric_parameters_are_found():
    assert {("leaky_relu", "alpha"), ("elu", "alpha"), ("softplus", "beta"),
            ("softplus", "threshold")} <= set(NUMERIC_PARAMETERS)


@pytest.mark.parametrize("name, param", NUMERIC_PARAMETERS)
@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan, np.float32(np.inf)])
def test_non_finite_parameter_is_a_value_error(name, param, bad):
    f = get(name)
    for fn in (f, f.derivative, lambda z, **p: f.backward(z, 1.0, **p)):
        with pytest.raises(ValueError, match=f"{name}: {param} must be a finite number, got"):
            fn(0.0, **{param: bad})


def test_an_activation_without_a_derivative_says_so():
    def cube(z):
        return z**3

    f = act.Activation(cube)  # not registered: the registry stays as it is
    assert f(2.0) == 8.0
    with pytest.raises(NotImplementedError, match=r"cube has no derivative: attach one with "
                                                  r"@cube.derivative_of"):
        f.derivative(2.0)
    with pytest.raises(NotImplementedError, match="cube has no derivative"):
        f.backward(2.0, 1.0)


# --- bad inputs ---------------------------------------------------------------------------

BAD_INPUTS = [
    ("abc", "str 'abc'"),
    (1 + 2j, "complex"),
    (np.array([1j, 2]), "dtype complex128"),
    (np.array([1, None], dtype=object), "dtype object"),
    ([[1.0, 2.0], [3.0]], "list"),
    (None, "NoneType"),
]


@pytest.mark.parametrize("bad, what", BAD_INPUTS, ids=lambda v: type(v).__name__)
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_non_numeric_input_is_a_type_error(name, bad, what):
    f = get(name)
    calls = [f, f.derivative, lambda z: f.backward(z, np.ones(2))]
    for fn in calls:
        with pytest.raises(TypeError, match="must be a real number or an array of real") as e:
            fn(bad)
        assert what in str(e.value) and name in str(e.value)


# --- softmax --------------------------------------------------------------------------------


def test_softmax_columns_sum_to_one_and_match_reference():
    rng = np.random.default_rng(0)
    Z = rng.normal(scale=5, size=(4, 7))
    Z[:, 1] += 1e3
    Z[:, 2] = [1e3, -1e3, 0.0, 5.0]
    Z[:, 3] = [-745.0, -700.0, 0.0, -1e-8]
    S = softmax(Z)
    assert S.shape == Z.shape
    np.testing.assert_allclose(S.sum(axis=0), 1.0, rtol=1e-15)
    for j in range(Z.shape[1]):
        assert mismatches(Z[:, j], S[:, j], ref.softmax(Z[:, j])) == []


def test_softmax_is_invariant_to_a_constant_per_column():
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(3, 5))
    c = np.array([0.0, 1e3, -1e3, 123.456, -7.0])
    np.testing.assert_allclose(softmax(Z + c), softmax(Z), rtol=1e-12)


def test_softmax_infinities_and_nan():
    inf = np.inf
    Z = np.array([
        [inf, -inf, -inf, 1.0, np.nan, 1e308],
        [1.0, 2.0, -inf, inf, 0.0, -1e308],
        [inf, 0.0, -inf, inf, 0.0, 0.0],
    ])
    with np.errstate(all="raise"):
        S = softmax(Z)
    e2 = 1 / (1 + math.e**2)
    want = np.array([
        [0.5, 0.0, np.nan, 0.0, np.nan, 1.0],
        [0.0, 1 - e2, np.nan, 0.5, np.nan, 0.0],
        [0.5, e2, np.nan, 0.5, np.nan, 0.0],
    ])
    np.testing.assert_allclose(S, want, rtol=1e-15, equal_nan=True)


def test_softmax_axis_1_is_the_transpose():
    rng = np.random.default_rng(2)
    Z = rng.normal(size=(3, 6))
    np.testing.assert_array_equal(softmax(Z.T, axis=1), softmax(Z).T)
    dA = rng.normal(size=(3, 6))
    np.testing.assert_allclose(softmax.backward(Z.T, dA.T, axis=1), softmax.backward(Z, dA).T,
                               rtol=1e-15)
    x = rng.normal(size=(2, 3, 4))
    np.testing.assert_allclose(softmax(x, axis=-1).sum(axis=-1), 1.0, rtol=1e-15)


def test_softmax_dtypes_and_shapes():
    for dtype in (np.float16, np.float32, np.float64):
        Z = np.linspace(-3, 3, 6).reshape(3, 2).astype(dtype)
        assert softmax(Z).dtype == dtype
        assert softmax.derivative(Z[:, :1]).dtype == dtype
        assert softmax.backward(Z, np.ones_like(Z)).dtype == dtype
    assert softmax([1, 2, 3]).dtype == np.float64
    assert softmax([True, False]).tolist() == pytest.approx([SIG(1), SIG(-1)], rel=1e-15)
    assert softmax(np.array([5.0])).tolist() == [1.0]


def test_softmax_bad_axis_and_shapes():
    with pytest.raises(TypeError, match="axis must be an integer"):
        softmax(np.ones(3), axis=0.0)
    with pytest.raises(TypeError, match="axis must be an integer"):
        softmax(np.ones(3), axis=True)
    with pytest.raises(ValueError, match="axis"):
        softmax(np.ones(3), axis=1)
    with pytest.raises(ValueError, match="at least one axis"):
        softmax(1.0)
    with pytest.raises(ValueError, match="one column"):
        softmax.derivative(np.ones((3, 2)))
    with pytest.raises(ValueError, match="shape of z"):
        softmax.backward(np.ones((3, 2)), np.ones((2, 3)))


@pytest.mark.parametrize("column", [
    [1.0, 2.0, 3.0],
    [0.0, 0.0],
    [-2.5, 0.1, 4.0, 1e-3, -1.0],
    [10.0, -10.0, 0.0],
    [50.0, 0.0, -50.0],  # s_1 rounds to 1: J_11 = s_1 (1 - s_1) must not cancel to 0
])
def test_softmax_jacobian(column):
    z = np.array(column)
    J = softmax.derivative(z)
    assert J.shape == (len(z), len(z))
    np.testing.assert_allclose(J, ref.softmax_jacobian(column), rtol=1e-12, atol=1e-300)
    np.testing.assert_array_equal(softmax.derivative(z[:, None]), J)
    np.testing.assert_allclose(J.sum(axis=0), 0.0, atol=1e-15)  # s sums to 1
    h = 1e-5
    for j in range(len(z)):
        e = np.zeros_like(z)
        e[j] = h
        fd = (softmax(z + e) - softmax(z - e)) / (2 * h)
        np.testing.assert_allclose(fd, J[:, j], rtol=1e-7, atol=1e-10)


def test_softmax_backward_is_jacobian_transpose_times_dA():
    rng = np.random.default_rng(3)
    Z = rng.normal(scale=3, size=(4, 6))
    dA = rng.normal(size=(4, 6))
    dZ = softmax.backward(Z, dA)
    for j in range(6):
        J = softmax.derivative(Z[:, j])
        np.testing.assert_allclose(dZ[:, j], J.T @ dA[:, j], rtol=1e-12, atol=1e-15)
    # an int dA is float64, so float32 z with int dA gives float64
    assert softmax.backward(Z.astype(np.float32), np.ones((4, 6), dtype=int)).dtype == np.float64


def test_softmax_backward_with_huge_inputs():
    Z = np.array([[1e3, -np.inf], [-1e3, 0.0]])
    with np.errstate(all="raise"):
        dZ = softmax.backward(Z, np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert dZ.tolist() == [[0.0, 0.0], [0.0, 0.0]]


# --- property tests -----------------------------------------------------------------------


def float_arrays(min_value=None, max_value=None, allow_infinity=True):
    """Arrays of any float dtype and small shape, large negatives included."""
    def for_dtype(dtype):
        width = np.dtype(dtype).itemsize * 8
        biggest = float(np.finfo(dtype).max)
        lo = None if min_value is None else max(min_value, -biggest)
        hi = None if max_value is None else min(max_value, biggest)
        return hnp.arrays(
            dtype,
            hnp.array_shapes(min_dims=0, max_dims=3, max_side=5),
            elements=st.floats(
                min_value=lo, max_value=hi, allow_nan=False,
                allow_infinity=allow_infinity, width=width,
            ) | st.sampled_from([-1e3, -40.0, -3.0, 0.0, 3.0, 20.0]).map(dtype),
        )
    return st.sampled_from([np.float16, np.float32, np.float64]).flatmap(for_dtype)


RAISE = dict(over="raise", invalid="raise", divide="raise")
MONOTONE = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "softplus", "softsign",
            "hardsigmoid", "identity"]
BOUNDED = {"sigmoid": (0, 1), "tanh": (-1, 1), "softsign": (-1, 1), "hardsigmoid": (0, 1)}


@settings(max_examples=300, deadline=None)
@given(z=float_arrays(), case=st.sampled_from(CASES))
def test_property_finite_in_finite_out_no_warnings(z, case):
    name, params = case
    if name == "selu":  # the exact result overflows past max / lambda
        z = np.clip(z, -np.finfo(z.dtype).max / 1.06, np.finfo(z.dtype).max / 1.06)
    with np.errstate(**RAISE):
        a = call(name, z, params)
        g = call(name, z, params, derivative=True)
    assert np.shape(a) == np.shape(g) == z.shape
    assert a.dtype == g.dtype == z.dtype
    finite = np.isfinite(z)
    assert np.isfinite(a[finite]).all() and np.isfinite(g).all()
    if name in BOUNDED:
        lo, hi = BOUNDED[name]
        assert ((lo <= a) & (a <= hi)).all()


@settings(max_examples=200, deadline=None)
@given(z=float_arrays(), name=st.sampled_from(MONOTONE))
def test_property_monotone_activations(z, name):
    if name == "selu":
        z = np.clip(z, -np.finfo(z.dtype).max / 1.06, np.finfo(z.dtype).max / 1.06)
    x = np.sort(z.ravel())
    with np.errstate(**RAISE):
        a = call(name, x)
        g = call(name, x, derivative=True)
    assert (a[1:] >= a[:-1]).all()
    assert (g >= 0).all()


@settings(max_examples=200, deadline=None)
@given(z=float_arrays(min_value=-1e300, max_value=1e300, allow_infinity=False)
       .filter(lambda z: z.ndim >= 1 and z.size >= 1),
       axis=st.integers(-1, 0))
def test_property_softmax_is_a_distribution(z, axis):
    with np.errstate(**RAISE):
        s = softmax(z, axis=axis)
        dz = softmax.backward(z, np.ones_like(z), axis=axis)
    assert s.dtype == z.dtype and s.shape == z.shape
    assert ((0 <= s) & (s <= 1)).all()
    eps = np.finfo(z.dtype).eps
    np.testing.assert_allclose(s.astype(np.float64).sum(axis=axis), 1.0,
                               rtol=2 * eps * z.shape[axis])
    # d/dz of sum(s) = 0: backward of a constant dA is 0.
    np.testing.assert_allclose(dz.astype(np.float64), 0.0, atol=4 * eps)


# --- get ----------------------------------------------------------------------------------


def test_get_every_name():
    expected = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "silu",
                "softplus", "mish", "softsign", "hardsigmoid", "hardswish", "identity",
                "softmax"]
    assert list(ACTIVATIONS) == expected
    for name in expected:
        f = get(name)
        assert f is ACTIVATIONS[name] is getattr(act, name)
        assert f.name == name and isinstance(f, act.Activation)
        assert get(f) is f
        assert repr(f) == f"<activation {name}>"
        assert name in act.__all__


def test_get_unknown_name_lists_known_ones():
    with pytest.raises(ValueError, match="unknown activation 'swish'") as e:
        get("swish")
    for name in ACTIVATIONS:
        assert name in str(e.value)


@pytest.mark.parametrize("bad", [None, 3, ["relu"], b"relu"])
def test_get_non_string_is_a_type_error(bad):
    with pytest.raises(TypeError, match="must be a string, got"):
        get(bad)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_docstrings_give_formula_and_example(name):
    doc = get(name).__doc__
    assert "$$" in doc and ">>> " in doc


@pytest.mark.parametrize("top", [5.0, 40.0, 700.0])
def test_softmax_backward_keeps_relative_precision_when_one_class_dominates(top):
    """When s_r rounds to 1, s * (dA - sum(s dA)) cancels; nnlib's form does not."""
    import mpmath as mp

    z = np.array([[top], [0.0], [1.0]])
    dA = np.array([[1.0], [2.0], [3.0]])
    with mp.workdps(60):
        e = [mp.exp(mp.mpf(v)) for v in z[:, 0]]
        s = [v / sum(e) for v in e]
        dot = sum(si * di for si, di in zip(s, dA[:, 0]))
        expected = np.array([[float(si * (di - dot))] for si, di in zip(s, dA[:, 0])])
    np.testing.assert_allclose(softmax.backward(z, dA), expected, rtol=1e-12, atol=1e-300)

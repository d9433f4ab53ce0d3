r"""The formulas the pages mark as definitions, evaluated from their own TeX against nnlib.

A page marks a display formula with ``<!-- formula: nnlib.activations.elu,
nnlib.activations.elu.derivative -->`` on the line before its ``$$`` (see
tests/formula_tex.py and README.md). Each marked name is checked here:

- an elementwise activation: the equation whose left side is ``g(z)`` (or
  ``g'(z)`` for ``.derivative``); every right side of its chain is evaluated with
  mpmath (at rising precision until two agree) on a grid of z, at several parameter
  values, and compared with nnlib (relative 1e-10). Page symbols are nnlib's keywords by name
  (``\alpha`` is ``alpha``, ``\beta`` is ``beta``); SELU's fixed ``\alpha`` and
  ``\lambda`` are ``SELU_ALPHA`` and ``SELU_SCALE``. An equation ``u = ...`` in a
  marked block defines ``u`` for the page's later marked blocks.
- softmax: ``s_j = ...`` for every class j of several columns z, and the
  Jacobian's ``S_{jr} = \partial s_j / \partial z_r = ...`` with ``s_j`` taken from
  the page's own definition (any index letters; k is the number of classes).
- a loss: ``J = ...`` and ``\partial J / \partial a^{(i)}_j = ...`` (``a^{(i)}`` for one
  output unit; ``z^{(i)}_j`` for a loss of the logits, softmax_cross_entropy), sums expanded
  for A (or Z) and Y of several shapes, with m examples, k (or n^{[L]}) rows and
  N = n^{[L]} m entries, against nnlib.losses.
- the first display formula of every activation's and loss's docstring (the API
  reference shows it) is checked the same way, without a marker.
- an optimiser (``nnlib.optimizers.SGD``, ``RMSprop``, ``Adam``): the update rules
  (``v_t = ...``, ``s_t = ...``, ``\hat v_t = ...``, ``\theta_t = ...``, with starts such as
  ``v_0 = 0`` or ``v_1 = g_1``) iterated from the page's TeX over six steps of given
  gradients (entries from 1e-3 to 100), against the optimiser's ``step`` on the same
  gradients, at two settings of its hyperparameters (``\alpha`` is ``lr``, ``\beta``
  ``momentum``, ``\rho`` RMSprop's ``alpha``, ``\beta_1``/``\beta_2`` ``beta1``/``beta2``,
  ``\varepsilon`` ``eps``); marker keywords fix some, ``SGD(momentum=0.0)``.
- ``nnlib.network.MLP.forward``/``.backward``: every equation between matrices
  (``Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}``, ``dW^{[2]} = dZ^{[2]} A^{[1]\top}``, ...)
  is evaluated with the values of a random MLP (random biases, sigmoid output,
  binary cross-entropy) and compared with what nnlib stored or returned; an ``l``
  in a layer index means every layer of a deeper network.

A marked formula that cannot be read fails; so does a registry entry (an activation, a loss,
an optimiser) without exactly one marked definition on the site.
"""

import ast
import math
import re
from functools import cache
from pathlib import Path

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

from nnlib import activations as act
from nnlib import losses, optimizers
from nnlib.network import MLP
from tests.formula_tex import (
    Block,
    FormulaError,
    clauses,
    evaluate_matrix,
    marked_formulas,
    parse,
    parse_matrix,
)

# SymPy 1.14 calls mpmath's bitcount, deprecated in mpmath 1.4 (pyproject pins 1.3.0,
# which SymPy 1.14 requires); harmless, and only that warning is let through.
pytestmark = pytest.mark.filterwarnings("ignore:bitcount function is deprecated:DeprecationWarning")

DOCS = Path(__file__).resolve().parent.parent / "docs"
RTOL = 1e-10

Z_GRID = [-50.0, -20.0, -7.5, -3.0, -2.9, -1.5, -1.0, -0.3, -1e-3, 0.0, 1e-3, 0.3, 1.0, 1.5,
          2.9, 3.0, 7.5, 20.0, 50.0]
"""z for the elementwise activations: both signs, the kinks at 0 and +-3, large |z|."""

PARAMS = {
    "leaky_relu": [{"alpha": 0.2}, {"alpha": 0.5}, {"alpha": 1.5}],
    "elu": [{"alpha": 0.5}, {"alpha": 2.0}],
    "softplus": [{"beta": 0.5}, {"beta": 2.0}, {"beta": 0.5, "threshold": 5.0}],
}
"""Parameter values tried besides the defaults, for formulas that name the parameter."""

CONSTANTS = {"selu": {"alpha": act.SELU_ALPHA, "lambda": act.SELU_SCALE}}
"""Fixed constants a page names by a Greek letter."""

SOFTMAX_COLUMNS = [[2.0, 1.0, 0.1, -1.0], [0.0, 0.0, 0.0], [50.0, 0.0, -50.0], [1e-3, -1e-3],
                   [-7.5, 3.0, 20.0, 0.3, -1.0]]


# --- what a marker names -------------------------------------------------------


class Target:
    """One marked name: ``nnlib.<module>.<object>[.derivative][(keyword=value, ...)]``."""

    def __init__(self, text):
        self.text = text
        try:
            node = ast.parse(text, mode="eval").body
        except SyntaxError:
            raise FormulaError(f"cannot read the marked name {text!r}") from None
        self.kwargs = {}
        if isinstance(node, ast.Call):
            self.kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
            node = node.func
        parts = []
        while isinstance(node, ast.Attribute):
            parts.insert(0, node.attr)
            node = node.value
        parts.insert(0, getattr(node, "id", "?"))
        self.derivative = parts[-1] == "derivative"
        if self.derivative:
            parts = parts[:-1]
        if len(parts) < 3 or parts[0] != "nnlib":
            raise FormulaError(f"a marked name is nnlib.<module>.<object>, got {text!r}")
        self.module, self.name = parts[1], ".".join(parts[2:])
        self.key = ".".join(parts) + (".derivative" if self.derivative else "")

    def __str__(self):
        return self.text


@cache
def _blocks():
    return tuple(marked_formulas(DOCS))


def _entries(module):
    return [(b, t) for b in _blocks() for t in map(Target, b.names) if t.module == module]


def _id(entry):
    block, target = entry
    return f"{block.page}:{block.line}:{target}"


def _fail(block, clause, message):
    pytest.fail(f"{block.page}:{block.line}, formula `{clause}`: {message}", pytrace=False)


# --- elementwise activations ---------------------------------------------------


def _defining_clause(block, target, lhs_ok):
    found = [c for c in clauses(block.tex) if lhs_ok(c.lhs)]
    if len(found) != 1:
        raise FormulaError(
            f"{block}: expected one equation defining {target} in the block, found {len(found)}"
        )
    return found[0]


def _function_lhs(lhs):
    """``(name, primed, variable)`` for a left side ``g(z)`` or ``g'(z)``, else None."""
    m = re.fullmatch(r"(?P<f>.+?)(?P<prime>'|\^\{?\\prime\}?)?\s*\((?P<v>[a-z])\)", lhs.strip())
    return (m["f"], bool(m["prime"]), m["v"]) if m else None


def _page_bindings(block):
    r"""``u = ...`` equations of the page's marked blocks up to and including ``block``."""
    found = {}
    for b in _blocks():
        if b.page != block.page or b.line > block.line:
            continue
        for c in clauses(b.tex):
            if len(c.rhs) == 1 and c.lhs.strip().isalpha() and len(c.lhs.strip()) == 1:
                found[c.lhs.strip()] = c.rhs[0]
    return found


def _elementwise(block, target):
    """The block's definition of ``target``: its clause, variable, parsed right sides and the
    page's ``u = ...`` bindings they use (parsed), all in the variable and the parameters."""
    clause = _defining_clause(
        block, target,
        lambda lhs: (f := _function_lhs(lhs)) is not None and f[1] == target.derivative,
    )
    variable = _function_lhs(clause.lhs)[2]
    fn = act.ACTIVATIONS[target.name]
    symbols = [p for p in fn.defaults if isinstance(fn.defaults[p], float)]
    symbols += list(CONSTANTS.get(target.name, {}))
    bindings = _page_bindings(block)
    sides = [parse(rhs, [variable, *symbols, *bindings]) for rhs in clause.rhs]
    used = {s.name for side in sides for s in side.free_symbols} & set(bindings)
    where = {k: parse(bindings[k], [variable, *symbols]) for k in sorted(used)}
    return clause, sp.Symbol(variable), sides, where


def _exact(value, *args):
    """``value(*args)`` evaluated at rising precision until two precisions agree to 30 digits.

    The textbook forms cancel (``1 + tanh u`` for very negative u, ``1 - tanh^2 z``),
    so a fixed precision is not enough for every z; an exact 0 must stay 0 up to
    1600 digits.
    """
    previous, digits = None, 50
    while digits <= 25600:
        with mp.workdps(digits):
            now = value(*args)
            if now is None or mp.isnan(now):
                raise ValueError("no case of the formula applies here")
            if previous is not None:
                if now != 0 and abs(now - previous) <= abs(now) * mp.mpf(10) ** -30:
                    return now
                if now == 0 and previous == 0 and digits >= 1600:
                    return now
        previous, digits = now, 2 * digits
    raise ValueError("no stable value up to 25600 digits")


def _evaluator(z, side, where):
    """``side`` as a function of (z, parameter values by name), with mpmath."""
    params = sorted({s.name for e in [side, *where.values()] for s in e.free_symbols}
                    - {z.name} - set(where))
    args = [z, *map(sp.Symbol, params)]
    inner = {k: sp.lambdify(args, e, modules="mpmath") for k, e in where.items()}
    outer = sp.lambdify([*args, *map(sp.Symbol, where)], side, modules="mpmath")

    def f(x, values):
        vals = [x, *(mp.mpf(values[p]) for p in params)]
        return outer(*vals, *(g(*vals) for g in inner.values()))

    return f, set(params)


ELEMENTWISE = [e for e in _entries("activations") if e[1].name != "softmax"]


@pytest.mark.parametrize("entry", ELEMENTWISE, ids=_id)
def test_activation_formula_matches_nnlib(entry):
    block, target = entry
    fn = act.ACTIVATIONS[target.name]
    nnlib_fn = fn.derivative if target.derivative else fn
    clause, z, sides, where = _elementwise(block, target)
    for side, tex in zip(sides, clause.rhs):
        f, used = _evaluator(z, side, where)
        cases = [{}] + [p for p in PARAMS.get(target.name, []) if used & set(p)]
        for params in cases:
            kwargs = {**target.kwargs, **params}
            values = {**fn.defaults, **kwargs, **CONSTANTS.get(target.name, {})}
            for x in Z_GRID:
                if "threshold" not in used and target.name == "softplus" \
                        and values["beta"] * x > values["threshold"]:
                    continue  # nnlib returns z there (the page says so in prose)
                try:
                    page = float(_exact(f, mp.mpf(x), values))
                except (TypeError, ValueError, ZeroDivisionError) as err:
                    _fail(block, tex, f"has no value at z = {x}, {kwargs}: {err}")
                got = float(nnlib_fn(x, **kwargs))
                if not math.isclose(got, page, rel_tol=RTOL, abs_tol=1e-300):
                    _fail(block, tex, f"at z = {x}{', ' + str(kwargs) if kwargs else ''} the page "
                          f"gives {page!r}, nnlib's {target.key} gives {got!r}")


# --- softmax -------------------------------------------------------------------

_SOFTMAX_NAMES = {
    False: [r"s_(?P<a>[a-z])", r"\\operatorname\{softmax\}\(z\)_(?P<a>[a-z])"],
    True: [r"[SJ]_\{(?P<a>[a-z])(?P<b>[a-z])\}",
           r"\\frac\{\\partial s_(?P<a>[a-z])\}\{\\partial z_(?P<b>[a-z])\}"],
}
"""How a page names softmax's entry s_a, and its Jacobian's entry (a, b)."""


def _softmax_name(tex, derivative):
    """The free indices if ``tex`` names a softmax (or Jacobian) entry, else None."""
    tex = re.sub(r"\s+", " ", tex.strip())
    for pattern in _SOFTMAX_NAMES[derivative]:
        m = re.fullmatch(pattern.replace(" ", r"\s*"), tex)
        if m:
            return [sp.Symbol(v) for v in m.groups()]
    return None


def _softmax_sides(block, target):
    """The clause defining ``target``, its free indices, and its formulas (names dropped)."""
    clause = _defining_clause(
        block, target, lambda lhs: _softmax_name(lhs, target.derivative) is not None
    )
    indices = _softmax_name(clause.lhs, target.derivative)
    names = {v.name for v in indices} | {"k"}
    kept = [r for r in clause.rhs if _softmax_name(r, target.derivative) is None]
    return clause, indices, kept, [parse(r, names) for r in kept]


def _softmax_definition(page):
    """The page's marked ``s_a = ...`` as a function of its free index ``a``."""
    found = [(b, t) for b, t in _entries("activations")
             if t.name == "softmax" and not t.derivative and b.page == page]
    if len(found) != 1:
        raise FormulaError(f"{page}: expected one marked definition of softmax, found {len(found)}")
    _, (a,), _, sides = _softmax_sides(*found[0])
    return lambda n: sides[0].subs(a, n)


def _with_s(expr, s_at):
    """``expr`` with every ``s[n]`` replaced by the page's own ``s_n``."""
    sb = sp.IndexedBase("s")
    return expr.xreplace({e: s_at(e.indices[0]) for e in expr.atoms(sp.Indexed) if e.base == sb})


def _column_values(expr, indices, z):
    """``expr`` (in z_1..z_k, its free indices and k) at the column ``z``, at given indices."""
    k, zb = len(z), sp.IndexedBase("z")
    entries = sp.symbols(f"z1:{k + 1}")
    column = [mp.mpf(x) for x in z]  # floats convert exactly

    def at(*where):
        e = expr.subs({sp.Symbol("k"): k, **dict(zip(indices, where))}).doit()
        e = e.xreplace({zb[n + 1]: entries[n] for n in range(k)})
        f = sp.lambdify(entries, e, modules="mpmath")
        return float(_exact(f, *column))

    return at


SOFTMAX = [e for e in _entries("activations") if e[1].name == "softmax"]


@pytest.mark.parametrize("entry", SOFTMAX, ids=_id)
def test_softmax_formula_matches_nnlib(entry):
    block, target = entry
    _, indices, texs, sides = _softmax_sides(block, target)
    if target.derivative:
        s_at = _softmax_definition(block.page)
        sides = [_with_s(side, s_at) for side in sides]
    for side, tex in zip(sides, texs):
        for z in SOFTMAX_COLUMNS:
            at, k = _column_values(side, indices, z), len(z)
            if target.derivative:
                want = np.array([[at(a, b) for b in range(1, k + 1)] for a in range(1, k + 1)])
                got = act.softmax.derivative(np.array(z))
            else:
                want = np.array([at(a) for a in range(1, k + 1)])
                got = act.softmax(np.array(z))
            if not np.allclose(got, want, rtol=RTOL, atol=1e-300):
                _fail(block, tex, f"for z = {z} the page gives {want.tolist()}, "
                      f"nnlib's {target.key} gives {got.tolist()}")


# --- losses ----------------------------------------------------------------------


def _loss_data():
    """(loss name, A, Y) cases: one and several output rows, hard and soft labels."""
    rng = np.random.default_rng(9)
    bce = [(rng.uniform(0.02, 0.98, (1, m)), rng.integers(0, 2, (1, m)).astype(float))
           for m in (1, 5)]
    bce.append((rng.uniform(0.02, 0.98, (1, 4)), rng.uniform(0, 1, (1, 4))))  # soft labels
    bce.append((rng.uniform(0.02, 0.98, (3, 4)), rng.integers(0, 2, (3, 4)).astype(float)))
    mse = [(rng.normal(size=shape), rng.normal(size=shape)) for shape in ((1, 5), (3, 4))]
    ce = []
    for k, m in ((2, 5), (3, 4)):
        Z = rng.normal(scale=2, size=(k, m))
        A = np.exp(Z) / np.exp(Z).sum(axis=0)
        ce.append((A, np.eye(k)[rng.integers(0, k, m)].T))
    logits = [(rng.normal(scale=2, size=(k, m)), np.eye(k)[rng.integers(0, k, m)].T)
              for k, m in ((2, 5), (3, 4))]
    far = np.array([[1000.0, 0.0, 2.0], [0.0, 0.0, 1.0], [-1000.0, 700.0, 0.0]])
    logits.append((far, np.eye(3)[[2, 0, 1]].T))  # logits far apart: a loss of 2000
    return {"binary_cross_entropy": bce, "mse": mse, "cross_entropy": ce,
            "softmax_cross_entropy": logits}


_DERIVATIVE_LHS = re.compile(r"\\frac\{\\partial J\}\{\\partial (?P<entry>.+)\}")
_ENTRY_INDICES = [  # (example, row) index letters of an entry a^{(i)}_j, a_j^{(i)}, a^{(i)}
    r"{x}\^\{{\((?P<ex>[a-z])\)\}}_(?:\{{(?P<row>[a-z])\}}|(?P<row1>[a-z]))",
    r"{x}_(?:\{{(?P<row>[a-z])\}}|(?P<row1>[a-z]))\^\{{\((?P<ex>[a-z])\)\}}",
    r"{x}\^\{{\((?P<ex>[a-z])\)\}}",
]


def _input_letter(loss):
    """The letter of the loss's first argument on a page: ``a`` for A, ``z`` for logits Z."""
    return loss.input.lower()


def _loss_lhs(lhs, derivative, x="a"):
    """For ``J``: []; for ``\\partial J / \\partial a^{(i)}_j`` (``x`` the input's letter, a or
    z): [row, example] symbols."""
    lhs = lhs.strip()
    if not derivative:
        return [] if lhs == "J" else None
    m = _DERIVATIVE_LHS.fullmatch(lhs)
    if not m:
        return None
    for pattern in _ENTRY_INDICES:
        e = re.fullmatch(pattern.format(x=x), m["entry"].strip())
        if e:
            row = e.groupdict().get("row") or e.groupdict().get("row1")
            return [sp.Symbol(row) if row else sp.Integer(1), sp.Symbol(e["ex"])]
    return None


def _indexed_value(expr, arrays, sizes):
    """``expr`` with sizes substituted, sums expanded and entries taken from ``arrays``
    (1-based row, column), evaluated with mpmath."""
    e = expr.subs(sizes).doit()
    c = sp.IndexedBase("c")  # c^{(i)}: the true class of example i, from Y
    e = e.xreplace({x: int(np.argmax(arrays["y"][:, x.indices[1] - 1])) + 1
                    for x in e.atoms(sp.Indexed) if x.base == c})
    entries = sorted(e.atoms(sp.Indexed), key=str)
    names = sp.symbols(f"v0:{len(entries)}")
    f = sp.lambdify(names, e.xreplace(dict(zip(entries, names))), modules="mpmath")
    values = [mp.mpf(arrays[x.base.label.name][int(x.indices[0]) - 1, int(x.indices[1]) - 1])
              for x in entries]
    return float(_exact(f, *values))


LOSSES = _entries("losses")


@pytest.mark.parametrize("entry", LOSSES, ids=_id)
def test_loss_formula_matches_nnlib(entry):
    block, target = entry
    loss = losses.LOSSES[target.name]
    letter = _input_letter(loss)
    clause = _defining_clause(
        block, target, lambda lhs: _loss_lhs(lhs, target.derivative, letter) is not None
    )
    free = _loss_lhs(clause.lhs, target.derivative, letter)
    names = {"m", "N", "k", "L", *(v.name for v in free if isinstance(v, sp.Symbol))}
    for tex in clause.rhs:
        side = parse(tex, names)
        one_row = all(x.indices[0] == 1 for x in side.atoms(sp.Indexed) if x.base.label.name
                      in (letter, "y")) and not (free and isinstance(free[0], sp.Symbol))
        data = [(A, Y) for A, Y in _loss_data()[target.name] if not (one_row and len(A) > 1)]
        if not data:  # a^{(i)} is for one output unit, and this loss has several
            _fail(block, tex, f"names one output unit, but {target.name} has several")
        for A, Y in data:
            n, m = A.shape
            sizes = {sp.Symbol("m"): m, sp.Symbol("N"): n * m, sp.Symbol("k"): n,
                     sp.IndexedBase("n_layer")[sp.Symbol("L")]: n}
            arrays = {letter: A, "y": Y}
            if target.derivative:
                want = np.array([[
                    _indexed_value(side.subs(dict(zip(free, (r, c)))), arrays, sizes)
                    for c in range(1, m + 1)] for r in range(1, n + 1)])
                got = loss.derivative(A, Y)
            else:
                want, got = _indexed_value(side, arrays, sizes), loss(A, Y)
            if not np.allclose(got, want, rtol=RTOL, atol=0):
                _fail(block, tex, f"for A = {A.tolist()}, Y = {Y.tolist()} the page gives "
                      f"{np.asarray(want).tolist()}, nnlib's {target.key} gives "
                      f"{np.asarray(got).tolist()}")


# --- layers and networks ---------------------------------------------------------------


def _recording(backward, dA, key):
    """``backward``, storing what it returns in ``dA[key]``."""
    def wrapper(*args, **kwargs):
        dA[key] = backward(*args, **kwargs)
        return dA[key]
    return wrapper


def _run(sizes, activations, m, seed=4):
    """An MLP after forward and backward (sigmoid output, binary cross-entropy) on random
    data, with the dA^{[l]} each layer's backward returned."""
    net = MLP(sizes, activations, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(sizes[0], m))
    Y = (rng.uniform(size=(sizes[-1], m)) < 0.5).astype(float)
    for layer in net.layers:  # nnlib starts from b = 0, which would hide a wrong sign of b
        layer.b = rng.normal(size=layer.b.shape)
    net.forward(X)
    dA = {}
    for l, layer in enumerate(net.layers, start=1):
        # MLP.backward calls each layer's backward, or its unchecked twin _backward.
        for method in ("backward", "_backward"):
            setattr(layer, method, _recording(getattr(layer, method), dA, l - 1))
    net.backward(Y)
    return net, X, Y, dA


def _lookup(net, X, Y, dA, where):
    """The nnlib value a page's matrix term stands for (``where`` maps l and L to numbers)."""
    def value(term):
        k = int(sp.sympify(term.layer).subs({s: v for s, v in where.items() if v})) \
            if term.layer else None
        layer = net.layers[k - 1] if k else None
        # one example (x, z, a, yhat) is the m = 1 case of the matrices
        name = term.name.upper() if term.name in ("x", "y", "z", "a", "yhat", "Yhat") \
            else term.name
        if name == "g":
            return layer.activation.derivative if term.prime else layer.activation
        if term.column:
            return lambda i: layer.dZ[:, [i - 1]]
        arrays = {"X": X, "Y": Y, "YHAT": net.A, "dA": dA.get(k)}
        if name == "A":
            out = X if k == 0 else layer.A
        elif name in arrays:
            out = arrays[name]
        else:
            out = getattr(layer, name)
        return out.T if term.transposed else out

    return value


NETWORK = _entries("network")


@pytest.mark.parametrize("entry", NETWORK, ids=_id)
def test_layer_equations_match_nnlib(entry):
    block, target = entry
    checked = set()
    for clause in clauses(block.tex):
        try:
            lhs, lhs_terms = parse_matrix(clause.lhs, ["m", "l", "L", "i"])
        except FormulaError:
            continue  # not an equation between matrices (such as l = 1, ..., L)
        if not (isinstance(lhs, sp.Symbol) and lhs.name in lhs_terms):
            continue
        sides = [parse_matrix(r, ["m", "l", "L", "i"]) for r in clause.rhs]
        terms = [t for _, ts in [(lhs, lhs_terms), *sides] for t in ts.values()]
        general = any("l" in (t.layer or "") for t in terms)
        one_example = any(t.name in ("x", "y", "z", "a", "yhat") for t in terms)
        nets = ([[3, 5, 4, 2], ["relu", "tanh", "sigmoid"]] if general
                else [[3, 4, 1], ["tanh", "sigmoid"]])
        for m in [1] if one_example else [1, 5]:
            net, X, Y, dA = _run(*nets, m)
            L = len(net.layers)
            for l in range(1, L + 1) if general else [None]:
                value = _lookup(net, X, Y, dA, {"l": l, "L": L})
                want = value(lhs_terms[lhs.name])
                for (side, table), tex in zip(sides, clause.rhs):
                    try:
                        page = evaluate_matrix(side.subs("m", m), table, value)
                    except ValueError as err:  # shapes that do not fit
                        _fail(block, f"{clause.lhs} = {tex}", f"cannot be evaluated: {err}")
                    if np.shape(page) != np.shape(want) or not np.allclose(
                            page, want, rtol=RTOL, atol=1e-13):
                        _fail(block, f"{clause.lhs} = {tex}",
                              f"for a network {nets} on m = {m} examples"
                              f"{f', l = {l}' if l else ''}, the page gives "
                              f"{np.asarray(page).tolist()}, "
                              f"nnlib's {target.key} gives {np.asarray(want).tolist()}")
                    checked.add(lhs_terms[lhs.name].name.upper())
    needed = {"Z", "A"} if target.name == "MLP.forward" else {"DZ", "DW", "DB"}
    if not needed <= checked:
        raise FormulaError(f"{block}: expected equations for {sorted(needed)}, "
                           f"found {sorted(checked)}")


# --- optimisers ----------------------------------------------------------------------

# theta_t, v_{t-1}, \hat s_t, g_1, v_0: a quantity at a step (t, t-1, or the first steps).
_AT_STEP = re.compile(r"(?<![\\a-zA-Z])(?P<hat>\\hat\s*)?(?:\{(?P<braced>\\theta|[gvs])\}|(?P<name>\\theta|[gvs]))"
                      r"_(?P<step>\{\s*t\s*-\s*1\s*\}|t|0|1)")


def _key(m):
    """(hat, name, step) of an ``_AT_STEP`` match: (False, "v", "t-1") for v_{t-1}."""
    return (bool(m["hat"]), (m["braced"] or m["name"]).lstrip("\\"),
            re.sub(r"[{}\s]", "", m["step"]))
_PLACEHOLDERS = "ABCFGHKMPQRUVWXZ"  # one capital letter per quantity, for SymPy's parser
OPTIMIZER_PARAMS = {  # page symbol -> nnlib argument, and the values tried
    "SGD": ({"alpha": "lr", "beta": "momentum"},
            [{"lr": 0.1, "momentum": 0.9}, {"lr": 0.5, "momentum": 0.3}]),
    "RMSprop": ({"alpha": "lr", "rho": "alpha", "varepsilon": "eps"},
                [{"lr": 0.01, "alpha": 0.99, "eps": 1e-8}, {"lr": 0.3, "alpha": 0.5, "eps": 0.5}]),
    "Adam": ({"alpha": "lr", "beta_{1}": "beta1", "beta_{2}": "beta2", "varepsilon": "eps"},
             [{"lr": 0.3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
              {"lr": 0.01, "beta1": 0.5, "beta2": 0.8, "eps": 0.1}]),
}


def _step_quantities(tex, names):
    """``tex`` with every quantity at a step replaced by a placeholder letter; ``names`` maps
    (hat, name, step) to the letters given so far, and grows."""
    def repl(m):
        key = _key(m)
        if key not in names:
            names[key] = _PLACEHOLDERS[len(names)]
        return f" {names[key]} "
    return _AT_STEP.sub(repl, tex)


def _update_rules(block, params):
    """{(hat, name, step): SymPy expression}: the block's equations, read from its TeX."""
    names, rules = {}, {}
    variables = [*params, "t"]
    for clause in clauses(block.tex):
        lhs = _AT_STEP.fullmatch(clause.lhs.strip())
        if not lhs:
            continue
        tex = clause.rhs[-1]  # in a chain v_0 = s_0 = 0 the last side is every one's value
        side = parse(_step_quantities(tex, names), [*variables, *_PLACEHOLDERS])
        tex = f"{clause.lhs} = {' = '.join(clause.rhs)}"
        rules[_key(lhs)] = (side, tex)
        for text in clause.rhs[:-1]:
            if (other := _AT_STEP.fullmatch(text.strip())):
                rules[_key(other)] = (side, tex)
    letters = {sp.Symbol(letter): key for key, letter in names.items()}
    return rules, letters


class _Parameter:
    """A model with one parameter array whose gradients are given in advance."""

    def __init__(self, theta, gradients):
        self.W, self._gradients = theta.copy(), iter(gradients)

    def parameters(self):
        return {"W": self.W}

    def gradients(self):
        return {"dW": next(self._gradients)}


OPTIMIZERS = _entries("optimizers")


@pytest.mark.parametrize("entry", OPTIMIZERS, ids=_id)
def test_optimizer_formula_matches_nnlib(entry):
    """The page's update rules, iterated from its own TeX over six steps of given gradients,
    against nnlib's optimiser on the same gradients (entries of very different sizes)."""
    block, target = entry
    symbols_to_args, tried = OPTIMIZER_PARAMS[target.name]
    rules, letters = _update_rules(block, symbols_to_args)
    if (False, "theta", "t") not in rules:
        raise FormulaError(f"{block}: expected an update rule theta_t = ... for {target}")
    rng = np.random.default_rng(3)
    theta0 = rng.normal(size=(1, 4))
    grads = [rng.normal(size=(1, 4)) * [1e-3, 0.1, 1.0, 100.0] for _ in range(6)]
    for args in tried:
        args = {**args, **target.kwargs}
        optimizer = getattr(optimizers, target.name)(**args)
        model = _Parameter(theta0, grads)
        state = {(False, "theta", "0"): theta0}
        state.update({k: np.full_like(theta0, float(side)) for k, (side, _) in rules.items()
                      if k[2] == "0"})
        for t, g in enumerate(grads, 1):
            optimizer.step(model)
            now = {(False, "g", "t"): g, (False, "g", "1"): grads[0]}
            for key, (side, tex) in rules.items():
                if key[2] == "0" or key in now:
                    continue
                if key[2] == "1" and t != 1:
                    continue
                if key[2] == "t" and t == 1 and (*key[:2], "1") in rules:
                    now[key] = now[(*key[:2], "1")]
                    continue
                values = {}
                for letter, (hat, name, step) in letters.items():
                    source = state if step in ("t-1", "0") else now
                    found = source.get((hat, name, "t" if step == "t-1" else step))
                    if step == "t-1" and t == 1:
                        found = state.get((hat, name, "0"))
                    if found is not None:
                        values[letter] = found
                missing = side.free_symbols & set(letters) - set(values)
                if missing:
                    raise FormulaError(f"{block}: {tex} uses {[letters[x] for x in missing]} "
                                       f"before the page defines it")
                subs = {sp.Symbol(p): args[a] for p, a in symbols_to_args.items() if a in args}
                f = sp.lambdify([sp.Symbol("t"), *values], side.subs(subs), modules="numpy")
                now[key if key[2] != "1" else (*key[:2], "t")] = f(t, *values.values())
                if key[2] == "1":
                    now[key] = now[(*key[:2], "t")]
            state = {**{k: v for k, v in now.items()}, **{k: v for k, v in state.items()
                                                           if k[2] == "0"}}
            got = model.W
            want = now[(False, "theta", "t")]
            if not np.allclose(got, want, rtol=RTOL, atol=1e-15):
                _fail(block, "; ".join(dict.fromkeys(tex for _, tex in rules.values())),
                      f"with {args}, after step {t} the page gives {np.asarray(want).tolist()}, "
                      f"nnlib's {target.key} gives {got.tolist()}")


# --- docstrings ----------------------------------------------------------------------


def _docstring_blocks():
    """The first display formula of every activation's and loss's docstring (shown on the
    API reference pages) as a block defining the object and its derivative."""
    blocks = []
    for module, registry in (("activations", act.ACTIVATIONS), ("losses", losses.LOSSES)):
        path = Path(act.__file__).with_name(f"{module}.py")
        source = path.read_text(encoding="utf-8").splitlines()
        for name, obj in registry.items():
            if name == "softmax":
                continue  # its docstring writes sums without limits; the page's are checked
            tex = re.search(r"\$\$(.*?)\$\$", obj.__doc__, re.DOTALL)[1]
            first = tex.strip().splitlines()[0].strip()
            line = next(n for n, text in enumerate(source, 1) if first in text)
            names = [f"nnlib.{module}.{name}", f"nnlib.{module}.{name}.derivative"]
            blocks.append(Block(f"nnlib/{module}.py", line, names, tex.strip().rstrip(".,")))
    return blocks


DOCSTRINGS = [(b, Target(n)) for b in _docstring_blocks() for n in b.names]


@pytest.mark.parametrize("entry", DOCSTRINGS, ids=_id)
def test_docstring_formula_matches_nnlib(entry):
    _, target = entry
    check = test_activation_formula_matches_nnlib if target.module == "activations" \
        else test_loss_formula_matches_nnlib
    check(entry)


# --- the marked set is complete -------------------------------------------------


def test_every_activation_and_loss_has_exactly_one_marked_definition():
    keys = [t.key for b in _blocks() for t in map(Target, b.names) if not t.kwargs]
    wanted = [f"nnlib.activations.{n}{d}" for n in act.ACTIVATIONS for d in ("", ".derivative")]
    wanted += [f"nnlib.losses.{n}{d}" for n in losses.LOSSES for d in ("", ".derivative")]
    wanted += [f"nnlib.optimizers.{n}" for n in optimizers.__all__ if n != "Optimizer"]
    counts = {key: keys.count(key) for key in wanted}
    wrong = {key: n for key, n in counts.items() if n != 1}
    assert not wrong, f"marked definitions per object (each needs exactly one): {wrong}"
    for key in ("nnlib.network.MLP.forward", "nnlib.network.MLP.backward"):
        assert key in keys, f"no page marks the equations of {key}"


def test_every_marked_name_is_an_nnlib_object():
    for block in _blocks():
        for target in map(Target, block.names):
            known = {"activations": act.ACTIVATIONS, "losses": losses.LOSSES,
                     "network": {"MLP.forward", "MLP.backward"},
                     "optimizers": set(OPTIMIZER_PARAMS)}.get(target.module, {})
            assert target.name in known, (
                f"{block}: {target} is not an activation, a loss or MLP.forward/backward"
            )


# --- a wrong formula fails -------------------------------------------------------

MUTATIONS = [  # (marked name, the page's TeX, a wrong version)
    ("nnlib.activations.leaky_relu", r"\alpha z", r"0.1 z"),  # the seed article's slope
    ("nnlib.activations.leaky_relu", r"\alpha z", r"0.1 \alpha z"),
    ("nnlib.activations.relu.derivative", r"z \le 0", r"z < 0"),  # no value at the kink
    ("nnlib.activations.hardswish.derivative", r"-3 \le z \le 3", r"-3 < z \le 3"),
    ("nnlib.activations.gelu.derivative", r"z\,\varphi(z)", r"\varphi(z)"),
    ("nnlib.activations.softmax.derivative", r"\delta_{jr} - s_r", r"\delta_{jr} + s_r"),
    ("nnlib.losses.mse.derivative", r"\frac{2}{N}", r"\frac{1}{N}"),
    ("nnlib.losses.cross_entropy", r"a^{(i)}_{c^{(i)}}", r"a^{(i)}_{1}"),
    ("nnlib.losses.softmax_cross_entropy", r"- z^{(i)}_{c^{(i)}}", r"+ z^{(i)}_{c^{(i)}}"),
    ("nnlib.losses.softmax_cross_entropy.derivative", r"- y^{(i)}_j", r"- 2 y^{(i)}_j"),
    ("nnlib.network.MLP.backward", r"W^{[2]\top} dZ^{[2]}", r"W^{[2]} dZ^{[2]}"),
    ("nnlib.optimizers.SGD", r"v_1 = g_1", r"v_1 = 0"),  # PyTorch's buffer starts at g_1
    ("nnlib.optimizers.SGD", r"\beta\, v_{t-1} + g_t", r"\beta\, v_{t-1} + (1 - \beta)\, g_t"),
    ("nnlib.optimizers.RMSprop", r"\sqrt{s_t} + \varepsilon", r"\sqrt{s_t + \varepsilon}"),
    ("nnlib.optimizers.Adam", r"\frac{v_t}{1 - \beta_1^t}", r"v_t"),  # no bias correction
    ("nnlib.optimizers.Adam", r"\sqrt{\hat s_t} + \varepsilon", r"\sqrt{\hat s_t + \varepsilon}"),
    ("nnlib.network.MLP.backward", r"\frac{1}{m}\bigl(A^{[2]} - Y\bigr)",
     r"\bigl(A^{[2]} - Y\bigr)"),
    ("nnlib.network.MLP.forward", r"W^{[l]} A^{[l-1]} + b^{[l]}", r"W^{[l]} A^{[l-1]} - b^{[l]}"),
]
CHECKS = {"activations": "test_activation_formula_matches_nnlib",
          "softmax": "test_softmax_formula_matches_nnlib",
          "losses": "test_loss_formula_matches_nnlib",
          "network": "test_layer_equations_match_nnlib",
          "optimizers": "test_optimizer_formula_matches_nnlib"}


@pytest.mark.parametrize("name, right, wrong", MUTATIONS, ids=lambda v: str(v)[:40])
def test_a_wrong_formula_on_a_page_fails_naming_page_and_formula(name, right, wrong):
    block, target = next((b, t) for b, t in _entries(Target(name).module)
                         if t.text == name and right in b.tex)
    mutated = Block(block.page, block.line, block.names, block.tex.replace(right, wrong, 1))
    check = globals()[CHECKS["softmax" if target.name == "softmax" else target.module]]
    with pytest.raises(pytest.fail.Exception) as failure:
        check((mutated, target))
    message = str(failure.value)
    assert f"{block.page}:{block.line}" in message and wrong in message, message


def test_an_unreadable_marked_formula_fails():
    block, target = next((b, t) for b, t in ELEMENTWISE if t.name == "leaky_relu")
    broken = Block(block.page, block.line, block.names, block.tex.replace(r"\alpha z", r"\foo{z}"))
    with pytest.raises(FormulaError):
        _elementwise(broken, target)


def test_a_wrong_docstring_formula_fails_naming_file_and_formula():
    block, target = next((b, t) for b, t in DOCSTRINGS if t.key == "nnlib.activations.leaky_relu")
    mutated = Block(block.page, block.line, block.names, block.tex.replace(r"\alpha z", "0.1 z"))
    with pytest.raises(pytest.fail.Exception) as failure:
        test_docstring_formula_matches_nnlib((mutated, target))
    assert f"nnlib/activations.py:{block.line}" in str(failure.value)

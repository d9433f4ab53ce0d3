r"""The formulas the pages mark as definitions, evaluated from their own TeX against nnlib.

A page marks a display formula with ``<!-- formula: nnlib.activations.elu,
nnlib.activations.elu.derivative -->`` on the line before its ``$$`` (see
tests/formula_tex.py and README.md). Each marked name is checked here:

- an elementwise activation: the equation whose left side is ``g(z)`` (or
  ``g'(z)`` for ``.derivative``); every right side of its chain is evaluated with
  mpmath (at rising precision until two agree) on a grid of z, at several parameter values, and compared
  with nnlib (relative 1e-10). Page symbols are nnlib's keywords by name
  (``\alpha`` is ``alpha``, ``\beta`` is ``beta``); SELU's fixed ``\alpha`` and
  ``\lambda`` are ``SELU_ALPHA`` and ``SELU_SCALE``. An equation ``u = ...`` in a
  marked block defines ``u`` for the page's later marked blocks.
- softmax: ``s_i = ...`` for every class i of several columns z, and
  ``\partial s_i / \partial z_j = ...`` with ``s_i`` taken from the page's own
  definition.

A marked formula that cannot be read fails; so does a registry entry without
exactly one marked definition on the site.
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
from nnlib import losses
from tests.formula_tex import Block, FormulaError, clauses, marked_formulas, parse

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
        if len(parts) != 3 or parts[0] != "nnlib":
            raise FormulaError(f"a marked name is nnlib.<module>.<object>, got {text!r}")
        self.module, self.name = parts[1], parts[2]
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


def _exact(value):
    """``value()`` evaluated at rising precision until two precisions agree to 30 digits.

    The textbook forms cancel (``1 + tanh u`` for very negative u, ``1 - tanh^2 z``),
    so a fixed precision is not enough for every z; an exact 0 must stay 0 up to
    1600 digits.
    """
    previous, digits = None, 50
    while digits <= 25600:
        with mp.workdps(digits):
            now = value()
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
                if target.name == "softplus" and values["beta"] * x > values["threshold"]:
                    continue  # nnlib returns z there (the page says so in prose)
                try:
                    page = float(_exact(lambda: f(mp.mpf(x), values)))
                except (TypeError, ValueError, ZeroDivisionError) as err:
                    _fail(block, tex, f"has no value at z = {x}, {kwargs}: {err}")
                got = float(nnlib_fn(x, **kwargs))
                if not math.isclose(got, page, rel_tol=RTOL, abs_tol=1e-300):
                    _fail(block, tex, f"at z = {x}{', ' + str(kwargs) if kwargs else ''} the page "
                          f"gives {page!r}, nnlib's {target.key} gives {got!r}")


# --- softmax -------------------------------------------------------------------


def _softmax_definition(page):
    """The parsed right sides of the page's ``s_i = ...``, and the block."""
    found = [(b, t) for b, t in _entries("activations")
             if t.name == "softmax" and not t.derivative and b.page == page]
    if len(found) != 1:
        raise FormulaError(f"{page}: expected one marked definition of softmax, found {len(found)}")
    block = found[0][0]
    clause = _defining_clause(block, found[0][1], lambda lhs: lhs.strip() == "s_i")
    rhs = [r for r in clause.rhs if not r.lstrip().startswith(r"\operatorname{softmax}")]
    return block, clause, rhs


def _column_values(expr, z, k):
    """``expr`` (in z_1..z_k, i, j, k) at the column ``z``, as a function of (i, j)."""
    zb, i, j, kk = sp.IndexedBase("z"), *sp.symbols("i j k")
    entries = sp.symbols(f"z1:{k + 1}")
    column = [mp.mpf(x) for x in z]  # floats convert exactly

    def at(ii, jj=1):
        e = expr.subs({kk: k, i: ii, j: jj}).doit()
        e = e.xreplace({zb[n + 1]: entries[n] for n in range(k)})
        f = sp.lambdify(entries, e, modules="mpmath")
        return _exact(lambda: f(*column))

    return at


SOFTMAX = [e for e in _entries("activations") if e[1].name == "softmax"]


@pytest.mark.parametrize("entry", SOFTMAX, ids=_id)
def test_softmax_formula_matches_nnlib(entry):
    block, target = entry
    _, definition, s_sides = _softmax_definition(block.page)
    indices = ["i", "j", "k"]
    if not target.derivative:
        clause, sides = definition, [parse(r, indices) for r in s_sides]
    else:
        clause = _defining_clause(
            block, target,
            lambda lhs: lhs.replace(" ", "") in (r"\frac{\partials_i}{\partialz_j}", "J_{ij}"),
        )
        s = parse(s_sides[0], indices)
        sides = [_with_s(parse(r, indices), s) for r in clause.rhs]
    for side, tex in zip(sides, clause.rhs):
        for z in SOFTMAX_COLUMNS:
            k = len(z)
            at = _column_values(side, z, k)
            if target.derivative:
                want = np.array([[float(at(a, b)) for b in range(1, k + 1)] for a in range(1, k + 1)])
                got = act.softmax.derivative(np.array(z))
            else:
                want = np.array([float(at(a)) for a in range(1, k + 1)])
                got = act.softmax(np.array(z))
            if not np.allclose(got, want, rtol=RTOL, atol=1e-300):
                _fail(block, tex, f"for z = {z} the page gives {want.tolist()}, "
                      f"nnlib's {target.key} gives {got.tolist()}")


def _with_s(expr, s):
    """``expr`` with every ``s[n]`` replaced by the page's ``s_i`` at ``i = n``."""
    sb, i = sp.IndexedBase("s"), sp.Symbol("i")
    return expr.xreplace({e: s.subs(i, e.indices[0]) for e in expr.atoms(sp.Indexed)
                          if e.base == sb})


# --- the marked set is complete -------------------------------------------------


def test_every_activation_and_loss_has_exactly_one_marked_definition():
    keys = [t.key for b in _blocks() for t in map(Target, b.names) if not t.kwargs]
    wanted = [f"nnlib.activations.{n}{d}" for n in act.ACTIVATIONS for d in ("", ".derivative")]
    wanted += [f"nnlib.losses.{n}{d}" for n in losses.LOSSES for d in ("", ".derivative")]
    counts = {key: keys.count(key) for key in wanted}
    wrong = {key: n for key, n in counts.items() if n != 1}
    assert not wrong, f"marked definitions per object (each needs exactly one): {wrong}"


def test_every_marked_name_is_an_nnlib_object():
    for block in _blocks():
        for target in map(Target, block.names):
            module = {"activations": act.ACTIVATIONS, "losses": losses.LOSSES}.get(target.module)
            assert module is not None and target.name in module, (
                f"{block}: {target} is not an activation or a loss of nnlib"
            )


# --- a wrong formula fails -------------------------------------------------------


def _leaky_relu_block():
    return next(b for b, t in ELEMENTWISE if t.name == "leaky_relu" and not t.derivative)


@pytest.mark.parametrize("wrong", [r"0.1 z", r"0.1 \alpha z"])
def test_a_wrong_slope_on_the_page_fails_naming_page_and_formula(wrong):
    """The seed article's mistake: leaky ReLU's slope 0.1 in the math, 0.01 in the code."""
    block = _leaky_relu_block()
    assert r"\alpha z" in block.tex
    mutated = Block(block.page, block.line, block.names, block.tex.replace(r"\alpha z", wrong))
    target = next(t for t in map(Target, block.names) if not t.derivative)
    with pytest.raises(pytest.fail.Exception) as failure:
        test_activation_formula_matches_nnlib((mutated, target))
    message = str(failure.value)
    assert block.page in message and wrong in message and "leaky_relu" in message


def test_an_unreadable_marked_formula_fails():
    block = _leaky_relu_block()
    target = next(t for t in map(Target, block.names) if not t.derivative)
    broken = Block(block.page, block.line, block.names, block.tex.replace(r"\alpha z", r"\alpha \foo{z}"))
    with pytest.raises(FormulaError):
        _elementwise(broken, target)

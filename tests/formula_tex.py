r"""Read the formulas the pages mark as definitions of nnlib objects, from their own TeX.

A page marks a display formula with an HTML comment on the line before its ``$$``:

    <!-- formula: nnlib.activations.relu, nnlib.activations.relu.derivative -->
    $$
    \operatorname{ReLU}(z) = \max(0, z), \qquad
    \operatorname{ReLU}'(z) = \begin{cases} ... \end{cases}
    $$

:func:`marked_formulas` finds them; :func:`clauses` splits a block into its
equations (at ``\qquad``/``\quad``, and at the rows of ``aligned``), each a chain
``lhs = rhs_1 = rhs_2 ...``; :func:`parse` turns one side into a SymPy expression
with SymPy's LaTeX parser (ANTLR backend) after this normalisation:

- ``\left``/``\right``/``\bigl``/``\Bigr``..., spacing (``\,``, ``\;``, ``\!``) and
  ``\textstyle`` are dropped; ``\tfrac``/``\dfrac`` become ``\frac``; ``\sum_{i,j}``
  (every entry) becomes ``\sum_{i=1}^{m} \sum_{j=1}^{n^{[L]}}``;
- ``\operatorname{name}`` and ``\mathrm{name}`` become a function ``name`` (a digit
  is spelled: ``ReLU6`` is ``ReLUsix``), ``\name^2(x)`` becomes ``\name(x)^2``;
- a ``cases`` environment becomes a ``Piecewise``: each row ``value & condition``,
  the condition read after dropping ``\text{if }`` (chains such as ``-3 < z < 3``
  allowed, ``\text{threshold}`` the symbol ``threshold``), ``\text{otherwise}``
  meaning "every other z"; a value written ``a = b`` must be one function (SymPy);
- subscripts that index (``z_i``, ``\delta_{jr}``) become ``Indexed`` objects, and
  so do entries ``a^{(i)}_j`` (row j, example i; ``a^{(i)}`` is row 1) and layer sizes
  ``n^{[L]}`` (``n_layer[L]``), so ``\sum_{j=1}^{k}`` sums over them once the sizes
  are known; ``\delta`` is Kronecker's;
- ``e`` is Euler's number, ``\pi`` is pi, and the functions of :data:`KNOWN` (sigma,
  Phi, ...) have their textbook definitions, their primes by differentiation.

Matrix equations (``Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}``, ``dZ^{[1]} = dA^{[1]} \odot
g^{[1]\prime}(Z^{[1]})``) go through :func:`parse_matrix`, which names each matrix by a
placeholder, and :func:`evaluate_matrix`, which computes them with NumPy in the page's order.

Anything else, an unknown function or a symbol the caller did not allow, is an
error naming it: a marked formula that cannot be read fails, it is never skipped.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sympy as sp
from sympy.parsing.latex import LaTeXParsingError, parse_latex

MARKER = re.compile(r"^\s*<!--\s*formula:\s*(?P<names>.*?)\s*-->\s*$")
"""The marker line: ``<!-- formula: name, name -->``."""

_x = sp.Symbol("x")
KNOWN = {
    "sigma": sp.Lambda(_x, 1 / (1 + sp.exp(-_x))),
    "Phi": sp.Lambda(_x, sp.erfc(-_x / sp.sqrt(2)) / 2),  # the standard normal CDF
    "varphi": sp.Lambda(_x, sp.exp(-(_x**2) / 2) / sp.sqrt(2 * sp.pi)),  # its density
    "softplus": sp.Lambda(_x, sp.log(1 + sp.exp(_x))),
    "sp": sp.Lambda(_x, sp.log(1 + sp.exp(_x))),
    "sech": sp.Lambda(_x, 1 / sp.cosh(_x)),
    "ReLUsix": sp.Lambda(_x, sp.Min(sp.Max(_x, 0), 6)),
    "ReLU": sp.Lambda(_x, sp.Max(_x, 0)),
    "max": sp.Max,
    "min": sp.Min,
}
"""Functions a formula may use besides the one it defines, with their textbook definitions."""

_DIGITS = dict(zip("0123456789", ["zero", "one", "two", "three", "four", "five", "six",
                                   "seven", "eight", "nine"]))


class FormulaError(ValueError):
    """A marked formula that cannot be read."""


@dataclass
class Block:
    """One marked ``$$`` block: where it is, what it defines, its TeX."""

    page: str
    line: int
    names: list
    tex: str

    def __str__(self):
        return f"{self.page}:{self.line} ({', '.join(self.names)})"


def marked_formulas(docs):
    """Every marked block under ``docs``, in page order."""
    blocks = []
    for path in sorted(Path(docs).rglob("*.md")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for n, text in enumerate(lines):
            found = MARKER.match(text)
            if not found:
                continue
            page = f"{path.relative_to(Path(docs).parent)}"
            if n + 1 >= len(lines) or lines[n + 1].strip() != "$$":
                raise FormulaError(f"{page}:{n + 1}: a formula marker must precede a $$ line")
            end = next((k for k in range(n + 2, len(lines)) if lines[k].strip() == "$$"), None)
            if end is None:
                raise FormulaError(f"{page}:{n + 2}: the $$ block never closes")
            names = [s.strip() for s in _split_top(found["names"], ",") if s.strip()]
            tex = "\n".join(line.strip() for line in lines[n + 2:end])
            blocks.append(Block(page, n + 2, names, tex))
    return blocks


# --- splitting a block -------------------------------------------------------


def _split_top(text, sep):
    """Split ``text`` at ``sep`` outside braces, brackets, parentheses and environments."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        if text.startswith(r"\begin{", i):
            depth += 1
        elif text.startswith(r"\end{", i):
            depth -= 1
        elif text[i] in "{([":
            depth += 1
        elif text[i] in "})]":
            depth -= 1
        elif depth == 0 and text.startswith(sep, i) and not _longer_command(text, i, sep):
            parts.append(text[start:i])
            start = i + len(sep)
            i = start
            continue
        i += 1
    parts.append(text[start:])
    return parts


def _longer_command(text, i, sep):
    r"""True when ``sep`` (a command like ``\quad``) is the start of a longer one (``\qquad``)."""
    if not sep.startswith("\\"):
        return text[i - 1:i] == "\\" or (sep == "=" and text[i - 1:i] in "<>!")
    return text[i + len(sep):i + len(sep) + 1].isalpha()


@dataclass
class Clause:
    """One equation chain of a block: ``lhs = rhs[0] = rhs[1] ...``."""

    lhs: str
    rhs: list


def clauses(tex):
    """The equation chains of a block, split at ``\\qquad``/``\\quad`` and ``aligned`` rows."""
    body = tex.strip()
    aligned = re.fullmatch(r"\\begin\{aligned\}(.*)\\end\{aligned\}[.,]?", body, re.DOTALL)
    rows = _split_top(aligned[1], r"\\") if aligned else [body]
    out = []
    for row in rows:
        if aligned:
            row = row.split("&&")[0].replace("&", "")  # "&&" starts a comment column (a shape)
        for part in _split_top(row, r"\qquad"):
            for piece in _split_top(part, r"\quad"):
                piece = piece.strip().rstrip(".,").strip()
                if not piece:
                    continue
                sides = [s.strip() for s in _split_top(piece, "=")]
                out.append(Clause(sides[0], sides[1:]))
    return out


# --- normalisation -----------------------------------------------------------

_DROP = re.compile(
    r"\\(?:left|right|[bB]igg?[lr]?|textstyle|displaystyle)(?![a-zA-Z])|\\[,;:!]"
)


def _group_end(text, i):
    """Index just past the balanced group (``{...}`` or ``(...)``) opening at ``text[i]``."""
    close = {"{": "}", "(": ")", "[": "]"}[text[i]]
    depth = 0
    for k in range(i, len(text)):
        if text[k] == text[i]:
            depth += 1
        elif text[k] == close:
            depth -= 1
            if depth == 0:
                return k + 1
    raise FormulaError(f"unbalanced {text[i]!r} in {text!r}")


def _function_name(name):
    return "".join(_DIGITS.get(c, c) for c in name if c.isalnum())


def normalise(tex):
    """The TeX with the rewrites listed in the module docstring (cases aside)."""
    t = _DROP.sub(" ", tex)
    t = re.sub(r"\\[td]frac", r"\\frac", t)
    # \sum_{i,j}: over every entry, i the example (column) and j the unit (row)
    t = t.replace(r"\sum_{i,j}", r"\sum_{i=1}^{m} \sum_{j=1}^{n^{[L]}}")
    t = re.sub(r"\\(?:operatorname|mathrm)\{([^{}]*)\}", lambda m: "\\" + _function_name(m[1]), t)
    # \name^2(x) -> \name(x)^2 (the parser would read it as name^2 times x)
    while True:
        m = re.search(r"(\\[a-zA-Z]+)\^(\{[^{}]*\}|\d)\s*\(", t)
        if not m:
            break
        end = _group_end(t, m.end() - 1)
        t = t[:m.start()] + m[1] + t[m.end() - 1:end] + "^" + m[2] + t[end:]
    return re.sub(r"\s+", " ", t).strip()


# --- subscripts as indices -----------------------------------------------------

_NAME = r"(?<![\\a-zA-Z])(?P<name>\\?[a-zA-Z]+?)"
_SUB = re.compile(_NAME + r"_(?P<sub>\{(?:[^{}]|\{[^{}]*\})*\}|[a-zA-Z])")
_NOT_INDEXED = {r"\sum", r"\prod", r"\max", r"\min", r"\lim"}


def _index_tokens(sub):
    """``ij`` -> [i, j]; ``c_j j`` -> [c_j, j]; ``:, j`` -> [:, j]."""
    return re.findall(r"[a-zA-Z](?:_[a-zA-Z]|_\{[a-zA-Z]\})?|:|\d+", sub)


def _indices_to_calls(t):
    r"""``a_{ij}`` -> ``\IXa(i, j)`` (read back as ``Indexed`` by :func:`parse`)."""
    def repl(m):
        name, sub = m["name"], m["sub"].strip("{}")
        if name in _NOT_INDEXED or not re.fullmatch(r"[a-zA-Z_{}:,\s\d]+", sub):
            return m[0]
        tokens = [_indices_to_calls(tok) if "_" in tok else tok for tok in _index_tokens(sub)]
        return rf"\IX{name.lstrip(chr(92))}({', '.join(tokens)})"
    return _SUB.sub(repl, t)


# --- superscripts: the example (i) and the layer [l] ---------------------------------

_TOKEN = r"(?<![\\a-zA-Z])(?P<name>\\?[a-zA-Z]+?)"
_ROW = r"(?P<row>\{[^{}]*\}|[a-zA-Z])"
_EXAMPLE = r"\^\{\((?P<ex>[a-zA-Z])\)\}"
_ENTRY = [
    re.compile(_TOKEN + _EXAMPLE + "_" + _ROW),  # a^{(i)}_j
    re.compile(_TOKEN + "_" + _ROW + _EXAMPLE),  # a_j^{(i)}
    re.compile(_TOKEN + _EXAMPLE + r"(?!_)"),  # a^{(i)}: row 1 (one output unit)
]
_LAYER = re.compile(_TOKEN + r"\^\{\[(?P<layer>[^\[\]{}]*)\]\}")


def _superscripts_to_calls(t):
    r"""``a^{(i)}_j`` -> ``\IXa(j, i)`` (row j, column i); ``n^{[L]}`` -> ``\LAYn(L)``."""
    t = _LAYER.sub(lambda m: rf"\LAY{m['name'].lstrip(chr(92))}({m['layer']})", t)
    while True:
        for pattern in _ENTRY:
            m = pattern.search(t)
            if m:
                row = (m.groupdict().get("row") or "1").strip("{}")
                name = m["name"].lstrip("\\")
                t = t[:m.start()] + rf"\IX{name}({row}, {m['ex']})" + t[m.end():]
                break
        else:
            return t


# --- cases -------------------------------------------------------------------


def _cases(t, placeholders):
    r"""Replace each ``cases`` environment by a placeholder symbol; return the new TeX."""
    while True:
        start = t.find(r"\begin{cases}")
        if start < 0:
            return t
        end = t.find(r"\end{cases}", start)
        if end < 0:
            raise FormulaError(f"cases without \\end{{cases}} in {t!r}")
        body = t[start + len(r"\begin{cases}"):end]
        rows = []
        for row in _split_top(body, r"\\"):
            row = row.strip().rstrip(",.").strip()
            if not row:
                continue
            cells = _split_top(row, "&")
            if len(cells) != 2:
                raise FormulaError(f"a cases row needs 'value & condition': {row!r}")
            rows.append((_same_values(cells[0]), _condition(cells[1])))
        name = f"CASES{chr(ord('A') + len(placeholders))}"
        placeholders[name] = rows
        t = t[:start] + " " + "\\" + name + " " + t[end + len(r"\end{cases}"):]


def _same_values(cell):
    """A cases value written as a chain ``(2z + 3)/6 = z/3 + 1/2``: its first member, once
    SymPy agrees that every member is the same function."""
    members = _split_top(cell, "=")
    parsed = [_parse_plain(_indices_to_calls(normalise(m))) for m in members]
    if any(sp.simplify(p - parsed[0]) != 0 for p in parsed[1:]):
        raise FormulaError(f"the members of {cell.strip()!r} are not equal")
    return members[0]


def _condition(tex):
    text = re.sub(r"\\text\{\s*if\s*\}", "", tex).strip().rstrip(",.").strip()
    # a parameter named in words: \text{threshold} is the symbol threshold
    text = re.sub(r"\\text\{\s*([a-zA-Z]+)\s*\}", lambda m: "\\" + m[1]
                  if m[1] != "otherwise" else m[0], text)
    if re.fullmatch(r"\\text\{\s*otherwise[,.]?\s*\}", text):
        return True
    if "\\text" in text:
        raise FormulaError(f"cannot read the condition {tex!r}")
    parts = re.split(r"(<|>|\\le(?:q)?(?![a-z])|\\ge(?:q)?(?![a-z]))", text)
    if len(parts) < 3:
        raise FormulaError(f"a condition must be an inequality, got {tex!r}")
    ops = {"<": sp.Lt, ">": sp.Gt, r"\le": sp.Le, r"\leq": sp.Le, r"\ge": sp.Ge, r"\geq": sp.Ge}
    sides = [parts[k] for k in range(0, len(parts), 2)]
    return sp.And(*[
        ops[parts[k]](_parse_plain(sides[k // 2]), _parse_plain(sides[k // 2 + 1]))
        for k in range(1, len(parts), 2)
    ])


# --- parsing -----------------------------------------------------------------


def _parse_plain(tex):
    try:
        return parse_latex(tex, strict=True)
    except (LaTeXParsingError, TypeError, ValueError, sp.SympifyError) as err:
        raise FormulaError(f"SymPy cannot parse {tex!r}: {str(err).splitlines()[0]}") from None


def parse(tex, variables=(), functions=None):
    """One side of an equation as a SymPy expression.

    ``variables`` are the names allowed as free symbols (``z``, ``alpha``,
    ...); ``functions`` maps extra function names to SymPy callables. A symbol
    or function the formula uses but nobody defined is a :class:`FormulaError`.
    """
    functions = {**KNOWN, **(functions or {})}
    placeholders = {}
    t = _cases(_superscripts_to_calls(normalise(tex)), placeholders)
    t = _indices_to_calls(t)
    expr = _parse_plain(t)
    pieces = {
        name: sp.Piecewise(*[(_finish(_parse_plain(_indices_to_calls(v)), variables, functions), c)
                             for v, c in rows])
        for name, rows in placeholders.items()
    }
    # Conditions name the variable as a plain symbol, as the values do.
    return _finish(expr, (*variables, *pieces), functions).subs(
        {sp.Symbol(name): piece for name, piece in pieces.items()}
    )


def _finish(expr, variables, functions):
    """Euler's e, pi, indexed names, known functions; then check the free symbols."""
    allowed = set(variables)

    def rebuild(e):
        if isinstance(e, sp.Symbol):
            if e.name == "e":
                return sp.E
            if e.name == "pi":
                return sp.pi
            return e
        if isinstance(e, sp.core.function.AppliedUndef):
            name = type(e).__name__
            args = [rebuild(a) for a in e.args]
            if name == "IXdelta" and len(args) == 2:
                return sp.KroneckerDelta(*args)
            if name.startswith("IX"):
                return sp.IndexedBase(name[2:])[tuple(args)]
            if name.startswith("LAY"):
                return sp.IndexedBase(name[3:] + "_layer")[tuple(args)]
            if name in functions:
                return functions[name](*args)
            if name.endswith("'") and name[:-1] in functions:
                f = functions[name[:-1]]
                return sp.diff(f(_x), _x).subs(_x, args[0])
            if len(args) == 1 and (len(name) == 1 or name in allowed):
                return sp.Symbol(name) * args[0]  # z(1 + z) is a product, not a call
            raise FormulaError(f"unknown function {name!r}")
        if not e.args:
            return e
        return e.func(*[rebuild(a) for a in e.args])

    out = rebuild(expr)
    free = {s.name for s in out.free_symbols if not isinstance(s, sp.Indexed)}
    bases = {b.base.label.name for b in out.atoms(sp.Indexed)}
    unknown = sorted(free - allowed - bases)
    if unknown:
        raise FormulaError(f"the formula uses {', '.join(unknown)}, which it does not define")
    return out


# --- matrix equations ----------------------------------------------------------------

_MATRIX = re.compile(
    r"(?<![\\a-zA-Z])(?P<hat>\\hat\{)?(?P<name>d?[A-Za-z])\}?"
    r"(?:\^\{\[(?P<layer>[^\]]+)\](?P<after>[^{}]*)\}|\^\{(?P<bare>\\top)\}|\^(?P<bare2>\\top))?"
)


@dataclass
class Term:
    r"""One matrix: ``dW^{[2]}``, ``A^{[1]\top}``, ``g^{[1]\prime}``, ``dz^{[2](i)}``."""

    name: str
    layer: str | None
    transposed: bool = False
    prime: bool = False  # g^{[l]\prime}: the activation's derivative
    column: str | None = None  # dz^{[l](i)}: column i of dZ^{[l]}


def parse_matrix(tex, scalars=("m",)):
    r"""A matrix equation side as a SymPy expression of placeholders, and what each stands for.

    Every matrix (``W^{[l]}``, ``X``, ``\hat{Y}``, ``A^{[l-1]\top}``) becomes a
    placeholder symbol, every ``g^{[l]}`` a placeholder function and ``\odot`` the
    symbol ``ODOT``, named in the order they appear so that :func:`evaluate_matrix`
    multiplies matrices in the page's order (SymPy sorts the factors of a product
    by name). ``scalars`` are the allowed scalar symbols.
    """
    t = normalise(tex).replace(r"\odot", r" \ODOT ")
    table, out, pos = {}, [], 0
    for m in _MATRIX.finditer(t):
        name = m["name"]
        if not (m["layer"] or m["bare"] or m["bare2"] or name in ("X", "Y", "x", "y")):
            continue  # a scalar letter such as m
        if m["hat"]:
            name += "hat"
        after = m["after"] or ""
        key = f"M{_code(len(table))}"
        column = re.fullmatch(r"\s*\((?P<i>[a-z])\)\s*", after)
        transposed = bool(m["bare"] or m["bare2"]) or r"\top" in after
        table[key] = Term(name, m["layer"], transposed=transposed,
                          prime=r"\prime" in after or "'" in after, column=column and column["i"])
        call = f"({column['i']})" if column else ""
        out.append(t[pos:m.start()] + f" \\{key}{call} ")
        pos = m.end()
    t = "".join(out) + t[pos:]
    expr = _parse_plain(t)
    calls = {k for k, term in table.items() if term.name == "g" or term.column}
    allowed = set(scalars) | (set(table) - calls) | {"ODOT"} | {
        term.column for term in table.values() if term.column
    }
    return _finish(expr, allowed, {**KNOWN, **{k: sp.Function(k) for k in calls}}), table


def _code(n):
    """0 -> 'aaa', 1 -> 'aab', ...: names that sort in the order they were made."""
    letters = ""
    for _ in range(3):
        n, r = divmod(n, 26)
        letters = chr(ord("a") + r) + letters
    return letters


def evaluate_matrix(expr, table, value):
    """Evaluate ``parse_matrix``'s expression with NumPy.

    ``value(term)`` gives a placeholder's array (a function for ``g``); a product
    of matrices is a matrix product in the page's order, or elementwise when it
    has ``\\odot``; ``\\sum_{i=1}^{m}`` adds its term for each i; a power of a matrix
    or ``e^{...}`` is elementwise (the pages write no matrix inverse).
    """
    def order(e):
        keys = [str(s) for s in e.free_symbols if str(s) in table]
        keys += [type(f).__name__ for f in e.atoms(sp.core.function.AppliedUndef)]
        return min(keys) if keys else ""

    def ev(e):
        if isinstance(e, sp.Symbol) and e.name in table:
            return value(table[e.name])
        if isinstance(e, sp.core.function.AppliedUndef):
            term = table[type(e).__name__]
            if term.column:
                return value(term)(int(ev(e.args[0])))
            return value(term)(ev(e.args[0]))
        if e.is_Number:
            return float(e)
        if isinstance(e, sp.Add):
            return sum(ev(a) for a in e.args)
        if isinstance(e, sp.Mul):
            factors = [a for a in e.args if a != sp.Symbol("ODOT")]
            scalars = [ev(a) for a in factors if not order(a)]
            matrices = sorted((a for a in factors if order(a)), key=order)
            out = np.prod(scalars) if scalars else 1.0
            if len(e.args) != len(factors):  # A \odot B
                return out * np.prod([ev(a) for a in matrices], axis=0)
            product = None
            for a in matrices:
                product = ev(a) if product is None else product @ ev(a)
            return out if product is None else out * product
        if isinstance(e, sp.Pow) and e.args[1].is_Number:  # elementwise, as sigma(Z) is
            return ev(e.args[0]) ** float(e.args[1])
        if isinstance(e, sp.exp):
            return np.exp(ev(e.args[0]))
        if isinstance(e, sp.Sum):
            (i, lo, hi), = e.limits
            return sum(ev(e.function.subs(i, n)) for n in range(int(ev(lo)), int(ev(hi)) + 1))
        raise FormulaError(f"cannot evaluate {e} as a matrix expression")

    return ev(expr)

"""What a cached build output depends on, and its cache key: one policy for figures and notebooks.

An output is current while its key is unchanged. The key hashes the source of
every local module (``nnlib``, ``scripts``) that the output's code can reach,
the versions of the packages that shape it, and Python's version.

Which local modules code can reach, read statically from its imports and
followed through theirs:

- ``from nnlib.activations import sigmoid`` or ``from nnlib import activations``
  reach that module, and its parent packages (importing it runs them first).
- ``import nnlib`` (or ``import nnlib.layers``, ``from nnlib import *``) binds
  the package itself, and attribute access reaches any of its submodules
  (``nnlib`` loads them lazily, on first use): that depends on every module of
  the package.

nnlib keeps its lazy submodules rather than importing them eagerly: eager
imports would make every figure depend on every nnlib module (an edit to
``nnlib/layers.py`` would re-render the activation figures), where the rule
above re-renders only what can see the change. Notebooks run a reader's code,
which may reach any of nnlib: they depend on all of it, as a bare ``import nnlib``.
"""

import ast
import collections
import functools
import hashlib
import platform
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL_PACKAGES = ("nnlib", "scripts")
WHOLE = ".*"  # suffix of a name that stands for every module of a package

# A figure module's figures also depend on the registry, the style and the builder.
FIGURE_INPUTS = ("scripts.figure_registry", "scripts.style", "scripts.build_figures")
FIGURE_PACKAGES = ("matplotlib", "numpy", "scipy")
# Executed notebooks: nnlib in any way, and the notebook code that sets up their kernels.
NOTEBOOK_INPUTS = ("nnlib" + WHOLE, "scripts.notebook_pages", "scripts.notebooks")
NOTEBOOK_PACKAGES = (
    "ipykernel", "matplotlib", "mkdocs-jupyter", "nbclient", "nbconvert", "numpy", "scipy",
)


def module_file(name, root=None):
    """The source file of a local module name, or None if it is not local."""
    if name.split(".")[0] not in LOCAL_PACKAGES:
        return None
    base = (root or ROOT).joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def package_modules(package, root=None):
    """Every module of local ``package``: {name: file}."""
    folder = (root or ROOT) / package
    modules = {}
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(root or ROOT).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def imported_names(path, name):
    """Module names that the file ``path`` (module ``name``) imports, statically.

    ``pkg.*`` stands for every module of ``pkg`` (a plain ``import pkg...``, which also gives
    its full dotted name). One home for reading imports: the tests use it too.
    """
    return _imported_names(path.read_bytes(), str(path), path.name == "__init__.py", name)


@functools.cache  # keyed on the source itself: never stale, also in a long-lived process
def _imported_names(source, filename, is_package, name):
    package = name if is_package else name.rpartition(".")[0]
    names = []
    for node in _statements(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            names += [n for alias in node.names for n in (alias.name.split(".")[0] + WHOLE,
                                                          alias.name)]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(p for p in [*parts, base] if p)
            if any(alias.name == "*" for alias in node.names):
                names.append(base + WHOLE)
            names += [base, *(f"{base}.{alias.name}" for alias in node.names)]
    return tuple(names)


def _statements(tree):
    """The statements of ``tree`` in ``ast.walk``'s order, and only those: an import is a
    statement, found in a body of statements (or of an except or case clause), never inside
    an expression, so the expressions need not be walked."""
    todo = collections.deque([tree])
    while todo:
        node = todo.popleft()
        yield node
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, list) and value and isinstance(value[0], _BLOCK):
                todo.extend(value)


_BLOCK = (ast.stmt, ast.excepthandler, ast.match_case)


def local_dependencies(*names, root=None, sources=None):
    """{module name: file} of ``names`` and every local module they reach, transitively.

    ``sources`` ({file: bytes}) gets every file read, and is read from first: calls that
    share it read each file once.
    """
    sources = {} if sources is None else sources
    seen, done, todo = {}, set(), list(names)
    while todo:
        current = todo.pop()
        if current in done:
            continue
        done.add(current)
        if current.endswith(WHOLE):
            package = current[: -len(WHOLE)]
            found = package_modules(package, root) if package in LOCAL_PACKAGES else {}
        else:
            parts = current.split(".")  # parent packages run first
            found = {p: module_file(p, root) for p in
                     (".".join(parts[:i]) for i in range(1, len(parts) + 1)) if p not in seen}
        for module, path in found.items():
            if path is not None and module not in seen:
                seen[module] = path
                if path not in sources:
                    sources[path] = path.read_bytes()
                todo.extend(_imported_names(sources[path], str(path), path.name == "__init__.py",
                                            module))
    return seen


def _versions(packages):
    """Python's version and the ``packages``' versions, the start of every key."""
    return (f"python=={platform.python_version()}\n"
            + "".join(f"{p}=={version(p)}\n" for p in sorted(packages))).encode()


def _key(versions, names, root, sources=None):
    sources = {} if sources is None else sources
    digest = hashlib.sha256(versions)
    deps = local_dependencies(*names, root=root, sources=sources)
    for name in sorted(deps):
        digest.update(name.encode() + b"\0" + sources[deps[name]] + b"\0")
    return digest.hexdigest()


def cache_key(names, packages, root=None):
    """Hash of the local modules ``names`` reach and of the ``packages``' versions."""
    return _key(_versions(packages), names, root)


def figure_keys(module_names, root=None):
    """{name: cache key of the figures it registers} for figure modules ``module_names``."""
    versions = _versions(FIGURE_PACKAGES)  # read once: each lookup parses a METADATA file
    sources = {}  # and each module's file: most figure modules reach the same ones
    return {name: _key(versions, [name, *FIGURE_INPUTS], root, sources) for name in module_names}


def figure_key(module_name, root=None):
    """The cache key of the figures that figure module ``module_name`` registers."""
    return figure_keys([module_name], root)[module_name]


def notebook_key(root=None):
    """The cache key of the executed notebooks."""
    return cache_key(NOTEBOOK_INPUTS, NOTEBOOK_PACKAGES, root)

"""Edit loop: after one edit, the figure builder re-renders exactly what depends on it.

The builder caches per figure *module*: editing a module re-renders all of its
figures, and editing an nnlib module re-renders the figures of every module
that imports it, statically and transitively (``local_dependencies`` in
``scripts/cache_keys.py``). The benchmark edits the figure module with the
fewest figures, and the nnlib module whose edit re-renders the fewest (but
some) figures, to keep the run short. Both edits happen in the repository copy: a
comment is appended to the file, then ``python -m scripts.build_figures`` runs
there, and the files it rewrote (SVGs; a widget's data, JSON) are compared with the expected
ones.
"""

import json
import sys
from pathlib import PurePosixPath

from scripts.bench.common import PYTHON, Row, changed, run, snapshot
from scripts.build_figures import output_files


def inspect_modules():
    """In a process started in the copy: each figure module's figures and local imports.

    ``figures``: what the module registers. ``static``: the builder's view of
    its local dependencies. ``runtime``: the local modules that importing it
    loads (a fresh import of every local module each time), a cross-check
    that the static view misses nothing the import itself pulls in.
    """
    import importlib

    from scripts import build_figures, cache_keys

    local = cache_keys.LOCAL_PACKAGES
    info = {}
    for name in build_figures.figure_modules():
        for key in [k for k in sys.modules if k.split(".")[0] in local and k != "scripts.bench"
                    and not k.startswith(("scripts.bench.", "scripts.build_figures"))]:
            del sys.modules[key]
        importlib.import_module(name)
        from scripts.figure_registry import FIGURES  # the fresh registry

        # what the cache key hashes
        static = cache_keys.local_dependencies(name, *cache_keys.FIGURE_INPUTS)
        info[name] = {
            "figures": sorted(p for p, fig in FIGURES.items() if fig.module == name),
            "static": sorted(static),
            "runtime": sorted(k for k in sys.modules if k.split(".")[0] in local
                              and not k.startswith("scripts.bench")
                              and cache_keys.module_file(k) is not None),
        }
    print(json.dumps(info))


def outputs(paths):
    """The files the builder writes for registry ``paths``, relative to its folder."""
    return {f.as_posix() for p in paths for f in output_files(PurePosixPath(), p).values()}


def expected_for(info, module):
    """Registry paths to re-render when local ``module`` changes: every figure (and data) of
    every figure module that is ``module`` or depends on it."""
    return {p for name, entry in info.items()
            if name == module or module in entry["static"] for p in entry["figures"]}


def written(folder):
    """What ``changed`` compares: the builder's SVGs and JSON data, not its manifest."""
    files = {**snapshot(folder), **snapshot(folder, "*.json")}
    files.pop("manifest.json", None)
    return files


def cheapest_nnlib_edit(info):
    """The nnlib module whose edit re-renders the fewest figures, but at least one.

    Ties go to ``nnlib.losses``, then by name; with no nnlib dependency at
    all, ``nnlib.losses`` (nothing must then be re-rendered).
    """
    deps = {d for e in info.values() for d in e["static"] if d.startswith("nnlib.")}
    cost = {d: len(expected_for(info, d)) for d in deps}
    cost = {d: c for d, c in cost.items() if c}
    if not cost:
        return "nnlib.losses"
    return min(cost, key=lambda d: (cost[d], d != "nnlib.losses", d))


def module_path(root, module):
    path = root.joinpath(*module.split("."))
    return path.with_suffix(".py") if path.with_suffix(".py").is_file() else path / "__init__.py"


def bench(ws, quick=False):
    """Rows for the edit-loop benchmark (see the module docstring)."""
    root, out = ws.root, ws.root / ".cache" / "figures"

    def build():
        return run([PYTHON, "-m", "scripts.build_figures"], cwd=root)[1].stdout.strip()

    build()  # bring the copy's figures up to date
    _, proc = run([PYTHON, "-c", "from scripts.bench.edit_loop import inspect_modules as f; f()"],
                  cwd=root)
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    total = sum(len(e["figures"]) for e in info.values())

    rows = []
    before = written(out)
    report = build()
    again = changed(before, written(out))
    rows.append(Row("edit loop", "no edit: files re-rendered", len(again), unit="check",
                    failed=bool(again), note=f"expected 0 files of {total} figures and data; {report}"))

    missing = {name: sorted(set(e["runtime"]) - set(e["static"]) - {name})
               for name, e in info.items()}
    missing = {k: v for k, v in missing.items() if v}
    rows.append(Row("edit loop", "import-time imports ⊆ static deps", "no" if missing else "yes",
                    unit="check", failed=bool(missing),
                    note=json.dumps(missing) if missing else ""))

    smallest = min(info, key=lambda name: (len(info[name]["figures"]), name))
    for module in (smallest, cheapest_nnlib_edit(info)):
        path = module_path(root, module)
        before = written(out)
        with path.open("a") as f:
            f.write("\n# edited by scripts.bench.edit_loop\n")
        report = build()
        want = expected_for(info, module)
        got, files = changed(before, written(out)), outputs(want)
        note = f"expected {len(files)} files of {len(want)} figures and data; {report}"
        if got != files:
            note += f"; unexpected {sorted(got - files)[:4]}, missing {sorted(files - got)[:4]}"
        rows.append(Row("edit loop", f"edit {path.relative_to(root)}: files re-rendered",
                        len(got), unit="check", failed=got != files, note=note))
    return rows

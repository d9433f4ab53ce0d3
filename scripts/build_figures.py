"""Build the site's figures into ``.cache/figures``, skipping those that are current.

    python -m scripts.build_figures [--force] [--jobs N]

Every module in ``scripts/figures/`` registers figures with ``@figure``. A
module's figures are current when its cache key is unchanged: a hash of the
module's source, the source of every ``nnlib`` and ``scripts`` module it can
reach, the registry, the plot style, this builder, and the matplotlib/NumPy/SciPy
versions (the policy lives in ``scripts/cache_keys.py``). Stale figures are rendered in
parallel, as deterministic SVG in a light and a dark variant; a widget's data
(registered with ``@data``) is written as one JSON file. One line reports
what was done; a figure that raises fails the build with its name and traceback.
"""

import argparse
import importlib
import io
import json
import os
import re
import sys
import time
import traceback
from pathlib import Path

from scripts.cache_keys import figure_keys
from scripts.figure_registry import FIGURES

ROOT = Path(__file__).resolve().parent.parent
FIGURE_MODULES = ROOT / "scripts" / "figures"
OUT = ROOT / ".cache" / "figures"


# --- rendering -------------------------------------------------------------------


def figure_modules():
    """Module names of ``scripts/figures/*.py``, in a stable order."""
    return sorted(
        f"scripts.figures.{p.stem}"
        for p in FIGURE_MODULES.glob("*.py")
        if not p.stem.startswith("_")
    )


def render(path):
    """Render figure ``path`` in every theme; return {theme: svg bytes}.

    A data path (``....json``) gives {"data": compact, key-sorted JSON bytes}.
    """
    if path.endswith(".json"):
        value = FIGURES[path].draw()
        return {"data": json.dumps(value, separators=(",", ":"), sort_keys=True,
                                   allow_nan=False).encode()}
    import matplotlib
    from matplotlib.figure import Figure

    from scripts.style import THEMES

    draw, size, _ = FIGURES[path]
    svgs = {}
    for theme, rc in THEMES.items():
        with matplotlib.rc_context(rc):
            fig = Figure(figsize=size)
            draw(fig)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None})
        svgs[theme] = _whole_pixels(_stable_ids(buffer.getvalue()))
    return svgs


_SIZE = re.compile(rb'(<svg\b[^>]*?) width="([0-9.]+)pt" height="([0-9.]+)pt"')


def _whole_pixels(svg):
    """The SVG with its root's size in whole CSS pixels, rounded; the viewBox keeps the drawing.

    A page gives an image its size in whole pixels (scripts/page_images.py), which it lays out
    before the image arrives. matplotlib writes points: 460.8pt by 216pt is 614.4 by 288 px,
    a shade wider than 614 by 288, so a lazy figure moved what follows it by 0.2 px on arrival.
    """
    def pixels(match):
        width, height = (round(float(v) * 4 / 3) for v in match.group(2, 3))
        return b'%s width="%dpx" height="%dpx"' % (match.group(1), width, height)

    svg, found = _SIZE.subn(pixels, svg, count=1)
    if not found:
        raise ValueError("the SVG's root has no width and height in points")
    return svg


_HASHED_ID = re.compile(rb"\b([pm])([0-9a-f]{10})\b")


def _stable_ids(svg):
    """Number matplotlib's clip-path and marker ids in order of appearance.

    matplotlib names them by a hash of full-precision coordinates, whose last
    bits can differ between runs under constrained layout: same picture,
    different bytes.
    """
    names = {}

    def rename(match):
        return names.setdefault(match.group(0), b"%s%d" % (match.group(1), len(names)))

    return _HASHED_ID.sub(rename, svg)


def _render_task(module_name, paths):
    """Render ``paths`` (figures of one module) in turn: [(path, svgs, error)]."""
    importlib.import_module(module_name)  # imported by build(), before the workers fork
    results = []
    for path in paths:
        try:
            results.append((path, render(path), None))
        except Exception:
            results.append((path, None, traceback.format_exc()))
    return results


def _tasks(stale_paths):
    """The render tasks of ``{module: [paths]}``: (module, paths) pairs, in the order to hand
    them out. A module that caches what its figures share (a ``functools.cache``, say
    training runs) renders all its figures in one task, so that a worker computes them once;
    any other figure is a task of its own. Larger tasks first: the small ones even out the
    workers at the end."""
    tasks = []
    for name, paths in stale_paths.items():
        module = importlib.import_module(name)
        if any(hasattr(value, "cache_info") for value in vars(module).values()):
            tasks.append((name, paths))
        else:
            tasks += [(name, [path]) for path in paths]
    return sorted(tasks, key=lambda task: -len(task[1]))  # stable: the order within a size


def output_files(out, path):
    if path.endswith(".json"):
        return {"data": out / path}
    return {theme: out / f"{path}-{theme}.svg" for theme in ("light", "dark")}


def _write(file, data):
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_name(f"{file.name}.{os.getpid()}.tmp")  # builds may run side by side
    tmp.write_bytes(data)
    tmp.replace(file)


# --- the build -------------------------------------------------------------------


def check(out=OUT, force=False):
    """The manifest in ``out``, the current part of it and the stale modules' new keys.

    A module's figures are current when the manifest has its key and every output exists.
    """
    manifest_file = out / "manifest.json"
    old = {}
    if manifest_file.is_file() and not force:
        old = json.loads(manifest_file.read_text())
    current, stale = {}, {}
    for name, key in figure_keys(figure_modules()).items():
        entry = old.get(name)
        if entry and entry["key"] == key and all(
            f.is_file() for p in entry["figures"] for f in output_files(out, p).values()
        ):
            current[name] = entry
        else:
            stale[name] = key
    return old, current, stale


def up_to_date(out=OUT):
    """The number of figures in ``out`` if ``build(out)`` would change nothing, else None."""
    old, current, stale = check(out)
    if stale or old != current or _orphans(out, current):
        return None
    return sum(len(entry["figures"]) for entry in current.values())


def build(out=OUT, force=False, jobs=None):
    """Bring the figures in ``out`` up to date. Return (current, rebuilt, errors)."""
    _, manifest, stale = check(out, force)
    current = sum(len(entry["figures"]) for entry in manifest.values())
    stale_paths, import_errors = {}, {}
    for name, key in stale.items():
        try:
            importlib.import_module(name)
        except Exception:
            import_errors[name] = f"figure module {name!r} failed to import:\n{traceback.format_exc()}"
            continue
        paths = sorted(p for p, fig in FIGURES.items() if fig.module == name)
        manifest[name] = {"key": key, "figures": paths}
        stale_paths[name] = paths

    errors = {}
    for path, svgs, error in _run(_tasks(stale_paths), jobs):
        if error:
            errors[path] = f"figure {path!r} failed:\n{error}"
            continue
        for theme, file in output_files(out, path).items():
            _write(file, svgs[theme])
    for name, paths in stale_paths.items():
        if errors.keys() & set(paths):
            del manifest[name]  # rebuilt again next time
    for file in _orphans(out, manifest):
        file.unlink()
    _write(out / "manifest.json", json.dumps(manifest, indent=1, sort_keys=True).encode())
    rendered = sum(len(paths) for paths in stale_paths.values())
    return current, rendered - len(errors), [*import_errors.values(), *errors.values()]


def _run(tasks, jobs):
    """Every (path, svgs, error) of ``tasks``, on ``jobs`` workers (default: one per core)."""
    jobs = min(jobs or os.cpu_count() or 1, len(tasks))
    if jobs <= 1:
        return [result for task in tasks for result in _render_task(*task)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import matplotlib.backends.backend_svg  # noqa: F401  (once here, not in every worker)
    import matplotlib.figure  # noqa: F401

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_one_blas_thread) as pool:
        return [result for results in pool.map(_render_task, *zip(*tasks)) for result in results]


def _one_blas_thread():
    """A worker's BLAS (OpenBLAS starts a thread per core) to one thread: with a worker per
    core, a thread per core each oversubscribed the cores, and the training runs some figures
    make took twice as long as in one process."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


def _orphans(out, manifest):
    """The SVG and JSON files in ``out`` that no manifest entry names."""
    keep = {out / "manifest.json"}
    for entry in manifest.values():
        for p in entry["figures"]:
            keep.update(output_files(out, p).values())
    return [file for file in [*out.rglob("*.svg"), *out.rglob("*.json")]
            if file.is_file() and file not in keep]


def summary(current, rebuilt, failed, seconds):
    """The builder's one line of report."""
    return (f"figures: {current} current, {rebuilt} rebuilt"
            + (f", {failed} failed" if failed else "") + f" in {seconds:.1f} s")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild every figure")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output folder (default {OUT})")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    current, rebuilt, errors = build(out=args.out, force=args.force, jobs=args.jobs)
    for error in errors:
        print(error, file=sys.stderr)
    print(summary(current, rebuilt, len(errors), time.perf_counter() - start))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

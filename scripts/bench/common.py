"""Helpers shared by the benchmarks: interleaved timing, the result table, a repo copy."""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
# What a site build reads; copied so the benchmarks never touch the developer's .cache.
COPIED = ("docs", "nnlib", "scripts", "mkdocs.yml", "package.json", "package-lock.json")
# Read, never written, by a build: linked rather than copied (MathJax's npm packages, 120 MB).
LINKED = ("node_modules",)


@dataclass
class Row:
    """One line of the table: a measured value and, if it has one, its target (a maximum)."""

    bench: str
    measure: str
    value: object  # a number, or text for a check or a skipped measure
    unit: str = "×"
    target: float | None = None
    note: str = ""
    failed: bool = False  # a check that failed, or a benchmark that crashed
    judged: bool = True  # False: the machine could not give a fair measurement

    @property
    def ok(self):
        """False when a target is missed or a check failed, else True."""
        if self.failed:
            return False
        if not self.judged or self.target is None or not isinstance(self.value, (int, float)):
            return True
        return self.value <= self.target

    @property
    def status(self):
        if not self.judged:
            return "not judged"
        if not self.ok:
            return "MISSED" if self.target is not None and not self.failed else "FAILED"
        return "ok" if self.target is not None or self.unit == "check" else ""


def interleave(cases, rounds, *, budget=None, min_rounds=1, clock=time.perf_counter):
    """Run every case once per round, rotating the order; return {name: [result, ...]}.

    ``cases`` maps a name to a function that runs the case once and returns its
    time in seconds. Round ``r`` starts at case ``r mod n``, so no case always
    runs first (after an idle machine) or last. After ``min_rounds`` rounds, no
    new round starts once ``budget`` seconds have passed.
    """
    names = list(cases)
    results = {name: [] for name in names}
    start = clock()
    for r in range(rounds):
        if r >= min_rounds and budget is not None and clock() - start >= budget:
            break
        k = r % len(names)
        for name in names[k:] + names[:k]:
            results[name].append(cases[name]())
    return results


def paired_ratio(numerator, denominator):
    """Median over rounds of ``numerator[r] / denominator[r]`` (times taken side by side)."""
    if not numerator or len(numerator) != len(denominator):
        raise ValueError("paired_ratio needs two non-empty lists of the same length")
    return statistics.median(a / b for a, b in zip(numerator, denominator))


def wall(fn, *args, repeat=1, clock=time.perf_counter):
    """Seconds that ``fn(*args)`` takes: the best of ``repeat`` back-to-back runs.

    The best of a few filters out the runs another process interrupted.
    """
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        fn(*args)
        best = min(best, clock() - start)
    return best


def run(cmd, cwd, check=True):
    """Run ``cmd`` in ``cwd``; return (seconds, completed process)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if check and result.returncode:
        raise RuntimeError(
            f"{' '.join(map(str, cmd))} failed in {cwd}:\n"
            f"{result.stderr[-3000:]}{result.stdout[-2000:]}"
        )
    return seconds, result


class Workspace:
    """A throwaway copy of the repository's site sources, shared by the benchmarks.

    Builds and edits happen in the copy, so the developer's ``.cache`` and
    sources are never touched. ``site`` is set by the build benchmark to a
    site built with the full configuration.
    """

    def __init__(self, root=ROOT):
        self._tmp = tempfile.TemporaryDirectory(prefix="nnlib-bench-")
        self.tmp = Path(self._tmp.name)
        self.root = self.tmp / "repo"
        self.site = None
        ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.tmp",
                                        "node_modules")
        self.root.mkdir(parents=True)
        for name in LINKED:
            if (root / name).exists():
                (self.root / name).symlink_to(root / name)
        for name in COPIED:
            src = root / name
            if src.is_dir():
                shutil.copytree(src, self.root / name, ignore=ignore)
            else:
                self.root.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, self.root / name)

    def close(self):
        self._tmp.cleanup()


def snapshot(folder, pattern="*.svg"):
    """{relative path: (inode, mtime_ns, size)} of the files under ``folder``."""
    stats = {}
    for path in sorted(folder.rglob(pattern)):
        st = path.stat()
        stats[path.relative_to(folder).as_posix()] = (st.st_ino, st.st_mtime_ns, st.st_size)
    return stats


def changed(before, after):
    """Files of ``after`` that are new or were rewritten since ``before``."""
    return {path for path, stat in after.items() if before.get(path) != stat}


def fmt(value, unit):
    """``value`` for the table: ratios as ``1.07×``, quantities with their unit."""
    if isinstance(value, (int, float)) and unit == "×":
        return f"{value:.2f}×"
    if isinstance(value, (int, float)) and unit not in ("", "check"):
        return f"{value:.{1 if abs(value) < 100 else 0}f} {unit}"
    return str(value)


def table(rows):
    """The rows as a plain-text table."""
    head = ("benchmark", "measure", "value", "target", "status", "note")
    lines = [
        (r.bench, r.measure, fmt(r.value, r.unit),
         f"≤ {fmt(float(r.target), r.unit)}" if r.target is not None else "",
         r.status, r.note)
        for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines)]
    out = []
    for i, line in enumerate([head, *lines]):
        out.append("  ".join(str(x).ljust(w) for x, w in zip(line, widths)).rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)

"""Figures: the cold figure stage in parallel against the same figures one after another.

Each run is a fresh ``python -m scripts.bench.figure_stage OUT JOBS`` in the
repository copy, timing ``build_figures.build(out=OUT, force=True, jobs=JOBS)``
(module imports and matplotlib's included, interpreter start-up not), with
``JOBS`` 0 for the builder's default (one worker per core) or 1. The two
outputs, and those of every repetition, must be byte-identical.

Parallelism only pays when the machine has idle cores, and a load average
says little about that. So the same rounds also time a calibration: two
pure-Python busy loops in two processes against the same loops one after
another (0.5× on an idle 2-core machine). When the calibration itself is
worse than ``CALIBRATION_LIMIT``, the machine had no second core to spare:
the figure ratio is reported but not judged.
"""

import hashlib
import json
import multiprocessing
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from scripts.bench.common import PYTHON, Row, interleave, paired_ratio, run, wall

TARGET = 0.6
CALIBRATION_LIMIT = 0.6  # at least ~1.7 of the 2 cores were free
SPIN = 8_000_000  # iterations of the busy loop: about half a second of one core


def spin(n=SPIN):
    """A busy loop: CPU only, no memory traffic, no I/O."""
    total = 0
    for i in range(n):
        total += i
    return total


def spin_parallel(n=SPIN):
    """Two busy loops in two forked processes."""
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(spin, [n, n])


def spin_serial(n=SPIN):
    spin(n)
    spin(n)


def svg_digests(out):
    """{path relative to ``out``: sha256 of its bytes} for every SVG under ``out``."""
    return {path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(out.rglob("*.svg"))}


def child(out, jobs):
    """In a fresh process: one forced build into ``out``; print a JSON summary."""
    from scripts import build_figures

    out = Path(out)
    cpu, start = cpu_seconds(), time.perf_counter()
    _, rebuilt, errors = build_figures.build(out=out, force=True, jobs=jobs or None)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "cpu": cpu_seconds() - cpu, "figures": rebuilt,
                      "errors": errors, "svgs": svg_digests(out)}))


def cpu_seconds():
    """CPU time of this process and its finished children (the builder's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def load():
    """The 1-minute load average, as text: other work on the machine competes for its cores."""
    return f"{os.getloadavg()[0]:.1f}"


def bench(ws, quick=False):
    """Rows for the figure-stage benchmark (see the module docstring)."""
    runs = {0: [], 1: []}

    def case(jobs):
        def once():
            out = Path(tempfile.mkdtemp(dir=ws.tmp, prefix=f"figures-j{jobs}-"))
            try:
                _, proc = run([PYTHON, "-m", "scripts.bench.figure_stage", str(out), str(jobs)],
                              cwd=ws.root)
            finally:
                shutil.rmtree(out, ignore_errors=True)
            data = json.loads(proc.stdout.strip().splitlines()[-1])
            if data["errors"]:
                raise RuntimeError("figures failed:\n" + "\n".join(data["errors"]))
            runs[jobs].append(data)
            return data["seconds"]

        return once

    times = interleave({"parallel": case(0), "serial": case(1),
                        "spin parallel": lambda: wall(spin_parallel),
                        "spin serial": lambda: wall(spin_serial)},
                       1 if quick else 3, budget=None if quick else 40)
    calibration = paired_ratio(times["spin parallel"], times["spin serial"])
    fair = calibration <= CALIBRATION_LIMIT and (os.cpu_count() or 1) >= 2
    # Cores the parallel run kept busy: near 1 means the machine had no second core to give.
    busy = statistics.median(d["cpu"] / d["seconds"] for d in runs[0])
    cpu = paired_ratio([d["cpu"] for d in runs[0]], [d["cpu"] for d in runs[1]])
    every = runs[0] + runs[1]
    paths = {path for d in every for path in d["svgs"]}
    differ = sorted(p for p in paths if len({d["svgs"].get(p) for d in every}) > 1)
    serial = statistics.median(times["serial"])
    note = (f"{len(times['serial'])} pairs; serial median {serial:.1f} s;"
            f" parallel kept {busy:.2f} cores busy; CPU time parallel / serial {cpu:.2f}")
    return [
        Row("figures", f"parallel / serial ({runs[1][0]['figures']} figures, "
                       f"{os.cpu_count()} cores)",
            paired_ratio(times["parallel"], times["serial"]), target=TARGET, judged=fair,
            note=note if fair else "machine busy (see calibration); " + note),
        Row("figures", "calibration: 2 busy loops in parallel / in series", calibration,
            note=f"0.50× on an idle 2-core machine; not judged above {CALIBRATION_LIMIT}×; "
                 f"load {load()}"),
        Row("figures", "every run writes the same bytes", "no" if differ else "yes",
            unit="check", failed=bool(differ), note=", ".join(differ[:6])),
    ]

if __name__ == "__main__":
    child(sys.argv[1], int(sys.argv[2]))

"""Run the benchmarks, print one table, exit 1 if a target is missed or a check fails.

    python -m scripts.bench [build figures edit nnlib reader] [--quick]

Builds and edits run in a temporary copy of the repository: the developer's
``.cache`` and sources are never touched.
"""

import argparse
import os
import sys
import time
import traceback

from scripts.bench import build, edit_loop, figure_stage, nnlib_speed, reader
from scripts.bench.common import Row, Workspace, table

BENCHES = {
    "build": build.bench,
    "figures": figure_stage.bench,
    "edit": edit_loop.bench,
    "nnlib": nnlib_speed.bench,
    "reader": reader.bench,
}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m scripts.bench",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"benchmarks to run (default: all): {', '.join(BENCHES)}")
    parser.add_argument("--quick", action="store_true",
                        help="a short smoke run: every benchmark runs once; ratios are rough")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(BENCHES))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(BENCHES)}")
    names = args.names or list(BENCHES)

    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} cores, load average {load:.1f} at start. Ratios are medians over "
          f"interleaved repetitions.", flush=True)
    rows, start = [], time.perf_counter()
    ws = Workspace()
    try:
        for name in names:
            began = time.perf_counter()
            print(f"{name}...", end=" ", file=sys.stderr, flush=True)
            try:
                rows += BENCHES[name](ws, quick=args.quick)
            except Exception as error:
                traceback.print_exc()
                first = (str(error).splitlines() or [""])[0]
                rows.append(Row(name, "crashed (traceback above)",
                                f"{type(error).__name__}: {first}"[:100], unit="", failed=True))
            print(f"{time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
    finally:
        ws.close()
    print(table(rows))
    missed = [r for r in rows if not r.ok]
    unjudged = sum(not r.judged for r in rows)
    judged = sum(r.target is not None or r.unit == "check" or r.failed for r in rows)
    print(f"{len(missed)} of {judged} "
          f"targets and checks missed" + (f", {unjudged} not judged" if unjudged else "")
          + f", in {time.perf_counter() - start:.0f} s")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

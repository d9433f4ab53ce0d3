"""Build: a warm and a cold full build against a bare MkDocs build of the same pages.

*bare*: ``mkdocs.yml`` with no hooks (no figure stage, no math typeset) and
mkdocs-jupyter not executing the notebooks. It keeps the plugin's cache of
converted notebooks in a folder of its own (the real build's hook clears
``.cache/mkdocs-jupyter`` of other keys), so the bare build is the floor: a
plain MkDocs build with its caches warm. *warm*: the real config with every
cache current (figures and executed notebooks). *cold*: the real config with
an empty ``.cache``. All run in a copy of the repository, non-strict (the
bare build misses the figures), each as its own ``python -m mkdocs build``.
"""

import re
import shutil
import statistics

import yaml

from scripts.bench.common import PYTHON, Row, interleave, paired_ratio, run

BARE_CONFIG = "mkdocs.bench-bare.yml"
# The hook's summary: "math: 878 formulas, 878 typeset (the rest cached) in 2.4 s".
MATH_LINE = re.compile(r"math: (\d+) formulas, (\d+) typeset \(the rest cached\) in ([0-9.]+) s")
WARM_TARGET = 1.15


class _Tagged:
    """A tagged YAML value (``!ENV``, ``!!python/name:``): the bare config cannot restate it."""

    def __init__(self, tag):
        self.tag = tag


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_multi_constructor("", lambda loader, tag, node: _Tagged(tag))


BARE_NOTEBOOK_CACHE = ".bench-bare-cache/mkdocs-jupyter"


def bare_config(main_config_text, main_config="mkdocs.yml", notebook_cache=BARE_NOTEBOOK_CACHE):
    """YAML text of a config that INHERITs ``main_config`` with hooks off and notebooks not run.

    MkDocs merges an inherited config with ``mergedeep``: mappings are merged
    key by key, lists are replaced whole. ``hooks`` and ``plugins`` are lists,
    so both are restated in full: no hooks, and every plugin as it is except
    mkdocs-jupyter, which gets ``execute: false`` and ``cache_dir: notebook_cache``.
    """
    plugins = yaml.load(main_config_text, Loader=_Loader).get("plugins") or []
    entries = plugins.items() if isinstance(plugins, dict) else [
        next(iter(p.items())) if isinstance(p, dict) else (p, None) for p in plugins
    ]
    bare = []
    for name, options in entries:
        if name == "mkdocs-jupyter":
            options = {**(options or {}), "execute": False, "cache_dir": notebook_cache}
        if _has_tag(options):
            raise ValueError(f"plugin {name!r} has tagged YAML options: restate them by hand")
        bare.append({name: options} if options is not None else name)
    return yaml.safe_dump(
        {"INHERIT": main_config, "hooks": [], "plugins": bare}, sort_keys=False
    )


def _has_tag(value):
    if isinstance(value, _Tagged):
        return True
    if isinstance(value, dict):
        return any(_has_tag(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_tag(v) for v in value)
    return False


def pages(site):
    """The HTML pages of a built site, relative to it."""
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def bench(ws, quick=False):
    """Rows for the build benchmark (see the module docstring)."""
    root = ws.root
    (root / BARE_CONFIG).write_text(bare_config((root / "mkdocs.yml").read_text()))
    sites = {kind: ws.tmp / f"site-{kind}" for kind in ("cold", "warm", "bare")}
    math = []  # the cold builds' math stage: (seconds, formulas typeset)

    def case(kind):
        def once():
            if kind == "cold":
                shutil.rmtree(root / ".cache", ignore_errors=True)
            config = BARE_CONFIG if kind == "bare" else "mkdocs.yml"
            seconds, result = run(
                [PYTHON, "-m", "mkdocs", "build", "-f", config, "--site-dir", str(sites[kind])],
                cwd=root,
            )
            line = MATH_LINE.search(result.stdout + result.stderr)
            if kind == "cold" and line:
                math.append((float(line.group(3)), int(line.group(2))))
            return seconds

        return once

    case("bare")()  # fills the bare build's notebook cache; compiles the copy's bytecode
    # Cold builds are slow: two rounds with them, then more warm/bare pairs.
    times = interleave({kind: case(kind) for kind in sites}, 1 if quick else 2)
    more = interleave({k: case(k) for k in ("warm", "bare")}, 1 if quick else 10,
                      budget=None if quick else 30)
    warm, bare = times["warm"] + more["warm"], times["bare"] + more["bare"]
    ws.site = sites["warm"]

    med = {k: statistics.median(v) for k, v in {**times, "warm": warm, "bare": bare}.items()}
    same = pages(sites["bare"]) == pages(sites["warm"])
    return [
        Row("build", "warm / bare", paired_ratio(warm, bare), target=WARM_TARGET,
            note=f"{len(warm)} pairs; medians {med['warm']:.2f} s vs {med['bare']:.2f} s"),
        Row("build", "cold / bare", paired_ratio(times["cold"], times["bare"]),
            note=f"{len(times['cold'])} pairs; median cold {med['cold']:.1f} s"
                 + (f", of which math {statistics.median(s for s, _ in math):.1f} s "
                    f"({math[0][1]} formulas typeset by one Node process)" if math else "")),
        Row("build", "bare builds the same pages", "yes" if same else "no", unit="check",
            failed=not same, note=f"{len(pages(sites['warm']))} HTML files"),
    ]


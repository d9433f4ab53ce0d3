"""The figure builder: deterministic SVG, caching by content, clear failures."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import scripts.figures.activations  # noqa: F401  (registers the figures rendered below)
import scripts.figures.regularisation  # noqa: F401
from scripts import build_figures, cache_keys
from scripts.figure_registry import FIGURES

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A cold build of one figure module (the site build covers all of them)."""
    patch = pytest.MonkeyPatch()
    patch.setattr(build_figures, "figure_modules", lambda: ["scripts.figures.activations"])
    out = tmp_path_factory.mktemp("figures")
    yield out, build_figures.build(out=out)
    patch.undo()


def test_cold_build_renders_every_figure_in_both_themes(built):
    out, (current, rebuilt, errors) = built
    assert errors == []
    assert current == 0 and rebuilt > 0
    svgs = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.svg"))
    assert len(svgs) == 2 * rebuilt
    assert "activations/relu-light.svg" in svgs and "activations/relu-dark.svg" in svgs


def test_warm_build_renders_nothing(built):
    out, (_, rebuilt, _) = built
    assert build_figures.build(out=out) == (rebuilt, 0, [])


def test_missing_output_is_rebuilt(built):
    out, (_, rebuilt, _) = built
    (out / "activations" / "tanh-dark.svg").unlink()
    current, again, errors = build_figures.build(out=out)
    assert errors == [] and again > 0 and current + again == rebuilt
    assert (out / "activations" / "tanh-dark.svg").is_file()


def test_svg_is_byte_identical_from_run_to_run():
    first = build_figures.render("activations/relu")
    second = build_figures.render("activations/relu")
    assert first == second
    for svg in first.values():
        assert b"<dc:date>" not in svg  # no timestamp in the metadata
        assert b"<text" not in svg  # text drawn as paths: no font needed
        # matplotlib's hash-named clip paths vary with float noise: renumbered.
        assert re.search(rb'id="p[0-9a-f]{10}"', svg) is None
        assert b'clip-path="url(#p0)"' in svg


def test_light_and_dark_variants_use_their_theme_colours():
    svgs = build_figures.render("activations/sigmoid")
    assert b"#1f2328" in svgs["light"] and b"#1f2328" not in svgs["dark"]
    assert b"#e6edf3" in svgs["dark"] and b"#e6edf3" not in svgs["light"]


def test_every_elementwise_activation_has_a_figure():
    from nnlib.activations import ACTIVATIONS, Softmax

    for name, act in ACTIVATIONS.items():
        if not isinstance(act, Softmax):
            assert f"activations/{name}" in FIGURES


def test_cache_key_follows_imports_into_nnlib():
    deps = cache_keys.local_dependencies("scripts.figures.activations")
    assert {"nnlib", "nnlib.activations", "nnlib._checks", "scripts.figure_registry"} <= set(deps)
    assert "nnlib.layers" not in deps  # the activation figures do not use layers


def fake_project(root, figure_source):
    """A project with nnlib/{__init__,core,other}.py and one figure module, demo."""
    (root / "nnlib").mkdir()
    (root / "nnlib" / "__init__.py").write_text("")
    (root / "nnlib" / "core.py").write_text("X = 1\n")
    (root / "nnlib" / "other.py").write_text("Y = 1\n")
    (root / "scripts" / "figures").mkdir(parents=True)
    for name in ("__init__.py", "figure_registry.py", "style.py", "build_figures.py"):
        (root / "scripts" / name).write_text("")
    (root / "scripts" / "figures" / "demo.py").write_text(figure_source)


@pytest.mark.parametrize("source, reaches_other", [
    ("from nnlib.core import X\n", False),
    ("from nnlib import core\n", False),
    ("import nnlib\nnnlib.other.Y\n", True),  # attribute access reaches any submodule
    ("import nnlib.core\nnnlib.other.Y\n", True),  # binds nnlib too
    ("from nnlib import *\n", True),
    ("def f():\n    import nnlib\n", True),  # an import inside a function counts
])
def test_cache_key_changes_with_every_module_the_figure_can_reach(tmp_path, source,
                                                                   reaches_other):
    fake_project(tmp_path, source)
    before = cache_keys.figure_key("scripts.figures.demo", root=tmp_path)
    (tmp_path / "nnlib" / "core.py").write_text("X = 2\n")
    after_core = cache_keys.figure_key("scripts.figures.demo", root=tmp_path)
    assert after_core != before
    (tmp_path / "nnlib" / "other.py").write_text("Y = 2\n")
    after_other = cache_keys.figure_key("scripts.figures.demo", root=tmp_path)
    assert (after_other != after_core) == reaches_other


def test_notebook_key_changes_with_every_nnlib_module(tmp_path):
    fake_project(tmp_path, "")
    (tmp_path / "scripts" / "notebook_pages.py").write_text("")
    keys = {cache_keys.notebook_key(root=tmp_path)}
    for name in ("__init__.py", "core.py", "other.py"):
        (tmp_path / "nnlib" / name).write_text("# edited\n")
        keys.add(cache_keys.notebook_key(root=tmp_path))
    assert len(keys) == 4


def test_both_keys_include_package_versions(monkeypatch):
    figure, notebook = cache_keys.figure_key("scripts.figures.neuron"), cache_keys.notebook_key()
    real = cache_keys.version
    monkeypatch.setattr(cache_keys, "version",
                        lambda p: "0.0" if p == "numpy" else real(p))
    assert cache_keys.figure_key("scripts.figures.neuron") != figure
    assert cache_keys.notebook_key() != notebook


def copy_sources(dest):
    """nnlib/ and scripts/ (the builder's inputs) copied into ``dest``."""
    for name in ("nnlib", "scripts"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))


def run_builder(root, *args):
    result = subprocess.run([sys.executable, "-m", "scripts.build_figures", *args], cwd=root,
                            capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(root)})
    assert result.returncode == 0, result.stderr
    return result.stdout


DEMO = """\
import nnlib
from scripts.figure_registry import figure


@figure("demo/sigmoid")
def sigmoid(fig):
    ax = fig.subplots()
    ax.plot([-1.0, 0.0, 1.0], nnlib.activations.sigmoid([-1.0, 0.0, 1.0]))
"""


@pytest.mark.build
def test_editing_an_nnlib_module_reached_only_through_import_nnlib_rebuilds_the_figure(
        tmp_path):
    copy_sources(tmp_path)
    for module in (tmp_path / "scripts" / "figures").glob("*.py"):
        module.unlink()
    (tmp_path / "scripts" / "figures" / "demo.py").write_text(DEMO)
    assert "0 current, 1 rebuilt" in run_builder(tmp_path)
    assert "1 current, 0 rebuilt" in run_builder(tmp_path)
    with (tmp_path / "nnlib" / "activations.py").open("a") as f:
        f.write("\n# edited\n")
    assert "0 current, 1 rebuilt" in run_builder(tmp_path)


@pytest.mark.build
def test_two_processes_render_every_figure_to_the_same_bytes(tmp_path):
    """Two cold builds in separate processes (different hash seeds), no cache shared."""
    outs = [tmp_path / "first", tmp_path / "second"]
    for seed, out in enumerate(outs, start=1):
        subprocess.run([sys.executable, "-m", "scripts.build_figures", "--out", str(out)],
                       cwd=ROOT, check=True, capture_output=True,
                       env={**os.environ, "PYTHONHASHSEED": str(seed)})
    files = [sorted(p.relative_to(out) for p in out.rglob("*.svg")) for out in outs]
    assert files[0] == files[1] and len(files[0]) >= 2 * len(build_figures.figure_modules())
    differing = [f for f in files[0] if (outs[0] / f).read_bytes() != (outs[1] / f).read_bytes()]
    assert differing == []


def test_figures_that_share_cached_runs_are_one_task_of_a_parallel_build():
    """Regularisation's two figures draw the same trained networks (a functools.cache): one
    task, so one worker trains them once. Activation figures share nothing: one task each,
    after the larger task, to even the workers out at the end."""
    stale = {name: sorted(p for p, f in FIGURES.items() if f.module == name)
             for name in ("scripts.figures.activations", "scripts.figures.regularisation")}
    assert len(stale["scripts.figures.regularisation"]) == 2
    tasks = build_figures._tasks(stale)
    assert tasks == [("scripts.figures.regularisation", stale["scripts.figures.regularisation"]),
                     *[("scripts.figures.activations", [p])
                       for p in stale["scripts.figures.activations"]]]


def test_a_failing_figure_fails_the_build_with_its_name_and_traceback(tmp_path, monkeypatch):
    monkeypatch.setattr(build_figures, "figure_modules", lambda: ["tests.broken_figure"])
    current, rebuilt, errors = build_figures.build(out=tmp_path)
    assert (current, rebuilt) == (0, 0)
    assert len(errors) == 1
    assert re.search(r"figure 'broken/division' failed:\n.*Traceback", errors[0], re.S)
    assert "ZeroDivisionError" in errors[0]
    assert not list(tmp_path.rglob("*.svg"))


def test_a_module_that_fails_to_import_fails_the_build_with_its_name(tmp_path, monkeypatch):
    monkeypatch.setattr(build_figures, "figure_modules", lambda: ["tests.broken_import"])
    current, rebuilt, errors = build_figures.build(out=tmp_path)
    assert (current, rebuilt) == (0, 0)
    assert len(errors) == 1
    assert "figure module 'tests.broken_import' failed to import" in errors[0]
    assert "ImportError: no such thing" in errors[0]


def test_up_to_date_is_true_exactly_when_a_build_would_change_nothing(tmp_path, monkeypatch):
    """The hook's check, without a process: any change a build would make says "not current"."""
    monkeypatch.setattr(build_figures, "figure_modules", lambda: ["tests.data_figure"])
    out = tmp_path
    assert build_figures.up_to_date(out) is None  # nothing built yet
    build_figures.build(out=out)
    assert build_figures.up_to_date(out) == 2

    def changed(edit):
        edit()
        verdict = build_figures.up_to_date(out)
        build_figures.build(out=out)
        return verdict is None and build_figures.up_to_date(out) == 2

    manifest = out / "manifest.json"
    entry = json.loads(manifest.read_text())
    assert changed(lambda: (out / "demo" / "empty-light.svg").unlink())  # an output missing
    assert changed(lambda: (out / "demo" / "old-light.svg").write_text("<svg/>"))  # an orphan
    assert changed(lambda: manifest.write_text(json.dumps(  # a source edited: another key
        {"tests.data_figure": {**entry["tests.data_figure"], "key": "0" * 64}})))
    assert changed(lambda: manifest.write_text(json.dumps(  # a figure module removed
        {**entry, "scripts.figures.gone": {"key": "0" * 64, "figures": []}})))
    monkeypatch.setattr(build_figures, "figure_modules",  # a figure module added
                        lambda: ["tests.data_figure", "scripts.figures.neuron"])
    assert build_figures.up_to_date(out) is None


def test_the_hook_starts_the_builder_only_when_a_figure_is_stale(tmp_path, monkeypatch):
    from scripts import mkdocs_hooks

    monkeypatch.setattr(build_figures, "figure_modules", lambda: ["tests.data_figure"])
    monkeypatch.setattr(mkdocs_hooks, "FIGURES", tmp_path)
    started = []
    monkeypatch.setattr(mkdocs_hooks.subprocess, "run", lambda args, **kwargs: started.append(
        args) or subprocess.CompletedProcess(args, 0, "figures: built", ""))
    build_figures.build(out=tmp_path)
    mkdocs_hooks.on_pre_build(None)
    assert started == []
    (tmp_path / "demo" / "numbers.json").unlink()
    mkdocs_hooks.on_pre_build(None)
    assert started == [[sys.executable, "-m", "scripts.build_figures"]]

"""The figure builder: deterministic SVG, caching by content, clear failures."""

import re

import pytest

import scripts.figures.activations  # noqa: F401  (registers the figures rendered below)
from scripts import build_figures
from scripts.figure import FIGURES


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
    deps = build_figures.local_dependencies("scripts.figures.activations")
    assert {"nnlib", "nnlib.activations", "nnlib._checks", "scripts.figure"} <= set(deps)
    assert "nnlib.layers" not in deps  # the activation figures do not use layers


def test_cache_key_changes_with_a_dependency(tmp_path, monkeypatch):
    (tmp_path / "nnlib").mkdir()
    (tmp_path / "nnlib" / "__init__.py").write_text("")
    (tmp_path / "nnlib" / "core.py").write_text("X = 1\n")
    (tmp_path / "scripts" / "figures").mkdir(parents=True)
    for name in ("__init__.py", "figure.py", "style.py", "build_figures.py"):
        (tmp_path / "scripts" / name).write_text("")
    (tmp_path / "scripts" / "figures" / "demo.py").write_text("from nnlib.core import X\n")
    monkeypatch.setattr(build_figures, "ROOT", tmp_path)
    before = build_figures.cache_key("scripts.figures.demo")
    (tmp_path / "nnlib" / "core.py").write_text("X = 2\n")
    assert build_figures.cache_key("scripts.figures.demo") != before


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

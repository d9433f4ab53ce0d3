"""The benchmark helpers (scripts/bench): right answers on known inputs. Nothing here is timed."""

import gzip
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from mkdocs.config import load_config
from mkdocs.utils import yaml_load

from nnlib import activations, training
from scripts.bench import common, edit_loop, figure_stage, nnlib_speed, reader
from scripts.bench.build import bare_config
from scripts.bench.common import Row

ROOT = Path(__file__).resolve().parent.parent


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


# --- timing helpers -----------------------------------------------------------


def test_interleave_rotates_the_order_every_round():
    calls = []
    cases = {name: (lambda name=name: calls.append(name) or 1.0) for name in "abc"}
    results = common.interleave(cases, rounds=3)
    assert calls == list("abc" "bca" "cab")
    assert results == {"a": [1.0] * 3, "b": [1.0] * 3, "c": [1.0] * 3}


def test_interleave_stops_starting_rounds_once_the_budget_is_spent():
    clock = FakeClock()

    def case():
        clock.now += 4.0
        return 4.0

    results = common.interleave({"x": case, "y": case}, rounds=10, budget=20, clock=clock)
    assert len(results["x"]) == len(results["y"]) == 3  # rounds start at t = 0, 8, 16
    few = common.interleave({"x": case}, rounds=10, budget=0, min_rounds=2, clock=clock)
    assert len(few["x"]) == 2


def test_paired_ratio_is_the_median_of_per_round_ratios():
    assert common.paired_ratio([2.0, 3.0, 10.0], [1.0, 1.0, 1.0]) == 3.0
    assert common.paired_ratio([1.0, 4.0], [2.0, 2.0]) == pytest.approx(1.25)
    with pytest.raises(ValueError):
        common.paired_ratio([1.0], [1.0, 2.0])


def test_wall_is_the_best_of_its_repeats():
    clock, durations = FakeClock(), iter([3.0, 1.0, 2.0])

    def work():
        clock.now += next(durations)

    assert common.wall(work, repeat=3, clock=clock) == 1.0


# --- the table ----------------------------------------------------------------


def test_rows_meet_or_miss_their_target():
    assert Row("b", "m", 1.1, target=1.15).status == "ok"
    missed = Row("b", "m", 1.2, target=1.15)
    assert not missed.ok and missed.status == "MISSED"
    failed = Row("b", "m", "no", unit="check", failed=True)
    assert not failed.ok and failed.status == "FAILED"
    info = Row("b", "m", 81.2, unit="KB")
    assert info.ok and info.status == ""


def test_table_shows_values_targets_and_status():
    text = common.table([Row("build", "warm / bare", 1.234, target=1.15),
                         Row("reader", "weight", 81.25, unit="KB"),
                         Row("reader", "typeset", 1004, unit="ms"),
                         Row("edit", "re-rendered", 2, unit="check")])
    lines = text.splitlines()
    assert lines[0].split()[:5] == ["benchmark", "measure", "value", "target", "status"]
    assert "1.23×" in lines[2] and "≤ 1.15×" in lines[2] and "MISSED" in lines[2]
    assert "81.2 KB" in lines[3] and "1004 ms" in lines[4]
    assert lines[5].split()[2:4] == ["2", "ok"]


# --- build: the bare configuration --------------------------------------------


def test_bare_config_inherits_everything_but_hooks_and_notebook_execution(tmp_path):
    (tmp_path / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text())
    (tmp_path / "bare.yml").write_text(bare_config((ROOT / "mkdocs.yml").read_text()))
    with open(tmp_path / "mkdocs.yml", "rb") as f:
        main = yaml_load(f)
    with open(tmp_path / "bare.yml", "rb") as f:
        bare = yaml_load(f)  # MkDocs' own loader resolves INHERIT
    assert bare["hooks"] == [] and main["hooks"]
    assert {k: v for k, v in bare.items() if k not in ("hooks", "plugins")} == {
        k: v for k, v in main.items() if k not in ("hooks", "plugins")}

    def plugins(config):
        return [p if isinstance(p, dict) else {p: None} for p in config["plugins"]]

    for got, want in zip(plugins(bare), plugins(main), strict=True):
        if "mkdocs-jupyter" in want:
            assert got["mkdocs-jupyter"] == {**want["mkdocs-jupyter"], "execute": False,
                                             "cache_dir": ".bench-bare-cache/mkdocs-jupyter"}
        else:
            assert got == want


def test_bare_config_is_a_valid_mkdocs_config(tmp_path):
    for folder in ("docs", "nnlib", "scripts/theme"):  # docs_dir, watch, theme.custom_dir
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text())
    (tmp_path / "bare.yml").write_text(bare_config((ROOT / "mkdocs.yml").read_text()))
    config = load_config(str(tmp_path / "bare.yml"))
    assert config.plugins["mkdocs-jupyter"].config["execute"] is False
    assert not [name for name in config.plugins if "hooks" in name]


def test_bare_config_handles_plugin_mappings_and_refuses_tags():
    text = bare_config("plugins:\n  search: {}\n  mkdocs-jupyter:\n    execute: true\n",
                       notebook_cache="nb")
    assert yaml_load(text)["plugins"] == [
        {"search": {}}, {"mkdocs-jupyter": {"execute": False, "cache_dir": "nb"}}]
    assert yaml_load(bare_config("plugins: [mkdocs-jupyter]", notebook_cache="nb"))["plugins"] == [
        {"mkdocs-jupyter": {"execute": False, "cache_dir": "nb"}}]
    with pytest.raises(ValueError, match="tagged"):
        bare_config("plugins:\n  - search:\n      lang: !ENV [LANG, en]\n")


# --- edit loop ------------------------------------------------------------------


def test_changed_finds_rewritten_and_new_files_only(tmp_path):
    for name in ("a.svg", "b.svg", "sub/c.svg"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("<svg/>")
    before = common.snapshot(tmp_path)
    tmp = tmp_path / "b.svg.123.tmp"  # as the builder writes: a new file moved over the old
    tmp.write_text("<svg/>")
    tmp.replace(tmp_path / "b.svg")
    (tmp_path / "d.svg").write_text("<svg/>")
    assert common.changed(before, common.snapshot(tmp_path)) == {"b.svg", "d.svg"}


INFO = {
    "scripts.figures.a": {"figures": ["a/one", "a/two"], "static": ["nnlib", "nnlib.activations"]},
    "scripts.figures.b": {"figures": ["b/one"],
                          "static": ["nnlib", "nnlib.activations", "nnlib.losses"]},
    "scripts.figures.c": {"figures": ["c/1", "c/2", "c/3", "c/4"],
                          "static": ["nnlib", "nnlib.datasets", "nnlib.losses"]},
}


def test_expected_for_an_edit_is_every_figure_of_every_dependent_module():
    assert edit_loop.expected_for(INFO, "scripts.figures.a") == {"a/one", "a/two"}
    assert edit_loop.expected_for(INFO, "nnlib.losses") == {"b/one", "c/1", "c/2", "c/3", "c/4"}
    assert edit_loop.expected_for(INFO, "nnlib.layers") == set()


def test_the_files_of_a_figure_are_its_two_svgs_and_of_data_its_json():
    assert edit_loop.outputs(["a/one", "w/frames.json"]) == {
        "a/one-light.svg", "a/one-dark.svg", "w/frames.json"}


def test_the_nnlib_edit_is_the_cheapest_that_re_renders_something():
    # activations re-renders 3 figures, datasets 4, losses 5, layers none
    assert edit_loop.cheapest_nnlib_edit(INFO) == "nnlib.activations"
    tie = {"m": {"figures": ["x"], "static": ["nnlib.losses", "nnlib.activations"]}}
    assert edit_loop.cheapest_nnlib_edit(tie) == "nnlib.losses"  # the brief's example wins ties
    assert edit_loop.cheapest_nnlib_edit({"m": {"figures": ["x"], "static": []}}) == "nnlib.losses"


def test_inspect_modules_reports_figures_and_dependencies_of_the_real_modules():
    result = subprocess.run(
        [sys.executable, "-c",
         "from scripts.bench.edit_loop import inspect_modules; inspect_modules()"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    info = json.loads(result.stdout.strip().splitlines()[-1])
    entry = info["scripts.figures.activations"]
    assert "activations/relu" in entry["figures"]
    assert {"nnlib.activations", "scripts.figure_registry", "scripts.style"} <= set(entry["static"])
    assert "nnlib.activations" in entry["runtime"]


# --- nnlib ------------------------------------------------------------------------

SMALL = [((3, 4, 1), ("tanh", "sigmoid"), 5), ((3, 4, 4, 3), ("relu", "relu", "softmax"), 6)]


@pytest.mark.parametrize("sizes, names, m", SMALL)
def test_textbook_gradients_match_finite_differences(sizes, names, m):
    model, X, Y = nnlib_speed.make_problem(sizes, names, m, seed=3)
    # Nonzero biases: no Z exactly at ReLU's kink (a dead column would put it there).
    params = [[layer.W.copy(), layer.b + 0.1] for layer in model.layers]
    hidden, output = names[0], names[-1]
    _, grads = nnlib_speed.textbook_gradients(params, X, Y, hidden, output)
    h = 1e-6
    for l, (W, b) in enumerate(params, start=1):
        for name, array in (("W", W), ("b", b)):
            numeric = np.zeros_like(array)
            for i in np.ndindex(array.shape):
                keep = array[i]
                array[i] = keep + h
                A, _ = nnlib_speed.textbook_gradients(params, X, Y, hidden, output)
                up = nnlib_speed.textbook_loss(A, Y, output)
                array[i] = keep - h
                A, _ = nnlib_speed.textbook_gradients(params, X, Y, hidden, output)
                down = nnlib_speed.textbook_loss(A, Y, output)
                array[i] = keep
                numeric[i] = (up - down) / (2 * h)
            np.testing.assert_allclose(grads[f"d{name}{l}"], numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("sizes, names, m", SMALL)
def test_textbook_step_and_nnlib_step_agree(sizes, names, m):
    model, X, Y = nnlib_speed.make_problem(sizes, names, m, seed=1)
    params = [[layer.W.copy(), layer.b.copy()] for layer in model.layers]
    for _ in range(3):  # the updates agree too: the next steps start from the same place
        want = nnlib_speed.textbook_step(params, X, Y, names[0], names[-1])
        got = nnlib_speed.nnlib_step(model, X, Y, nnlib_speed.loss_name(model))
        assert want.keys() == got.keys() == {f"d{p}{l}" for p in "Wb"
                                             for l in range(1, len(sizes))}
        for key in want:
            np.testing.assert_allclose(got[key], want[key], rtol=1e-12, atol=1e-15)
    for layer, (W, b) in zip(model.layers, params):
        np.testing.assert_allclose(layer.W, W, rtol=1e-13)
        np.testing.assert_allclose(layer.b, b, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("sizes, names, m", SMALL)
def test_textbook_epochs_are_gradient_descent(sizes, names, m):
    model, X, Y = nnlib_speed.make_problem(sizes, names, m, seed=2)
    params = [[layer.W.copy(), layer.b.copy()] for layer in model.layers]
    history = nnlib_speed.textbook_epochs(params, X, Y, names[0], names[-1], 4,
                                          learning_rate=0.5)
    want = training.gradient_descent(model, X, Y, learning_rate=0.5, epochs=4,
                                     loss=nnlib_speed.loss_name(model))
    np.testing.assert_allclose(history, want, rtol=1e-12)
    assert history[-1] < history[0]


def test_check_training_passes_for_every_benchmarked_network():
    for sizes, names, m in nnlib_speed.TRAINING:
        nnlib_speed.check_training(sizes, names, min(m, 50))


def test_make_problem_shapes_and_labels():
    model, X, Y = nnlib_speed.make_problem([2, 8, 1], ["tanh", "sigmoid"], 200)
    assert X.shape == (2, 200) and Y.shape == (1, 200) and set(np.unique(Y)) == {0.0, 1.0}
    model, X, Y = nnlib_speed.make_problem([64, 256, 256, 10], ["relu", "relu", "softmax"], 30)
    assert X.shape == (64, 30) and Y.shape == (10, 30) and (Y.sum(axis=0) == 1).all()
    assert [(layer.n_in, layer.n_out, layer.activation.name) for layer in model.layers] == [
        (64, 256, "relu"), (256, 256, "relu"), (256, 10, "softmax")]


def test_textbook_covers_every_elementwise_activation():
    names = {nnlib_speed._activation_name(name) for name in nnlib_speed.TEXTBOOK}
    assert names == set(activations.ACTIVATIONS) - {"softmax"}


@pytest.mark.parametrize("name", list(nnlib_speed.TEXTBOOK))
def test_each_textbook_expression_computes_the_activation(name):
    params, value, slope = nnlib_speed.TEXTBOOK[name]
    act = activations.get(nnlib_speed._activation_name(name))
    z = np.linspace(-30, 30, 6001)
    np.testing.assert_allclose(value(z), act(z, **params), rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(slope(z), act.derivative(z, **params), rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("name", list(nnlib_speed.TEXTBOOK))
def test_each_textbook_derivative_is_the_slope_of_its_value(name):
    # Central differences of the textbook value, away from the kinks (0, +-3)
    # and from softplus' switch to z at 20: independent of nnlib.
    params, value, slope = nnlib_speed.TEXTBOOK[name]
    z = np.linspace(-8, 8, 1601)
    z = z[np.min(np.abs(z[:, None] - np.array([-3.0, 0.0, 3.0])), axis=1) > 1e-3]
    h = 1e-6
    np.testing.assert_allclose((value(z + h) - value(z - h)) / (2 * h), slope(z),
                               rtol=1e-6, atol=1e-8)


def test_accuracy_note_measures_what_the_textbook_loses():
    z = np.array([-20.0, -1.0, 0.0, 1.0, 20.0])
    note = nnlib_speed.accuracy_note(activations.tanh.derivative,
                                     lambda z: 1 - np.tanh(z) ** 2, z)
    assert note.startswith("textbook differs by up to 1.0e+00 relative (z = -20)")
    assert nnlib_speed.accuracy_note(activations.identity.derivative, np.ones_like, z) == (
        "z = nan: textbook 1.0, nnlib nan")
    assert nnlib_speed.accuracy_note(activations.relu, lambda z: np.maximum(z, 0), z) == (
        "same values")


def test_judged_ratio_is_the_median_and_its_relative_spread():
    ratio, spread = nnlib_speed.judged_ratio([2.0, 2.0, 3.0, 4.0, 10.0], [1.0] * 5)
    assert ratio == 3.0 and spread == pytest.approx((7.0 - 2.0) / 3.0)
    assert nnlib_speed.judged_ratio([1.2] * 4, [1.0] * 4) == (pytest.approx(1.2), 0.0)


def test_a_noisy_row_is_not_judged_and_a_steady_one_is():
    steady = nnlib_speed.ratio_row("m", {"nnlib": [1.2, 1.25, 1.2], "textbook": [1.0] * 3}, 1.3)
    assert steady.judged and steady.ok and steady.value == 1.2
    busy = nnlib_speed.ratio_row("m", {"nnlib": [1.0, 2.0, 3.0, 4.0], "textbook": [1.0] * 4},
                                 1.3)
    assert not busy.judged and busy.status == "not judged" and "machine busy" in busy.note
    missed = nnlib_speed.ratio_row("m", {"nnlib": [2.0] * 3, "textbook": [1.0] * 3}, 1.3)
    assert missed.judged and missed.status == "MISSED"


# --- figures and reader -------------------------------------------------------------


def test_svg_digests_hash_each_file_by_its_path(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.svg").write_bytes(b"<svg>1</svg>")
    (tmp_path / "y.svg").write_bytes(b"<svg>1</svg>")
    (tmp_path / "a" / "notes.txt").write_bytes(b"not a figure")
    digests = figure_stage.svg_digests(tmp_path)
    assert list(digests) == ["a/x.svg", "y.svg"]
    assert digests["a/x.svg"] == digests["y.svg"] == hashlib.sha256(b"<svg>1</svg>").hexdigest()


def _site(tmp_path):
    (tmp_path / "figures").mkdir()
    light, dark = b"<svg>" + b"light " * 500 + b"</svg>", b"<svg>" + b"dark " * 300 + b"</svg>"
    (tmp_path / "figures" / "f-light.svg").write_bytes(light)
    (tmp_path / "figures" / "f-dark.svg").write_bytes(dark)
    html = (
        '<html><body><span class="arithmatex">\\(x\\)</span>'
        '<img alt="f" src="../figures/f-light.svg#only-light">'
        '<img alt="f" src="../figures/f-dark.svg#only-dark">'
        '<img alt="again" src="../figures/f-light.svg">'
        '<img alt="far" src="https://example.com/x.png">'
        '<img alt="inline" src="data:image/png;base64,AAAA"></body></html>'
    ).encode()
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_bytes(html)
    (tmp_path / "index.html").write_bytes(b"<html><body>" + b"home " * 50 + b"</body></html>")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "index.html").write_bytes(b"x" * 100000)  # not a page
    return html, light, dark


def _gz(data):
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def test_page_weight_counts_html_and_each_local_image_once(tmp_path):
    html, light, dark = _site(tmp_path)
    assert reader.page_weight(tmp_path, "page/index.html") == (_gz(html), _gz(light) + _gz(dark), 2)


def test_page_weight_counts_a_widgets_data(tmp_path):
    _site(tmp_path)
    data = b'{"frames": [1, 2, 3]}' * 40
    (tmp_path / "data.json").write_bytes(data)
    html = b'<html><body><div class="nn-widget" data-src="../data.json"></div></body></html>'
    (tmp_path / "page" / "index.html").write_bytes(html)
    assert reader.page_weight(tmp_path, "page/index.html") == (_gz(html), _gz(data), 1)


def test_heaviest_page_and_most_math_page(tmp_path):
    _site(tmp_path)
    assert reader.pages(tmp_path) == ["index.html", "page/index.html"]
    assert reader.heaviest_page(tmp_path) == "page/index.html"
    assert reader.most_math_page(tmp_path) == "page/index.html"
    assert reader.math_count(tmp_path, "page/index.html") == 1


def test_widget_pages_are_found_with_their_widgets(tmp_path):
    _site(tmp_path)
    (tmp_path / "page" / "index.html").write_text(
        '<div class="nn-widget" data-widget="neuron" role="group"></div>'
        '<div class="nn-widget" data-widget="explorer"></div>')
    assert reader.widget_pages(tmp_path) == {"page/index.html": ["neuron", "explorer"]}
    assert set(reader.WIDGET_SLIDERS) == {"neuron", "explorer", "training"}


def test_a_row_the_machine_could_not_measure_fairly_is_not_judged():
    row = Row("figures", "parallel / serial", 0.95, target=0.6, judged=False)
    assert row.ok and row.status == "not judged"


SPIN_LOG = None


def _logged_spin(n):
    """A stand-in for figure_stage.spin that records the process it ran in."""
    (SPIN_LOG / f"{os.getpid()}-{time.perf_counter_ns()}").write_text(str(n))
    time.sleep(0.3)  # busy long enough that the second loop goes to the other worker


def test_spin_calibration_runs_parallel_loops_in_two_processes(tmp_path, monkeypatch):
    # The calibration's premise: "parallel" is two other processes at once, "serial" is
    # this process twice.
    monkeypatch.setattr(sys.modules[__name__], "SPIN_LOG", tmp_path)
    monkeypatch.setattr(figure_stage, "spin", _logged_spin)  # forked workers inherit both
    figure_stage.spin_parallel(5)
    parallel = {path.name.split("-")[0] for path in tmp_path.iterdir()}
    assert len(parallel) == 2 and str(os.getpid()) not in parallel
    for path in tmp_path.iterdir():
        path.unlink()
    figure_stage.spin_serial(5)
    assert [p.name.split("-")[0] for p in tmp_path.iterdir()] == [str(os.getpid())] * 2


def test_a_bare_build_renders_the_themes_overrides_without_the_hook(tmp_path):
    """The bare build keeps scripts/theme but has no hook: its templates must not need one
    (the script loader's filter is the hook's), and the scripts stay Material's own tags."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "theme").symlink_to(ROOT / "scripts" / "theme")
    (tmp_path / "nnlib").mkdir()  # watched
    text = (ROOT / "mkdocs.yml").read_text()
    (tmp_path / "mkdocs.yml").write_text(text[:text.index("\nnav:")] + text[text.index("\ntheme:"):])
    (tmp_path / "bare.yml").write_text(bare_config((tmp_path / "mkdocs.yml").read_text()))
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", "bare.yml"],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "index.html").read_text()
    assert '<script src="assets/javascripts/bundle.' in html and "__scripts" not in html

"""The interactive widgets (scripts/widgets.py, docs/javascripts/widgets/) against nnlib.

Every number a widget shows is nnlib's: the JavaScript activations are compared with nnlib's
over a grid of z and parameters to 1e-12 relative, in headless Chromium; each widget's displayed
numbers, for many settings of its controls, with nnlib's values for the same settings, to one
unit in the last displayed digit; the training frames with an nnlib run of their own. Then
what a reader needs: keyboard and pointer, axe in both palettes, colours redrawn on a palette
switch, a 360 px screen, a redraw in the next animation frame, no layout shift, no console
error, the static figure without JavaScript, and the JavaScript small and loaded only where a
widget is.
"""

import json
import os
import random
import shutil
import subprocess
import sys

import numpy as np
import pytest

from nnlib import datasets, training
from nnlib.activations import ACTIVATIONS
from nnlib.layers import Dense
from scripts import build_figures, widgets
from scripts.bench.reader import FRAME_MS, WIDGETS_READY, redraw_times
from scripts.figures import training as training_figures
from scripts.site_check import ROOT, WIDGET_DATA_BUDGET, WIDGET_JS_BUDGET, gzip_size, is_foreign
from tests.browser import (
    AXE_LIGHT,
    SCRIPTS_RAN,
    axe_violations,
    listen,
    start_axe,
    summary,
    switch_scheme,
)

PAGES = {"neuron": "neuron/", "explorer": "activations/",
         "training": "loss-and-gradient-descent/"}
ELEMENTWISE = [name for name in ACTIVATIONS if name != "softmax"]  # softmax is not elementwise
DEFAULTS = "scripts.figures.activation_defaults"
JS = ROOT / "docs" / "javascripts"
MODULE = "javascripts/widgets/{}.js"


def widget_js():
    return [JS / "widgets.js", *sorted((JS / "widgets").glob("*.js"))]


# --- without a browser -----------------------------------------------------------------


def test_all_widget_javascript_is_at_most_20_kb_gzip():
    total = sum(gzip_size(p.read_bytes()) for p in widget_js())
    assert 3_000 < total <= WIDGET_JS_BUDGET, f"{total} bytes gzip"


@pytest.fixture(scope="module")
def figures_dir(tmp_path_factory):
    """The activation widgets' data, built by the figure builder as a site build builds it."""
    out = tmp_path_factory.mktemp("figures")
    patch = pytest.MonkeyPatch()
    patch.setattr(build_figures, "figure_modules", lambda: [DEFAULTS])
    assert build_figures.build(out=out) == (0, 1, [])
    patch.undo()
    return out


def test_the_widgets_read_nnlibs_elementwise_activations_and_defaults_in_order(figures_dir):
    acts = widgets.activations(figures_dir)
    assert list(acts) == ELEMENTWISE
    for name, defaults in acts.items():
        assert list(defaults.items()) == list(ACTIVATIONS[name].defaults.items()), name
        assert [type(v) for v in defaults.values()] == [
            type(v) for v in ACTIVATIONS[name].defaults.values()], name  # 1 stays 1, not 1.0


def test_every_activation_parameter_has_a_control_and_its_default_is_in_range(figures_dir):
    acts = widgets.activations(figures_dir)
    expected = {(name, p) for name, defaults in acts.items() for p in defaults}
    assert expected == set(widgets.PARAM_RANGES) | set(widgets.PARAM_CHOICES)
    for (name, param), (lo, hi, _) in widgets.PARAM_RANGES.items():
        assert lo <= ACTIVATIONS[name].defaults[param] <= hi, (name, param)
    for (name, param), choices in widgets.PARAM_CHOICES.items():
        assert ACTIVATIONS[name].defaults[param] in choices


@pytest.mark.build
def test_an_edit_to_an_activations_default_reaches_the_widget(tmp_path):
    """In a copy of nnlib and scripts, as ``mkdocs serve`` sees an edit: the builder rebuilds
    the data (its key follows nnlib.activations) and the explorer's slider starts there."""
    for name in ("nnlib", "scripts"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    for module in (tmp_path / "scripts" / "figures").glob("*.py"):
        if module.stem != DEFAULTS.rpartition(".")[2]:
            module.unlink()
    out = tmp_path / ".cache" / "figures"

    def build_and_render():
        result = subprocess.run([sys.executable, "-m", "scripts.build_figures"], cwd=tmp_path,
                                capture_output=True, text=True,
                                env={**os.environ, "PYTHONPATH": str(tmp_path)})
        assert result.returncode == 0, result.stderr
        return result.stdout, widgets.render("explorer", "nn0", "figures/", out)

    slider = 'id="nn0-leaky_relu-alpha" name="leaky_relu-alpha" min="0" max="1" step="0.01" '
    stdout, html = build_and_render()
    assert "0 current, 1 rebuilt" in stdout and slider + 'value="0.01"' in html
    source = tmp_path / "nnlib" / "activations.py"
    text = source.read_text()
    assert text.count("alpha=0.01") == 2  # leaky_relu and its derivative
    source.write_text(text.replace("alpha=0.01", "alpha=0.25"))
    stdout, html = build_and_render()
    assert "0 current, 1 rebuilt" in stdout and slider + 'value="0.25"' in html


def test_an_unknown_widget_fails_the_build_with_its_name():
    with pytest.raises(ValueError, match="unknown widget 'nope'"):
        widgets.expand('<div class="nn-widget" data-widget="nope"></div>', "figures/", ROOT)


def test_the_builder_writes_registered_data_as_compact_json(tmp_path, monkeypatch):
    monkeypatch.setattr(build_figures, "figure_modules", lambda: ["tests.data_figure"])
    assert build_figures.build(out=tmp_path) == (0, 2, [])
    assert (tmp_path / "demo" / "numbers.json").read_bytes() == b'{"a":"text","b":[1,2.5]}'
    assert (tmp_path / "demo" / "empty-dark.svg").is_file()
    assert build_figures.build(out=tmp_path) == (2, 0, [])  # current: nothing rebuilt
    (tmp_path / "demo" / "numbers.json").unlink()
    assert build_figures.build(out=tmp_path) == (0, 2, [])  # a missing output rebuilds
    (tmp_path / "demo" / "stale.json").write_text("{}")
    build_figures.build(out=tmp_path)
    assert not (tmp_path / "demo" / "stale.json").exists()  # orphans go, as SVGs do


@pytest.fixture(scope="module")
def frames():
    path = "loss-and-gradient-descent/training.json"
    return json.loads(build_figures.render(path)["data"])


@pytest.fixture(scope="module")
def reference_runs():
    """An nnlib run per (rate, hidden), one epoch at a time: J and accuracy after each."""
    X, Y = datasets.moons(**training_figures.MOONS)
    runs = {}
    for hidden in training_figures.WIDGET_HIDDEN:
        for rate in training_figures.RATES.values():
            model = training_figures.classifier(hidden)
            history = training.gradient_descent(model, X, Y, learning_rate=rate,
                                                epochs=training_figures.EPOCHS)
            replay = training_figures.classifier(hidden)
            accuracy = [replay.accuracy(X, Y)]
            for _ in range(training_figures.EPOCHS):
                training.gradient_descent(replay, X, Y, learning_rate=rate, epochs=1)
                accuracy.append(replay.accuracy(X, Y))
            runs[rate, hidden] = {"loss": [*history, model.loss(X, Y)], "accuracy": accuracy,
                                  "model": model}
    return runs


def test_training_frames_are_nnlibs_own_run(frames, reference_runs):
    assert len(frames["runs"]) == len(reference_runs) == 6
    x1, x2 = (np.linspace(*frames["grid"][k]) for k in ("x1", "x2"))
    grid = np.array([g.ravel() for g in np.meshgrid(x1, x2)])
    for run in frames["runs"]:
        ref = reference_runs[run["rate"], run["hidden"]]
        np.testing.assert_allclose(run["loss"], ref["loss"], rtol=1e-6)
        epochs = [f["epoch"] for f in run["frames"]]
        assert epochs[0] == 0 and epochs[-1] == training_figures.EPOCHS and epochs == sorted(epochs)
        assert [f["accuracy"] for f in run["frames"]] == [ref["accuracy"][e] for e in epochs]
        # The last frame's bands are the trained model's outputs on the grid, quantised.
        a = ref["model"].forward(grid)[0]
        bands = np.array([int(c) for c in run["frames"][-1]["bands"]])
        assert np.all(bands / 10 <= a + 1e-12) and np.all(a < (bands + 1) / 10 + 1e-12)
    X, Y = datasets.moons(**training_figures.MOONS)
    np.testing.assert_allclose(frames["points"]["x1"], X[0], atol=5e-4)
    assert frames["points"]["y"] == "".join(str(int(y)) for y in Y[0])


def test_training_data_is_small(frames):
    data = json.dumps(frames, separators=(",", ":")).encode()
    assert gzip_size(data) < WIDGET_DATA_BUDGET


# --- in the browser ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def tab(browser, site_url):
    """A tab on the site (any page will do to import the widget modules)."""
    page = browser.new_page()
    page.goto(site_url + PAGES["neuron"], wait_until="load")
    yield page
    page.close()


def js_module(site_url, name):
    return site_url + MODULE.format(name)


def grid_z():
    zs = list(np.linspace(-8, 8, 161))
    for z in (1e-300, 1e-12, 1e-8, 0.5, 2.9999999999, 3.0, 3.0000000001, 4.0, 20.0, 30.0,
              37.0, 100.0, 700.0, 1000.0, 1e5):
        zs += [z, -z]
    for root in (-0.7517915246935645, -0.7524614220710163, -1.2784645427610737,
                 -1.1924312145154952):  # roots of g' (GELU, its tanh form, SiLU, Mish)
        zs += [root + d for d in (-0.0101, -0.0099, -1e-3, -1e-9, 0.0, 1e-9, 1e-3, 0.0099)]
    return [0.0, *zs]


PARAM_GRID = {
    "leaky_relu": [{"alpha": a} for a in (0.0, 0.01, 0.2, 1.0)],
    "elu": [{"alpha": a} for a in (0.0, 0.5, 1.0, 3.0)],
    "softplus": [{"beta": b, "threshold": t} for b in (0.25, 1.0, 2.5, 5.0)
                 for t in (1.0, 20.0, 30.0)],
    "gelu": [{"approximate": "none"}, {"approximate": "tanh"}],
}


def assert_close(got, want, what, rtol=1e-12):
    bad = [(z, g, w) for z, g, w in zip(*got, want)
           if not (g == w or abs(g - w) <= rtol * abs(w))]
    assert not bad, f"{what}: {len(bad)} of {len(want)} differ, e.g. (z, js, nnlib) {bad[:3]}"


@pytest.mark.browser
def test_every_js_activation_matches_nnlib_to_1e_12(tab, site_url):
    zs = grid_z()
    names = tab.evaluate("async url => Object.keys((await import(url)).ACTIVATIONS)",
                         js_module(site_url, "activations"))
    assert names == ELEMENTWISE  # every elementwise activation, in nnlib's order
    cases = [(name, params) for name in names for params in PARAM_GRID.get(name, [{}])]
    js = tab.evaluate("""async ([url, cases, zs]) => {
      const {activation} = await import(url);
      return cases.map(([name, p]) => {
        const g = activation(name, p);
        return [zs.map(g.f), zs.map(g.d)];
      });
    }""", [js_module(site_url, "activations"), cases, zs])
    z = np.array(zs)
    for (name, params), (f, d) in zip(cases, js):
        act = ACTIVATIONS[name]
        assert_close((zs, f), act(z, **params).tolist(), f"{name}{params}")
        assert_close((zs, d), act.derivative(z, **params).tolist(), f"{name}'{params}")


@pytest.mark.browser
def test_js_erf_erfc_and_normal_cdf_match_mpmath(tab, site_url):
    import mpmath as mp

    xs = [0.0, 1e-300, 1e-20, 1e-8, 0.1, 0.46875, 0.5, 0.5000001, 1.0, 2.0, 3.99, 4.0,
          4.0000001, 6.0, 10.0, 20.0, 26.0, 26.5, 27.0, 30.0]
    xs += [-x for x in xs if x] + list(np.linspace(-6, 6, 121))
    erf, erfc, ndtr = tab.evaluate("""async ([url, xs]) => {
      const m = await import(url);
      return [xs.map(m.erf), xs.map(m.erfc), xs.map(m.ndtr)];
    }""", [js_module(site_url, "activations"), xs])
    with mp.workdps(50):
        for x, e, c, n in zip(xs, erf, erfc, ndtr):
            want_c = float(mp.erfc(x))
            assert e == pytest.approx(float(mp.erf(x)), rel=4e-16, abs=0), ("erf", x)
            if want_c == 0 or want_c < 1e-300:  # below float64's normal range
                assert c <= 1e-300, ("erfc", x)
            else:
                assert c == pytest.approx(want_c, rel=1e-14), ("erfc", x, c, want_c)
            assert n == pytest.approx(float(mp.ncdf(x)), rel=1e-13), ("ndtr", x)


def set_controls(page, kind, values):
    """Set controls of widget ``kind`` by name; fire input; return its outputs once drawn."""
    return page.evaluate("""async ([kind, values]) => {
      const el = document.querySelector(`.nn-widget[data-widget="${kind}"]`);
      for (const [name, value] of Object.entries(values)) {
        const input = el.querySelector(`[name="${name}"]`);
        input.value = value;
        input.dispatchEvent(new Event('input', {bubbles: true}));
      }
      await new Promise(done => requestAnimationFrame(() => setTimeout(done)));
      const out = {};
      el.querySelectorAll('output[name]').forEach(o => { out[o.name] = o.value; });
      el.querySelectorAll('input, select').forEach(i => { out['@' + i.name] = i.value; });
      return out;
    }""", [kind, values])


def assert_shown(text, want, what):
    """``text`` shows ``want`` to one unit in its last displayed digit."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    assert abs(float(text) - want) <= 10.0 ** -decimals, f"{what}: shows {text}, nnlib {want!r}"


@pytest.fixture()
def widget_page(browser, site_url):
    """Open the page of a widget and wait until it has drawn; console errors are checked."""
    opened = []

    def open_(kind, **context):
        context = browser.new_context(**context)
        page = context.new_page()
        log = listen(page)
        page.goto(site_url + PAGES[kind], wait_until="load")
        page.wait_for_function(WIDGETS_READY)
        opened.append((context, log))
        return page

    yield open_
    for context, log in opened:
        context.close()
        assert not log["errors"] and not log["failed"], log
        assert not [u for u in log["requests"] if is_foreign(u)]


@pytest.mark.browser
def test_neuron_shows_nnlibs_z_and_a_for_many_settings(widget_page):
    page = widget_page("neuron")
    rng = random.Random(0)
    names = ELEMENTWISE
    for i in range(120):
        values = {n: f"{rng.randint(-30, 30) / 10:g}" for n in ("w1", "w2", "b", "x1", "x2")}
        values["activation"] = names[i % len(names)]
        shown = set_controls(page, "neuron", values)
        v = {n: float(shown["@" + n]) for n in ("w1", "w2", "b", "x1", "x2")}
        layer = Dense(2, 1, values["activation"])
        layer.W[:] = [[v["w1"], v["w2"]]]
        layer.b[:] = v["b"]
        a = layer.forward(np.array([[v["x1"]], [v["x2"]]]))
        assert_shown(shown["z"], layer.Z[0, 0], f"z for {values}")
        assert_shown(shown["a"], a[0, 0], f"a for {values}")


@pytest.mark.browser
def test_explorer_shows_nnlibs_value_and_slope_for_every_activation(widget_page):
    page = widget_page("explorer")
    for name in ELEMENTWISE:
        for params in PARAM_GRID.get(name, [{}]):
            for z in ("-6", "-3", "-1.25", "-0.75", "0", "0.05", "3", "5.5"):
                values = {"activation": name, "z": z,
                          **{f"{name}-{k}": str(p) for k, p in params.items()}}
                shown = set_controls(page, "explorer", values)
                used = {k: (float(shown[f"@{name}-{k}"]) if isinstance(p, float)
                            else shown[f"@{name}-{k}"]) for k, p in params.items()}
                act, zf = ACTIVATIONS[name], float(shown["@z"])
                assert_shown(shown["g"], float(act(zf, **used)), f"{name}({z}, {used})")
                assert_shown(shown["dg"], float(act.derivative(zf, **used)), f"{name}'({z}, {used})")


@pytest.mark.browser
def test_training_shows_nnlibs_epoch_loss_and_accuracy(widget_page, frames, reference_runs):
    page = widget_page("training")
    epochs = [f["epoch"] for f in frames["runs"][0]["frames"]]
    for (rate, hidden), ref in reference_runs.items():
        for index in range(0, len(epochs), 2):
            shown = set_controls(page, "training",
                                 {"rate": str(rate), "hidden": hidden, "frame": str(index)})
            epoch = epochs[index]
            assert shown["epoch"] == f"{epoch} of {training_figures.EPOCHS}"
            assert_shown(shown["loss"], ref["loss"][epoch], f"J at {rate}, {hidden}, {epoch}")
            assert_shown(shown["accuracy"].removesuffix(" %"), 100 * ref["accuracy"][epoch],
                         f"accuracy at {rate}, {hidden}, {epoch}")


@pytest.mark.browser
def test_keyboard_alone_moves_a_slider_and_changes_the_activation(widget_page):
    page = widget_page("neuron")
    before = set_controls(page, "neuron", {})
    page.focus('.nn-widget [name="w1"]')
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", "the focused slider shows no focus ring"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    after = set_controls(page, "neuron", {})
    assert float(after["@w1"]) == pytest.approx(float(before["@w1"]) + 0.2)
    assert after["z"] != before["z"] and after["w1-value"] == after["@w1"]
    page.focus('.nn-widget [name="activation"]')
    page.keyboard.press("ArrowDown")
    changed = set_controls(page, "neuron", {})
    assert changed["@activation"] != after["@activation"] and changed["a"] != after["a"]
    # Every control has a visible label, and the readouts are announced.
    labels = page.evaluate("""() => [...document.querySelectorAll('.nn-widget input, .nn-widget select')]
      .map(i => [i.name, i.labels.length ? i.labels[0].textContent.trim() : ''])""")
    assert all(text for _, text in labels), labels
    assert page.evaluate("() => document.querySelector('.nn-widget__readout').ariaLive") == "polite"


@pytest.mark.browser
def test_dragging_on_the_plane_moves_the_input_point(widget_page):
    page = widget_page("neuron")
    plane = page.locator('[data-plot="plane"]')
    plane.scroll_into_view_if_needed()
    box = plane.bounding_box()
    # (x1, x2) = (2, -1) in the plot area inside its margins (plot.js: MARGIN, in CSS px).
    x = box["x"] + 36 + (2 + 3) / 6 * (box["width"] - 50)
    y = box["y"] + 8 + (3 - -1) / 6 * (box["height"] - 38)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.up()
    shown = set_controls(page, "neuron", {})
    assert float(shown["@x1"]) == pytest.approx(2, abs=0.11)
    assert float(shown["@x2"]) == pytest.approx(-1, abs=0.11)


@pytest.mark.browser
@pytest.mark.parametrize("kind", PAGES)
def test_axe_finds_nothing_in_the_widget_in_either_palette(widget_page, kind):
    page = widget_page(kind)
    found = []
    for scheme in ("default", "slate"):
        if scheme == "slate":
            switch_scheme(page, "slate")
            page.wait_for_function(WIDGETS_READY)
        start_axe(page, AXE_LIGHT, {"include": [".nn-widget"]})
        found += axe_violations(page, PAGES[kind], scheme)
    assert not found, summary(found)


# How many pixels of the widget's first canvas have exactly the colour text and lines get
# there in each palette: Material's --md-default-fg-color, drawn on a scratch canvas.
INK_PIXELS = """([kind, colours]) => {
  const c = document.querySelector(`.nn-widget[data-widget="${kind}"] canvas`);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const scratch = document.createElement('canvas').getContext('2d', {willReadFrequently: true});
  return colours.map(colour => {
    scratch.clearRect(0, 0, 1, 1);
    scratch.fillStyle = colour;
    scratch.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = scratch.getImageData(0, 0, 1, 1).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] === r && d[i + 1] === g && d[i + 2] === b && d[i + 3] === a) n++;
    }
    return n;
  });
}"""
FG = """scheme => {
  const probe = document.createElement('div');
  probe.setAttribute('data-md-color-scheme', scheme);
  document.body.append(probe);
  const colour = getComputedStyle(probe).getPropertyValue('--md-default-fg-color').trim();
  probe.remove();
  return colour;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("kind", PAGES)
def test_a_palette_switch_redraws_in_the_new_palettes_colours(widget_page, kind):
    page = widget_page(kind)
    light_fg, dark_fg = page.evaluate(FG, "default"), page.evaluate(FG, "slate")
    assert light_fg != dark_fg
    light = page.evaluate(INK_PIXELS, [kind, [light_fg, dark_fg]])
    page.evaluate("() => performance.clearMeasures('nn-widget-draw')")
    switch_scheme(page, "slate")
    page.wait_for_function("() => performance.getEntriesByName('nn-widget-draw').length > 0")
    dark = page.evaluate(INK_PIXELS, [kind, [light_fg, dark_fg]])
    # Text and lines on the transparent parts (axes, ticks) show the palette's colour as is.
    assert light[0] >= 10 and light[1] == 0 and dark[0] == 0 and dark[1] >= 10, (light, dark)


@pytest.mark.browser
@pytest.mark.parametrize("kind", PAGES)
def test_usable_on_a_360_px_screen(widget_page, kind):
    page = widget_page(kind, viewport={"width": 360, "height": 740})
    state = page.evaluate("""() => {
      const el = document.querySelector('.nn-widget');
      const boxes = [...el.querySelectorAll('canvas, input, select, output, label')]
        .filter(e => !e.closest('[hidden]')).map(e => e.getBoundingClientRect());
      return {
        overflow: el.scrollWidth - el.clientWidth,
        outside: boxes.filter(b => b.left < 0 || b.right > 360).length,
        empty: boxes.filter(b => b.width < 1 || b.height < 1).length,
        canvas: Math.min(...[...el.querySelectorAll('canvas')].map(c => c.clientWidth)),
        slider: Math.min(...[...el.querySelectorAll('input[type=range]')]
          .filter(e => !e.closest('[hidden]')).map(e => e.clientWidth)),
      };
    }""")
    assert state["overflow"] <= 0, state
    assert state["outside"] == 0 and state["empty"] == 0, state
    assert state["canvas"] >= 250 and state["slider"] >= 100, state


@pytest.mark.browser
@pytest.mark.parametrize("kind", PAGES)
def test_a_slider_move_is_drawn_within_the_next_animation_frame(widget_page, kind):
    page = widget_page(kind)
    times = redraw_times(page, kind, 40)
    assert None not in times, f"moves not drawn in the next frame: {times}"
    assert sorted(times)[len(times) // 2] < FRAME_MS, times


@pytest.mark.browser
@pytest.mark.parametrize("kind", PAGES)
def test_initialising_a_widget_shifts_no_layout(browser, site_url, kind):
    """The page laid out with the widget drawn, and with a widget module that draws nothing."""
    layouts = []
    for stub in (True, False):
        context = browser.new_context()
        page = context.new_page()
        if stub:
            page.route("**/javascripts/widgets/index.js", lambda route: route.fulfill(
                content_type="text/javascript",
                body="export function mount() {} export function unmount() {}"))
        page.goto(site_url + PAGES[kind], wait_until="load")
        page.evaluate(SCRIPTS_RAN)  # Material's and the widgets' (the stub's, or the real)
        page.evaluate("() => document.fonts.ready.then(() => true)")  # math typeset at build
        if not stub:
            page.wait_for_function(WIDGETS_READY)
        layouts.append(page.evaluate("""() => {
          const el = document.querySelector('.nn-widget');
          const box = e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; };
          return {widget: box(el), next: box(el.nextElementSibling),
                  parts: [...el.querySelectorAll('*')].filter(e => !e.closest('[hidden]')).map(box),
                  height: document.documentElement.scrollHeight};
        }"""))
        context.close()
    assert layouts[0] == layouts[1]


@pytest.mark.browser
def test_widget_javascript_loads_only_on_pages_with_a_widget(browser, site_url):
    for path, wanted in (("", False), ("notation/", False), (PAGES["neuron"], True)):
        page = browser.new_page()
        log = listen(page)
        page.goto(site_url + path, wait_until="networkidle")
        loaded = [u for u in log["requests"] if "/javascripts/widgets/" in u]
        assert bool(loaded) == wanted, (path, loaded)
        page.close()


@pytest.mark.browser
def test_without_javascript_the_static_figure_stands_alone(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + PAGES["neuron"], wait_until="load")
    assert page.evaluate("""() => getComputedStyle(document.querySelector('.nn-widget')).display""") == "none"
    assert page.locator('img[src*="neuron/neuron-light.svg"]').is_visible()
    context.close()

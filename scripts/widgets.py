"""The interactive widgets' HTML: labelled form controls, outputs and canvases.

A page asks for a widget with a placeholder on a line of its own,

    <div class="nn-widget" data-widget="neuron"></div>

which the MkDocs hook replaces with ``render("neuron", ...)``. The markup is complete before any
script runs, so drawing (docs/javascripts/widgets/) moves nothing on the page; without
JavaScript, CSS hides the widget and the static figure before it stands alone. The activation
lists and their parameters come from nnlib's registry, through data the figure stage builds
(scripts/figures/activation_defaults.py); the training widget's choices come from its data,
built by scripts/figures/training.py.
"""

import html
import json
import re
from pathlib import Path

TRAINING_DATA = "loss-and-gradient-descent/training.json"  # below figures/, fetched by the page
ACTIVATION_DATA = "activations/defaults.json"  # below figures/, read by the build only
PLACEHOLDER = re.compile(r'<div class="nn-widget" data-widget="([a-z]+)"></div>')

# The range of each numeric activation parameter on a slider: (min, max, step).
PARAM_RANGES = {
    ("leaky_relu", "alpha"): (0, 1, 0.01),
    ("elu", "alpha"): (0, 3, 0.05),
    ("softplus", "beta"): (0.25, 5, 0.25),
    ("softplus", "threshold"): (1, 30, 1),
}
# The values of each text parameter, in a <select>.
PARAM_CHOICES = {("gelu", "approximate"): ("none", "tanh")}


def activations(figures_dir):
    """{name: {parameter: default}} of nnlib's elementwise activations, in registry order."""
    data = json.loads((Path(figures_dir) / ACTIVATION_DATA).read_text())
    return {name: dict(params) for name, params in data}


def expand(page_html, figures_url, figures_dir):
    """Replace every widget placeholder in ``page_html``; ids are unique on the page."""
    count = iter(range(1000))
    return PLACEHOLDER.sub(
        lambda m: render(m.group(1), f"nn{next(count)}", figures_url, figures_dir), page_html)


def render(kind, uid, figures_url, figures_dir):
    """The HTML of widget ``kind``; ``uid`` prefixes its ids, ``figures_url`` is figures/."""
    if kind == "neuron":
        body = _neuron(uid, activations(figures_dir))
    elif kind == "explorer":
        body = _explorer(uid, activations(figures_dir))
    elif kind == "training":
        body = _training(uid, Path(figures_dir) / TRAINING_DATA)
    else:
        raise ValueError(f"unknown widget {kind!r}; known: neuron, explorer, training")
    src = f' data-src="{html.escape(figures_url + TRAINING_DATA)}"' if kind == "training" else ""
    return (f'<div class="nn-widget" data-widget="{kind}"{src} role="group" '
            f'aria-labelledby="{uid}-title">{body}</div>')


def _slider(uid, name, label, lo, hi, step, value, hidden=False):
    id_ = f"{uid}-{name}"
    return (f'<div class="nn-widget__control"{" hidden" if hidden else ""}>'
            f'<label for="{id_}">{label}</label>'
            f'<input type="range" id="{id_}" name="{name}" min="{lo}" max="{hi}" '
            f'step="{step}" value="{value}">'
            f'<output for="{id_}" name="{name}-value"></output></div>')


def _select(uid, name, label, options, value, hidden=False):
    id_ = f"{uid}-{name}"
    opts = "".join(f'<option value="{html.escape(str(v))}"{" selected" if v == value else ""}>'
                   f'{html.escape(str(text))}</option>' for v, text in options)
    return (f'<div class="nn-widget__control"{" hidden" if hidden else ""}>'
            f'<label for="{id_}">{label}</label>'
            f'<select id="{id_}" name="{name}">{opts}</select></div>')


def _canvas(name, label):
    return (f'<canvas class="nn-widget__plot" data-plot="{name}" width="400" height="400" '
            f'role="img" aria-label="{html.escape(label)}"></canvas>')


def _title(uid, text):
    return f'<p class="nn-widget__title" id="{uid}-title"><strong>{text}</strong></p>'


def _neuron(uid, acts):
    names = [(n, n) for n in acts]
    return "".join([
        _title(uid, "Try it: one neuron with two inputs"),
        '<div class="nn-widget__plots">',
        _canvas("plane", "The input plane x1, x2 from -3 to 3, shaded by the neuron's output a, "
                         "with the line w·x + b = 0 and the input point x"),
        _canvas("curve", "The activation g(z) for z from -8 to 8 with the current z and a marked"),
        "</div>",
        ('<p class="nn-widget__readout" aria-live="polite">'
         '<span>z = w₁x₁ + w₂x₂ + b = <output name="z"></output></span> '
         '<span>a = g(z) = <output name="a"></output></span></p>'),
        '<div class="nn-widget__controls">',
        _slider(uid, "w1", "weight w₁", -3, 3, 0.1, 1),
        _slider(uid, "w2", "weight w₂", -3, 3, 0.1, -0.5),
        _slider(uid, "b", "bias b", -3, 3, 0.1, 0.5),
        _select(uid, "activation", "activation g", names, "sigmoid"),
        _slider(uid, "x1", "input x₁", -3, 3, 0.1, 1),
        _slider(uid, "x2", "input x₂", -3, 3, 0.1, 1),
        "</div>",
        ('<p class="nn-widget__note">Move the input point with the x₁ and x₂ sliders or by '
         "dragging it on the plane. The stronger the shade, the larger a; the solid line is "
         "w·x + b = 0, where z changes sign, and the label z &gt; 0 marks its positive side.</p>"),
    ])


def _explorer(uid, acts):
    first = "leaky_relu"
    controls = []
    for name, defaults in acts.items():
        for param, default in defaults.items():
            key, hidden = (name, param), name != first
            label = f"{name} {param}"
            if key in PARAM_RANGES:
                controls.append(_slider(uid, f"{name}-{param}", label, *PARAM_RANGES[key],
                                        default, hidden))
            elif key in PARAM_CHOICES:
                controls.append(_select(uid, f"{name}-{param}", label,
                                        [(v, v) for v in PARAM_CHOICES[key]], default, hidden))
            else:
                raise ValueError(f"activation {name}: parameter {param!r} has no widget control; "
                                 f"add it to PARAM_RANGES or PARAM_CHOICES in {__name__}")
    return "".join([
        _title(uid, "Try it: every activation, its value and its slope"),
        '<div class="nn-widget__controls">',
        _select(uid, "activation", "activation g", [(n, n) for n in acts], first),
        _slider(uid, "z", "pre-activation z", -6, 6, 0.05, 0.5),
        "</div>",
        '<div class="nn-widget__plots nn-widget__plots--wide">',
        _canvas("curve", "The chosen activation g(z), solid, and its derivative g′(z), dashed, "
                         "for z from -6 to 6, with the tangent at the chosen z dotted"),
        "</div>",
        ('<p class="nn-widget__readout" aria-live="polite">'
         '<span>g(z) = <output name="g"></output></span> '
         '<span>g′(z) = <output name="dg"></output></span></p>'),
        '<div class="nn-widget__controls nn-widget__params">', *controls, "</div>",
        ('<p class="nn-widget__note">Solid line: g(z); dashed: its derivative g′(z); dotted: the '
         "tangent at z, whose slope is g′(z). Parameters appear for the activations that have "
         "them.</p>"),
    ])


def _training(uid, data_file):
    data = json.loads(Path(data_file).read_text())
    runs = data["runs"]
    rates = list(dict.fromkeys(r["rate"] for r in runs))
    hidden = list(dict.fromkeys(r["hidden"] for r in runs))
    frames = len(runs[0]["frames"])
    rate = 1.0 if 1.0 in rates else rates[0]
    return "".join([
        _title(uid, "Try it: training, step by step"),
        '<div class="nn-widget__controls">',
        _select(uid, "rate", "learning rate α", [(r, f"{r:g}") for r in rates], rate),
        _select(uid, "hidden", "hidden layer", [(h, h) for h in hidden], hidden[0]),
        _slider(uid, "frame", "epoch", 0, frames - 1, 1, frames - 1),
        "</div>",
        '<div class="nn-widget__plots">',
        _canvas("boundary", "The two moons, class 0 as circles and class 1 as crosses, with the "
                            "network's output shaded and its decision boundary a = 0.5 drawn "
                            "as a line, at the chosen epoch"),
        _canvas("loss", "The training loss J per epoch on a log scale, with the chosen epoch "
                        "marked"),
        "</div>",
        ('<p class="nn-widget__readout" aria-live="polite">'
         '<span>epoch <output name="epoch"></output></span> '
         '<span>J = <output name="loss"></output></span> '
         '<span>training accuracy <output name="accuracy"></output></span></p>'),
        ('<p class="nn-widget__note">A 2-8-1 network trained by nnlib when the site was built, '
         "full-batch gradient descent on 200 points. Circles: class 0; crosses: class 1. The "
         "network predicts class 1 in the coloured region and class 0 in the grey one; the "
         "stronger the shade, the surer it is. The solid line is the decision boundary.</p>"),
    ])

"""The activation widgets' data: nnlib's elementwise activations and their parameters.

Built here rather than read from nnlib by scripts/widgets.py, so the site build never imports
nnlib (and SciPy) when nothing changed: the figure stage rebuilds this data whenever
``nnlib.activations`` changes, as it does the figures.
"""

from nnlib.activations import ACTIVATIONS
from scripts.figure_registry import data


@data("activations/defaults")
def defaults():
    """[[name, [[parameter, default], ...]], ...]: the elementwise activations (softmax is
    not one) in registry order, each parameter in signature order."""
    return [[name, [[p, v] for p, v in act.defaults.items()]]
            for name, act in ACTIVATIONS.items() if name != "softmax"]

"""The figure registry: ``@figure("path")`` marks a function that draws one figure.

A figure function takes a fresh ``matplotlib.figure.Figure`` (already styled
for the light or dark theme) and draws on it. It is registered by its output
path below ``figures/`` on the site, without the theme and extension:
``@figure("activations/sigmoid")`` is served as
``figures/activations/sigmoid-light.svg`` and ``...-dark.svg``.

A widget's data is registered the same way with ``@data("path")``: the
function takes no argument and returns what ``json.dumps`` can write, served
as ``figures/<path>.json``. Its registry key ends in ``.json``, which is how
the builder tells the two kinds apart.

This module imports nothing heavy: the builder reads the registry cheaply.
"""

import sys
from typing import Callable, NamedTuple


class Figure(NamedTuple):
    draw: Callable  # draw(fig) draws on a styled matplotlib Figure; for data, draw() returns it
    size: tuple | None  # inches; None for data
    module: str  # the module that registered it


FIGURES = {}


def figure(path, *, size=(6.4, 3.6)):
    """Register ``fn(fig)`` as the figure served at ``figures/<path>-<theme>.svg``."""
    return _registrar(path, size)


def data(path):
    """Register ``fn()`` as the widget data served at ``figures/<path>.json``."""
    return _registrar(f"{path}.json", None)


def _registrar(key, size):
    def register(fn):
        if key in FIGURES:
            raise ValueError(f"figure {key!r} is registered twice")
        FIGURES[key] = Figure(fn, size, sys._getframe(1).f_globals["__name__"])
        return fn

    return register

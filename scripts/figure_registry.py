"""The figure registry: ``@figure("path")`` marks a function that draws one figure.

A figure function takes a fresh ``matplotlib.figure.Figure`` (already styled
for the light or dark theme) and draws on it. It is registered by its output
path below ``figures/`` on the site, without the theme and extension:
``@figure("activations/sigmoid")`` is served as
``figures/activations/sigmoid-light.svg`` and ``...-dark.svg``.

This module imports nothing heavy: the builder reads the registry cheaply.
"""

import sys
from typing import Callable, NamedTuple


class Figure(NamedTuple):
    draw: Callable  # draw(fig) draws on a styled matplotlib Figure
    size: tuple  # inches
    module: str  # the module that registered it


FIGURES = {}


def figure(path, *, size=(6.4, 3.6)):
    """Register ``fn(fig)`` as the figure served at ``figures/<path>-<theme>.svg``."""

    def register(fn):
        if path in FIGURES:
            raise ValueError(f"figure {path!r} is registered twice")
        FIGURES[path] = Figure(fn, size, sys._getframe(1).f_globals["__name__"])
        return fn

    return register

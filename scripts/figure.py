"""The figure registry: ``@figure("path")`` marks a function that draws one figure.

A figure function takes a fresh ``matplotlib.figure.Figure`` (already styled
for the light or dark theme) and draws on it. It is registered by its output
path below ``figures/`` on the site, without the theme and extension:
``@figure("activations/sigmoid")`` is served as
``figures/activations/sigmoid-light.svg`` and ``...-dark.svg``.

This module imports nothing heavy: the builder reads the registry cheaply.
"""

FIGURES = {}


def figure(path, *, size=(6.4, 3.6)):
    """Register ``fn(fig)`` as the figure served at ``figures/<path>-<theme>.svg``."""

    def register(fn):
        if path in FIGURES:
            raise ValueError(f"figure {path!r} is registered twice")
        FIGURES[path] = (fn, size)
        return fn

    return register

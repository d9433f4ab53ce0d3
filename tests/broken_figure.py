"""A figure module that raises: used by test_figures to check failures are reported."""

from scripts.figure_registry import figure


@figure("broken/division")
def division(fig):
    return 1 / 0

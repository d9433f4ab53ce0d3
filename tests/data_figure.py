"""A module registering widget data and a figure: used by test_widgets to check the builder."""

from scripts.figure_registry import data, figure


@data("demo/numbers")
def numbers():
    return {"b": [1, 2.5], "a": "text"}


@figure("demo/empty")
def empty(fig):
    fig.subplots()

"""Collect the doctests of every Markdown page in docs/ and of nnlib's docstrings.

Sybil runs every ```python fence on a page (doctest-style when it has ``>>>``
prompts, as a plain script otherwise), fences inside admonitions and tabs
included. A fence can be marked as not run with a reason on the line before it:
``<!-- skip: next "Not run: <reason>" -->``.
"""

import os
from doctest import ELLIPSIS, NORMALIZE_WHITESPACE

import numpy as np
from hypothesis import settings
from sybil import Sybil
from sybil.parsers import markdown, rest

FLAGS = ELLIPSIS | NORMALIZE_WHITESPACE

# CI replays the same property-test examples every run, so a red run is
# reproducible; locally each run explores new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def _setup(namespace):
    namespace["np"] = np
    namespace["_printoptions"] = np.get_printoptions()
    # NumPy 2 prints scalars as np.float64(...); pages show plain numbers.
    np.set_printoptions(legacy="1.25")


def _teardown(namespace):
    np.set_printoptions(**namespace["_printoptions"])


pytest_collect_file = (
    Sybil(
        parsers=[
            markdown.PythonCodeBlockParser(doctest_optionflags=FLAGS),
            markdown.SkipParser(),
        ],
        patterns=["docs/*.md", "docs/*/*.md"],  # docs/activations/ is a section
        setup=_setup,
        teardown=_teardown,
        name="pages",
    )
    + Sybil(
        parsers=[rest.DocTestParser(optionflags=FLAGS)],
        patterns=["nnlib/*.py"],
        setup=_setup,
        teardown=_teardown,
        name="docstrings",
    )
).pytest()

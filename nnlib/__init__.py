"""nnlib: a small, tested NumPy reference implementation of neural networks.

Notation follows the docs: examples are columns, ``X`` has shape ``(n_x, m)``,
``W[l]`` has shape ``(n[l], n[l-1])`` and ``Z[l] = W[l] @ A[l-1] + b[l]``.

Submodules are imported on first use, so ``import nnlib`` stays cheap and
``nnlib.activations`` works without importing it first.
"""

import importlib

__version__ = "0.1.0"

_SUBMODULES = (
    "activations",
    "datasets",
    "gradcheck",
    "layers",
    "losses",
    "network",
    "optimizers",
    "training",
)


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'nnlib' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_SUBMODULES])

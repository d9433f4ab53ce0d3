"""Input checks shared by nnlib's public functions.

Every public function turns what it is given into a float array here, so a
bad input fails in one place with one kind of message: what was expected and
what came.
"""

import numbers

import numpy as np

FLOAT64 = np.dtype(np.float64)
"""float64 as a dtype, to test ``arr.dtype is FLOAT64`` (faster than ``==``)."""


def describe(x):
    """A short description of ``x`` for an error message."""
    if isinstance(x, np.ndarray):
        return f"an array of dtype {x.dtype} and shape {x.shape}"
    text = repr(x)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(x).__name__} {text}"


def as_float_array(x, what="z"):
    """Return ``x`` as a floating-point array.

    Float arrays keep their dtype (float32 stays float32); Python scalars,
    integers and booleans become float64. Anything else raises ``TypeError``.
    """
    try:
        arr = np.asarray(x)
    except ValueError as err:  # e.g. a ragged list
        raise TypeError(
            f"{what} must be a real number or an array of real numbers, "
            f"got {describe(x)} ({err})"
        ) from None
    if arr.dtype.kind == "f":
        return arr
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    raise TypeError(
        f"{what} must be a real number or an array of real numbers, got {describe(x)}"
    )


def all_finite(arr):
    """True when every entry of the float array ``arr`` is finite (no NaN, no inf)."""
    # Counting is one C loop; ``.all()`` goes through Python wrappers, slower on small arrays.
    return np.count_nonzero(np.isfinite(arr)) == arr.size


def real_number(value, what):
    """Check that a parameter is a real (not complex, not bool) number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} must be a real number, got {describe(value)}")
    return value


def finite_number(value, what):
    """Check that a parameter is a finite real number (not NaN or infinite)."""
    real_number(value, what)
    if not np.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value}")
    return value


def check_parameters(name, params):
    """Check the numeric keyword parameters of ``name`` (an activation or a loss).

    Every number must be finite: a slope or a scale of inf or NaN makes the
    result NaN where the formula multiplies it by 0. Non-numbers (a mode such
    as ``approximate="tanh"``) are left to the function that reads them.
    """
    for key, value in params.items():
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            finite_number(value, f"{name}: {key}")


def positive_int(value, what):
    """Check that ``value`` is a positive integer (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{what} must be a positive integer, got {describe(value)}")
    if value <= 0:
        raise ValueError(f"{what} must be a positive integer, got {value}")
    return int(value)


def unwrap_scalar(arr):
    """Return a 0-d array as a NumPy scalar, any other array unchanged."""
    return arr[()] if arr.ndim == 0 else arr

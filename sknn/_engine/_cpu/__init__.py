"""The compiled CPU engine: dense NumPy arrays of float32 or float64.

``handles(*arrays)`` says whether the compiled kernels can read the arrays
in place, and ``in_row_layout(X)`` gives the data of a fit or a prediction in
the layout the compiled engine computes on (one copy when it is not already);
elsewhere (other array namespaces, sparse input) sknn runs its portable
array-API code, which computes the same numbers.

The layouts, and who takes care of each:

- aligned, every stride a whole number of items (C or Fortran order, slices,
  negative strides, read-only arrays, memory maps): the kernels read them in
  place (``take_rows``, ``all_finite``);
- unaligned data (``np.ndarray(..., buffer=b, offset=1)``) or a stride that is
  not a whole number of items (a field of a structured array, e.g. strides
  (36, 8)): the kernels never see them; ``in_row_layout`` copies them once,
  and other callers use NumPy's own routines.

``in_row_layout`` also copies data whose columns are not adjacent (Fortran
order, column slices): BLAS then multiplies it exactly as it multiplies the
contiguous copy, so every layout trains and predicts to the same bits.
"""

from typing import NamedTuple

import numpy as np

from sknn._engine._cpu._data import all_finite, row_argmax, take_rows
from sknn._engine._cpu._dense import DenseNetwork
from sknn._engine._cpu._steps import StepKind, step

__all__ = [
    "ACTIVATION_CODES",
    "ADAM",
    "FLOATS",
    "RMSPROP",
    "SGD",
    "DenseNetwork",
    "StepSettings",
    "all_finite",
    "handles",
    "in_row_layout",
    "row_argmax",
    "specialised",
    "step",
    "take_rows",
]

# The activation codes of kernels.h.
ACTIVATION_CODES = {
    "identity": 0,
    "logistic": 1,
    "tanh": 2,
    "relu": 3,
    "leaky_relu": 4,
    "elu": 5,
    "gelu": 6,
    "softplus": 7,
    "softmax": 8,
    "exp": 9,
}

FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
SGD, ADAM, RMSPROP = StepKind.SGD, StepKind.ADAM, StepKind.RMSPROP  # kinds of ``step``


class StepSettings(NamedTuple):
    """The hyper-parameters of one compiled optimizer step (``step``); each
    optimizer sets its own and leaves the others at their defaults."""

    learning_rate: float  # SGD and RMSProp: lr; Adam: the bias-corrected lr_t
    momentum: float = 0.0  # SGD
    nesterov: bool = False  # SGD
    beta_1: float = 0.0  # Adam
    beta_2: float = 0.0  # Adam
    rho: float = 0.0  # RMSProp
    epsilon: float = 1e-8  # Adam, RMSProp
    decay: float = 1.0  # AdamW's shrink of the weights before the step


def specialised(function, dtype):
    """The float32 or float64 version of a compiled function.

    Calling it directly skips Cython's dispatch on the arguments' types,
    which costs as much as a small kernel does.
    """
    return function["float" if dtype == np.float32 else "double"]


def handles(*arrays):
    """True when the kernels can read every array in place: NumPy arrays of one
    float dtype, aligned, each stride a whole number of items (any sign)."""
    dtype = arrays[0].dtype if isinstance(arrays[0], np.ndarray) else None
    return dtype in FLOATS and all(
        type(a) is np.ndarray and a.dtype == dtype and _readable(a) for a in arrays
    )


def in_row_layout(X):
    """X (a 2-D NumPy float array) itself when the compiled engine computes on
    it as it is, else one aligned, C-contiguous copy of it.

    As it is: aligned, rows a whole number of items apart (any sign), and the
    items of a row adjacent. Anything else (Fortran order, column slices,
    unaligned data, fields of structured arrays) is copied.
    """
    if handles(X) and (X.shape[1] <= 1 or X.strides[1] == X.itemsize):
        return X
    return np.require(X, requirements=["C", "A"])


def _readable(array):
    itemsize = array.itemsize
    return array.flags.aligned and all(stride % itemsize == 0 for stride in array.strides)

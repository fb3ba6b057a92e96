"""The compiled CPU engine: dense NumPy arrays of float32 or float64.

``handles(*arrays)`` says whether the compiled kernels can take the arrays;
elsewhere (other array namespaces, sparse input) sknn runs its portable
array-API code, which computes the same numbers.
"""

from typing import NamedTuple

import numpy as np

from sknn._cpu._dense import DenseNetwork
from sknn._cpu._data import all_finite, take_rows
from sknn._cpu._steps import StepKind, step

__all__ = [
    "ACTIVATION_CODES",
    "ADAM",
    "DenseNetwork",
    "all_finite",
    "RMSPROP",
    "SGD",
    "StepSettings",
    "handles",
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

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
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
    """True when every array is a C-contiguous NumPy array of one float dtype."""
    dtype = arrays[0].dtype if isinstance(arrays[0], np.ndarray) else None
    return dtype in _FLOATS and all(
        type(a) is np.ndarray and a.dtype == dtype and a.flags.c_contiguous for a in arrays
    )

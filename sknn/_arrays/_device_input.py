"""Checking arrays that stay on their device (CuPy input without array-API dispatch).

``validate_data`` would pull such an array to the host (or refuse it); these
checks give the same errors without a copy: X is 2-D, non-empty, numeric,
finite, with the fitted number of features; y (small) is checked on the host.
"""

import array_api_compat
import numpy as np
from sklearn.utils import check_array, check_consistent_length
from sklearn.utils.validation import _check_feature_names, _check_n_features

from sknn._arrays._backend import to_numpy


def validate_device_X(estimator, X, reset):
    """X checked where it lives, as float32 or float64 (other numbers become float64)."""
    xp = array_api_compat.array_namespace(X)
    if X.ndim != 2:
        raise ValueError(
            f"Expected a 2D array, got a {X.ndim}D array instead. Reshape your "
            "data with X.reshape(-1, 1) for a single feature or X.reshape(1, -1) "
            "for a single sample."
        )
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(
            f"Found array with {X.shape[0]} sample(s) and {X.shape[1]} feature(s) "
            f"(shape={tuple(X.shape)}) while a minimum of 1 is required."
        )
    X = _as_float(xp, X)
    if not bool(xp.all(xp.isfinite(X))):
        raise ValueError("Input X contains NaN or infinity.")
    _check_feature_names(estimator, X, reset=reset)
    _check_n_features(estimator, X, reset=reset)
    return X


def validate_device_data(estimator, X, y, reset, y_numeric):
    """``(X, y_host)``: X checked on its device, y brought to the host and checked."""
    X = validate_device_X(estimator, X, reset)
    y = check_array(
        to_numpy(y),
        ensure_2d=False,
        dtype="numeric" if y_numeric else None,
        ensure_all_finite=True,
        input_name="y",
    )
    check_consistent_length(np.empty((X.shape[0], 0)), y)
    return X, y


def _as_float(xp, X):
    if xp.isdtype(X.dtype, ("real floating",)):
        return X
    if xp.isdtype(X.dtype, ("bool", "integral")):
        return xp.astype(X, xp.float64)
    raise ValueError(f"X has dtype {X.dtype}; sknn needs real numbers (float, int or bool).")

"""Array namespaces and devices: the one place that tells NumPy from the rest.

The estimators look up the namespace ``xp`` once, from the validated ``X``, and
pass it down. Everything else is written against the array API standard;
``native(xp)`` hands out the NumPy or CuPy module where a faster in-place call
(``out=``) exists, and ``None`` elsewhere, so each fast path keeps its portable
version beside it.
"""

import importlib
from numbers import Real

import array_api_compat
import array_api_compat.numpy as numpy_namespace
import numpy as np
import scipy.sparse as sp
from sklearn import get_config


def namespace_of(X):
    """Namespace of ``X``: its own under array API dispatch, else NumPy.

    Sparse matrices and plain NumPy arrays always give NumPy.
    """
    if sp.issparse(X) or not get_config()["array_api_dispatch"]:
        return numpy_namespace
    if not array_api_compat.is_array_api_obj(X):
        return numpy_namespace
    return array_api_compat.array_namespace(X)


def float_dtypes(X):
    """The float dtypes X may keep, in X's own namespace (float64 first)."""
    xp = namespace_of(X)
    return (xp.float64, xp.float32)


def is_sparse(X):
    """True for SciPy sparse matrices and CuPy's (``cupyx.scipy.sparse``)."""
    return sp.issparse(X) or type(X).__module__.startswith("cupyx.scipy.sparse")


def device_of(X):
    """Device of ``X`` (``"cpu"`` for NumPy arrays and SciPy sparse matrices)."""
    if sp.issparse(X) or isinstance(X, np.ndarray):
        return "cpu"
    if is_sparse(X):
        return X.data.device
    return array_api_compat.device(X)


def is_numpy(xp):
    """True when ``xp`` is NumPy (wrapped by array-api-compat or not)."""
    return array_api_compat.is_numpy_namespace(xp)


def native(xp):
    """The NumPy or CuPy module behind ``xp``, for ``out=`` fast paths; else None.

    Never imports CuPy unless ``xp`` already is CuPy (so CuPy is loaded).
    """
    if array_api_compat.is_numpy_namespace(xp):
        return np
    if array_api_compat.is_cupy_namespace(xp):
        return importlib.import_module("cupy")
    return None


def to_numpy(array):
    """Any array (or array-like: lists, pandas) as a NumPy array on the host."""
    if isinstance(array, np.ndarray) or not array_api_compat.is_array_api_obj(array):
        return np.asarray(array)
    if array_api_compat.is_cupy_array(array):
        return array.get()
    return np.from_dlpack(array)


def move_to(array, xp, device, dtype=None):
    """``array`` as an array of namespace ``xp`` on ``device`` (None stays None)."""
    if array is None:
        return None
    if type(array) is np.ndarray and xp is numpy_namespace:  # the common case, quickly
        return array if dtype is None or array.dtype == dtype else array.astype(dtype)
    if is_sparse(array):
        return _move_sparse(array, xp, dtype)
    same = array_api_compat.is_array_api_obj(array) and (
        array_api_compat.array_namespace(array) == xp and device_of(array) == device
    )
    if not same:
        host = to_numpy(array)
        array = xp.asarray(host) if is_numpy(xp) else xp.asarray(host, device=device)
    if dtype is not None and array.dtype != dtype:
        array = xp.astype(array, dtype)
    return array


def _move_sparse(matrix, xp, dtype):
    """A CSR matrix for ``xp``: SciPy's on the host, CuPy's for CuPy (one copy)."""
    if array_api_compat.is_cupy_namespace(xp):
        if sp.issparse(matrix):
            sparse = importlib.import_module("cupyx.scipy.sparse")
            matrix = sparse.csr_matrix(matrix)
    elif not sp.issparse(matrix):
        matrix = matrix.get()
    return matrix if dtype is None or matrix.dtype == dtype else matrix.astype(dtype)


def to_float(value):
    """A 0-d array (on any device) as a Python float: one host sync."""
    return float(value)


def is_number(value):
    """A real number: a Python or NumPy scalar, or a 0-d array (any namespace) of one."""
    if isinstance(value, Real):
        return True
    if not array_api_compat.is_array_api_obj(value) or value.shape != ():
        return False
    xp = array_api_compat.array_namespace(value)
    return bool(xp.isdtype(value.dtype, ("real floating", "integral", "bool")))

"""Prediction's fixed costs, kept small: input validation and the network's buffers.

Predicting a few rows at a time (serving) is dominated by what each call
does besides the arithmetic. Two things keep that small:

- ``validated_input``: a plain float NumPy array (or SciPy CSR matrix) that
  already has the fitted number of features and finite values is what
  ``validate_data`` would return unchanged, so it is checked directly (the
  finite check in one compiled pass); anything else (also arrays the kernels
  cannot read in place, such as unaligned data or a field of a structured
  array) goes through
  ``validate_data`` (and gets its errors and warnings).
- ``prediction_network``: the network (its work buffers, no weights) is kept
  per thread and reused while the architecture and dtype stay the same.

``weights_on`` keeps one copy of the fitted weights on the device (or in the
dtype) a prediction needs when they live elsewhere (a GPU model predicting
NumPy input on the CPU, a model loaded from a file predicting on a GPU), so
calls don't copy them again; the copy is held outside the estimator and goes
when the estimator or its weights go.
"""

import threading
import weakref
from collections import OrderedDict

import numpy as np
import scipy.sparse as sp
from sklearn import get_config
from sklearn.utils.validation import validate_data

from sknn._arrays._backend import float_dtypes, is_numpy, move_to
from sknn._arrays._device import follows_data
from sknn._arrays._device_input import validate_device_X
from sknn._arrays._errors import explained_input_errors
from sknn._engine import _cpu
from sknn._engine._choice import PREDICTION_ROWS, make_network
from sknn._engine._layout import ParameterLayout

_CSR_TYPES = (sp.csr_matrix, sp.csr_array)
_CACHE_SIZE = 4
_local = threading.local()
_moved_weights = weakref.WeakKeyDictionary()
_moved_lock = threading.Lock()


def validated_input(estimator, X):
    """``X`` as ``validate_data(estimator, X, reset=False)`` gives it."""
    if _is_ready(estimator, X) or _is_ready_csr(estimator, X):
        return X
    if follows_data(X) and not get_config()["array_api_dispatch"]:
        return validate_device_X(estimator, X, reset=False)
    with explained_input_errors():
        return validate_data(
            estimator, X, accept_sparse=["csr", "csc"], dtype=float_dtypes(X), reset=False
        )


def _is_ready(estimator, X):
    """A 2-D float ndarray the kernels can read, with the fitted features, finite,
    fitted without names."""
    return (
        type(X) is np.ndarray
        and X.ndim == 2
        and X.dtype in _cpu.FLOATS
        and X.shape[0] > 0
        and _cpu.handles(X)
        and X.shape[1] == estimator.n_features_in_
        and not hasattr(estimator, "feature_names_in_")
        and _all_finite(X)
    )


def _is_ready_csr(estimator, X):
    """A SciPy CSR matrix of floats with the fitted features, finite, fitted without names."""
    return (
        type(X) in _CSR_TYPES
        and X.dtype in _cpu.FLOATS
        and X.shape[0] > 0
        and X.shape[1] == estimator.n_features_in_
        and not hasattr(estimator, "feature_names_in_")
        and _all_finite(X.data.reshape(1, -1))
    )


def _all_finite(X):
    """No NaN, no infinity (one compiled pass over X)."""
    return _cpu.specialised(_cpu.all_finite, X.dtype)(X)


def check_finite_outputs(xp, outputs):
    """``outputs``, or a ValueError when any is NaN or infinite (never silent NaNs)."""
    if type(outputs) is np.ndarray:
        finite = _all_finite(outputs)  # (n_rows, n_outputs), contiguous
    else:
        finite = bool(xp.all(xp.isfinite(outputs)))
    if not finite:
        raise ValueError(
            "The network's outputs for this X are not finite (NaN or infinity): "
            "its values are too large for the fitted weights. Scale the inputs as "
            "they were scaled for fit (e.g. StandardScaler in a Pipeline)."
        )
    return outputs


def prediction_network(
    xp, layer_units, hidden_activation, output_activation, dtype, device, n_rows, sparse
):
    """A network for predicting ``n_rows`` rows, from this thread's small cache."""
    rows = min(n_rows, PREDICTION_ROWS)
    if not is_numpy(xp):  # other engines: a network per call
        return _new_network(
            xp, layer_units, hidden_activation, output_activation, dtype, device, rows, sparse
        )
    hidden = tuple(hidden_activation) if isinstance(hidden_activation, list) else hidden_activation
    key = (tuple(layer_units), hidden, output_activation, np.dtype(dtype).str, rows)
    cache = getattr(_local, "networks", None)
    if cache is None:
        cache = _local.networks = OrderedDict()
    network = cache.pop(key, None)
    if network is None:
        network = _new_network(
            xp, layer_units, hidden_activation, output_activation, dtype, device, rows, sparse
        )
    cache[key] = network
    while len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)
    return network


def _new_network(
    xp, layer_units, hidden_activation, output_activation, dtype, device, rows, sparse
):
    return make_network(
        xp,
        ParameterLayout(layer_units),
        hidden_activation,
        output_activation,
        dtype,
        device,
        rows,
        sparse=sparse,
        predicting=True,
    )


def weights_on(estimator, xp, device, dtype):
    """``(coefs, intercepts)`` of ``estimator`` in ``xp`` on ``device`` in ``dtype``."""
    coefs, intercepts = estimator.coefs_, estimator.intercepts_
    first = coefs[0]
    if type(first) is np.ndarray and is_numpy(xp) and first.dtype == dtype:
        return coefs, intercepts
    key = (xp.__name__, str(device), str(dtype))
    with _moved_lock:
        cached = _moved_weights.get(estimator)
    if cached is not None and cached[0] == key and cached[1] is coefs and cached[2] is intercepts:
        return cached[3], cached[4]
    moved = (
        [move_to(c, xp, device, dtype) for c in coefs],
        [move_to(b, xp, device, dtype) for b in intercepts],
    )
    with _moved_lock:
        _moved_weights[estimator] = (key, coefs, intercepts, *moved)
    return moved

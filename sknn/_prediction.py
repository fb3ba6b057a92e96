"""Prediction's fixed costs, kept small: input validation and the network's buffers.

Predicting a few rows at a time (serving) is dominated by what each call
does besides the arithmetic. Two things keep that small:

- ``validated_input``: a plain float NumPy array that already has the fitted
  number of features and finite values is what ``validate_data`` would return
  unchanged, so it is checked directly (the finite check in one compiled
  pass); anything else goes through ``validate_data`` (and gets its errors
  and warnings).
- ``prediction_network``: the network (its work buffers, no weights) is kept
  per thread and reused while the architecture and dtype stay the same.
"""

import threading
from collections import OrderedDict

import numpy as np
from sklearn.utils.validation import validate_data

from sknn import _cpu
from sknn._backend import float_dtypes, is_numpy
from sknn._engine import PREDICTION_ROWS, make_network
from sknn._layout import ParameterLayout

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_CACHE_SIZE = 4
_local = threading.local()


def validated_input(estimator, X):
    """``X`` as ``validate_data(estimator, X, reset=False)`` gives it."""
    if _is_ready(estimator, X):
        return X
    return validate_data(
        estimator, X, accept_sparse=["csr", "csc"], dtype=float_dtypes(X), reset=False
    )


def _is_ready(estimator, X):
    """A 2-D float ndarray with the fitted features, finite, fitted without names."""
    return (
        type(X) is np.ndarray
        and X.ndim == 2
        and X.dtype in _FLOATS
        and X.shape[0] > 0
        and X.shape[1] == estimator.n_features_in_
        and not hasattr(estimator, "feature_names_in_")
        and _all_finite(X)
    )


def _all_finite(X):
    """No NaN, no infinity (one compiled pass over X)."""
    return _cpu.specialised(_cpu.all_finite, X.dtype)(X)


def prediction_network(xp, layer_units, hidden_activation, output_activation, dtype, device,
                       n_rows, sparse):
    """A network for predicting ``n_rows`` rows, from this thread's small cache."""
    rows = min(n_rows, PREDICTION_ROWS)
    if not (is_numpy(xp) and not sparse):  # other engines: a network per call
        return _new_network(xp, layer_units, hidden_activation, output_activation, dtype,
                            device, rows, sparse)
    hidden = tuple(hidden_activation) if isinstance(hidden_activation, list) else hidden_activation
    key = (tuple(layer_units), hidden, output_activation, np.dtype(dtype).str, rows)
    cache = getattr(_local, "networks", None)
    if cache is None:
        cache = _local.networks = OrderedDict()
    network = cache.pop(key, None)
    if network is None:
        network = _new_network(xp, layer_units, hidden_activation, output_activation, dtype,
                               device, rows, sparse)
    cache[key] = network
    while len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)
    return network


def _new_network(xp, layer_units, hidden_activation, output_activation, dtype, device, rows,
                 sparse):
    return make_network(xp, ParameterLayout(layer_units), hidden_activation, output_activation,
                        dtype, device, rows, sparse=sparse)

"""Fitted state on the host: what pickling a model (fitted anywhere) stores."""

import array_api_compat
import numpy as np

from sknn._arrays._backend import is_sparse, to_numpy


def to_host(value):
    """``value`` with its arrays (also in lists, tuples and dicts) as NumPy arrays."""
    if isinstance(value, (np.ndarray, np.generic)) or value is None:
        return value
    if is_sparse(value):
        return value if type(value).__module__.startswith("scipy") else value.get()
    if array_api_compat.is_array_api_obj(value):
        return to_numpy(value)
    if isinstance(value, (list, tuple)):
        return type(value)(to_host(item) for item in value)
    if isinstance(value, dict):
        return {key: to_host(item) for key, item in value.items()}
    return value


def host_state(state):
    """A ``__getstate__`` dict with every array on the host."""
    return {name: to_host(value) for name, value in state.items()}

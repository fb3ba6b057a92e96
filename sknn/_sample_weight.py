"""Validation of ``sample_weight``."""

import numpy as np
from sklearn.utils import check_array

from sknn._backend import to_numpy


def check_sample_weight(sample_weight, n_samples):
    """``sample_weight`` as a finite, non-negative float64 host vector, or None.

    Raises
    ------
    ValueError
        When it is not 1-D of length ``n_samples``, is negative somewhere, or
        sums to zero.
    """
    if sample_weight is None:
        return None
    if np.isscalar(sample_weight):
        return np.full(n_samples, float(sample_weight))
    weights = check_array(
        to_numpy(sample_weight) if hasattr(sample_weight, "shape") else sample_weight,
        ensure_2d=False,
        dtype=np.float64,
        input_name="sample_weight",
    )
    if weights.ndim != 1 or weights.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight.shape == {weights.shape}, expected ({n_samples},)!"
        )
    if np.any(weights < 0):
        raise ValueError("sample_weight must be non-negative; got negative values.")
    if not np.any(weights > 0):
        raise ValueError("sample_weight sums to zero: at least one weight must be > 0.")
    return weights


def combine_weights(sample_weight, class_weights):
    """The product of the two (either may be None), as scikit-learn's classifiers do."""
    if class_weights is None:
        return sample_weight
    return class_weights if sample_weight is None else sample_weight * class_weights

"""Validation of ``sample_weight``."""

import numpy as np
from sklearn.utils import check_array

from sknn._arrays._backend import to_numpy


def check_sample_weight(sample_weight, n_samples, name="sample_weight"):
    """``sample_weight`` as a finite, non-negative float64 host vector, or None.

    A scalar weighs every sample alike. ``name`` is the parameter's name in
    the messages ('sample_weight', 'sample_weight_val').

    Raises
    ------
    ValueError
        When it is not 1-D of length ``n_samples``, is not finite or negative
        somewhere, or sums to zero.
    """
    if sample_weight is None:
        return None
    if np.isscalar(sample_weight):
        sample_weight = np.full(n_samples, sample_weight)
    weights = check_array(
        to_numpy(sample_weight) if hasattr(sample_weight, "shape") else sample_weight,
        ensure_2d=False,
        dtype=np.float64,
        input_name=name,
    )
    if weights.ndim != 1 or weights.shape[0] != n_samples:
        raise ValueError(
            f"{name}.shape == {weights.shape}, expected ({n_samples},)!"
        )
    if np.any(weights < 0):
        raise ValueError(f"{name} must be non-negative; got negative values.")
    if not np.any(weights > 0):
        raise ValueError(f"{name} sums to zero: at least one weight must be > 0.")
    return np.require(weights, requirements=["C", "A"])  # any layout given: as the kernels read it


def combine_weights(sample_weight, class_weights, name):
    """The product of the two (either may be None), as scikit-learn's classifiers do.

    Raises a ValueError when the product is 0 for every sample (``name``, the
    sample weights' parameter, says which: 'sample_weight' or 'sample_weight_val').
    """
    if class_weights is None:
        return sample_weight
    weights = class_weights if sample_weight is None else sample_weight * class_weights
    if not np.any(weights > 0):
        given = "class_weight" if sample_weight is None else f"{name} times class_weight"
        raise ValueError(
            f"The weights of the samples ({given}) are 0 for every sample: class_weight "
            "gives weight 0 to every class they hold (where the other factor is not 0), "
            "so there is nothing to learn from."
        )
    return weights

"""The early-stopping validation split, drawn as scikit-learn draws it."""

import math
import warnings

import numpy as np
from sklearn.model_selection import train_test_split


def validation_split(n_samples, validation_fraction, stratify, random_state):
    """Row indices ``(train_rows, validation_rows)``, or None when too small.

    Uses ``train_test_split`` on the row indices, so the split (and the random
    numbers it consumes) is scikit-learn's. ``stratify`` holds one class label
    per row, or None. When stratifying is impossible (a class with one member)
    the split falls back to a plain random one. When the validation set would
    have fewer than 2 rows, or the training set none, it warns and returns None:
    the fit then trains on everything, without early stopping.
    """
    n_validation = math.ceil(validation_fraction * n_samples)
    if n_validation < 2 or n_samples - n_validation < 1:
        warnings.warn(
            f"The validation set would have {n_validation} of {n_samples} "
            "samples, too few for early stopping; training on all samples "
            "without a validation set. Increase 'validation_fraction' or the "
            "size of the dataset.",
            UserWarning,
            stacklevel=1,  # the line that warns (a test checks which module)
        )
        return None
    rows = np.arange(n_samples)
    split = dict(test_size=validation_fraction, random_state=random_state)
    if stratify is not None:
        try:
            return tuple(train_test_split(rows, stratify=stratify, **split))
        except ValueError:
            pass  # too few members in some class to stratify; split at random
    return tuple(train_test_split(rows, **split))

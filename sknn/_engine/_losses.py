"""Loss functions: per-sample losses, summed or averaged with optional weights.

Every loss here is paired with the output activation that makes its gradient
with respect to the output layer's pre-activation simply ``y_pred - y``
(softmax + cross-entropy, logistic + binary cross-entropy, identity + squared
error, exp + Poisson deviance); the backward passes rely on that. Losses sum
over outputs; ``summed_loss`` sums over samples (what a batch's gradient is
the gradient of), ``mean_loss`` averages (the reported loss).
"""

import numpy as np


def _clip_probabilities(xp, y_prob):
    eps = xp.finfo(y_prob.dtype).eps
    return xp.clip(y_prob, eps, 1.0 - eps)


def squared_error(xp, y, y_pred):
    """0.5 * sum over outputs of (y - y_pred)^2.

    For one output this is scikit-learn's loss; for several, scikit-learn
    averages over outputs while its gradient sums over them (its issue 8349).
    """
    return 0.5 * xp.sum((y - y_pred) ** 2, axis=1)


def poisson(xp, y, y_pred):
    """Poisson deviance / 2: sum over outputs of y log(y / y_pred) - y + y_pred."""
    ratio = xp.where(y > 0, y / y_pred, 1.0)  # y log(y / p) is 0 where y == 0
    return xp.sum(y * xp.log(ratio) - y + y_pred, axis=1)


def log_loss(xp, y, y_prob):
    """Categorical cross-entropy -sum_k y_k log p_k for one-hot ``y``."""
    log_prob = xp.log(_clip_probabilities(xp, y_prob))
    return -xp.sum(y * log_prob, axis=1)


def binary_log_loss(xp, y, y_prob):
    """Binary cross-entropy summed over independent outputs (binary, multilabel)."""
    p = _clip_probabilities(xp, y_prob)
    return -xp.sum(y * xp.log(p) + (1.0 - y) * xp.log(1.0 - p), axis=1)


# The per-sample loss that pairs canonically with each output activation.
LOSS_OF_OUTPUT = {
    "identity": squared_error,
    "exp": poisson,
    "softmax": log_loss,
    "logistic": binary_log_loss,
}


def summed_loss(xp, output_activation, y, y_pred, sample_weight=None):
    """sum_i w_i loss_i (w_i = 1 without ``sample_weight``), a 0-d array."""
    per_sample = LOSS_OF_OUTPUT[output_activation](xp, y, y_pred)
    if sample_weight is None:
        return xp.sum(per_sample)
    return xp.sum(per_sample * sample_weight)


def mean_loss(xp, output_activation, y, y_pred, sample_weight=None):
    """The loss averaged over samples, weighted by ``sample_weight`` when given."""
    total = summed_loss(xp, output_activation, y, y_pred, sample_weight)
    return total / (y.shape[0] if sample_weight is None else xp.sum(sample_weight))


def loss_value_type(classifier, x_dtype, y_dtype, sample_weight_dtype=None):
    """The NumPy type scikit-learn gives ``loss_`` and ``loss_curve_`` entries.

    scikit-learn's loss is computed in NumPy's promotion of the inputs'
    types: a classifier's 0/1 targets are int64, so its loss is always
    float64; a regressor's is float32 only when X, y and ``sample_weight``
    (when given; non-float weights become float64) promote to float32.

    Parameters
    ----------
    classifier : bool
    x_dtype, y_dtype : dtype
        Of X in the compute dtype (any namespace's dtype), and of the validated y.
    sample_weight_dtype : dtype or None
        Of the given sample weights; None when none were given.

    Examples
    --------
    >>> loss_value_type(True, "float32", "int64").__name__
    'float64'
    >>> loss_value_type(False, "float32", "float32").__name__
    'float32'
    >>> loss_value_type(False, "float32", "float32", "float64").__name__
    'float64'
    """
    if classifier:
        return np.float64
    dtypes = [_numpy_dtype(x_dtype), _numpy_dtype(y_dtype)]
    if sample_weight_dtype is not None:
        weights = _numpy_dtype(sample_weight_dtype)
        dtypes.append(weights if weights in (np.float32, np.float64) else np.float64)
    return np.result_type(*dtypes).type


def _numpy_dtype(dtype):
    """NumPy's dtype of the same name (CuPy's and array-api-strict's too)."""
    try:
        return np.dtype(dtype)
    except TypeError:
        return np.dtype(str(dtype).rsplit(".", 1)[-1])

"""Loss functions: the per-sample loss averaged with optional sample weights.

Every loss here is paired with the output activation that makes its gradient
with respect to the output layer's pre-activation simply ``y_pred - y``
(softmax + cross-entropy, logistic + binary cross-entropy, identity + squared
error, exp + Poisson deviance); ``_network.Network.backward`` relies on that.
Losses sum over outputs and average over samples, so each is the exact
objective whose gradient back-propagation computes.
"""


def weighted_mean(xp, per_sample, sample_weight):
    """Mean of ``per_sample`` (n,), weighted by ``sample_weight`` when given."""
    if sample_weight is None:
        return xp.mean(per_sample)
    return xp.sum(per_sample * sample_weight) / xp.sum(sample_weight)


def _clip_probabilities(xp, y_prob):
    eps = xp.finfo(y_prob.dtype).eps
    return xp.clip(y_prob, eps, 1.0 - eps)


def squared_error(xp, y, y_pred, sample_weight=None):
    """0.5 * sum over outputs of (y - y_pred)^2, averaged over samples.

    For one output this is scikit-learn's loss; for several, scikit-learn
    averages over outputs while its gradient sums over them (its issue 8349).
    """
    return 0.5 * weighted_mean(xp, xp.sum((y - y_pred) ** 2, axis=1), sample_weight)


def poisson(xp, y, y_pred, sample_weight=None):
    """Poisson deviance / 2: sum over outputs of y log(y / y_pred) - y + y_pred."""
    ratio = xp.where(y > 0, y / y_pred, 1.0)  # y log(y / p) is 0 where y == 0
    per_sample = xp.sum(y * xp.log(ratio) - y + y_pred, axis=1)
    return weighted_mean(xp, per_sample, sample_weight)


def log_loss(xp, y, y_prob, sample_weight=None):
    """Categorical cross-entropy -sum_k y_k log p_k for one-hot ``y``."""
    log_prob = xp.log(_clip_probabilities(xp, y_prob))
    return -weighted_mean(xp, xp.sum(y * log_prob, axis=1), sample_weight)


def binary_log_loss(xp, y, y_prob, sample_weight=None):
    """Binary cross-entropy summed over independent outputs (binary, multilabel)."""
    p = _clip_probabilities(xp, y_prob)
    per_output = y * xp.log(p) + (1.0 - y) * xp.log(1.0 - p)
    return -weighted_mean(xp, xp.sum(per_output, axis=1), sample_weight)


# The loss that pairs canonically with each output activation.
LOSS_OF_OUTPUT = {
    "identity": squared_error,
    "exp": poisson,
    "softmax": log_loss,
    "logistic": binary_log_loss,
}

"""Initial weights, drawn on the host with NumPy, then moved to the data's device.

``'glorot_uniform'`` (the default) is scikit-learn's scheme, drawn exactly as
scikit-learn draws it: layer by layer, weights then biases, both uniform in
``±sqrt(6 / (fan_in + fan_out))`` (``sqrt(2 / ...)`` when the activation is
logistic). The others follow Keras: He (for ReLU-like activations) scales by
``fan_in``, Glorot-normal by ``fan_in + fan_out``; their biases start at 0.
CPU and GPU fits start from the same weights.
"""

import numpy as np

INITIALIZERS = ("glorot_uniform", "glorot_normal", "he_uniform", "he_normal")


def glorot_uniform_bound(fan_in, fan_out, activation):
    """Bound of scikit-learn's uniform draw: sqrt(6 / (fan_in + fan_out)), 2 for logistic."""
    factor = 2.0 if activation == "logistic" else 6.0
    return np.sqrt(factor / (fan_in + fan_out))


def _glorot_uniform(rng, fan_in, fan_out, activation):
    bound = glorot_uniform_bound(fan_in, fan_out, activation)
    return rng.uniform(-bound, bound, (fan_in, fan_out)), rng.uniform(-bound, bound, fan_out)


def _glorot_normal(rng, fan_in, fan_out, activation):
    scale = np.sqrt(2.0 / (fan_in + fan_out))
    return rng.normal(0.0, scale, (fan_in, fan_out)), np.zeros(fan_out)


def _he_uniform(rng, fan_in, fan_out, activation):
    bound = np.sqrt(6.0 / fan_in)
    return rng.uniform(-bound, bound, (fan_in, fan_out)), np.zeros(fan_out)


def _he_normal(rng, fan_in, fan_out, activation):
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out)), np.zeros(fan_out)


_DRAWS = {
    "glorot_uniform": _glorot_uniform,
    "glorot_normal": _glorot_normal,
    "he_uniform": _he_uniform,
    "he_normal": _he_normal,
}


def initial_parameters(layout, layer_activations, random_state, init="glorot_uniform"):
    """Host float64 arrays ``(coefs, intercepts)`` for every layer of ``layout``.

    ``layer_activations`` gives, per weight layer, the activation whose
    Glorot-uniform factor applies (scikit-learn uses the hidden activation for
    every layer, the output layer included).
    """
    draw = _DRAWS[init]
    coefs, intercepts = [], []
    for (fan_in, fan_out), activation in zip(layout.coef_shapes, layer_activations, strict=True):
        coef, intercept = draw(random_state, fan_in, fan_out, activation)
        coefs.append(coef)
        intercepts.append(intercept)
    return coefs, intercepts

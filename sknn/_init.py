"""Initial weights: Glorot uniform, drawn exactly as scikit-learn draws them.

Weights come from NumPy's generator on the host (float64, layer by layer:
weights then bias) and are then moved to the data's namespace and device, so
CPU and GPU fits start from the same weights as scikit-learn.
"""

import numpy as np


def glorot_uniform_bound(fan_in, fan_out, activation):
    """Bound of the uniform draw: sqrt(6 / (fan_in + fan_out)), 2 for logistic."""
    factor = 2.0 if activation == "logistic" else 6.0
    return np.sqrt(factor / (fan_in + fan_out))


def initial_parameters(layout, activation, random_state):
    """Host float64 arrays ``(coefs, intercepts)`` for every layer of ``layout``."""
    coefs, intercepts = [], []
    for fan_in, fan_out in layout.coef_shapes:
        bound = glorot_uniform_bound(fan_in, fan_out, activation)
        coefs.append(random_state.uniform(-bound, bound, (fan_in, fan_out)))
        intercepts.append(random_state.uniform(-bound, bound, fan_out))
    return coefs, intercepts

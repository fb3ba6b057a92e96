"""Plain NumPy definitions the tests check sknn against."""

import numpy as np
import scipy.special

ACTIVATION_DEFINITIONS = {
    "identity": lambda z: z,
    "logistic": scipy.special.expit,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.expm1(z)),
    "gelu": lambda z: 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * z**3))),
    "softplus": lambda z: np.logaddexp(0.0, z),
    "exp": np.exp,
    "softmax": lambda z: scipy.special.softmax(z, axis=1),
}

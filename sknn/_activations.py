"""Activation functions and their derivatives, in place, for any namespace.

Each activation overwrites its pre-activation ``Z`` with ``f(Z)``. Each
derivative multiplies the back-propagated ``delta`` by ``f'(z)``, written from
the activation's *output* ``A = f(z)`` so pre-activations need not be kept.
"""

import scipy.special

from sknn._backend import is_numpy
from sknn._inplace import apply_inplace


def identity(xp, Z):
    """f(z) = z."""


def logistic(xp, Z):
    """f(z) = 1 / (1 + exp(-z))."""
    if is_numpy(xp):
        scipy.special.expit(Z, out=Z)  # accurate for large |z|, no temporaries
    else:
        decay = xp.exp(-xp.abs(Z))  # never overflows
        Z[...] = xp.where(Z >= 0, 1.0 / (1.0 + decay), decay / (1.0 + decay))


def tanh(xp, Z):
    """f(z) = tanh(z)."""
    apply_inplace(xp, "tanh", Z)


def relu(xp, Z):
    """f(z) = max(z, 0)."""
    apply_inplace(xp, "maximum", Z, 0.0)


def exp(xp, Z):
    """f(z) = exp(z): the inverse link of the Poisson loss."""
    apply_inplace(xp, "exp", Z)


def softmax(xp, Z):
    """Row-wise softmax, shifted by the row maximum for stability."""
    Z -= xp.max(Z, axis=1, keepdims=True)
    apply_inplace(xp, "exp", Z)
    Z /= xp.sum(Z, axis=1, keepdims=True)


def identity_derivative(xp, A, delta):
    """f'(z) = 1."""


def logistic_derivative(xp, A, delta):
    """f'(z) = f(z) (1 - f(z))."""
    delta *= A
    delta *= 1.0 - A


def tanh_derivative(xp, A, delta):
    """f'(z) = 1 - f(z)^2."""
    delta *= 1.0 - A**2


def relu_derivative(xp, A, delta):
    """f'(z) = 1 where z > 0, else 0 (A == 0 exactly where z <= 0)."""
    delta[A == 0] = 0.0


ACTIVATIONS = {
    "identity": identity,
    "logistic": logistic,
    "tanh": tanh,
    "relu": relu,
    "softmax": softmax,
    "exp": exp,
}

DERIVATIVES = {
    "identity": identity_derivative,
    "logistic": logistic_derivative,
    "tanh": tanh_derivative,
    "relu": relu_derivative,
}

HIDDEN_ACTIVATIONS = tuple(DERIVATIVES)

"""Activation functions and their derivatives, in place, for any namespace.

Each activation overwrites its pre-activation ``Z`` with ``f(Z)``. Each
derivative multiplies the back-propagated ``delta`` by ``f'(z)``, written from
the activation's *output* ``A = f(z)`` so pre-activations need not be kept —
except GELU, which is not invertible: its derivative takes ``Z`` too, and the
network keeps the pre-activations of GELU layers (``NEEDS_PREACTIVATION``).
"""

import math

import scipy.special

from sknn._arrays._backend import is_numpy
from sknn._engine._inplace import apply_inplace


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


LEAKY_RELU_SLOPE = 0.01
ELU_ALPHA = 1.0
_GELU_C = (2.0 / math.pi) ** 0.5


def leaky_relu(xp, Z):
    """f(z) = z for z > 0, else 0.01 z."""
    Z[...] = xp.where(Z > 0, Z, LEAKY_RELU_SLOPE * Z)


def elu(xp, Z):
    """f(z) = z for z > 0, else exp(z) - 1."""
    Z[...] = xp.where(Z > 0, Z, ELU_ALPHA * xp.expm1(xp.minimum(Z, 0.0)))


def gelu(xp, Z):
    """f(z) = z/2 (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3))): GELU, tanh form.

    z^3 is ``Z * Z * Z`` (not ``Z**3``, which NumPy computes with ``pow``), the
    arithmetic of the compiled engine, so both give the same bits."""
    Z[...] = 0.5 * Z * (1.0 + xp.tanh(_gelu_argument(Z)))


def _gelu_argument(Z):
    """sqrt(2/pi) (z + 0.044715 z^3), the argument of GELU's tanh."""
    return _GELU_C * (Z + 0.044715 * (Z * Z * Z))


def softplus(xp, Z):
    """f(z) = log(1 + exp(z)), computed as max(z, 0) + log1p(exp(-|z|))."""
    Z[...] = xp.maximum(Z, 0.0) + xp.log1p(xp.exp(-xp.abs(Z)))


def exp(xp, Z):
    """f(z) = exp(z): the inverse link of the Poisson loss."""
    apply_inplace(xp, "exp", Z)


def softmax(xp, Z):
    """Row-wise softmax, shifted by the row maximum for stability."""
    Z -= xp.max(Z, axis=1, keepdims=True)
    apply_inplace(xp, "exp", Z)
    Z /= xp.sum(Z, axis=1, keepdims=True)


def identity_derivative(xp, A, delta, Z=None):
    """f'(z) = 1."""


def logistic_derivative(xp, A, delta, Z=None):
    """f'(z) = f(z) (1 - f(z))."""
    delta *= A
    delta *= 1.0 - A


def tanh_derivative(xp, A, delta, Z=None):
    """f'(z) = 1 - f(z)^2."""
    delta *= 1.0 - A**2


def relu_derivative(xp, A, delta, Z=None):
    """f'(z) = 1 where z > 0, else 0 (A == 0 exactly where z <= 0)."""
    delta[A == 0] = 0.0


def leaky_relu_derivative(xp, A, delta, Z=None):
    """f'(z) = 1 where z > 0 (exactly where A > 0), else 0.01."""
    delta[...] = xp.where(A > 0, delta, LEAKY_RELU_SLOPE * delta)


def elu_derivative(xp, A, delta, Z=None):
    """f'(z) = 1 where z > 0, else exp(z) = f(z) + 1."""
    delta[...] = xp.where(A > 0, delta, delta * (A + ELU_ALPHA))


def softplus_derivative(xp, A, delta, Z=None):
    """f'(z) = logistic(z) = 1 - exp(-f(z))."""
    delta *= -xp.expm1(-A)


def gelu_derivative(xp, A, delta, Z):
    """f'(z) = (1 + t)/2 + z/2 (1 - t^2) sqrt(2/pi) (1 + 3 0.044715 z^2),
    t = tanh(sqrt(2/pi) (z + 0.044715 z^3)): needs the pre-activation Z."""
    t = xp.tanh(_gelu_argument(Z))
    delta *= 0.5 * (1.0 + t) + 0.5 * Z * (1.0 - t**2) * _GELU_C * (1.0 + 3 * 0.044715 * Z**2)


ACTIVATIONS = {
    "identity": identity,
    "logistic": logistic,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "elu": elu,
    "gelu": gelu,
    "softplus": softplus,
    "softmax": softmax,
    "exp": exp,
}

DERIVATIVES = {
    "identity": identity_derivative,
    "logistic": logistic_derivative,
    "tanh": tanh_derivative,
    "relu": relu_derivative,
    "leaky_relu": leaky_relu_derivative,
    "elu": elu_derivative,
    "gelu": gelu_derivative,
    "softplus": softplus_derivative,
}

HIDDEN_ACTIVATIONS = tuple(DERIVATIVES)

# Activations whose derivative cannot be written from the output alone.
NEEDS_PREACTIVATION = frozenset({"gelu"})

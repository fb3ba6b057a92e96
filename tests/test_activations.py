"""Activations overwrite their input with f(z); derivatives are written from f(z).

Each activation is checked against its mathematical definition, on NumPy's
fast path and on the portable path (array_api_strict); each derivative
against a finite difference of its activation.
"""

import array_api_compat.numpy as npx
import array_api_strict
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from _reference import ACTIVATION_DEFINITIONS
from sknn._arrays._backend import to_numpy
from sknn._engine._activations import ACTIVATIONS, DERIVATIVES, NEEDS_PREACTIVATION

DEFINITIONS = ACTIVATION_DEFINITIONS

NAMESPACES = [npx, array_api_strict]
NAMESPACE_IDS = ["numpy", "array_api_strict"]


def pre_activations(seed=0, shape=(6, 5), scale=4.0):
    """Pre-activations spread over both signs, none within 1e-3 of 0 (relu's kink)."""
    z = np.random.default_rng(seed).normal(scale=scale, size=shape)
    return np.where(np.abs(z) < 1e-3, 0.5, z)


def activate(xp, name, z):
    """``ACTIVATIONS[name]`` applied in place to a copy of ``z`` in ``xp``; as NumPy."""
    Z = xp.asarray(np.array(z))
    ACTIVATIONS[name](xp, Z)
    return to_numpy(Z)


def test_every_activation_has_a_definition_here():
    assert set(ACTIVATIONS) == set(DEFINITIONS)


def test_every_hidden_activation_has_a_derivative():
    assert set(DERIVATIVES) == {
        "identity",
        "logistic",
        "tanh",
        "relu",
        "leaky_relu",
        "elu",
        "gelu",
        "softplus",
    }
    assert set(DERIVATIVES) <= set(ACTIVATIONS)


@pytest.mark.parametrize("xp", NAMESPACES, ids=NAMESPACE_IDS)
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_equals_its_definition(xp, name):
    z = pre_activations()

    assert_allclose(activate(xp, name, z), DEFINITIONS[name](z), rtol=1e-14, atol=0)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_portable_activation_equals_numpy_activation(name):
    z = pre_activations()

    assert_allclose(activate(array_api_strict, name, z), activate(npx, name, z), rtol=1e-14, atol=0)


@pytest.mark.parametrize("xp", NAMESPACES, ids=NAMESPACE_IDS)
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_overwrites_only_its_view_of_a_larger_buffer(xp, name):
    # The network activates the leading rows of a buffer sized for max_rows.
    z = pre_activations(shape=(8, 5))
    buffer = xp.asarray(np.array(z))
    view = buffer[:3, ...]

    result = ACTIVATIONS[name](xp, view)

    assert result is None
    full = to_numpy(buffer)
    assert_allclose(full[:3], DEFINITIONS[name](z[:3]), rtol=1e-14, atol=0)
    assert_array_equal(full[3:], z[3:])


@pytest.mark.parametrize("xp", NAMESPACES, ids=NAMESPACE_IDS)
@pytest.mark.parametrize("name", list(DERIVATIVES))
def test_derivative_matches_finite_difference_of_activation(xp, name):
    z = pre_activations()
    upstream = np.random.default_rng(1).normal(size=z.shape)
    h = 1e-6
    slope = (activate(npx, name, z + h) - activate(npx, name, z - h)) / (2 * h)
    A = xp.asarray(activate(npx, name, z))
    delta = xp.asarray(np.array(upstream))
    Z = xp.asarray(np.array(z)) if name in NEEDS_PREACTIVATION else None

    DERIVATIVES[name](xp, A, delta, Z)

    assert_allclose(to_numpy(delta), upstream * slope, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("xp", NAMESPACES, ids=NAMESPACE_IDS)
def test_relu_derivative_is_zero_where_input_was_not_positive(xp):
    z = np.array([[-2.0, -0.0, 0.0, 1e-300, 3.0]])
    A = xp.asarray(activate(npx, "relu", z))
    delta = xp.ones_like(A)

    DERIVATIVES["relu"](xp, A, delta)

    assert_array_equal(to_numpy(delta), [[0.0, 0.0, 0.0, 1.0, 1.0]])


@pytest.mark.parametrize("xp", NAMESPACES, ids=NAMESPACE_IDS)
def test_softmax_rows_sum_to_one(xp):
    probabilities = activate(xp, "softmax", pre_activations(scale=10.0))

    assert np.all(probabilities > 0)
    assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-15)


@pytest.mark.parametrize("xp", NAMESPACES, ids=NAMESPACE_IDS)
def test_softmax_of_large_inputs_does_not_overflow(xp):
    z = pre_activations()
    large = z - z.max(axis=1, keepdims=True) + 1000.0  # every row's maximum is 1000

    with np.errstate(all="raise"):
        probabilities = activate(xp, "softmax", large)

    assert_allclose(probabilities, DEFINITIONS["softmax"](z), rtol=1e-13)


@pytest.mark.parametrize("xp", NAMESPACES, ids=NAMESPACE_IDS)
def test_softmax_of_equal_large_inputs_is_uniform(xp):
    with np.errstate(all="raise"):
        probabilities = activate(xp, "softmax", np.full((2, 4), 1000.0))

    assert_array_equal(probabilities, 0.25)


@pytest.mark.parametrize("xp", NAMESPACES, ids=NAMESPACE_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logistic_saturates_to_0_and_1_for_large_inputs(xp, dtype):
    z = np.array([[-1000.0, -100.0, 100.0, 1000.0]], dtype=dtype)

    with np.errstate(over="ignore"):  # see the no-overflow test below
        probabilities = activate(xp, "logistic", z)

    assert probabilities.dtype == dtype
    assert_allclose(probabilities, [[0.0, 0.0, 1.0, 1.0]], rtol=0, atol=1e-40)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logistic_of_large_negative_inputs_does_not_overflow_on_numpy(dtype):
    z = np.array([[-1000.0, -100.0]], dtype=dtype)

    with np.errstate(all="raise"):
        activate(npx, "logistic", z)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logistic_of_large_negative_inputs_does_not_overflow_on_portable_path(dtype):
    z = np.array([[-1000.0, -100.0]], dtype=dtype)

    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is fine
        activate(array_api_strict, "logistic", z)


def test_only_gelu_needs_its_pre_activation():
    assert {"gelu"} == NEEDS_PREACTIVATION

"""The compiled engine's activations: NumPy's vectorised functions, NumPy's bits.

The compiled passes run NumPy's own ufuncs (np.tanh, np.exp, np.expm1,
np.log1p) on their buffers, so each activation gives exactly what the
portable engine (and, for tanh, softmax and exp, scikit-learn) computes on NumPy
arrays; logistic forms SciPy's expit from NumPy's exp, within a few ulp of
it. Any input, NaN and infinities included, passes through the hidden
activations without a warning.
"""

import warnings

import array_api_compat.numpy as npx
import numpy as np
import pytest
import scipy.special
from numpy.testing import assert_array_equal
from sklearn.neural_network._base import inplace_exp, inplace_softmax
from sknn._engine._cpu._dense import activate, bias_gradient, differentiate, output_delta

from sknn._engine._activations import ACTIVATIONS, DERIVATIVES
from sknn._engine._cpu import ACTIVATION_CODES
from sknn._engine._cpu.network import CompiledNetwork
from sknn._engine._layout import ParameterLayout
from sknn._engine._network import FlatParameters, Network

DTYPES = [np.float32, np.float64]
# Activations whose compiled result has the bits of sknn/_engine/_activations.py on NumPy.
EXACT = ["identity", "relu", "leaky_relu", "tanh", "elu", "gelu", "softplus"]
LOGISTIC_ULP = 4  # the most measured between NumPy's exp and the C library's, in expit


def inputs(dtype, seed=0):
    """Pre-activations over many scales, both signs, the edges of exp's range,
    signed zeros, infinities and NaN; 64 columns (several SIMD widths)."""
    rng = np.random.default_rng(seed)
    scales = rng.standard_normal((5, 4096)) * np.array([[1e-3], [1], [5], [40], [300]])
    edges = [
        0.0,
        -0.0,
        np.inf,
        -np.inf,
        np.nan,
        88.72,
        -88.72,
        88.73,
        -88.73,
        -103.0,
        709.78,
        -709.78,
        709.79,
        -709.79,
        -745.2,
        1e30,
        -1e30,
        3e38,
        -3e38,
    ]
    values = np.concatenate([scales.ravel(), edges]).astype(dtype)
    values = np.resize(values, (values.size + 63) // 64 * 64)
    return np.ascontiguousarray(values.reshape(-1, 64))


def compiled(name, Z, b=None):
    """f(Z + b) through the compiled passes, with every warning an error."""
    out = Z.copy()
    b = np.zeros(Z.shape[1], dtype=Z.dtype) if b is None else b
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        activate(ACTIVATION_CODES[name], out, b)
    return out


def ulp_distance(a, b):
    """Units in the last place between a and b (0 where equal or both NaN)."""
    signed = np.int32 if a.dtype == np.float32 else np.int64
    ordered = []
    for x in (a, b):
        bits = x.view(signed).astype(np.int64)
        ordered.append(np.where(bits < 0, np.iinfo(signed).min - bits, bits))
    distance = np.abs(ordered[0] - ordered[1])
    distance[(a == b) | (np.isnan(a) & np.isnan(b))] = 0
    return distance


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", EXACT)
def test_compiled_activation_has_the_bits_of_the_numpy_one(name, dtype):
    Z = inputs(dtype)
    expected = Z.copy()
    with np.errstate(all="ignore"):
        ACTIVATIONS[name](npx, expected)

    assert_array_equal(compiled(name, Z), expected)


@pytest.mark.parametrize("dtype", DTYPES)
def test_compiled_softmax_has_the_bits_of_scikit_learns(dtype):
    Z = inputs(dtype)[:, :10] / 8  # finite rows, as a network's outputs are
    Z = np.ascontiguousarray(Z[np.isfinite(Z).all(axis=1)])

    expected = Z.copy()
    inplace_softmax(expected)

    assert_array_equal(compiled("softmax", Z), expected)


@pytest.mark.parametrize("dtype", DTYPES)
def test_compiled_exp_output_has_the_bits_of_scikit_learns(dtype):
    Z = inputs(dtype)[:, :10]
    Z = np.ascontiguousarray(Z[(np.abs(Z) < 80).all(axis=1)])  # no overflow
    expected = Z.copy()
    inplace_exp(expected)

    assert_array_equal(compiled("exp", Z), expected)


@pytest.mark.parametrize("dtype", DTYPES)
def test_compiled_logistic_is_scipys_expit_within_a_few_ulp(dtype):
    Z = inputs(dtype)
    with np.errstate(all="ignore"):
        expected = scipy.special.expit(Z)
    result = compiled("logistic", Z)

    assert ulp_distance(result, expected).max() <= LOGISTIC_ULP
    saturated = ~np.isnan(Z) & ((Z < -800) | (Z > 800))
    assert_array_equal(result[saturated], expected[saturated])  # exactly 0 and 1


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_bias_is_added_before_the_activation(dtype):
    Z = inputs(dtype)[:50]
    b = np.linspace(-3, 3, Z.shape[1]).astype(dtype)
    for name in ["tanh", "logistic", "gelu", "softplus"]:
        assert_array_equal(compiled(name, Z, b), compiled(name, Z + b))


def raw_gradient(engine, hidden, dtype, seed=1):
    """The raw gradient of a 7-9-4 softmax network with ``hidden`` units."""
    layout = ParameterLayout([7, 9, 4])
    rng = np.random.default_rng(seed)
    flat = (rng.normal(size=layout.size) * 0.8).astype(dtype)
    X = rng.normal(size=(13, 7)).astype(dtype)
    Y = np.eye(4, dtype=dtype)[rng.integers(0, 4, 13)]
    network = engine(npx, layout, hidden, "softmax", dtype, "cpu", 13)
    grads = FlatParameters(npx, layout, np.zeros_like(flat))
    network.gradient(FlatParameters(npx, layout, flat), grads, X, Y, None)
    return grads.flat


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(set(DERIVATIVES) - {"logistic"}))
def test_compiled_gradient_has_the_bits_of_the_portable_one(name, dtype):
    assert_array_equal(
        raw_gradient(CompiledNetwork, name, dtype), raw_gradient(Network, name, dtype)
    )


@pytest.mark.parametrize("dtype", DTYPES)
def test_compiled_logistic_gradient_is_the_portable_one_within_rounding(dtype):
    rtol = 1e-5 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(
        raw_gradient(CompiledNetwork, "logistic", dtype),
        raw_gradient(Network, "logistic", dtype),
        rtol=rtol,
        atol=rtol * 1e-2,
    )


def test_activate_rejects_arrays_it_cannot_read():
    Z = np.zeros((3, 4))
    with pytest.raises(ValueError, match="C-contiguous"):
        activate(ACTIVATION_CODES["tanh"], np.asfortranarray(Z), np.zeros(4))
    with pytest.raises(ValueError, match="b must be"):
        activate(ACTIVATION_CODES["tanh"], Z, np.zeros(3))
    with pytest.raises(ValueError, match="activation code"):
        activate(99, Z, np.zeros(4))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(set(DERIVATIVES) - {"gelu", "identity"}))
def test_differentiate_has_the_bits_of_the_numpy_derivative(name, dtype):
    Z = inputs(dtype)[:40] / 50
    A = compiled(name, Z)
    delta = np.random.default_rng(3).normal(size=A.shape).astype(dtype)
    expected = delta.copy()
    DERIVATIVES[name](npx, A.copy(), expected)

    differentiate(ACTIVATION_CODES[name], delta, A.copy())

    assert_array_equal(delta, expected)


@pytest.mark.parametrize("dtype", DTYPES)
def test_output_delta_and_bias_gradient(dtype):
    rng = np.random.default_rng(4)
    P = compiled("softmax", rng.normal(size=(30, 10)).astype(dtype))
    Y = np.eye(10, dtype=dtype)[rng.integers(0, 10, 30)]
    D, sums = np.empty_like(P), np.empty(10, dtype)

    loss = output_delta(ACTIVATION_CODES["softmax"], P, Y, D)
    bias_gradient(D, sums)

    assert_array_equal(D, P - Y)
    assert loss == pytest.approx(-np.log(P[Y == 1]).sum(), rel=1e-5)
    assert_array_equal(sums, np.add.reduce(D, axis=0))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_rows", [1, 5, 8, 13, 128, 129, 200, 300, 1000])
@pytest.mark.parametrize("n_columns", [1, 2, 3])
def test_bias_gradient_adds_in_numpys_order(dtype, n_rows, n_columns):
    # One column is one contiguous run, which NumPy sums pairwise; wider
    # deltas are added row by row.
    rng = np.random.default_rng(n_rows)
    D = (rng.normal(size=(n_rows, n_columns)) * np.logspace(0, 6, n_rows)[:, None]).astype(dtype)
    sums = np.empty(n_columns, dtype)

    bias_gradient(D, sums)

    assert_array_equal(sums, np.sum(D, axis=0))

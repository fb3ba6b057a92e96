"""The network's loss and gradient: exact, portable, and scikit-learn's loss.

Every (hidden activation x output activation/loss) pair is checked on a tiny
float64 network ``[4, 5, 3, k]``, with both engines (the portable array-API
``Network`` and the compiled ``CompiledNetwork``): the gradient that
``loss_and_gradient`` writes is the gradient of the loss it returns (central
finite differences), array_api_strict computes the same numbers as NumPy,
and the reported loss is scikit-learn's loss plus its L2 term.
"""

import array_api_compat.numpy as npx
import array_api_strict
import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn.neural_network import _base as sklearn_base

from _reference import ACTIVATION_DEFINITIONS
from sknn._arrays._backend import to_numpy
from sknn._engine._activations import HIDDEN_ACTIVATIONS
from sknn._engine._cpu.network import CompiledNetwork
from sknn._engine._layout import ParameterLayout
from sknn._engine._network import FlatParameters, Network

N_SAMPLES = 7
N_FEATURES = 4
HIDDEN_UNITS = (5, 3)
ALPHA = 0.3

# (output activation, number of outputs): each canonical loss, with squared
# error and binary cross-entropy also in their one-output form.
OUTPUTS = [
    ("identity", 1),
    ("identity", 3),
    ("exp", 2),
    ("softmax", 3),
    ("logistic", 1),
    ("logistic", 2),
]
OUTPUT_IDS = [f"{name}-{k}out" for name, k in OUTPUTS]

# The two engines that run a network on NumPy data.
engines = pytest.mark.parametrize(
    "engine", [Network, CompiledNetwork], ids=["portable", "compiled"]
)


def make_problem(output, n_outputs, weighted, seed=0):
    """Layout, parameters and data (NumPy float64) for one loss."""
    rng = np.random.default_rng(seed)
    layout = ParameterLayout((N_FEATURES, *HIDDEN_UNITS, n_outputs))
    flat = rng.normal(scale=0.7, size=layout.size)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    if output == "identity":
        Y = rng.normal(size=(N_SAMPLES, n_outputs))
    elif output == "exp":
        Y = rng.poisson(1.5, size=(N_SAMPLES, n_outputs)).astype(np.float64)
        Y[0, 0] = 0.0  # the y log(y / p) = 0 branch
    elif output == "softmax":
        Y = np.eye(n_outputs)[rng.integers(n_outputs, size=N_SAMPLES)]
    else:  # logistic: independent 0/1 columns
        Y = rng.integers(2, size=(N_SAMPLES, n_outputs)).astype(np.float64)
    sample_weight = rng.uniform(0.2, 3.0, size=N_SAMPLES) if weighted else None
    return layout, flat, X, Y, sample_weight


def loss_and_gradient(xp, layout, hidden, output, flat, X, Y, sample_weight, alpha, engine=Network):
    """sknn's penalised loss (float) and flat gradient (NumPy) in namespace ``xp``."""
    as_xp = (lambda a: a) if xp is npx else xp.asarray
    params = FlatParameters(xp, layout, as_xp(np.array(flat)))
    grads = FlatParameters(xp, layout, xp.zeros_like(params.flat))
    network = engine(xp, layout, hidden, output, params.flat.dtype, None, X.shape[0])
    X = X if sp.issparse(X) else as_xp(X)
    sample_weight = None if sample_weight is None else as_xp(sample_weight)
    loss = network.loss_and_gradient(params, grads, X, as_xp(Y), sample_weight, alpha)
    return float(loss), to_numpy(grads.flat).copy()


def finite_difference_gradient(loss_at, flat, h=1e-6):
    """Central differences of ``loss_at`` around ``flat``, one coordinate at a time."""
    gradient = np.empty_like(flat)
    for j in range(flat.size):
        step = np.zeros_like(flat)
        step[j] = h
        gradient[j] = (loss_at(flat + step) - loss_at(flat - step)) / (2 * h)
    return gradient


def reference_forward(hidden, output, coefs, intercepts, X):
    """Plain NumPy forward pass, written from the definitions."""
    A = X
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        name = output if i == len(coefs) - 1 else hidden
        A = ACTIVATION_DEFINITIONS[name](A @ W + b)
    return A


def l2_term(layout, flat, sample_weight, alpha):
    """scikit-learn's penalty: alpha ||W||^2 / (2 sum(w))."""
    weight_sum = N_SAMPLES if sample_weight is None else sample_weight.sum()
    weights = flat[: layout.n_coefs]
    return 0.5 * alpha * np.dot(weights, weights) / weight_sum


@engines
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize(("output", "n_outputs"), OUTPUTS, ids=OUTPUT_IDS)
@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
def test_gradient_matches_finite_differences_of_reported_loss(
    hidden, output, n_outputs, weighted, engine
):
    layout, flat, X, Y, sw = make_problem(output, n_outputs, weighted)

    def loss_at(point):
        return loss_and_gradient(npx, layout, hidden, output, point, X, Y, sw, ALPHA, engine)[0]

    _, gradient = loss_and_gradient(npx, layout, hidden, output, flat, X, Y, sw, ALPHA, engine)

    assert_allclose(gradient, finite_difference_gradient(loss_at, flat), rtol=1e-5, atol=1e-8)


@engines
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_multi_output_squared_error_gradient_is_exact_gradient_of_reported_loss(weighted, engine):
    # scikit-learn (its issue 8349) reports 0.5 * mean over outputs of the mean
    # squared error but back-propagates the gradient of the *sum* over outputs.
    # sknn reports the sum, so loss and gradient agree.
    layout, flat, X, Y, sw = make_problem("identity", 3, weighted)
    coefs, intercepts = layout.unpack(np, flat)
    y_pred = reference_forward("tanh", "identity", coefs, intercepts, X)
    summed_over_outputs = 0.5 * np.average(((Y - y_pred) ** 2).sum(axis=1), weights=sw)

    def loss_at(point):
        return loss_and_gradient(npx, layout, "tanh", "identity", point, X, Y, sw, ALPHA, engine)[0]

    loss, gradient = loss_and_gradient(
        npx, layout, "tanh", "identity", flat, X, Y, sw, ALPHA, engine
    )

    assert loss == pytest.approx(summed_over_outputs + l2_term(layout, flat, sw, ALPHA), rel=1e-13)
    sklearn_loss = sklearn_base.squared_loss(Y, y_pred, sw)
    assert loss != pytest.approx(sklearn_loss + l2_term(layout, flat, sw, ALPHA))
    assert_allclose(gradient, finite_difference_gradient(loss_at, flat), rtol=1e-5, atol=1e-8)


@engines
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize(("output", "n_outputs"), OUTPUTS, ids=OUTPUT_IDS)
@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
def test_array_api_strict_gives_numpy_loss_and_gradient(
    hidden, output, n_outputs, weighted, engine
):
    layout, flat, X, Y, sw = make_problem(output, n_outputs, weighted)

    numpy_loss, numpy_gradient = loss_and_gradient(
        npx, layout, hidden, output, flat, X, Y, sw, ALPHA, engine
    )
    strict_loss, strict_gradient = loss_and_gradient(
        array_api_strict, layout, hidden, output, flat, X, Y, sw, ALPHA
    )

    assert strict_loss == pytest.approx(numpy_loss, rel=1e-12)
    assert_allclose(strict_gradient, numpy_gradient, rtol=1e-12, atol=1e-15)


# The sknn loss of each output activation and the scikit-learn function that
# defines it; squared error only for one output (see the issue-8349 test).
SKLEARN_LOSSES = [
    ("identity", 1, sklearn_base.squared_loss),
    ("exp", 2, sklearn_base.poisson_loss),
    ("softmax", 3, sklearn_base.log_loss),
    ("logistic", 1, sklearn_base.binary_log_loss),
    ("logistic", 2, sklearn_base.binary_log_loss),
    ("logistic", 1, sklearn_base.log_loss),  # binary: one column, expanded to two
]


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize(
    ("output", "n_outputs", "sklearn_loss"),
    SKLEARN_LOSSES,
    ids=[f"{o}-{k}out-{f.__name__}" for o, k, f in SKLEARN_LOSSES],
)
@engines
def test_loss_equals_sklearn_loss_plus_l2_term(output, n_outputs, sklearn_loss, weighted, engine):
    layout, flat, X, Y, sw = make_problem(output, n_outputs, weighted)
    coefs, intercepts = layout.unpack(np, flat)
    y_pred = reference_forward("relu", output, coefs, intercepts, X)
    expected = sklearn_loss(Y, y_pred, sw) + l2_term(layout, flat, sw, ALPHA)

    loss, _ = loss_and_gradient(npx, layout, "relu", output, flat, X, Y, sw, ALPHA, engine)

    assert loss == pytest.approx(expected, rel=1e-13)


@engines
@pytest.mark.parametrize(("output", "n_outputs"), OUTPUTS, ids=OUTPUT_IDS)
@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
def test_forward_equals_numpy_reference_forward(hidden, output, n_outputs, engine):
    layout, flat, X, _, _ = make_problem(output, n_outputs, weighted=False)
    coefs, intercepts = layout.unpack(np, flat)
    network = engine(npx, layout, hidden, output, np.float64, None, N_SAMPLES)

    y_pred = network.forward(coefs, intercepts, X)

    assert_allclose(y_pred, reference_forward(hidden, output, coefs, intercepts, X), rtol=1e-13)


@pytest.mark.parametrize("csr", [sp.csr_matrix, sp.csr_array])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize(("output", "n_outputs"), OUTPUTS, ids=OUTPUT_IDS)
def test_sparse_csr_input_gives_dense_loss_and_gradient(output, n_outputs, weighted, csr):
    layout, flat, X, Y, sw = make_problem(output, n_outputs, weighted)
    X[np.abs(X) < 0.7] = 0.0  # about half the entries zero
    X_csr = csr(X)

    dense_loss, dense_gradient = loss_and_gradient(
        npx, layout, "tanh", output, flat, X, Y, sw, ALPHA
    )
    sparse_loss, sparse_gradient = loss_and_gradient(
        npx, layout, "tanh", output, flat, X_csr, Y, sw, ALPHA
    )

    assert sparse_loss == pytest.approx(dense_loss, rel=1e-13)
    assert_allclose(sparse_gradient, dense_gradient, rtol=1e-12, atol=1e-15)


@engines
def test_smaller_batch_reuses_leading_rows_of_buffers(engine):
    # A network sized for max_rows serves a smaller last batch exactly as a
    # network sized for that batch.
    layout, flat, X, Y, sw = make_problem("softmax", 3, weighted=True)
    params = FlatParameters(npx, layout, flat.copy())
    big = engine(npx, layout, "relu", "softmax", np.float64, None, 3 * N_SAMPLES)
    grads = FlatParameters(npx, layout, np.zeros_like(flat))
    X3, Y3, sw3 = np.tile(X, (3, 1)), np.tile(Y, (3, 1)), np.tile(sw, 3)
    big.loss_and_gradient(params, grads, X3, Y3, sw3, ALPHA)  # fill the buffers

    loss = big.loss_and_gradient(params, grads, X, Y, sw, ALPHA)
    expected_loss, expected_gradient = loss_and_gradient(
        npx, layout, "relu", "softmax", flat, X, Y, sw, ALPHA, engine
    )

    assert float(loss) == pytest.approx(expected_loss, rel=1e-14)
    assert_allclose(grads.flat, expected_gradient, rtol=1e-13, atol=1e-16)

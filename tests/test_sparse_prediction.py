"""Prediction on SciPy-sparse input runs the compiled engine, with scikit-learn's bits.

The first product of CSR rows is computed as SciPy computes it (each output
row from zero, one ``a * W[j]`` per stored entry, in storage order), so with
the same weights sknn's predictions equal scikit-learn's exactly, whatever
the matrix's format, index dtype, entry order or duplicates. A malformed
matrix is a clear ValueError, never a read outside its arrays.
"""

import warnings

import array_api_compat.numpy as npx
import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SklearnClassifier
from sklearn.neural_network import MLPRegressor as SklearnRegressor
from sknn._engine._cpu._sparse import CSRRows

from sknn import MLPClassifier, MLPRegressor
from sknn._engine._cpu.network import CompiledNetwork
from sknn._engine._layout import ParameterLayout
from sknn._engine._network import FlatParameters, Network
from sknn._engine._prediction import prediction_network


def twins(dtype, estimator="classifier", activation="relu", seed=0):
    """scikit-learn's and sknn's estimators with the same fitted weights."""
    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype(dtype)
    classes = (
        (SklearnClassifier, MLPClassifier)
        if estimator == "classifier"
        else (SklearnRegressor, MLPRegressor)
    )
    if estimator != "classifier":
        y = y / 9.0
    params = dict(hidden_layer_sizes=(24, 12), activation=activation, max_iter=5, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = classes[0](**params).fit(X, y)
        ours = classes[1](**params).fit(X, y)
    ours.coefs_ = [c.copy() for c in reference.coefs_]
    ours.intercepts_ = [b.copy() for b in reference.intercepts_]
    return reference, ours, X


def shuffled_entries(matrix, seed=0):
    """The same CSR matrix with each row's entries stored in a random order."""
    rng = np.random.default_rng(seed)
    data, indices = matrix.data.copy(), matrix.indices.copy()
    for start, stop in zip(matrix.indptr[:-1], matrix.indptr[1:], strict=True):
        order = start + rng.permutation(stop - start)
        data[start:stop], indices[start:stop] = data[order], indices[order]
    result = sp.csr_matrix((data, indices, matrix.indptr.copy()), shape=matrix.shape)
    assert not result.has_sorted_indices
    return result


def with_duplicates(matrix):
    """The same values, each stored entry split in two halves (non-canonical CSR)."""
    data = np.repeat(matrix.data / 2, 2)
    indices = np.repeat(matrix.indices, 2)
    return sp.csr_matrix((data, indices, matrix.indptr * 2), shape=matrix.shape)


FORMATS = {
    "csr": sp.csr_matrix,
    "csr_array": sp.csr_array,
    "csc": sp.csc_matrix,
    "int64 indices": lambda X: _int64(sp.csr_matrix(X)),
    "unsorted entries": lambda X: shuffled_entries(sp.csr_matrix(X)),
    "duplicate entries": lambda X: with_duplicates(sp.csr_matrix(X)),
}


def _int64(matrix):
    matrix.indices = matrix.indices.astype(np.int64)
    matrix.indptr = matrix.indptr.astype(np.int64)
    return matrix


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", list(FORMATS))
def test_sparse_predictions_have_scikit_learns_bits(layout, dtype):
    reference, ours, X = twins(dtype)
    X_sparse = FORMATS[layout](X)

    assert_array_equal(ours.predict_proba(X_sparse), reference.predict_proba(X_sparse))
    assert_array_equal(ours.predict(X_sparse), reference.predict(X_sparse))


@pytest.mark.parametrize("activation", ["tanh", "identity"])
def test_sparse_regression_predictions_have_scikit_learns_bits(activation):
    reference, ours, X = twins(np.float64, "regressor", activation)
    X_sparse = sp.csr_matrix(X)

    assert_array_equal(ours.predict(X_sparse), reference.predict(X_sparse))


def test_sparse_logistic_predictions_are_scikit_learns_within_rounding():
    reference, ours, X = twins(np.float64, "regressor", "logistic")
    X_sparse = sp.csr_matrix(X)  # expit from NumPy's exp: a few ulp from SciPy's

    np.testing.assert_allclose(ours.predict(X_sparse), reference.predict(X_sparse), rtol=1e-14)


def test_sparse_predictions_equal_dense_ones_of_the_same_rows():
    _, ours, X = twins(np.float64)
    X[:, ::3] = 0.0  # rows of many zeros, some empty
    X[5] = 0.0

    np.testing.assert_allclose(
        ours.predict_proba(sp.csr_matrix(X)), ours.predict_proba(X), rtol=1e-12
    )


def test_sparse_prediction_uses_the_compiled_engine_and_keeps_it():
    layer_units = [64, 24, 10]
    first = prediction_network(npx, layer_units, "relu", "softmax", np.float64, "cpu", 5, True)
    again = prediction_network(npx, layer_units, "relu", "softmax", np.float64, "cpu", 5, True)

    assert isinstance(first, CompiledNetwork)
    assert again is first


def test_more_sparse_rows_than_the_buffers_are_predicted_in_chunks_in_place():
    layout = ParameterLayout([12, 7, 3])
    rng = np.random.default_rng(0)
    params = FlatParameters(npx, layout, rng.normal(size=layout.size))
    X = sp.random(23, 12, density=0.3, format="csr", random_state=0)
    small = CompiledNetwork(npx, layout, "tanh", "softmax", np.float64, "cpu", 5)
    whole = Network(npx, layout, "tanh", "softmax", np.float64, "cpu", 23)

    assert_array_equal(
        small.forward(params.coefs, params.intercepts, X, new_array=True),
        whole.forward(params.coefs, params.intercepts, X),
    )


def test_csr_rows_read_a_range_of_rows_in_place():
    X = sp.random(9, 6, density=0.5, format="csr", random_state=1)
    W = np.random.default_rng(2).normal(size=(6, 4))
    out = np.empty((4, 4))

    CSRRows(X, 3, 7).product_into(W, out)

    assert_array_equal(out, (X[3:7] @ W))


def malformed(kind):
    X = sp.csr_matrix(np.eye(4, 64))
    if kind == "index beyond the columns":
        X.indices[2] = 64
    elif kind == "negative index":
        X.indices[1] = -1
    elif kind == "indptr out of order":
        X.indptr[2] = 0
    elif kind == "indptr beyond the entries":
        X.indptr[-1] = 9
    return X


@pytest.mark.parametrize(
    "kind",
    [
        "index beyond the columns",
        "negative index",
        "indptr out of order",
        "indptr beyond the entries",
    ],
)
def test_a_malformed_csr_matrix_is_a_clear_error(kind):
    _, ours, _ = twins(np.float64)

    with pytest.raises(ValueError, match="not a valid CSR matrix"):
        ours.predict(malformed(kind))


def test_sparse_input_with_nan_gets_scikit_learns_error():
    _, ours, X = twins(np.float64)
    X_sparse = sp.csr_matrix(X[:5])
    X_sparse.data[3] = np.nan

    with pytest.raises(ValueError, match="NaN"):
        ours.predict(X_sparse)

"""The compiled CPU engine (sknn._engine._cpu) computes what the portable engine computes.

The gradient of every activation and loss is checked against finite
differences for both engines in test_gradients.py; here: which engine runs
when, dropout, memory layouts, chunked prediction, the fused optimizer
steps, the row gather, and prediction's short cut through validation.
"""

import threading

import array_api_compat.numpy as npx
import array_api_strict
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sknn import MLPClassifier, MLPRegressor
from sknn._arrays._backend import to_numpy
from sknn._engine import _cpu
from sknn._engine._choice import make_network
from sknn._engine._cpu.network import CompiledNetwork
from sknn._engine._layout import ParameterLayout
from sknn._engine._network import FlatParameters, Network
from sknn._engine._optimizers import SGD, Adam, AdamW, RMSProp
from sknn._engine._prediction import validated_input

LAYOUT = ParameterLayout([6, 8, 5, 3])


def problem(dtype=np.float64, n_rows=11, seed=0):
    rng = np.random.default_rng(seed)
    flat = (rng.normal(size=LAYOUT.size) * 0.5).astype(dtype)
    X = rng.normal(size=(n_rows, 6)).astype(dtype)
    Y = np.eye(3, dtype=dtype)[rng.integers(0, 3, n_rows)]
    sample_weight = rng.uniform(0.5, 2.0, n_rows).astype(dtype)
    return flat, X, Y, sample_weight


def gradient(engine, flat, X, Y, sample_weight, dropout=0.0, seed=None, hidden="relu"):
    random = None if seed is None else np.random.default_rng(seed)
    network = engine(
        npx,
        LAYOUT,
        hidden,
        "softmax",
        flat.dtype,
        "cpu",
        X.shape[0],
        dropout=dropout,
        random=random,
    )
    params = FlatParameters(npx, LAYOUT, flat.copy())
    grads = FlatParameters(npx, LAYOUT, np.zeros_like(flat))
    total, weight_sum = network.gradient(params, grads, X, Y, sample_weight)
    return float(total), float(weight_sum), grads.flat


# --- which engine runs ------------------------------------------------------------


def test_dense_numpy_data_gets_the_compiled_engine():
    network = make_network(npx, LAYOUT, "relu", "softmax", np.float64, "cpu", 4)
    assert isinstance(network, CompiledNetwork)


def test_sparse_data_and_other_namespaces_get_the_portable_engine():
    sparse = make_network(npx, LAYOUT, "relu", "softmax", np.float64, "cpu", 4, sparse=True)
    strict = make_network(
        array_api_strict, LAYOUT, "relu", "softmax", array_api_strict.float64, None, 4
    )
    assert type(sparse) is Network and type(strict) is Network


# --- the same numbers as the portable engine --------------------------------------


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-12), (np.float32, 1e-5)])
@pytest.mark.parametrize("weighted", [False, True])
def test_raw_gradient_and_summed_loss_match_the_portable_engine(dtype, rtol, weighted):
    flat, X, Y, sw = problem(dtype)
    sw = sw if weighted else None
    portable = gradient(Network, flat, X, Y, sw)
    compiled = gradient(CompiledNetwork, flat, X, Y, sw)
    assert compiled[0] == pytest.approx(portable[0], rel=rtol)
    assert compiled[1] == pytest.approx(portable[1], rel=rtol)
    assert_allclose(compiled[2], portable[2], rtol=rtol, atol=rtol * 1e-3)


@pytest.mark.parametrize("hidden", ["relu", "gelu", ["tanh", "elu"]])
def test_dropout_draws_the_same_masks_in_both_engines(hidden):
    flat, X, Y, sw = problem()
    portable = gradient(Network, flat, X, Y, sw, dropout=[0.3, 0.5], seed=4, hidden=hidden)
    compiled = gradient(CompiledNetwork, flat, X, Y, sw, dropout=[0.3, 0.5], seed=4, hidden=hidden)
    without = gradient(CompiledNetwork, flat, X, Y, sw, hidden=hidden)
    assert_allclose(compiled[2], portable[2], rtol=1e-12, atol=1e-15)
    assert not np.allclose(compiled[2], without[2])


@pytest.mark.parametrize("layout", ["fortran", "strided"])
def test_any_memory_layout_of_X_gives_the_contiguous_result(layout):
    flat, X, Y, sw = problem()
    other = np.asfortranarray(X) if layout == "fortran" else np.repeat(X, 2, axis=1)[:, ::2]
    assert not other.flags.c_contiguous
    assert_allclose(
        gradient(CompiledNetwork, flat, other, Y, sw)[2],
        gradient(CompiledNetwork, flat, X, Y, sw)[2],
        rtol=1e-13,
    )


def test_forward_over_more_rows_than_the_buffers_fills_them_in_chunks():
    flat, X, _, _ = problem(n_rows=23)
    params = FlatParameters(npx, LAYOUT, flat)
    small = CompiledNetwork(npx, LAYOUT, "tanh", "softmax", np.float64, "cpu", 5)
    whole = Network(npx, LAYOUT, "tanh", "softmax", np.float64, "cpu", 23)
    assert_allclose(
        small.forward(params.coefs, params.intercepts, X),
        whole.forward(params.coefs, params.intercepts, X),
        rtol=1e-13,
    )


def test_forward_into_a_new_array_is_not_overwritten_by_the_next_call():
    flat, X, _, _ = problem()
    params = FlatParameters(npx, LAYOUT, flat)
    network = CompiledNetwork(npx, LAYOUT, "relu", "softmax", np.float64, "cpu", 11)
    first = network.forward(params.coefs, params.intercepts, X, new_array=True)
    kept = first.copy()
    network.forward(params.coefs, params.intercepts, X[::-1].copy())
    assert_array_equal(first, kept)


def test_compiled_network_rejects_arrays_it_cannot_read():
    flat, X, Y, _ = problem()
    network = CompiledNetwork(npx, LAYOUT, "relu", "softmax", np.float64, "cpu", 11)
    params = FlatParameters(npx, LAYOUT, flat)
    grads = FlatParameters(npx, LAYOUT, np.zeros_like(flat))
    with pytest.raises(ValueError, match="X must be"):
        network.gradient(params, grads, X.astype(np.float32), Y, None)
    with pytest.raises(ValueError, match="rows"):
        network.gradient(params, grads, np.vstack([X, X]), np.vstack([Y, Y]), None)


# --- the fused optimizer steps ------------------------------------------------------

OPTIMIZERS = {
    "sgd": lambda xp, w: SGD(xp, w, 0.05, "constant", 0.9, False, 0.5, n_coefs=7),
    "nesterov": lambda xp, w: SGD(xp, w, 0.05, "constant", 0.9, True, 0.5, n_coefs=7),
    "adam": lambda xp, w: Adam(xp, w, 0.05, "constant", 0.9, 0.999, 1e-8, n_coefs=7),
    "rmsprop": lambda xp, w: RMSProp(xp, w, 0.05, "constant", 0.5, 0.9, 1e-8, n_coefs=7),
    "adamw": lambda xp, w: AdamW(xp, w, 0.05, "constant", 0.9, 0.999, 1e-8, 0.1, 7),
}


@pytest.mark.parametrize("weight_sum", [8.0, 7.0], ids=["power-of-two", "other"])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_step_forms_the_penalised_mean_gradient_exactly(name, weight_sum):
    # step(raw, alpha, weight_sum) = update((raw + alpha W) / weight_sum), bit for bit,
    # and both report ||W||^2 before the step.
    rng = np.random.default_rng(1)
    w0 = rng.normal(size=11)
    raws = [rng.normal(size=11) * 10 for _ in range(3)]
    alpha = 0.3
    fused, explicit = w0.copy(), w0.copy()
    fused_optimizer, explicit_optimizer = OPTIMIZERS[name](npx, w0), OPTIMIZERS[name](npx, w0)
    for raw in raws:
        norm = fused_optimizer.step(fused, raw.copy(), alpha, weight_sum)
        mean = raw.copy()
        mean[:7] += explicit[:7] * alpha
        mean /= weight_sum
        expected_norm = float(np.dot(explicit[:7], explicit[:7]))
        explicit_optimizer.update(explicit, mean)
        assert norm == pytest.approx(expected_norm, rel=1e-14)
    assert_array_equal(fused, explicit)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_compiled_step_matches_the_portable_step(name):
    rng = np.random.default_rng(2)
    w0 = rng.normal(size=11)
    raws = [rng.normal(size=11) for _ in range(3)]
    compiled, portable = w0.copy(), array_api_strict.asarray(w0.copy())
    compiled_optimizer = OPTIMIZERS[name](npx, compiled)
    portable_optimizer = OPTIMIZERS[name](array_api_strict, portable)
    for raw in raws:
        norms = (
            compiled_optimizer.step(compiled, raw.copy(), 0.2, 5.0),
            portable_optimizer.step(portable, array_api_strict.asarray(raw.copy()), 0.2, 5.0),
        )
        assert norms[0] == pytest.approx(float(norms[1]), rel=1e-13)
    assert_allclose(compiled, to_numpy(portable), rtol=1e-13)


def test_float32_step_rounds_hyper_parameters_as_numpy_does():
    rng = np.random.default_rng(3)
    w0 = rng.normal(size=40).astype(np.float32)
    g = rng.normal(size=40).astype(np.float32)
    compiled, portable = w0.copy(), array_api_strict.asarray(w0.copy())
    Adam(npx, compiled, 1e-3, "constant", 0.9, 0.999, 1e-8).update(compiled, g.copy())
    Adam(array_api_strict, portable, 1e-3, "constant", 0.9, 0.999, 1e-8).update(
        portable, array_api_strict.asarray(g.copy())
    )
    assert_array_equal(compiled, to_numpy(portable))


# --- the row gather -----------------------------------------------------------------


@pytest.mark.parametrize("order", ["C", "F", "strided", "1-d"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_take_rows_equals_fancy_indexing(order, dtype):
    rng = np.random.default_rng(0)
    array = rng.normal(size=(50, 9)).astype(dtype)
    if order == "F":
        array = np.asfortranarray(array)
    elif order == "strided":
        array = array[::2, ::3]
    elif order == "1-d":
        array = array[:, 0]
    rows = rng.permutation(array.shape[0])[:13].astype(np.intp)
    source = array[:, None] if array.ndim == 1 else array
    out = np.full((16, source.shape[1]), np.nan, dtype=dtype)
    _cpu.specialised(_cpu.take_rows, dtype)(source, rows, out)
    assert_array_equal(out[:13], source[rows])


# --- prediction's validation short cut ----------------------------------------------


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 6)), rng.integers(0, 3, 60)
    return MLPClassifier((8,), max_iter=20, random_state=0).fit(X, y), X


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_ready_input_is_used_as_given(fitted):
    model, X = fitted
    assert validated_input(model, X) is X


@pytest.mark.parametrize(
    "bad, message",
    [
        (lambda X: np.where(X > 1, np.nan, X), "NaN"),
        (lambda X: np.where(X > 1, np.inf, X), "infinity"),
        (lambda X: X[:, :4], "features"),
        (lambda X: X[:0], "0 sample"),
    ],
)
def test_input_that_is_not_ready_gets_scikit_learns_errors(fitted, bad, message):
    model, X = fitted
    with pytest.raises(ValueError, match=message):
        model.predict(bad(X))


def test_overflowing_sum_of_finite_values_is_still_accepted(fitted):
    model, X = fitted
    huge = np.full_like(X, 1e308)
    assert model.predict(huge).shape == (X.shape[0],)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_concurrent_predictions_do_not_share_buffers(fitted):
    model, X = fitted
    other = MLPRegressor(hidden_layer_sizes=(8,), max_iter=5, random_state=1).fit(X, X[:, 0])
    expected = (model.predict_proba(X), other.predict(X))
    results, errors = [], []

    def predict_many(estimator, index):
        try:
            for _ in range(200):
                out = estimator.predict_proba(X) if index == 0 else estimator.predict(X)
                results.append(np.array_equal(out, expected[index]))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [
        threading.Thread(target=predict_many, args=(e, i)) for i, e in enumerate([model, other])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and all(results) and len(results) == 400


@pytest.mark.parametrize("order", ["C", "F", "strided"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bad", [None, np.nan, np.inf, -np.inf])
def test_all_finite_finds_any_nan_or_infinity(order, dtype, bad):
    rng = np.random.default_rng(0)
    array = rng.normal(size=(37, 11)).astype(dtype) * 1e30
    if bad is not None:
        array[29, 7] = bad
    if order == "F":
        array = np.asfortranarray(array)
    elif order == "strided":
        array = np.repeat(array, 2, axis=1)[:, ::2]
    assert _cpu.specialised(_cpu.all_finite, dtype)(array) is (bad is None)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_columns", [1, 2, 3, 10, 17])
def test_row_argmax_is_numpys_argmax_along_rows(dtype, n_columns):
    # Ties (the first of equal values), NaN (the first NaN), infinities.
    rng = np.random.default_rng(n_columns)
    P = rng.integers(-3, 4, size=(400, n_columns)).astype(dtype)
    specials = [np.nan, np.inf, -np.inf]
    rows, cols = rng.integers(0, 400, 150), rng.integers(0, n_columns, 150)
    P[rows, cols] = rng.choice(specials, 150)

    indices = _cpu.specialised(_cpu.row_argmax, P.dtype)(P)

    assert indices.dtype == np.int64
    assert_array_equal(indices, P.argmax(axis=1))


def test_row_argmax_of_no_rows_and_of_no_columns():
    row_argmax = _cpu.specialised(_cpu.row_argmax, np.float64)
    assert row_argmax(np.empty((0, 3))).shape == (0,)
    with pytest.raises(ValueError, match="no columns"):
        row_argmax(np.empty((2, 0)))

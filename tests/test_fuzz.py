"""Fuzzing the fit/predict contract with hypothesis.

Drawn: shapes, dtypes, dense or sparse X, label types, missing values, and
parameter combinations. Every draw must end in one of two ways: a clear
``ValueError``/``TypeError`` (the kinds scikit-learn's checks raise), or a
fitted model whose predictions are finite and of the right shape and type.
The budget is bounded (``max_examples`` and a derandomised, reproducible
search) so the suite's time stays fixed.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, event, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sknn import MLPClassifier, MLPRegressor  # noqa: E402

BUDGET = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

PARAMETERS = st.fixed_dictionaries(
    {
        "hidden_layer_sizes": st.sampled_from([(3,), (4, 3), (8,)]),
        "activation": st.sampled_from(
            ["relu", "tanh", "logistic", "identity", "leaky_relu", "elu"]
        ),
        "solver": st.sampled_from(["adam", "sgd", "lbfgs", "rmsprop", "adamw"]),
        "batch_size": st.sampled_from(["auto", 1, 7, 64]),
        "early_stopping": st.booleans(),
        "learning_rate_init": st.sampled_from([1e-3, 0.1, 10.0]),
        "alpha": st.sampled_from([0.0, 1e-4, 1.0]),
        "dtype": st.sampled_from([None, "float32", "float64"]),
        "dropout": st.sampled_from([0.0, 0.3]),
    }
)


@st.composite
def datasets(draw):
    n_samples = draw(st.integers(1, 30))
    n_features = draw(st.integers(1, 5))
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int64, np.bool_]))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.RandomState(seed)
    X = (rng.randn(n_samples, n_features) * draw(st.sampled_from([1.0, 1e3]))).astype(dtype)
    if draw(st.booleans()) and dtype in (np.float64, np.float32):
        X[rng.randint(n_samples), rng.randint(n_features)] = draw(
            st.sampled_from([np.nan, np.inf, 0.0])
        )
    if draw(st.booleans()):
        X = sp.csr_matrix(X)
    kind = draw(st.sampled_from(["int", "str", "bool", "multilabel", "real", "multi-real"]))
    y = _targets(rng, kind, n_samples)
    return X, y, kind


def _targets(rng, kind, n):
    if kind == "int":
        return rng.randint(0, 3, n)
    if kind == "str":
        return rng.choice(["cat", "dog", "eel"], n)
    if kind == "bool":
        return rng.rand(n) > 0.5
    if kind == "multilabel":
        return (rng.rand(n, 3) > 0.5).astype(int)
    if kind == "real":
        return rng.randn(n)
    return rng.randn(n, 2)


def _check_predictions(model, X, y, kind):
    regression = kind in ("real", "multi-real")
    predictions = model.predict(X)
    assert isinstance(predictions, np.ndarray)
    assert predictions.shape[0] == X.shape[0]
    assert predictions.shape[1:] == np.asarray(y).shape[1:]
    if regression:
        assert np.isfinite(predictions).all()
        return
    assert set(np.unique(predictions)) <= set(np.unique(y)) | {0, 1}
    proba = model.predict_proba(X)
    assert proba.shape[0] == X.shape[0] and np.isfinite(proba).all()


@BUDGET
@given(data=datasets(), params=PARAMETERS)
def test_fit_either_fails_clearly_or_predicts_sensibly(data, params):
    X, y, kind = data
    Estimator = MLPRegressor if kind in ("real", "multi-real") else MLPClassifier
    if params["solver"] == "lbfgs":
        params = {**params, "dropout": 0.0}
    model = Estimator(max_iter=3, random_state=0, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model.fit(X, y)
            failure = None
        except (ValueError, TypeError) as error:
            failure = error
    if failure is not None:
        assert str(failure), "an error must say what is wrong"
        event(f"clear {type(failure).__name__}: {str(failure)[:40]}")
        return
    _check_predictions(model, X, y, kind)
    event("fitted and predicted")

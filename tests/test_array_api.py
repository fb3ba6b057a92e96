"""The non-NumPy path: array-api-strict trains the same model as NumPy.

On a machine without a GPU this is the proof that the engine runs on any
array namespace: array-api-strict allows nothing beyond the standard.
"""

import subprocess
import sys
import warnings

import array_api_strict as xps
import numpy as np
import pytest
import sklearn
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning

from sknn import MLPClassifier, MLPRegressor
from sknn._arrays._backend import to_numpy

StrictArray = type(xps.asarray(0.0))

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def classification():
    X, y = make_classification(
        n_samples=120, n_features=8, n_informative=5, n_classes=3, random_state=0
    )
    return X, y


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=120, n_features=8, random_state=0)
    return X, y / 100.0


def fit_numpy_and_strict(Estimator, X, y, method="fit", **params):
    numpy_model = getattr(Estimator(**params), method)(X, y, **_classes(Estimator, y, method))
    with sklearn.config_context(array_api_dispatch=True):
        strict_model = getattr(Estimator(**params), method)(
            xps.asarray(X), xps.asarray(y), **_classes(Estimator, y, method)
        )
    return numpy_model, strict_model


def _classes(Estimator, y, method):
    if method == "partial_fit" and Estimator is MLPClassifier:
        return {"classes": np.unique(y)}
    return {}


def assert_same_model(numpy_model, strict_model):
    assert numpy_model.n_iter_ == strict_model.n_iter_
    for a, b in zip(
        numpy_model.coefs_ + numpy_model.intercepts_,
        strict_model.coefs_ + strict_model.intercepts_,
        strict=True,
    ):
        assert isinstance(b, StrictArray)
        np.testing.assert_allclose(to_numpy(b), a, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    "params",
    [
        dict(solver="sgd"),
        dict(solver="adam"),
        dict(solver="lbfgs"),
        dict(solver="adam", early_stopping=True),
        dict(solver="sgd", activation="tanh", learning_rate="invscaling"),
        dict(solver="adam", activation="logistic"),
    ],
)
def test_classifier_on_strict_arrays_fits_the_numpy_model(classification, params):
    numpy_model, strict_model = fit_numpy_and_strict(
        MLPClassifier,
        *classification,
        hidden_layer_sizes=(10,),
        max_iter=15,
        random_state=0,
        **params,
    )
    assert_same_model(numpy_model, strict_model)


@pytest.mark.parametrize(
    "params", [dict(solver="adam"), dict(solver="lbfgs"), dict(loss="poisson")]
)
def test_regressor_on_strict_arrays_fits_the_numpy_model(regression, params):
    X, y = regression
    y = np.abs(y) if params.get("loss") == "poisson" else y
    numpy_model, strict_model = fit_numpy_and_strict(
        MLPRegressor,
        X,
        y,
        hidden_layer_sizes=(10,),
        max_iter=15,
        random_state=0,
        **params,
    )
    assert_same_model(numpy_model, strict_model)


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_partial_fit_on_strict_arrays_fits_the_numpy_model(classification, Estimator):
    numpy_model, strict_model = fit_numpy_and_strict(
        Estimator,
        *classification,
        method="partial_fit",
        hidden_layer_sizes=(10,),
        random_state=0,
    )
    assert_same_model(numpy_model, strict_model)


def test_predictions_on_strict_arrays_are_strict_and_equal(classification):
    X, y = classification
    numpy_model, strict_model = fit_numpy_and_strict(
        MLPClassifier, X, y, hidden_layer_sizes=(10,), max_iter=15, random_state=0
    )
    with sklearn.config_context(array_api_dispatch=True):
        X_strict = xps.asarray(X)
        for method in ("predict", "predict_proba", "predict_log_proba"):
            result = getattr(strict_model, method)(X_strict)
            assert isinstance(result, StrictArray)
            np.testing.assert_allclose(to_numpy(result), getattr(numpy_model, method)(X), rtol=1e-9)
        score = strict_model.score(X_strict, xps.asarray(y))
    assert isinstance(score, float)
    assert score == pytest.approx(numpy_model.score(X, y))


def test_strict_model_rejects_numpy_input_under_dispatch(classification):
    X, y = classification
    with sklearn.config_context(array_api_dispatch=True):
        model = MLPClassifier(max_iter=5).fit(xps.asarray(X), xps.asarray(y))
        with pytest.raises(ValueError, match="must use the same namespace"):
            model.predict(X)


def test_array_api_support_tag_is_true():
    assert MLPClassifier().__sklearn_tags__().array_api_support
    assert MLPRegressor().__sklearn_tags__().array_api_support


def test_float32_strict_input_trains_in_float32(classification):
    X, y = classification
    with sklearn.config_context(array_api_dispatch=True), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MLPClassifier(max_iter=5, random_state=0).fit(
            xps.asarray(X, dtype=xps.float32), xps.asarray(y)
        )
    assert all(c.dtype == xps.float32 for c in model.coefs_)


def test_importing_sknn_does_not_import_cupy():
    code = "import sys, sknn; sknn.MLPClassifier(); print('cupy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr

"""Saving and loading: pickle, joblib and skops give the same model back.

skops (``skops.io``) is the format that is safe to load from strangers: it
rebuilds only types the loader trusts. An sknn file must ask the user to
trust nothing but the estimator's own class (no optimizer internals, no
private helper classes).
"""

import io
import pickle
import pickletools

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_iris, make_multilabel_classification, make_regression

from sknn import MLPClassifier, MLPRegressor

sio = pytest.importorskip("skops.io")

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _pickle(model):
    return pickle.loads(pickle.dumps(model))


def _joblib(model):
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    return joblib.load(buffer)


def _skops(model):
    data = sio.dumps(model)
    return sio.loads(data, trusted=sio.get_untrusted_types(data=data))


ROUND_TRIPS = {"pickle": _pickle, "joblib": _joblib, "skops": _skops}


def _models():
    X, y = load_iris(return_X_y=True)
    X_ml, y_ml = make_multilabel_classification(n_samples=80, n_features=6, random_state=0)
    X_r, y_r = make_regression(n_samples=80, n_features=6, n_targets=2, random_state=0)
    small = dict(hidden_layer_sizes=(8,), max_iter=8, random_state=0)
    return {
        "adam": (MLPClassifier(**small), X, y),
        "sgd, early stopping": (MLPClassifier(solver="sgd", early_stopping=True, **small), X, y),
        "rmsprop, dropout": (MLPClassifier(solver="rmsprop", dropout=0.2, **small), X, y),
        "adamw, binary strings": (
            MLPClassifier(solver="adamw", **small),
            X,
            np.where(y == 0, "setosa", "other"),
        ),
        "lbfgs": (MLPClassifier(solver="lbfgs", **small), X, y),
        "multilabel": (MLPClassifier(**small), X_ml, y_ml),
        "regressor, float32": (MLPRegressor(dtype="float32", **small), X_r, y_r / 100),
    }


MODELS = _models()


@pytest.mark.parametrize("trip", ROUND_TRIPS)
@pytest.mark.parametrize("name", MODELS)
def test_round_trip_keeps_predictions_and_training_state(name, trip):
    model, X, y = MODELS[name]
    model.fit(X, y)
    loaded = ROUND_TRIPS[trip](model)
    assert type(loaded) is type(model)
    assert loaded.get_params() == model.get_params()
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    if hasattr(model, "predict_proba"):
        np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert loaded.loss_curve_ == model.loss_curve_
    if model.solver != "lbfgs":  # training goes on exactly as it would have
        loaded.partial_fit(X, y)
        model.partial_fit(X, y)
        for a, b in zip(
            loaded.coefs_ + loaded.intercepts_, model.coefs_ + model.intercepts_, strict=True
        ):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", MODELS)
def test_skops_file_trusts_only_the_estimator_class(name):
    model, X, y = MODELS[name]
    model.fit(X, y)
    untrusted = sio.get_untrusted_types(data=sio.dumps(model))
    # the public path, which no rearrangement of sknn's private modules changes
    assert untrusted == [f"sknn.{type(model).__name__}"]


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_pickles_name_the_public_path(Estimator):
    X, y = load_iris(return_X_y=True)
    model = Estimator(hidden_layer_sizes=(4,), max_iter=2).fit(X, y)
    modules = [
        arg
        for _, arg, _ in pickletools.genops(pickle.dumps(model))
        if isinstance(arg, str) and arg.startswith("sknn")
    ]
    assert modules == ["sknn"]  # then the class name, "MLPClassifier" or "MLPRegressor"
    assert pickle.loads(pickle.dumps(model)).__class__ is Estimator


def test_skops_refuses_to_load_without_trust():
    model, X, y = MODELS["adam"]
    data = sio.dumps(model.fit(X, y))
    with pytest.raises(Exception, match=r"[Uu]ntrusted"):
        sio.loads(data)


def test_unfitted_estimator_round_trips():
    model = MLPClassifier(hidden_layer_sizes=(3, 2), dropout=[0.1, 0.2])
    for trip in ROUND_TRIPS.values():
        assert trip(model).get_params() == model.get_params()

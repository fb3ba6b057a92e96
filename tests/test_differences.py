"""Where scikit-learn is wrong, sknn does the right thing (docs/differences.md)."""

import warnings

import numpy as np
import pytest
from sklearn import neural_network as sk
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning

import sknn
from sknn import MLPClassifier, MLPRegressor
from sknn._split import validation_split

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def test_validation_split_is_stratified_by_class_label():
    labels = np.repeat([0, 1, 2], [50, 30, 20])
    train, validation = validation_split(100, 0.2, labels, np.random.RandomState(0))
    assert np.bincount(labels[validation]).tolist() == [10, 6, 4]
    assert len(train) == 80


def test_multiclass_early_stopping_stratifies_its_split(monkeypatch):
    X, y = make_classification(n_samples=90, n_classes=3, n_informative=4, random_state=0)
    seen = {}

    def recording_split(n_samples, fraction, stratify, random_state):
        seen["stratify"] = stratify
        return validation_split(n_samples, fraction, stratify, random_state)

    monkeypatch.setattr("sknn._validation.validation_split", recording_split)
    MLPClassifier(early_stopping=True, max_iter=3).fit(X, y)
    np.testing.assert_array_equal(seen["stratify"], y)


def test_unstratifiable_split_falls_back_to_random():
    labels = np.array([0] * 19 + [1])  # class 1 has a single member
    train, validation = validation_split(20, 0.2, labels, np.random.RandomState(0))
    assert len(validation) == 4 and len(train) == 16


def test_adaptive_learning_rate_works_with_adam(capsys):
    X, y = make_classification(n_samples=200, random_state=0)
    params = dict(solver="adam", learning_rate="adaptive", n_iter_no_change=2,
                  tol=0.5, max_iter=30, verbose=True, random_state=0)
    sknn_model = MLPClassifier(**params).fit(X, y)
    assert "Setting learning rate to" in capsys.readouterr().out
    reference = sk.MLPClassifier(**params).fit(X, y)
    assert sknn_model.n_iter_ > reference.n_iter_  # scikit-learn stops at the first plateau
    assert sknn_model._optimizer.base_rate < params.get("learning_rate_init", 1e-3)


def test_regressor_partial_fit_is_unavailable_with_lbfgs():
    assert not hasattr(MLPRegressor(solver="lbfgs"), "partial_fit")
    assert hasattr(MLPRegressor(solver="sgd"), "partial_fit")


def test_multi_output_squared_error_is_the_loss_lbfgs_minimises():
    X, Y = make_regression(n_samples=80, n_features=4, n_targets=3, random_state=0)
    model = MLPRegressor(solver="lbfgs", hidden_layer_sizes=(6,), alpha=0.01,
                         max_iter=50, random_state=0).fit(X, Y / 100)
    residual = Y / 100 - model.predict(X)
    penalty = sum((c**2).sum() for c in model.coefs_)
    expected = 0.5 * (residual**2).sum(axis=1).mean() + 0.5 * 0.01 * penalty / 80
    assert model.loss_ == pytest.approx(expected, rel=1e-9)


def test_poisson_loss_rejects_negative_targets():
    with pytest.raises(ValueError, match="negative"):
        MLPRegressor(loss="poisson").fit([[0.0], [1.0], [2.0]], [1.0, -1.0, 2.0])


def test_partial_fit_with_early_stopping_trains_on_the_batch():
    X, y = make_classification(n_samples=100, random_state=0)
    model = MLPClassifier(early_stopping=True, random_state=0)
    model.partial_fit(X, y, classes=[0, 1])
    first = model.coefs_[0].copy()
    model.partial_fit(X, y)
    assert model.n_iter_ == 1 and model.t_ == 200
    assert not np.allclose(first, model.coefs_[0])


def test_data_too_small_to_split_trains_without_validation_and_warns():
    X, y = make_classification(n_samples=10, random_state=0)
    with pytest.warns(UserWarning, match="too few for early stopping"):
        model = MLPClassifier(early_stopping=True, max_iter=5).fit(X, y)
    assert model.n_iter_ == 5
    with pytest.raises(ValueError):  # scikit-learn refuses to fit
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            sk.MLPClassifier(early_stopping=True, max_iter=5).fit(X, y)


def test_lbfgs_records_a_loss_curve():
    X, y = make_classification(n_samples=100, random_state=0)
    model = sknn.MLPClassifier(solver="lbfgs", max_iter=15, random_state=0).fit(X, y)
    assert len(model.loss_curve_) == model.n_iter_
    assert model.loss_curve_[-1] == pytest.approx(model.loss_)
    assert model.loss_curve_[0] > model.loss_curve_[-1]


def test_float32_data_with_lbfgs_keeps_float32_weights():
    X, y = make_classification(n_samples=100, random_state=0)
    model = MLPClassifier(solver="lbfgs", max_iter=20).fit(X.astype(np.float32), y)
    assert all(c.dtype == np.float32 for c in model.coefs_ + model.intercepts_)
    assert model.predict_proba(X.astype(np.float32)).dtype == np.float32
    reference = sk.MLPClassifier(solver="lbfgs", max_iter=20).fit(X.astype(np.float32), y)
    assert reference.coefs_[0].dtype == np.float64  # scikit-learn's upcast

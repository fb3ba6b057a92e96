"""What drop-in users and tools read is scikit-learn's: the types of the
recorded losses and scores, the classifier's ``loss`` attribute, the L-BFGS
warning, and how warnings can be filtered."""

import warnings

import numpy as np
import pytest
from sklearn import neural_network as sk
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

import sknn

RECORDED = ("loss_", "best_loss_", "validation_scores_", "best_validation_score_")


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=120, n_features=6, random_state=0)
    return X, y


def types_of(model):
    """The type of each recorded value (of each entry, for the curves)."""
    found = {name: type(getattr(model, name, None)) for name in RECORDED}
    for curve in ("loss_curve_", "validation_scores_"):
        values = getattr(model, curve, None)
        found[curve + "[-1]"] = type(values[-1]) if values else None
    return found


def fitted_pair(name, dtype, y_dtype, weights, **params):
    X, y = make_classification(n_samples=120, n_features=6, random_state=0)
    X = X.astype(dtype)
    y = y if name == "MLPClassifier" else y.astype(y_dtype)
    sample_weight = None if weights is None else np.ones(len(y), dtype=weights)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return [
            getattr(module, name)(max_iter=3, random_state=0, **params).fit(
                X, y, sample_weight=sample_weight
            )
            for module in (sk, sknn)
        ]


@pytest.mark.parametrize("name", ["MLPClassifier", "MLPRegressor"])
@pytest.mark.parametrize(
    "solver, early_stopping",
    [
        ("adam", False),
        ("sgd", True),
        ("lbfgs", False),
    ],
)
@pytest.mark.parametrize(
    "dtype, y_dtype, weights",
    [
        (np.float64, np.float64, None),
        (np.float32, np.float32, None),
        (np.float32, np.float32, np.float64),
        (np.float32, np.float64, None),
        (np.float32, np.float32, np.float32),
    ],
)
def test_recorded_losses_and_scores_have_scikit_learns_types(
    name, solver, early_stopping, dtype, y_dtype, weights
):
    """np.float64 for float64 fits; np.float32 where scikit-learn's arithmetic
    stays in float32 (a regressor on float32 X, y and weights); Python floats
    for the scores (scikit-learn's metrics return them)."""
    reference, model = fitted_pair(
        name, dtype, y_dtype, weights, solver=solver, early_stopping=early_stopping
    )
    expected, got = types_of(reference), types_of(model)
    if solver == "lbfgs":  # scikit-learn records no curve for L-BFGS (difference g)
        expected = {key: expected[key] for key in ("loss_", "best_validation_score_")}
        got = {key: got[key] for key in expected}
    assert got == expected
    assert type(model.loss_) in (np.float64, np.float32)


@pytest.mark.parametrize("name", ["MLPClassifier", "MLPRegressor"])
def test_partial_fit_losses_have_scikit_learns_types(name, data):
    X, y = data
    kwargs = {"classes": [0, 1]} if name == "MLPClassifier" else {}
    models = [getattr(module, name)(random_state=0) for module in (sk, sknn)]
    for model in models:
        model.partial_fit(X.astype(np.float32), y, **kwargs)
        model.partial_fit(X.astype(np.float32), y)
    assert types_of(models[1]) == types_of(models[0])


def test_numpy_scalar_methods_work_on_the_loss(data):
    """loss_.item() failed when loss_ was a Python float."""
    model = sknn.MLPClassifier(max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(*data)
    assert model.loss_.item() == float(model.loss_)
    assert model.loss_curve_[-1].dtype == np.float64


def test_the_classifier_has_scikit_learns_loss_attribute():
    assert sknn.MLPClassifier().loss == sk.MLPClassifier().loss == "log_loss"
    assert "loss" not in sknn.MLPClassifier().get_params()


def test_lbfgs_warns_in_scikit_learns_words(data):
    X, y = data
    messages = []
    for module in (sk, sknn):
        with pytest.warns(ConvergenceWarning) as record:
            module.MLPClassifier(solver="lbfgs", max_iter=3, random_state=0).fit(X, y)
        messages.append([str(w.message) for w in record])
    assert messages[0] == messages[1]

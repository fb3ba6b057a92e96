"""Bad input: a clear ValueError/TypeError at fit, partial_fit and predict, and a
fitted model that a failed call leaves exactly as it was."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from sknn import MLPClassifier, MLPRegressor

RNG = np.random.RandomState(0)
X = RNG.rand(30, 4)
Y_CLASSES = np.array([0, 1, 2] * 10)
Y_REAL = RNG.rand(30)


def _with(value, row=0, column=0):
    bad = X.copy()
    bad[row, column] = value
    return bad


def classifier(**params):
    return MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0, **params)


def regressor(**params):
    return MLPRegressor(hidden_layer_sizes=(5,), max_iter=3, random_state=0, **params)


# case -> (estimator factory, X, y, fit keyword arguments, error type, message pattern)
FIT_CASES = {
    "NaN in X": (classifier, _with(np.nan), Y_CLASSES, {}, ValueError, "Input X contains NaN"),
    "infinity in X": (
        classifier,
        _with(np.inf),
        Y_CLASSES,
        {},
        ValueError,
        "Input X contains infinity",
    ),
    "NaN in sparse X": (
        classifier,
        sp.csr_matrix(_with(np.nan)),
        Y_CLASSES,
        {},
        ValueError,
        "Input X contains NaN",
    ),
    "NaN in y": (regressor, X, np.r_[np.nan, Y_REAL[1:]], {}, ValueError, "Input y contains NaN"),
    "infinity in y": (
        regressor,
        X,
        np.r_[np.inf, Y_REAL[1:]],
        {},
        ValueError,
        "Input y contains infinity",
    ),
    "empty X": (classifier, np.empty((0, 4)), np.array([]), {}, ValueError, "0 sample"),
    "no features": (classifier, np.empty((30, 0)), Y_CLASSES, {}, ValueError, "0 feature"),
    "1-D X": (classifier, X[:, 0], Y_CLASSES, {}, ValueError, "Expected 2D array"),
    "3-D X": (classifier, X.reshape(30, 2, 2), Y_CLASSES, {}, ValueError, "dim 3"),
    "strings in X": (
        classifier,
        np.array([["a", "b"]] * 30),
        Y_CLASSES,
        {},
        ValueError,
        "numbers only.*OneHotEncoder",
    ),
    "objects in X": (
        classifier,
        np.array([[{}, 1.0]] * 30, dtype=object),
        Y_CLASSES,
        {},
        TypeError,
        "numbers only.*OrdinalEncoder",
    ),
    "complex X": (classifier, X.astype(complex), Y_CLASSES, {}, ValueError, "Complex data"),
    "X and y of different lengths": (
        classifier,
        X,
        Y_CLASSES[:-1],
        {},
        ValueError,
        "inconsistent numbers of samples",
    ),
    "continuous target to a classifier": (
        classifier,
        X,
        Y_REAL,
        {},
        ValueError,
        "Unknown label type: continuous",
    ),
    "negative sample_weight": (
        classifier,
        X,
        Y_CLASSES,
        {"sample_weight": -np.ones(30)},
        ValueError,
        "non-negative",
    ),
    "all-zero sample_weight": (
        classifier,
        X,
        Y_CLASSES,
        {"sample_weight": np.zeros(30)},
        ValueError,
        "sums to zero",
    ),
    "NaN sample_weight": (
        classifier,
        X,
        Y_CLASSES,
        {"sample_weight": np.r_[np.nan, np.ones(29)]},
        ValueError,
        "sample_weight contains NaN",
    ),
    "sample_weight of another length": (
        classifier,
        X,
        Y_CLASSES,
        {"sample_weight": np.ones(29)},
        ValueError,
        r"sample_weight.shape == \(29,\)",
    ),
    "negative y with the poisson loss": (
        lambda: regressor(loss="poisson"),
        X,
        Y_REAL - 0.5,
        {},
        ValueError,
        "negative.*Poisson",
    ),
}

PARAMETER_CASES = {
    "learning_rate_init": -1.0,
    "alpha": -1.0,
    "batch_size": 0,
    "max_iter": 0,
    "validation_fraction": 1.0,
    "momentum": 2.0,
    "dropout": 1.0,
    "activation": "swish",
    "solver": "newton",
    "dtype": "float16",
    "hidden_layer_sizes": (10, 0),
}


@pytest.mark.parametrize("case", FIT_CASES)
def test_bad_input_to_fit_is_a_clear_error(case):
    make, X_bad, y_bad, kwargs, error, pattern = FIT_CASES[case]
    with pytest.raises(error, match=pattern):
        make().fit(X_bad, y_bad, **kwargs)


@pytest.mark.parametrize("case", FIT_CASES)
def test_failed_warm_start_fit_and_partial_fit_change_nothing(case):
    make, X_bad, y_bad, kwargs, error, _ = FIT_CASES[case]
    model = make().set_params(warm_start=True)
    good_y = Y_REAL if isinstance(model, MLPRegressor) else Y_CLASSES
    model.fit(X, good_y)
    before = model.predict(X).copy()
    weights = [c.copy() for c in model.coefs_ + model.intercepts_]
    state = (model.n_iter_, model.t_, list(model.loss_curve_), model.n_features_in_)
    with pytest.raises(error):
        model.fit(X_bad, y_bad, **kwargs)
    with pytest.raises(error):
        model.partial_fit(X_bad, y_bad, **kwargs)
    np.testing.assert_array_equal(model.predict(X), before)
    for kept, old in zip(model.coefs_ + model.intercepts_, weights, strict=True):
        np.testing.assert_array_equal(kept, old)
    assert (model.n_iter_, model.t_, model.loss_curve_, model.n_features_in_) == state


@pytest.mark.parametrize("name", PARAMETER_CASES)
def test_out_of_range_parameters_are_invalid_parameter_errors(name):
    model = classifier().set_params(**{name: PARAMETER_CASES[name]})
    with pytest.raises((InvalidParameterError, ValueError), match=name):
        model.fit(X, Y_CLASSES)


def test_unknown_device_names_the_choices():
    with pytest.raises(ValueError, match="'cpu', 'cuda' or 'cuda:N'"):
        classifier(device="gpu").fit(X, Y_CLASSES)


def test_partial_fit_labels_outside_classes_on_the_first_call():
    with pytest.raises(ValueError, match=r"not in `self.classes_`.*\[2\] unknown"):
        classifier().partial_fit(X, Y_CLASSES, classes=[0, 1])


def test_partial_fit_without_classes_on_the_first_call():
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        classifier().partial_fit(X, Y_CLASSES)


def test_partial_fit_labels_outside_the_fitted_classes_change_nothing():
    model = classifier().partial_fit(X, Y_CLASSES % 2, classes=[0, 1])
    before = model.predict_proba(X)
    with pytest.raises(ValueError, match=r"not in `self\.classes_`"):
        model.partial_fit(X, Y_CLASSES)
    np.testing.assert_array_equal(model.predict_proba(X), before)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "score"])
def test_predicting_before_fit_is_not_fitted_error(method):
    args = (X, Y_CLASSES) if method == "score" else (X,)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        getattr(classifier(), method)(*args)


PREDICT_CASES = {
    "other number of features": (X[:, :3], ValueError, "X has 3 features.*expecting 4"),
    "NaN": (_with(np.nan), ValueError, "Input X contains NaN"),
    "infinity": (_with(-np.inf), ValueError, "Input X contains infinity"),
    "1-D": (X[0], ValueError, "Expected 2D array"),
    "strings": (np.array([["a"] * 4]), ValueError, "numbers only"),
    "empty": (np.empty((0, 4)), ValueError, "0 sample"),
}


@pytest.mark.parametrize("case", PREDICT_CASES)
@pytest.mark.parametrize("method", ["predict", "predict_proba"])
def test_bad_input_to_predict_is_a_clear_error(case, method):
    model = classifier().fit(X, Y_CLASSES)
    X_bad, error, pattern = PREDICT_CASES[case]
    with pytest.raises(error, match=pattern):
        getattr(model, method)(X_bad)


def test_partial_fit_with_another_number_of_features_changes_nothing():
    model = classifier().fit(X, Y_CLASSES)
    before = model.predict_proba(X)
    with pytest.raises(ValueError, match="X has 3 features"):
        model.partial_fit(X[:, :3], Y_CLASSES)
    np.testing.assert_array_equal(model.predict_proba(X), before)
    assert model.n_features_in_ == 4


@pytest.mark.parametrize("make", [classifier, regressor])
def test_overflowing_outputs_are_an_error_not_silent_nans(make):
    y = Y_REAL if make is regressor else Y_CLASSES
    model = make().fit(X, y)
    model.coefs_[0][...] = 1e308  # finite weights whose products overflow
    method = model.predict if make is regressor else model.predict_proba
    with np.errstate(all="ignore"), pytest.raises(ValueError, match=r"outputs .* not finite"):
        method(X)

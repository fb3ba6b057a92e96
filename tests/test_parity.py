"""sknn fits the same network as scikit-learn: same weights, same stopping epoch."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import neural_network as sk
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

import sknn

STOCHASTIC_RTOL = 1e-6  # where sknn's logistic (SciPy's expit from NumPy's exp) or CSC input differ
IDENTICAL = 0.0  # the same bits as scikit-learn
LBFGS_RTOL = 1e-4


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:600] / 16.0, y[:600]


@pytest.fixture(scope="module")
def binary():
    return make_classification(n_samples=300, n_features=12, random_state=0)


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=300, n_features=10, noise=5.0, random_state=0)
    return StandardScaler().fit_transform(X), y / 100.0


def fit_both(name, X, y, **params):
    """Fit scikit-learn's and sknn's estimator of ``name`` with the same settings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = getattr(sk, name)(**params).fit(X, y)
        ours = getattr(sknn, name)(**params).fit(X, y)
    return reference, ours


def assert_same_network(reference, ours, rtol):
    assert ours.n_iter_ == reference.n_iter_
    for mine, theirs in zip(
        ours.coefs_ + ours.intercepts_, reference.coefs_ + reference.intercepts_, strict=True
    ):
        if rtol == IDENTICAL:
            np.testing.assert_array_equal(mine, theirs)
        else:
            np.testing.assert_allclose(mine, theirs, rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("nesterov", [True, False])
def test_sgd_with_momentum_matches_sklearn(digits, nesterov):
    reference, ours = fit_both(
        "MLPClassifier",
        *digits,
        solver="sgd",
        hidden_layer_sizes=(20,),
        nesterovs_momentum=nesterov,
        learning_rate_init=0.05,
        max_iter=30,
        random_state=0,
    )
    assert_same_network(reference, ours, IDENTICAL)
    np.testing.assert_allclose(ours.loss_curve_, reference.loss_curve_, rtol=1e-10)


@pytest.mark.parametrize("schedule", ["invscaling", "adaptive"])
def test_sgd_learning_rate_schedules_match_sklearn(digits, schedule):
    reference, ours = fit_both(
        "MLPClassifier",
        *digits,
        solver="sgd",
        learning_rate=schedule,
        hidden_layer_sizes=(15,),
        learning_rate_init=0.2,
        max_iter=40,
        n_iter_no_change=2,
        tol=1e-2,
        random_state=1,
    )
    assert_same_network(reference, ours, IDENTICAL)


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
def test_adam_matches_sklearn_for_every_activation(digits, activation):
    reference, ours = fit_both(
        "MLPClassifier",
        *digits,
        solver="adam",
        activation=activation,
        hidden_layer_sizes=(16, 8),
        max_iter=25,
        random_state=3,
    )
    assert_same_network(reference, ours, STOCHASTIC_RTOL if activation == "logistic" else IDENTICAL)


def test_adam_converges_at_the_same_epoch_as_sklearn(binary):
    reference, ours = fit_both(
        "MLPClassifier",
        *binary,
        hidden_layer_sizes=(10,),
        max_iter=500,
        tol=1e-3,
        random_state=0,
    )
    assert reference.n_iter_ < 500  # stopped on the loss plateau, not at max_iter
    assert_same_network(reference, ours, STOCHASTIC_RTOL)
    assert ours.best_loss_ == pytest.approx(reference.best_loss_, rel=1e-10)


def test_sample_weight_matches_sklearn(digits):
    X, y = digits
    weights = np.random.RandomState(0).uniform(0.1, 3.0, size=len(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        params = dict(hidden_layer_sizes=(20,), max_iter=20, random_state=0)
        reference = sk.MLPClassifier(**params).fit(X, y, sample_weight=weights)
        ours = sknn.MLPClassifier(**params).fit(X, y, sample_weight=weights)
    assert_same_network(reference, ours, IDENTICAL)


def test_binary_early_stopping_matches_sklearn(binary):
    reference, ours = fit_both(
        "MLPClassifier",
        *binary,
        hidden_layer_sizes=(10,),
        early_stopping=True,
        max_iter=300,
        n_iter_no_change=5,
        random_state=0,
    )
    assert reference.n_iter_ < 300
    assert_same_network(reference, ours, IDENTICAL)
    assert ours.validation_scores_ == reference.validation_scores_
    assert ours.best_validation_score_ == reference.best_validation_score_


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_regression_matches_sklearn(regression, solver):
    reference, ours = fit_both(
        "MLPRegressor",
        *regression,
        solver=solver,
        hidden_layer_sizes=(12, 6),
        learning_rate_init=0.01,
        max_iter=40,
        random_state=0,
    )
    assert_same_network(reference, ours, IDENTICAL)


def test_regression_early_stopping_matches_sklearn(regression):
    reference, ours = fit_both(
        "MLPRegressor",
        *regression,
        hidden_layer_sizes=(12,),
        early_stopping=True,
        learning_rate_init=0.01,
        max_iter=200,
        random_state=0,
    )
    assert_same_network(reference, ours, IDENTICAL)


def test_poisson_regression_matches_sklearn(regression):
    X, _ = regression
    counts = np.random.RandomState(0).poisson(np.exp(0.3 * X[:, 0]))
    reference, ours = fit_both(
        "MLPRegressor",
        X,
        counts,
        loss="poisson",
        hidden_layer_sizes=(8,),
        max_iter=30,
        random_state=0,
    )
    assert_same_network(reference, ours, IDENTICAL)


def test_multilabel_matches_sklearn():
    X, Y = make_classification(n_samples=200, n_features=8, random_state=0)[0], None
    Y = (np.random.RandomState(1).rand(200, 3) < 0.4).astype(int)
    reference, ours = fit_both(
        "MLPClassifier", X, Y, hidden_layer_sizes=(10,), max_iter=30, random_state=0
    )
    assert_same_network(reference, ours, STOCHASTIC_RTOL)


@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csc_matrix])
def test_sparse_input_matches_sklearn(digits, container):
    X, y = digits
    reference, ours = fit_both(
        "MLPClassifier",
        container(X),
        y,
        hidden_layer_sizes=(10,),
        max_iter=10,
        random_state=0,
    )
    rtol = IDENTICAL if container is sp.csr_matrix else STOCHASTIC_RTOL
    assert_same_network(reference, ours, rtol)


@pytest.mark.parametrize(
    "name, data", [("MLPClassifier", "digits"), ("MLPRegressor", "regression")]
)
def test_lbfgs_matches_sklearn(name, data, request):
    X, y = request.getfixturevalue(data)
    reference, ours = fit_both(
        name,
        X,
        y,
        solver="lbfgs",
        hidden_layer_sizes=(15,),
        max_iter=60,
        random_state=0,
    )
    assert_same_network(reference, ours, LBFGS_RTOL)
    assert ours.loss_ == pytest.approx(reference.loss_, rel=1e-8)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_partial_fit_matches_sklearn(digits, solver):
    X, y = digits
    params = dict(solver=solver, hidden_layer_sizes=(12,), random_state=0)
    reference, ours = sk.MLPClassifier(**params), sknn.MLPClassifier(**params)
    classes = np.unique(y)
    for start in range(0, 600, 150):
        rows = slice(start, start + 150)
        reference.partial_fit(X[rows], y[rows], classes=classes)
        ours.partial_fit(X[rows], y[rows], classes=classes)
    assert_same_network(reference, ours, IDENTICAL)
    assert ours.t_ == reference.t_


def test_warm_start_matches_sklearn(digits):
    X, y = digits
    params = dict(hidden_layer_sizes=(12,), max_iter=5, warm_start=True, random_state=0)
    reference, ours = sk.MLPClassifier(**params), sknn.MLPClassifier(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(3):
            reference.fit(X, y)
            ours.fit(X, y)
    assert_same_network(reference, ours, IDENTICAL)
    assert ours.loss_curve_ == pytest.approx(reference.loss_curve_, rel=1e-10)


def test_unshuffled_batches_match_sklearn(digits):
    reference, ours = fit_both(
        "MLPClassifier",
        *digits,
        shuffle=False,
        batch_size=64,
        hidden_layer_sizes=(10,),
        max_iter=10,
        random_state=0,
    )
    assert_same_network(reference, ours, IDENTICAL)


# --- float32: the same bits -------------------------------------------------------


def assert_identical_network(reference, ours):
    """The same float32 weights, bit for bit (scikit-learn forms Adam's change in float64)."""
    assert all(a.dtype == np.float32 for a in ours.coefs_ + reference.coefs_)
    assert_same_network(reference, ours, IDENTICAL)


@pytest.mark.parametrize("activation", ["relu", "tanh", "identity"])
def test_float32_adam_fit_has_the_bits_of_sklearn(digits, activation):
    X, y = digits
    reference, ours = fit_both(
        "MLPClassifier",
        X.astype(np.float32),
        y,
        solver="adam",
        activation=activation,
        hidden_layer_sizes=(16, 8),
        max_iter=15,
        random_state=3,
    )
    assert_identical_network(reference, ours)


@pytest.mark.parametrize("nesterov", [True, False])
def test_float32_sgd_fit_has_the_bits_of_sklearn(digits, nesterov):
    X, y = digits
    reference, ours = fit_both(
        "MLPClassifier",
        X.astype(np.float32),
        y,
        solver="sgd",
        hidden_layer_sizes=(20,),
        nesterovs_momentum=nesterov,
        learning_rate_init=0.05,
        max_iter=15,
        random_state=0,
    )
    assert_identical_network(reference, ours)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_float32_regression_with_sample_weight_has_the_bits_of_sklearn(regression, solver):
    X, y = (a.astype(np.float32) for a in regression)
    weights = np.random.RandomState(0).uniform(0.1, 3.0, size=len(y)).astype(np.float32)
    params = dict(
        solver=solver,
        hidden_layer_sizes=(12, 6),
        learning_rate_init=0.01,
        max_iter=20,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = sk.MLPRegressor(**params).fit(X, y, sample_weight=weights)
        ours = sknn.MLPRegressor(**params).fit(X, y, sample_weight=weights)
    assert_identical_network(reference, ours)


def test_float32_partial_fit_has_the_bits_of_sklearn(digits):
    X, y = digits
    X = X.astype(np.float32)
    params = dict(hidden_layer_sizes=(12,), random_state=0)
    reference, ours = sk.MLPClassifier(**params), sknn.MLPClassifier(**params)
    for start in range(0, 600, 150):
        rows = slice(start, start + 150)
        reference.partial_fit(X[rows], y[rows], classes=np.unique(y))
        ours.partial_fit(X[rows], y[rows], classes=np.unique(y))
    assert_identical_network(reference, ours)

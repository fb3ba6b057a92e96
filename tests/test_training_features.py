"""Training features beyond scikit-learn: activations, solvers, initialisation."""

import numpy as np
import pytest
from sklearn import neural_network as sk
from sklearn.datasets import load_digits
from sklearn.utils._param_validation import InvalidParameterError

from _reference import ACTIVATION_DEFINITIONS
from sknn import MLPClassifier, MLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:900] / 16.0, y[:900], X[900:1300] / 16.0, y[900:1300]


@pytest.mark.parametrize("activation", ["leaky_relu", "elu", "gelu", "softplus"])
def test_new_activations_learn_digits(digits, activation):
    X, y, X_test, y_test = digits
    model = MLPClassifier((32,), activation=activation, max_iter=60, random_state=0)
    assert model.fit(X, y).score(X_test, y_test) > 0.85


def test_one_activation_per_hidden_layer_is_applied_in_order(digits):
    X, y, X_test, _ = digits
    model = MLPClassifier((8, 6, 4), activation=["gelu", "tanh", "leaky_relu"], max_iter=3)
    model.fit(X, y)
    A = X_test
    for W, b, name in zip(model.coefs_, model.intercepts_, ["gelu", "tanh", "leaky_relu", "softmax"]):
        A = ACTIVATION_DEFINITIONS[name](A @ W + b)
    np.testing.assert_allclose(model.predict_proba(X_test), A, rtol=1e-10)


@pytest.mark.parametrize("activation", [["relu"], ["relu", "tanh", "relu"], ["relu", "swish"]])
def test_activation_list_must_name_each_hidden_layer(digits, activation):
    X, y, _, _ = digits
    with pytest.raises(InvalidParameterError, match="one per\\s+hidden layer|list with one"):
        MLPClassifier((5, 5), activation=activation).fit(X, y)


@pytest.mark.parametrize("solver", ["rmsprop", "adamw"])
def test_new_solvers_learn_digits(digits, solver):
    X, y, X_test, y_test = digits
    model = MLPClassifier((32,), solver=solver, max_iter=60, random_state=0)
    assert model.fit(X, y).score(X_test, y_test) > 0.85


@pytest.mark.parametrize("solver", ["sgd", "adam", "rmsprop", "adamw"])
def test_adaptive_learning_rate_divides_on_plateaus_for_every_solver(digits, solver, capsys):
    X, y, _, _ = digits
    MLPClassifier((8,), solver=solver, learning_rate="adaptive", tol=10.0,
                  n_iter_no_change=1, max_iter=6, verbose=True).fit(X, y)
    assert "Setting learning rate to" in capsys.readouterr().out


def test_adamw_decays_weights_instead_of_penalising_the_loss(digits):
    X, y, _, _ = digits
    light = MLPClassifier((16,), solver="adamw", alpha=0.0, max_iter=20, random_state=0).fit(X, y)
    heavy = MLPClassifier((16,), solver="adamw", alpha=5.0, max_iter=20, random_state=0).fit(X, y)
    norm = lambda model: sum(float((W**2).sum()) for W in model.coefs_)
    assert norm(heavy) < 0.5 * norm(light)
    # the reported loss has no L2 term: it is the plain cross-entropy
    proba = heavy.predict_proba(X)
    cross_entropy = -np.mean(np.log(proba[np.arange(len(y)), y]))
    assert heavy.loss_curve_[-1] == pytest.approx(cross_entropy, rel=0.2)


def test_rmsprop_uses_rho(digits):
    X, y, _, _ = digits
    slow = MLPClassifier((8,), solver="rmsprop", rho=0.0, max_iter=2, random_state=0).fit(X, y)
    fast = MLPClassifier((8,), solver="rmsprop", rho=0.99, max_iter=2, random_state=0).fit(X, y)
    assert not np.allclose(slow.coefs_[0], fast.coefs_[0])


def test_default_initialisation_is_scikit_learns(digits):
    X, y, _, _ = digits
    ours = MLPClassifier((20,), max_iter=1, random_state=3).fit(X, y)
    theirs = sk.MLPClassifier((20,), max_iter=1, random_state=3).fit(X, y)
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_array_equal(a, b)


def initial_weights(init, activation="relu", units=(400,)):
    X = np.random.RandomState(0).normal(size=(50, 300))
    y = np.random.RandomState(1).normal(size=50)
    # learning_rate_init tiny: the weights after one epoch are the initial ones
    model = MLPRegressor(hidden_layer_sizes=units, init=init, activation=activation, learning_rate_init=1e-12,
                         max_iter=1, random_state=0).fit(X, y)
    return model.coefs_[0], model.intercepts_[0]


@pytest.mark.parametrize("init, expected_std", [
    ("he_normal", np.sqrt(2 / 300)),
    ("he_uniform", np.sqrt(6 / 300) / np.sqrt(3)),
    ("glorot_normal", np.sqrt(2 / 700)),
    ("glorot_uniform", np.sqrt(6 / 700) / np.sqrt(3)),
])
def test_initialisers_draw_weights_at_their_scale(init, expected_std):
    W, b = initial_weights(init)
    assert W.std() == pytest.approx(expected_std, rel=0.02)
    assert abs(W.mean()) < 0.01 * expected_std * 10


@pytest.mark.parametrize("init", ["he_normal", "he_uniform", "glorot_normal"])
def test_keras_style_initialisers_start_biases_at_zero(init):
    _, b = initial_weights(init)
    np.testing.assert_allclose(b, 0.0, atol=1e-9)


def test_invalid_init_is_rejected(digits):
    X, y, _, _ = digits
    with pytest.raises(InvalidParameterError):
        MLPClassifier(init="lecun_normal").fit(X, y)

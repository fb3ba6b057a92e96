"""Training features beyond scikit-learn: activations, solvers, initialisation,
validation data, scoring, class weights, dropout, the training log."""

import array_api_compat.numpy as npx
import numpy as np
import pytest
from sklearn import neural_network as sk
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.metrics import get_scorer, recall_score
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.class_weight import compute_class_weight

from _reference import ACTIVATION_DEFINITIONS
from sknn import MLPClassifier, MLPRegressor
from sknn._engine._cpu.network import CompiledNetwork
from sknn._engine._init import initial_parameters
from sknn._engine._layout import ParameterLayout
from sknn._engine._network import FlatParameters, Network

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
    for W, b, name in zip(
        model.coefs_, model.intercepts_, ["gelu", "tanh", "leaky_relu", "softmax"], strict=True
    ):
        A = ACTIVATION_DEFINITIONS[name](A @ W + b)
    np.testing.assert_allclose(model.predict_proba(X_test), A, rtol=1e-10)


@pytest.mark.parametrize("activation", [["relu"], ["relu", "tanh", "relu"], ["relu", "swish"]])
def test_activation_list_must_name_each_hidden_layer(digits, activation):
    X, y, _, _ = digits
    with pytest.raises(InvalidParameterError, match=r"one per\s+hidden layer|list with one"):
        MLPClassifier((5, 5), activation=activation).fit(X, y)


@pytest.mark.parametrize("solver", ["rmsprop", "adamw"])
def test_new_solvers_learn_digits(digits, solver):
    X, y, X_test, y_test = digits
    model = MLPClassifier((32,), solver=solver, max_iter=60, random_state=0)
    assert model.fit(X, y).score(X_test, y_test) > 0.85


@pytest.mark.parametrize("solver", ["sgd", "adam", "rmsprop", "adamw"])
def test_adaptive_learning_rate_divides_on_plateaus_for_every_solver(digits, solver, capsys):
    X, y, _, _ = digits
    MLPClassifier(
        (8,),
        solver=solver,
        learning_rate="adaptive",
        tol=10.0,
        n_iter_no_change=1,
        max_iter=6,
        verbose=True,
    ).fit(X, y)
    assert "Setting learning rate to" in capsys.readouterr().out


def test_adamw_decays_weights_instead_of_penalising_the_loss(digits):
    X, y, _, _ = digits
    light = MLPClassifier((16,), solver="adamw", alpha=0.0, max_iter=20, random_state=0).fit(X, y)
    heavy = MLPClassifier((16,), solver="adamw", alpha=5.0, max_iter=20, random_state=0).fit(X, y)

    def norm(model):
        return sum(float((W**2).sum()) for W in model.coefs_)

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


@pytest.mark.parametrize("activation", ["relu", "logistic"])
def test_default_initialisation_is_scikit_learns(activation):
    # scikit-learn draws each layer's weights, then its biases, from one
    # RandomState (_init_coef); sknn draws the very same numbers.
    theirs = sk.MLPClassifier((20,), activation=activation)
    theirs._random_state = np.random.RandomState(3)
    expected = [theirs._init_coef(a, b, np.float64) for a, b in [(64, 20), (20, 10)]]
    coefs, intercepts = initial_parameters(
        ParameterLayout([64, 20, 10]), [activation] * 2, np.random.RandomState(3)
    )
    for ours, (coef, intercept) in zip(zip(coefs, intercepts, strict=True), expected, strict=True):
        np.testing.assert_array_equal(ours[0], coef)
        np.testing.assert_array_equal(ours[1], intercept)


def test_one_epoch_from_the_default_start_is_scikit_learns(digits):
    # Same start, same batches, same updates; only the last bits of exp and
    # of the matrix products may differ between machines' math libraries.
    X, y, _, _ = digits
    ours = MLPClassifier((20,), max_iter=1, random_state=3).fit(X, y)
    theirs = sk.MLPClassifier((20,), max_iter=1, random_state=3).fit(X, y)
    for a, b in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    ):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def initial_weights(init, activation="relu", units=(400,)):
    X = np.random.RandomState(0).normal(size=(50, 300))
    y = np.random.RandomState(1).normal(size=50)
    # learning_rate_init tiny: the weights after one epoch are the initial ones
    model = MLPRegressor(
        hidden_layer_sizes=units,
        init=init,
        activation=activation,
        learning_rate_init=1e-12,
        max_iter=1,
        random_state=0,
    ).fit(X, y)
    return model.coefs_[0], model.intercepts_[0]


@pytest.mark.parametrize(
    "init, expected_std",
    [
        ("he_normal", np.sqrt(2 / 300)),
        ("he_uniform", np.sqrt(6 / 300) / np.sqrt(3)),
        ("glorot_normal", np.sqrt(2 / 700)),
        ("glorot_uniform", np.sqrt(6 / 700) / np.sqrt(3)),
    ],
)
def test_initialisers_draw_weights_at_their_scale(init, expected_std):
    W, _ = initial_weights(init)
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


# --- explicit validation data and scoring -------------------------------------


def test_explicit_validation_set_is_the_early_stopping_set(digits):
    X, y, X_val, y_val = digits
    model = MLPClassifier((16,), early_stopping=True, max_iter=100, random_state=0)
    model.fit(X, y, X_val=X_val, y_val=y_val)
    assert model.best_validation_score_ == model.score(X_val, y_val)  # best weights restored
    assert len(model.validation_scores_) == len(model.validation_loss_curve_) == model.n_iter_
    assert model.t_ == model.n_iter_ * len(y)  # no rows were split off for validation


def test_validation_sample_weights_weigh_the_validation_score(digits):
    X, y, X_val, y_val = digits
    weights = np.where(y_val < 5, 3.0, 1.0)
    model = MLPClassifier((16,), early_stopping=True, max_iter=60, random_state=0)
    model.fit(X, y, X_val=X_val, y_val=y_val, sample_weight_val=weights)
    assert model.best_validation_score_ == pytest.approx(
        model.score(X_val, y_val, sample_weight=weights)
    )


def test_regressor_takes_an_explicit_validation_set():
    X, y = make_regression(n_samples=300, n_features=5, noise=1.0, random_state=0)
    model = MLPRegressor(
        hidden_layer_sizes=(16,),
        early_stopping=True,
        max_iter=200,
        random_state=0,
        learning_rate_init=0.01,
    )
    model.fit(X[:200], y[:200] / 100, X_val=X[200:], y_val=y[200:] / 100)
    assert model.best_validation_score_ == pytest.approx(model.score(X[200:], y[200:] / 100))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(X_val="X"), "together"),
        (dict(y_val="y"), "together"),
        (dict(sample_weight_val=[1.0]), "without X_val"),
    ],
)
def test_validation_data_must_come_whole(digits, kwargs, message):
    X, y, X_val, y_val = digits
    given = {"X": X_val, "y": y_val}
    kwargs = {k: given[v] if isinstance(v, str) else v for k, v in kwargs.items()}
    with pytest.raises(ValueError, match=message):
        MLPClassifier(early_stopping=True).fit(X, y, **kwargs)


def test_validation_data_needs_early_stopping(digits):
    X, y, X_val, y_val = digits
    with pytest.raises(ValueError, match="early_stopping=True"):
        MLPClassifier().fit(X, y, X_val=X_val, y_val=y_val)


def test_validation_labels_must_be_known_classes(digits):
    """The error names y_val, the argument at fault, and the classes of y."""
    X, y, X_val, y_val = digits
    message = r"^`y_val` has classes not in `y`\. `y` has \[0 1 2 3 4\]"
    with pytest.raises(ValueError, match=message):
        MLPClassifier(early_stopping=True).fit(X[y < 5], y[y < 5], X_val=X_val, y_val=y_val)


def test_validation_multilabel_targets_must_have_the_labels_of_y(digits):
    X, y, X_val, y_val = digits
    Y, Y_val = np.c_[y % 2, y % 3 == 0], np.c_[y_val % 2, y_val % 3 == 0, y_val % 5 == 0]
    with pytest.raises(ValueError, match=r"^y_val has 3 labels; `y` has 2"):
        MLPClassifier(early_stopping=True).fit(X, Y, X_val=X_val, y_val=Y_val)


def test_scoring_loss_stops_on_the_validation_loss(digits):
    X, y, X_val, y_val = digits
    model = MLPClassifier(
        (16,), early_stopping=True, scoring="loss", max_iter=200, random_state=0
    ).fit(X, y, X_val=X_val, y_val=y_val)
    assert model.validation_scores_ == [-loss for loss in model.validation_loss_curve_]
    best_loss = min(model.validation_loss_curve_)
    assert model.best_validation_score_ == -best_loss
    proba = model.predict_proba(X_val)  # restored weights have the best validation loss
    assert -np.mean(np.log(proba[np.arange(len(y_val)), y_val])) == pytest.approx(best_loss)


@pytest.mark.parametrize("scoring", ["neg_log_loss", get_scorer("balanced_accuracy")])
def test_scoring_takes_any_scikit_learn_scorer(digits, scoring):
    X, y, X_val, y_val = digits
    model = MLPClassifier(
        (16,), early_stopping=True, scoring=scoring, max_iter=60, random_state=0
    ).fit(X, y, X_val=X_val, y_val=y_val)
    scorer = get_scorer(scoring) if isinstance(scoring, str) else scoring
    assert model.best_validation_score_ == pytest.approx(scorer(model, X_val, y_val))


def test_validation_loss_curve_is_recorded_with_a_split_and_absent_without(digits):
    X, y, _, _ = digits
    with_split = MLPClassifier((8,), early_stopping=True, max_iter=5).fit(X, y)
    without = MLPClassifier((8,), max_iter=5).fit(X, y)
    assert len(with_split.validation_loss_curve_) == 5
    assert all(loss > 0 for loss in with_split.validation_loss_curve_)
    assert without.validation_loss_curve_ is None


# --- class_weight ---------------------------------------------------------------


def test_balanced_class_weight_raises_rare_class_recall():
    X, y = make_classification(n_samples=2000, weights=[0.95, 0.05], class_sep=0.6, random_state=0)
    plain = MLPClassifier((16,), max_iter=100, random_state=0).fit(X[:1500], y[:1500])
    balanced = MLPClassifier((16,), class_weight="balanced", max_iter=100, random_state=0).fit(
        X[:1500], y[:1500]
    )

    def recall(model):
        return recall_score(y[1500:], model.predict(X[1500:]))

    assert recall(balanced) > recall(plain) + 0.1


def test_class_weight_dict_multiplies_sample_weight(digits):
    X, y, _, _ = digits
    weights = {label: 1.0 + label for label in range(10)}
    sample_weight = np.linspace(0.5, 1.5, len(y))
    by_class = MLPClassifier((8,), class_weight=weights, max_iter=5, random_state=0).fit(
        X, y, sample_weight=sample_weight
    )
    by_sample = MLPClassifier((8,), max_iter=5, random_state=0).fit(
        X, y, sample_weight=sample_weight * (1.0 + y)
    )
    np.testing.assert_allclose(by_class.coefs_[0], by_sample.coefs_[0], rtol=1e-12)


def test_partial_fit_refuses_balanced_class_weight(digits):
    X, y, _, _ = digits
    with pytest.raises(ValueError, match="balanced"):
        MLPClassifier(class_weight="balanced").partial_fit(X, y, classes=np.arange(10))


# --- dropout --------------------------------------------------------------------


def test_dropout_fits_are_reproducible_and_predictions_deterministic(digits):
    X, y, X_test, _ = digits
    first = MLPClassifier((32,), dropout=0.3, max_iter=10, random_state=0).fit(X, y)
    second = MLPClassifier((32,), dropout=0.3, max_iter=10, random_state=0).fit(X, y)
    other = MLPClassifier((32,), dropout=0.3, max_iter=10, random_state=1).fit(X, y)
    np.testing.assert_array_equal(first.coefs_[0], second.coefs_[0])
    assert not np.allclose(first.coefs_[1], other.coefs_[1])
    np.testing.assert_array_equal(first.predict_proba(X_test), first.predict_proba(X_test))


def test_dropout_changes_training(digits):
    X, y, _, _ = digits
    plain = MLPClassifier((32,), max_iter=5, random_state=0).fit(X, y)
    dropped = MLPClassifier((32,), dropout=0.5, max_iter=5, random_state=0).fit(X, y)
    assert not np.allclose(plain.coefs_[1], dropped.coefs_[1])


def test_dropout_still_learns(digits):
    X, y, X_test, y_test = digits
    model = MLPClassifier((64,), dropout=0.2, max_iter=80, random_state=0).fit(X, y)
    assert model.score(X_test, y_test) > 0.85


@pytest.mark.parametrize("dropout", [[0.1], [0.1, 0.2, 0.3], [0.1, 1.0]])
def test_dropout_list_needs_one_rate_in_0_1_per_hidden_layer(digits, dropout):
    X, y, _, _ = digits
    with pytest.raises(InvalidParameterError, match="dropout"):
        MLPClassifier((5, 5), dropout=dropout).fit(X, y)


def test_dropout_needs_a_stochastic_solver(digits):
    X, y, _, _ = digits
    with pytest.raises(ValueError, match="stochastic solver"):
        MLPClassifier(solver="lbfgs", dropout=0.1).fit(X, y)


class FixedDraws:
    """A stand-in generator: the same dropout draws on every call."""

    def __init__(self, seed):
        self.seed = seed

    def random(self, shape):
        return np.random.default_rng(self.seed).random(shape)


@pytest.mark.parametrize("engine", [Network, CompiledNetwork], ids=["portable", "compiled"])
def test_dropout_gradient_matches_finite_differences_for_a_fixed_mask(engine):
    layout = ParameterLayout([4, 6, 5, 3])
    rng = np.random.default_rng(0)
    flat = rng.normal(size=layout.size) * 0.5
    X, Y = rng.normal(size=(7, 4)), np.eye(3)[rng.integers(0, 3, 7)]
    network = engine(
        npx,
        layout,
        ["tanh", "relu"],
        "softmax",
        np.float64,
        "cpu",
        7,
        dropout=[0.3, 0.5],
        random=FixedDraws(1),
    )

    def loss_at(point):
        params = FlatParameters(npx, layout, point.copy())
        grads = FlatParameters(npx, layout, np.zeros_like(point))
        return float(network.loss_and_gradient(params, grads, X, Y, None, 0.1)), grads.flat

    _, gradient = loss_at(flat)
    numeric = np.array(
        [
            (loss_at(flat + step)[0] - loss_at(flat - step)[0]) / 2e-6
            for step in np.eye(layout.size) * 1e-6
        ]
    )
    np.testing.assert_allclose(gradient, numeric, rtol=1e-5, atol=1e-8)


# --- the training log through the estimator ----------------------------------------


def test_verbose_2_prints_a_line_per_epoch_with_validation(digits, capsys):
    X, y, _, _ = digits
    MLPClassifier((8,), early_stopping=True, max_iter=3, verbose=2).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    epochs = [line for line in lines if line.startswith("Iteration")]
    assert [line.split(" - ")[0] for line in epochs] == [f"Iteration {i}/3" for i in (1, 2, 3)]
    assert all("batches" in line and "val_loss" in line and "val_score" in line for line in epochs)


def test_verbose_1_draws_no_bar_outside_a_terminal(digits, capsys):
    X, y, _, _ = digits
    MLPClassifier((8,), max_iter=2, verbose=1).fit(X, y)
    out = capsys.readouterr().out
    assert "\r" not in out and out.count("Iteration") == 2


def test_lbfgs_prints_its_iterations(digits, capsys):
    X, y, _, _ = digits
    MLPClassifier((8,), solver="lbfgs", max_iter=4, verbose=2).fit(X, y)
    assert capsys.readouterr().out.count("Iteration") == 4


def test_balanced_validation_weights_use_the_training_frequencies():
    X, y = make_classification(n_samples=400, weights=[0.8, 0.2], random_state=0)
    X_val, y_val = X[:100], np.r_[np.zeros(50, int), np.ones(50, int)]
    model = MLPClassifier(
        (8,), class_weight="balanced", early_stopping=True, max_iter=20, random_state=0
    ).fit(X[100:], y[100:], X_val=X_val, y_val=y_val)
    train_weights = compute_class_weight("balanced", classes=np.array([0, 1]), y=y[100:])
    expected = train_weights[y_val]
    assert model.best_validation_score_ == pytest.approx(
        model.score(X_val, y_val, sample_weight=expected)
    )


# --- the compute dtype ------------------------------------------------------------


def test_dtype_float32_trains_and_predicts_float64_data_in_float32(digits):
    X, y, X_test, _ = digits
    model = MLPClassifier((16,), dtype="float32", max_iter=5, random_state=0).fit(X, y)
    assert all(c.dtype == np.float32 for c in model.coefs_ + model.intercepts_)
    assert model.predict_proba(X_test).dtype == np.float32
    reference = MLPClassifier((16,), max_iter=5, random_state=0).fit(X.astype(np.float32), y)
    np.testing.assert_array_equal(model.coefs_[0], reference.coefs_[0])


def test_dtype_float64_trains_float32_data_in_float64(digits):
    X, y, _, _ = digits
    model = MLPClassifier((16,), dtype="float64", max_iter=5, random_state=0).fit(
        X.astype(np.float32), y
    )
    assert model.coefs_[0].dtype == np.float64


def test_default_dtype_follows_the_input(digits):
    X, y, _, _ = digits
    assert (
        MLPClassifier((4,), max_iter=2).fit(X.astype(np.float32), y).coefs_[0].dtype == np.float32
    )
    assert MLPClassifier((4,), max_iter=2).fit(X, y).coefs_[0].dtype == np.float64

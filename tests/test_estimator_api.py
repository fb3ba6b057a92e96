"""The scikit-learn estimator contract: methods, fitted attributes, inputs, tools."""

import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import load_iris, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from sknn import MLPClassifier, MLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def binary():
    return make_classification(n_samples=100, n_features=6, random_state=0)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_fit_sets_every_fitted_attribute(iris, solver):
    model = MLPClassifier(hidden_layer_sizes=(7, 5), solver=solver, max_iter=20).fit(*iris)
    assert [c.shape for c in model.coefs_] == [(4, 7), (7, 5), (5, 3)]
    assert [b.shape for b in model.intercepts_] == [(7,), (5,), (3,)]
    assert model.n_layers_ == 4 and model.n_outputs_ == 3
    assert model.out_activation_ == "softmax"
    assert model.n_features_in_ == 4
    assert list(model.classes_) == [0, 1, 2]
    assert isinstance(model.loss_, float) and model.loss_ > 0
    assert len(model.loss_curve_) == model.n_iter_
    assert model.best_loss_ <= model.loss_curve_[0]
    assert model.validation_scores_ is None and model.best_validation_score_ is None


def test_early_stopping_sets_validation_attributes(iris):
    model = MLPClassifier(early_stopping=True, max_iter=30, random_state=0).fit(*iris)
    assert len(model.validation_scores_) == model.n_iter_
    assert model.best_validation_score_ == max(model.validation_scores_)
    assert model.best_loss_ is None


def test_sgd_counts_samples_seen_in_t(iris):
    model = MLPClassifier(solver="sgd", max_iter=7, n_iter_no_change=100).fit(*iris)
    assert model.t_ == 7 * 150


def test_binary_predict_proba_has_two_columns_that_sum_to_one(binary):
    model = MLPClassifier(max_iter=30, random_state=0).fit(*binary)
    proba = model.predict_proba(binary[0])
    assert proba.shape == (100, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert model.out_activation_ == "logistic" and model.n_outputs_ == 1
    np.testing.assert_allclose(model.predict_log_proba(binary[0]), np.log(proba))
    np.testing.assert_array_equal(model.predict(binary[0]), proba.argmax(axis=1))


def test_string_labels_are_predicted_as_strings(iris):
    X, y = iris
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    model = MLPClassifier(max_iter=50, random_state=0).fit(X, names)
    assert set(model.predict(X)) <= set(names)
    assert model.score(X, names) > 0.8


def test_multilabel_indicator_targets_give_indicator_predictions():
    X, _ = make_classification(n_samples=120, n_features=6, random_state=0)
    Y = (X[:, :3] > 0).astype(int)
    model = MLPClassifier(max_iter=200, random_state=0).fit(X, Y)
    assert model.out_activation_ == "logistic" and model.n_outputs_ == 3
    prediction = model.predict(X)
    assert prediction.shape == (120, 3) and set(np.unique(prediction)) <= {0, 1}
    assert model.predict_proba(X).shape == (120, 3)
    assert model.score(X, Y) > 0.8


def test_multi_output_regression_predicts_every_output():
    X, Y = make_regression(n_samples=120, n_features=5, n_targets=3, random_state=0)
    model = MLPRegressor(max_iter=50, random_state=0).fit(X, Y / 100)
    assert model.predict(X).shape == (120, 3)
    assert model.n_outputs_ == 3 and model.out_activation_ == "identity"


def test_single_output_regression_predicts_a_vector():
    X, y = make_regression(n_samples=50, n_features=4, random_state=0)
    assert MLPRegressor(max_iter=5).fit(X, y).predict(X).shape == (50,)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_training_dtype_follows_the_input(iris, dtype):
    X, y = iris
    model = MLPClassifier(max_iter=5).fit(X.astype(dtype), y)
    assert all(c.dtype == dtype for c in model.coefs_ + model.intercepts_)
    assert model.predict_proba(X.astype(dtype)).dtype == dtype


def test_integer_input_trains_in_float64(iris):
    X, y = iris
    model = MLPClassifier(max_iter=5).fit((X * 10).astype(int), y)
    assert model.coefs_[0].dtype == np.float64


@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csc_matrix, sp.csr_array])
def test_sparse_input_fits_the_dense_model(iris, container):
    X, y = iris
    dense = MLPClassifier(max_iter=10, random_state=0).fit(X, y)
    sparse = MLPClassifier(max_iter=10, random_state=0).fit(container(X), y)
    for a, b in zip(dense.coefs_, sparse.coefs_, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10)
    np.testing.assert_allclose(sparse.predict_proba(container(X)), dense.predict_proba(X))


def test_dataframe_input_records_feature_names(iris):
    X, y = iris
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    model = MLPClassifier(max_iter=5).fit(frame, pd.Series(y))
    assert list(model.feature_names_in_) == ["a", "b", "c", "d"]
    np.testing.assert_array_equal(model.predict(frame), model.predict(X))


def test_partial_fit_accepts_classes_on_every_call(iris):
    X, y = iris
    model = MLPClassifier(random_state=0)
    for rows in np.array_split(np.random.RandomState(0).permutation(150), 5):
        model.partial_fit(X[rows], y[rows], classes=[0, 1, 2])
    assert model.n_iter_ == 1 and model.t_ == 150


def test_partial_fit_requires_classes_first(iris):
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        MLPClassifier().partial_fit(*iris)


def test_partial_fit_rejects_changed_classes(iris):
    model = MLPClassifier().partial_fit(*iris, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="is not the same as on last call"):
        model.partial_fit(*iris, classes=[0, 1, 2, 3])


def test_partial_fit_rejects_labels_outside_classes(iris):
    X, y = iris
    model = MLPClassifier().partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="classes not in"):
        model.partial_fit(X[:3], [0, 1, 7])


def test_partial_fit_with_only_some_classes_keeps_all_outputs(iris):
    X, y = iris
    model = MLPClassifier().partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    assert model.predict_proba(X).shape == (150, 3)


@pytest.mark.parametrize(
    "params",
    [
        dict(activation="softsign"),
        dict(solver="newton"),
        dict(alpha=-1.0),
        dict(learning_rate="cyclic"),
        dict(momentum=1.5),
        dict(max_iter=0),
        dict(validation_fraction=1.0),
        dict(beta_1=1.0),
        dict(epsilon=0.0),
        dict(n_iter_no_change=0),
        dict(batch_size=0),
        dict(hidden_layer_sizes=0),
    ],
)
def test_invalid_parameters_raise_invalid_parameter_error(iris, params):
    with pytest.raises(InvalidParameterError):
        MLPClassifier(**params).fit(*iris)


def test_regressor_validates_its_loss():
    with pytest.raises(InvalidParameterError):
        MLPRegressor(loss="absolute").fit([[0.0], [1.0]], [0.0, 1.0])


def test_zero_in_hidden_layer_sizes_is_rejected(iris):
    with pytest.raises(ValueError, match="hidden_layer_sizes must be > 0"):
        MLPClassifier(hidden_layer_sizes=(5, 0)).fit(*iris)


@pytest.mark.parametrize("dump_load", ["pickle", "joblib"])
def test_persistence_round_trip_keeps_predictions(iris, tmp_path, dump_load):
    X, y = iris
    model = MLPClassifier(max_iter=20, random_state=0).fit(X, y)
    if dump_load == "pickle":
        restored = pickle.loads(pickle.dumps(model))
    else:
        joblib.dump(model, tmp_path / "model.joblib")
        restored = joblib.load(tmp_path / "model.joblib")
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))
    restored.partial_fit(X, y)  # the optimizer state came along too


def test_clone_copies_parameters_not_the_fit(iris):
    model = MLPClassifier(hidden_layer_sizes=(3,), alpha=0.1).fit(*iris)
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "coefs_")


def test_pipeline_in_grid_search_cv(iris):
    pipeline = make_pipeline(StandardScaler(), MLPClassifier(max_iter=300, random_state=0))
    search = GridSearchCV(
        pipeline, {"mlpclassifier__hidden_layer_sizes": [(5,), (20,)]}, cv=3, n_jobs=2
    )
    search.fit(*iris)
    assert search.best_score_ > 0.8
    assert search.best_params_["mlpclassifier__hidden_layer_sizes"] in [(5,), (20,)]


def test_cross_val_score_of_regressor():
    X, y = make_regression(n_samples=150, n_features=5, noise=1.0, random_state=0)
    scores = cross_val_score(
        make_pipeline(StandardScaler(), MLPRegressor(solver="lbfgs", max_iter=200, random_state=0)),
        X,
        y / 100,
        cv=3,
    )
    assert scores.mean() > 0.9


def test_verbose_prints_one_iteration_line_per_epoch(iris, capsys):
    MLPClassifier(max_iter=3, verbose=True).fit(*iris)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Iteration")]
    assert len(lines) == 3


def test_reaching_max_iter_warns(iris):
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        MLPClassifier(max_iter=2).fit(*iris)


def test_failed_warm_start_fit_leaves_the_model_as_it_was(iris):
    X, y = iris
    model = MLPClassifier(max_iter=10, warm_start=True, random_state=0).fit(X, y)
    before = (model.predict_proba(X), model.n_iter_, list(model.loss_curve_))
    with pytest.raises(ValueError, match="the same classes as in the previous call"):
        model.fit(X, np.where(y == 2, 5, y))  # a class it was not fitted with
    with pytest.raises(ValueError, match="X has 3 features"):
        model.fit(X[:, :3], y)  # fewer features
    np.testing.assert_array_equal(model.predict_proba(X), before[0])
    assert (model.n_iter_, model.loss_curve_) == before[1:]
    assert model.n_features_in_ == 4


def test_failed_partial_fit_leaves_the_model_as_it_was(iris):
    X, y = iris
    model = MLPClassifier(random_state=0).partial_fit(X, y, classes=[0, 1, 2])
    before = model.predict_proba(X)
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        model.partial_fit(bad, y)
    with pytest.raises(ValueError, match="sample_weight"):
        model.partial_fit(X, y, sample_weight=-np.ones(150))
    np.testing.assert_array_equal(model.predict_proba(X), before)


def test_failed_fit_keeps_feature_names_of_the_previous_fit(iris):
    X, y = iris
    frame = pd.DataFrame(X, columns=list("abcd"))
    model = MLPClassifier(max_iter=5).fit(frame, y)
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        model.fit(pd.DataFrame(X, columns=list("wxyz")), np.full(150, 0.5))
    assert list(model.feature_names_in_) == list("abcd")

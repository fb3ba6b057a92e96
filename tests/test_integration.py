"""scikit-learn integration: sknn's networks inside scikit-learn's tools.

Searches (also with ``n_jobs=2``, which must give the ``n_jobs=1`` results),
``cross_validate``, ensembles, calibration, metadata routing of
``sample_weight``, a ColumnTransformer over a pandas DataFrame, and a sparse
TF-IDF text pipeline that never densifies the whole matrix.

The data are small (iris, digits, breast_cancer, generated) and the networks
few-unit and short-trained, so the whole file runs in well under a minute and a
half on two cores.
"""

import inspect
import tracemalloc

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn
from scipy.stats import loguniform
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, make_friedman1
from sklearn.ensemble import (
    BaggingClassifier,
    StackingClassifier,
    StackingRegressor,
    VotingClassifier,
    VotingRegressor,
)
from sklearn.exceptions import UnsetMetadataPassedError
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import (
    GridSearchCV,
    HalvingGridSearchCV,
    KFold,
    RandomizedSearchCV,
    StratifiedKFold,
    cross_validate,
    train_test_split,
)
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.neural_network import MLPRegressor as SklearnMLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sknn import MLPClassifier, MLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


# --------------------------------------------------------------------- data
@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:900], y[:900]


@pytest.fixture(scope="module")
def digits_split():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)


@pytest.fixture(scope="module")
def cancer_split():
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


@pytest.fixture(scope="module")
def friedman_split():
    X, y = make_friedman1(n_samples=400, n_features=6, noise=0.3, random_state=0)
    y = (y - y.mean()) / y.std()
    return train_test_split(X, y, test_size=0.25, random_state=0)


def _net(**params):
    defaults = dict(hidden_layer_sizes=(16,), max_iter=60, random_state=0)
    return MLPClassifier(**{**defaults, **params})


def _pipeline(**params):
    return Pipeline([("scale", StandardScaler()), ("mlp", _net(**params))])


# ----------------------------------------------------------------- searches
_GRID = {
    "mlp__hidden_layer_sizes": [(8,), (32,)],
    "mlp__alpha": [1e-4, 1.0],
}
_DISTRIBUTIONS = {
    "mlp__hidden_layer_sizes": [(8,), (32,), (16, 16)],
    "mlp__alpha": loguniform(1e-5, 1e-1),
    "mlp__learning_rate_init": [1e-3, 1e-2],
}


def _search(kind, n_jobs):
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    if kind == "grid":
        return GridSearchCV(_pipeline(), _GRID, cv=cv, n_jobs=n_jobs)
    if kind == "randomized":
        return RandomizedSearchCV(
            _pipeline(), _DISTRIBUTIONS, n_iter=4, cv=cv, n_jobs=n_jobs, random_state=0
        )
    return HalvingGridSearchCV(
        _pipeline(), _GRID, factor=2, min_resources=150, cv=cv, n_jobs=n_jobs, random_state=0
    )


def _in_search_space(kind, params):
    if kind == "randomized":
        return (
            params["mlp__hidden_layer_sizes"] in _DISTRIBUTIONS["mlp__hidden_layer_sizes"]
            and 1e-5 <= params["mlp__alpha"] <= 1e-1
            and params["mlp__learning_rate_init"] in _DISTRIBUTIONS["mlp__learning_rate_init"]
        )
    return all(params[name] in values for name, values in _GRID.items()) and set(params) == set(
        _GRID
    )


@pytest.mark.parametrize("kind", ["grid", "randomized", "halving"])
def test_search_over_a_pipeline_with_two_jobs_equals_one_job(digits, kind):
    X, y = digits
    serial = _search(kind, n_jobs=1).fit(X, y)
    parallel = _search(kind, n_jobs=2).fit(X, y)

    for search in (serial, parallel):
        assert _in_search_space(kind, search.best_params_)
        assert search.best_score_ > 0.85
        assert isinstance(search.best_estimator_[-1], MLPClassifier)
        # the refitted best pipeline is a working model on the whole data
        assert search.best_estimator_.score(X, y) > 0.9

    # the same candidates, the same scores, whichever the number of jobs
    assert serial.cv_results_["params"] == parallel.cv_results_["params"]
    n_candidates = len(serial.cv_results_["params"])
    for key in serial.cv_results_:
        if key.startswith("split") or key in ("mean_test_score", "std_test_score"):
            np.testing.assert_allclose(
                serial.cv_results_[key], parallel.cv_results_[key], rtol=1e-12, err_msg=key
            )
            assert len(serial.cv_results_[key]) == n_candidates
    np.testing.assert_array_equal(
        serial.cv_results_["rank_test_score"], parallel.cv_results_["rank_test_score"]
    )
    assert serial.best_params_ == parallel.best_params_
    serial_coefs = serial.best_estimator_[-1].coefs_
    parallel_coefs = parallel.best_estimator_[-1].coefs_
    for a, b in zip(serial_coefs, parallel_coefs, strict=True):
        np.testing.assert_array_equal(a, b)

    if kind == "grid":
        assert n_candidates == 4
        # 8 hidden units are too few for digits in 60 epochs: the wide network wins
        assert serial.best_params_["mlp__hidden_layer_sizes"] == (32,)
    if kind == "randomized":
        assert n_candidates == 4
    if kind == "halving":
        # candidates are halved while the samples they are trained on double
        assert serial.n_candidates_ == [4, 2, 1]
        assert serial.n_resources_ == [150, 300, 600]
        assert serial.n_resources_ == parallel.n_resources_
        best_rows = serial.cv_results_["iter"] == serial.n_iterations_ - 1
        assert best_rows.sum() == 1


# ------------------------------------------------------------ cross_validate
def test_cross_validate_classifier_reports_requested_scores(digits):
    X, y = digits
    cv = KFold(3, shuffle=True, random_state=0)
    result = cross_validate(
        _pipeline(max_iter=150),
        X,
        y,
        cv=cv,
        scoring=("accuracy", "f1_macro"),
        return_train_score=True,
        return_estimator=True,
    )
    assert set(result) == {
        "fit_time",
        "score_time",
        "estimator",
        "test_accuracy",
        "train_accuracy",
        "test_f1_macro",
        "train_f1_macro",
    }
    for key in (
        "fit_time",
        "score_time",
        "test_accuracy",
        "train_accuracy",
        "test_f1_macro",
        "train_f1_macro",
    ):
        assert result[key].shape == (3,)
    assert np.all(result["fit_time"] > 0) and np.all(result["score_time"] >= 0)
    assert np.all(result["test_accuracy"] > 0.85)
    assert np.all(result["test_f1_macro"] > 0.85)
    assert np.all(result["train_accuracy"] >= result["test_accuracy"])
    assert np.all(result["train_accuracy"] > 0.95)

    # each reported score is that of the fold's own fitted estimator
    for i, (train, test) in enumerate(cv.split(X, y)):
        estimator = result["estimator"][i]
        assert isinstance(estimator[-1], MLPClassifier)
        assert result["test_accuracy"][i] == pytest.approx(estimator.score(X[test], y[test]))
        assert result["train_accuracy"][i] == pytest.approx(estimator.score(X[train], y[train]))
    first, second = (e[-1].coefs_[0] for e in result["estimator"][:2])
    assert not np.array_equal(first, second)  # separately fitted, on different folds


def test_cross_validate_regressor_reports_requested_scores(friedman_split):
    X_train, X_test, y_train, y_test = friedman_split
    X, y = np.vstack([X_train, X_test]), np.concatenate([y_train, y_test])
    model = Pipeline(
        [
            ("scale", StandardScaler()),
            (
                "mlp",
                MLPRegressor(
                    hidden_layer_sizes=(16,), solver="lbfgs", max_iter=200, random_state=0
                ),
            ),
        ]
    )
    result = cross_validate(
        model, X, y, cv=3, scoring=["r2", "neg_mean_absolute_error"], return_train_score=True
    )
    assert set(result) == {
        "fit_time",
        "score_time",
        "test_r2",
        "train_r2",
        "test_neg_mean_absolute_error",
        "train_neg_mean_absolute_error",
    }
    assert np.all(result["fit_time"] > 0)
    assert np.all(result["test_r2"] > 0.8)
    assert np.all(result["train_r2"] > result["test_r2"] - 0.05)
    assert np.all(result["test_neg_mean_absolute_error"] < 0)
    assert np.all(result["test_neg_mean_absolute_error"] > -0.5)  # y has unit variance


# --------------------------------------------------------------- ensembles
def test_bagging_of_networks(cancer_split):
    X_train, X_test, y_train, y_test = cancer_split
    bag = BaggingClassifier(_net(max_iter=100), n_estimators=5, random_state=0)
    bag.fit(X_train, y_train)
    assert len(bag.estimators_) == 5
    assert all(type(member) is MLPClassifier for member in bag.estimators_)
    assert accuracy_score(y_test, bag.predict(X_test)) > 0.93

    # predict_proba is the members' average
    members = np.mean(
        [
            m.predict_proba(X_test[:, f])
            for m, f in zip(bag.estimators_, bag.estimators_features_, strict=True)
        ],
        axis=0,
    )
    np.testing.assert_allclose(bag.predict_proba(X_test), members, rtol=1e-12)

    # sknn takes sample_weight, so Bagging draws each bootstrap as weights
    # (counts, zero out of the bag): each member is the network fitted so
    n = X_train.shape[0]
    for member, rows in zip(bag.estimators_[:2], bag.estimators_samples_[:2], strict=True):
        counts = np.bincount(rows, minlength=n)
        assert (counts == 0).any()
        direct = clone(member).fit(X_train, y_train, sample_weight=counts)
        for a, b in zip(member.coefs_, direct.coefs_, strict=True):
            np.testing.assert_array_equal(a, b)


def _members():
    return [
        ("small", _net(hidden_layer_sizes=(8,), random_state=1)),
        ("tanh", _net(hidden_layer_sizes=(16,), activation="tanh", random_state=2)),
        ("deep", _net(hidden_layer_sizes=(16, 16), random_state=3)),
    ]


@pytest.mark.parametrize("weights", [None, [2, 1, 1]])
def test_soft_voting_averages_the_networks_probabilities(digits_split, weights):
    X_train, X_test, y_train, y_test = digits_split
    vote = VotingClassifier(_members(), voting="soft", weights=weights).fit(X_train, y_train)
    assert all(type(m) is MLPClassifier for m in vote.estimators_)
    proba = vote.predict_proba(X_test)
    average = np.average(
        [m.predict_proba(X_test) for m in vote.estimators_], axis=0, weights=weights
    )
    np.testing.assert_allclose(proba, average, rtol=1e-12)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(vote.predict(X_test), vote.classes_[proba.argmax(axis=1)])
    assert accuracy_score(y_test, vote.predict(X_test)) > 0.93


def test_hard_voting_takes_the_networks_majority(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    vote = VotingClassifier(_members(), voting="hard").fit(X_train, y_train)
    votes = np.stack([m.predict(X_test) for m in vote.estimators_], axis=1)
    majority = [np.bincount(row, minlength=10).argmax() for row in votes]
    np.testing.assert_array_equal(vote.predict(X_test), majority)
    assert accuracy_score(y_test, vote.predict(X_test)) > 0.93


def test_stacking_of_networks(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    stack = StackingClassifier(
        _members()[:2], final_estimator=LogisticRegression(max_iter=500), cv=3
    ).fit(X_train, y_train)
    assert stack.stack_method_ == ["predict_proba", "predict_proba"]
    # the final estimator sees the members' probabilities, refitted on all the data
    features = stack.transform(X_test)
    expected = np.hstack([m.predict_proba(X_test) for m in stack.estimators_])
    np.testing.assert_allclose(features, expected, rtol=1e-12)
    np.testing.assert_array_equal(stack.predict(X_test), stack.final_estimator_.predict(expected))
    assert accuracy_score(y_test, stack.predict(X_test)) > 0.93


def _regressors():
    return [
        (
            "small",
            MLPRegressor(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=200, random_state=1),
        ),
        (
            "wide",
            MLPRegressor(hidden_layer_sizes=(32,), solver="lbfgs", max_iter=200, random_state=2),
        ),
    ]


def test_voting_and_stacking_of_regression_networks(friedman_split):
    X_train, X_test, y_train, y_test = friedman_split
    vote = VotingRegressor(_regressors()).fit(X_train, y_train)
    assert all(type(m) is MLPRegressor for m in vote.estimators_)
    np.testing.assert_allclose(
        vote.predict(X_test),
        np.mean([m.predict(X_test) for m in vote.estimators_], axis=0),
        rtol=1e-12,
    )
    assert r2_score(y_test, vote.predict(X_test)) > 0.85

    stack = StackingRegressor(_regressors(), final_estimator=RidgeCV(), cv=3).fit(X_train, y_train)
    members = np.column_stack([m.predict(X_test) for m in stack.estimators_])
    np.testing.assert_allclose(stack.transform(X_test), members, rtol=1e-12)
    np.testing.assert_allclose(stack.predict(X_test), stack.final_estimator_.predict(members))
    assert r2_score(y_test, stack.predict(X_test)) > 0.85


# --------------------------------------------------------------- calibration
@pytest.mark.parametrize("method", ["sigmoid", "isotonic"])
def test_calibrated_networks(digits_split, method):
    X_train, X_test, y_train, y_test = digits_split
    calibrated = CalibratedClassifierCV(_net(), method=method, cv=3).fit(X_train, y_train)
    assert len(calibrated.calibrated_classifiers_) == 3
    assert all(type(c.estimator) is MLPClassifier for c in calibrated.calibrated_classifiers_)
    proba = calibrated.predict_proba(X_test)
    assert proba.shape == (len(y_test), 10)
    assert np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(
        calibrated.predict(X_test), calibrated.classes_[proba.argmax(axis=1)]
    )
    assert accuracy_score(y_test, calibrated.predict(X_test)) > 0.9


# ---------------------------------------------------------- metadata routing
@pytest.mark.parametrize(
    "sknn_class, sklearn_class",
    [(MLPClassifier, SklearnMLPClassifier), (MLPRegressor, SklearnMLPRegressor)],
)
def test_request_methods_are_those_of_scikit_learns_mlp(sknn_class, sklearn_class):
    for method in ("set_fit_request", "set_partial_fit_request", "set_score_request"):
        for solver in ("adam", "lbfgs"):  # partial_fit is unavailable with lbfgs
            ours = sknn_class(solver=solver)
            theirs = sklearn_class(solver=solver)
            assert hasattr(ours, method) == hasattr(theirs, method)
        assert hasattr(sknn_class(), method)
        ours = set(inspect.signature(getattr(sknn_class(), method)).parameters)
        theirs = set(inspect.signature(getattr(sklearn_class(), method)).parameters)
        assert theirs <= ours, method  # sknn adds fit's X_val, y_val, sample_weight_val

    with sklearn.config_context(enable_metadata_routing=True):
        model = sknn_class()
        assert model.set_fit_request(sample_weight=True) is model
        assert model.set_score_request(sample_weight=False) is model
        partial = {"sample_weight": True}
        if sknn_class is MLPClassifier:
            partial["classes"] = True
        assert model.set_partial_fit_request(**partial) is model
        routing = model.get_metadata_routing()
        assert routing.consumes("fit", ["sample_weight"]) == {"sample_weight"}
        assert routing.consumes("score", ["sample_weight"]) == set()
        assert routing.consumes("partial_fit", list(partial)) == set(partial)
        # the requests survive clone, as scikit-learn's estimators' do
        assert clone(model).get_metadata_routing().consumes("fit", ["sample_weight"]) == {
            "sample_weight"
        }


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


def test_pipeline_routes_sample_weight_to_the_network(iris):
    X, y = iris
    weights = np.where(y == 2, 0.0, 1.0)  # class 2 counts for nothing
    params = dict(hidden_layer_sizes=(8,), max_iter=150, random_state=0)
    with sklearn.config_context(enable_metadata_routing=True):
        pipeline = Pipeline(
            [
                ("scale", StandardScaler().set_fit_request(sample_weight=False)),
                ("mlp", MLPClassifier(**params).set_fit_request(sample_weight=True)),
            ]
        )
        weighted = clone(pipeline).fit(X, y, sample_weight=weights)
        unweighted = clone(pipeline).fit(X, y)

        # without a request, routing refuses the weights rather than drop them
        unrequested = Pipeline([("scale", StandardScaler()), ("mlp", MLPClassifier(**params))])
        with pytest.raises(UnsetMetadataPassedError):
            unrequested.fit(X, y, sample_weight=weights)

    # the network got exactly the weights: it is the one fitted directly with them
    direct = MLPClassifier(**params).fit(
        StandardScaler().fit_transform(X), y, sample_weight=weights
    )
    for a, b in zip(
        weighted[-1].coefs_ + weighted[-1].intercepts_,
        direct.coefs_ + direct.intercepts_,
        strict=True,
    ):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(weighted[-1].coefs_[0], unweighted[-1].coefs_[0])

    # and they changed what it learned: class 2, weightless, is (almost) never predicted
    is_2 = y == 2
    assert np.mean(unweighted.predict(X[is_2]) == 2) > 0.8
    assert np.mean(weighted.predict(X[is_2]) == 2) < 0.2


def test_cross_validate_routes_sample_weight_to_every_fold(iris):
    X, y = iris
    rng = np.random.default_rng(0)
    weights = rng.uniform(0.1, 3.0, size=len(y))
    params = dict(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=100, random_state=0)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    with sklearn.config_context(enable_metadata_routing=True):
        pipeline = Pipeline(
            [
                ("scale", StandardScaler().set_fit_request(sample_weight=False)),
                (
                    "mlp",
                    MLPClassifier(**params)
                    .set_fit_request(sample_weight=True)
                    .set_score_request(sample_weight=True),
                ),
            ]
        )
        result = cross_validate(
            pipeline,
            X,
            y,
            cv=cv,
            params={"sample_weight": weights},
            return_estimator=True,
            return_train_score=True,
        )
    for (train, test), fitted, score in zip(
        cv.split(X, y), result["estimator"], result["test_score"], strict=True
    ):
        scaler = StandardScaler().fit(X[train])
        direct = MLPClassifier(**params).fit(
            scaler.transform(X[train]), y[train], sample_weight=weights[train]
        )
        for a, b in zip(fitted[-1].coefs_, direct.coefs_, strict=True):
            np.testing.assert_array_equal(a, b)
        # the score is the weighted accuracy on the fold
        expected = accuracy_score(
            y[test], direct.predict(scaler.transform(X[test])), sample_weight=weights[test]
        )
        assert score == pytest.approx(expected)
    assert np.all(result["test_score"] > 0.8)


# ----------------------------------------------------- ColumnTransformer + pandas
def _customers(n, seed):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "color": rng.choice(["red", "green", "blue"], size=n),
            "income": rng.normal(50_000, 15_000, size=n),
            "plan": rng.choice(["basic", "premium"], size=n),
            "age": rng.integers(18, 80, size=n).astype(float),
        }
    )
    signal = (
        2.0 * (frame["color"] == "red")
        - 1.5 * (frame["plan"] == "basic")
        + (frame["income"] - 50_000) / 15_000
        + 0.05 * (frame["age"] - 49)
    )
    labels = np.where(signal + rng.normal(0, 0.3, size=n) > 0.2, "buys", "leaves")
    return frame, pd.Series(labels, name="outcome")


def _column_pipeline(sparse_output=True):
    columns = ColumnTransformer(
        [
            (
                "categories",
                OneHotEncoder(handle_unknown="ignore", sparse_output=sparse_output),
                ["color", "plan"],
            ),
            ("numbers", StandardScaler(), ["income", "age"]),
        ]
    )
    return Pipeline([("columns", columns), ("mlp", _net(hidden_layer_sizes=(16,), max_iter=300))])


def test_column_transformer_over_a_dataframe():
    X, y = _customers(500, seed=0)
    X_new, y_new = _customers(200, seed=1)
    model = _column_pipeline().fit(X, y)
    network = model[-1]
    assert network.n_features_in_ == 3 + 2 + 2  # one-hot colors and plans, two numbers
    assert list(network.classes_) == ["buys", "leaves"]

    predicted = model.predict(X_new)
    assert set(predicted) <= {"buys", "leaves"}
    assert accuracy_score(y_new, predicted) > 0.85
    proba = model.predict_proba(X_new)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(predicted, network.predict(model[0].transform(X_new)))

    # an unseen category encodes to zeros; the network still answers
    unseen = X_new.head(5).assign(color="purple")
    assert set(model.predict(unseen)) <= {"buys", "leaves"}

    # a DataFrame all the way: the network records the encoded columns' names
    framed = _column_pipeline(sparse_output=False).set_output(transform="pandas").fit(X, y)
    assert list(framed[-1].feature_names_in_) == list(framed[0].get_feature_names_out())
    np.testing.assert_array_equal(framed.predict(X_new), predicted)


# ------------------------------------------------------------- sparse TF-IDF
def _corpus(n, seed):
    """Sentences from two topics' words mixed with shared words (no downloads)."""
    rng = np.random.default_rng(seed)
    topics = {
        "sport": [f"sport{i}" for i in range(300)],
        "cooking": [f"cook{i}" for i in range(300)],
    }
    shared = [f"word{i}" for i in range(4000)]
    labels = rng.choice(list(topics), size=n)
    docs = []
    for label in labels:
        words = list(rng.choice(shared, size=12)) + list(rng.choice(topics[label], size=4))
        rng.shuffle(words)
        docs.append(" ".join(words))
    return docs, labels


class _SparseOnlyMLP(MLPClassifier):
    """An sknn classifier that asserts it is fitted and asked on sparse input."""

    def fit(self, X, y, sample_weight=None, **fit_params):
        assert sp.issparse(X), type(X)
        self.fit_input_format_ = X.format
        return super().fit(X, y, sample_weight, **fit_params)

    def predict_proba(self, X):
        assert sp.issparse(X), type(X)
        return super().predict_proba(X)


def _forbid_densifying(monkeypatch):
    """Make every scipy.sparse toarray/todense raise."""

    def refuse(self, *args, **kwargs):
        raise AssertionError(f"densified a {type(self).__name__} of shape {self.shape}")

    classes = {
        cls
        for cls in vars(sp).values()
        if isinstance(cls, type) and issubclass(cls, (sp.spmatrix, sp.sparray))
    }
    for cls in classes:
        for owner in cls.__mro__:
            for name in ("toarray", "todense"):
                if name in vars(owner):
                    monkeypatch.setattr(owner, name, refuse)


def test_tfidf_pipeline_trains_on_sparse_input_without_densifying(monkeypatch):
    docs, labels = _corpus(600, seed=0)
    new_docs, new_labels = _corpus(200, seed=1)
    params = dict(hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=20, random_state=0)

    vectorizer = TfidfVectorizer()
    X = vectorizer.fit_transform(docs)
    assert sp.issparse(X) and X.shape[1] > 3000
    dense = X.toarray()  # before the ban: for the reference fit below
    dense_bytes = dense.nbytes

    with monkeypatch.context() as patched:
        _forbid_densifying(patched)
        with pytest.raises(AssertionError, match="densified"):
            X.toarray()  # the ban holds
        tracemalloc.start()
        try:
            network = _SparseOnlyMLP(**params).fit(X, labels)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        pipeline = Pipeline([("tfidf", TfidfVectorizer()), ("mlp", _SparseOnlyMLP(**params))]).fit(
            docs, labels
        )
        predicted = pipeline.predict(new_docs)
        proba = pipeline.predict_proba(new_docs)

    assert network.fit_input_format_ == "csr"
    assert pipeline[-1].fit_input_format_ == "csr"
    assert network.coefs_[0].shape == (X.shape[1], 16)
    # whatever sknn allocated while fitting is far less than the dense matrix
    assert peak < dense_bytes / 4, (peak, dense_bytes)

    # the pipeline's network is the one fitted on the vectorizer's output
    for a, b in zip(pipeline[-1].coefs_, network.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
    # and the model fitted on the sparse matrix is the one fitted on its dense copy
    reference = MLPClassifier(**params).fit(dense, labels)
    for a, b in zip(
        network.coefs_ + network.intercepts_, reference.coefs_ + reference.intercepts_, strict=True
    ):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-12)

    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert accuracy_score(new_labels, predicted) > 0.9

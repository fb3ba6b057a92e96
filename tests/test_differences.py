"""Where scikit-learn is wrong, sknn does the right thing (docs/differences.md)."""

import warnings

import numpy as np
import pytest
from sklearn import neural_network as sk
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning

import sknn
from sknn import MLPClassifier, MLPRegressor
from sknn._fitting._split import validation_split

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

    monkeypatch.setattr("sknn._fitting._validation.validation_split", recording_split)
    MLPClassifier(early_stopping=True, max_iter=3).fit(X, y)
    np.testing.assert_array_equal(seen["stratify"], y)


def test_unstratifiable_split_falls_back_to_random():
    labels = np.array([0] * 19 + [1])  # class 1 has a single member
    train, validation = validation_split(20, 0.2, labels, np.random.RandomState(0))
    assert len(validation) == 4 and len(train) == 16


def test_adaptive_learning_rate_works_with_adam(capsys):
    X, y = make_classification(n_samples=200, random_state=0)
    params = dict(
        solver="adam",
        learning_rate="adaptive",
        n_iter_no_change=2,
        tol=0.5,
        max_iter=30,
        verbose=True,
        random_state=0,
    )
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
    model = MLPRegressor(
        solver="lbfgs", hidden_layer_sizes=(6,), alpha=0.01, max_iter=50, random_state=0
    ).fit(X, Y / 100)
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
    reference = sk.MLPClassifier(early_stopping=True, max_iter=5)
    with warnings.catch_warnings():  # scikit-learn refuses to fit
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.raises(ValueError, match="test_size = 1 should be greater or equal"):
            reference.fit(X, y)


def test_data_too_small_to_split_leaves_the_attributes_of_a_fit_without_validation():
    X, y = make_classification(n_samples=10, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = MLPClassifier(early_stopping=True, max_iter=5, random_state=0).fit(X, y)
        reference = sk.MLPClassifier(max_iter=5, random_state=0).fit(X, y)

    for name in ("validation_scores_", "best_validation_score_"):
        assert getattr(model, name) is None is getattr(reference, name), name
    assert model.validation_loss_curve_ is None
    assert model.best_loss_ == min(model.loss_curve_)  # tracked, as without early stopping


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


# ---------------------------------------------------------------- divergence
def diverging_data():
    X, y = make_regression(n_samples=200, n_features=5, random_state=0)
    return X * 1e3, y * 1e3


def test_divergence_stops_at_the_diverging_epoch_where_scikit_learn_runs_on_to_nan():
    X, y = diverging_data()
    params = dict(solver="sgd", learning_rate_init=0.5, max_iter=50, random_state=0)
    reference = sk.MLPRegressor(**params)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(ValueError, match="Solver produced non-finite parameter weights"):
            reference.fit(X, y)  # 50 epochs, then the NaN weights are refused
    with pytest.warns(ConvergenceWarning, match="diverged in epoch 4"):
        model = MLPRegressor(**params).fit(X, y)
    assert model.n_iter_ == 3 and all(np.isfinite(c).all() for c in model.coefs_)


def test_divergence_under_early_stopping_ends_with_the_same_best_weights():
    X, y = diverging_data()
    params = dict(
        solver="sgd", learning_rate_init=0.5, max_iter=50, random_state=0, early_stopping=True
    )
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        reference = sk.MLPRegressor(**params).fit(X, y)
    with pytest.warns(ConvergenceWarning, match="diverged"):
        model = MLPRegressor(**params).fit(X, y)
    assert reference.n_iter_ == 50 and np.isnan(reference.validation_scores_[-1])
    assert model.n_iter_ < 50 and not np.isnan(model.validation_scores_).any()
    np.testing.assert_allclose(model.predict(X), reference.predict(X), rtol=1e-9)


def test_a_fit_diverging_in_its_first_epoch_raises_its_own_message():
    X, y = diverging_data()
    model = MLPRegressor(solver="sgd", learning_rate_init=1e6, max_iter=5, random_state=0)
    with pytest.raises(ValueError, match=r"diverged in its first epoch.*no finite trained weights"):
        model.fit(X, y * 1e200)


def test_a_failed_fit_leaves_the_model_as_it_was_where_scikit_learns_keeps_nan_weights():
    X, y = diverging_data()
    models = [
        module.MLPRegressor(
            solver="sgd", learning_rate_init=1e-9, max_iter=2, random_state=0, warm_start=True
        ).fit(X / 1e3, y / 1e3)
        for module in (sk, sknn)
    ]
    reference, model = (model.set_params(learning_rate_init=1e6, max_iter=3) for model in models)
    before = model.predict(X / 1e3)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="non-finite parameter weights"):
            reference.fit(X / 1e3, y * 1e200)
        model.fit(X / 1e3, y * 1e200)  # diverges in its first epoch: keeps the weights
    assert np.isnan(reference.coefs_[0]).any()  # scikit-learn: refused, and left broken
    np.testing.assert_array_equal(model.predict(X / 1e3), before)


# ------------------------------------------------------------ what users see
def test_verbose_lines_differ_in_format_and_both_begin_with_iteration(capsys):
    X, y = make_classification(n_samples=100, random_state=0)
    sk.MLPClassifier(max_iter=2, verbose=True, random_state=0).fit(X, y)
    reference = capsys.readouterr().out.splitlines()
    MLPClassifier(max_iter=2, verbose=2, random_state=0).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert reference[0].startswith("Iteration 1, loss = ") and len(reference[0].split(".")[-1]) == 8
    assert lines[0].startswith("Iteration 1/2 - 1 batch - ") and " - loss: " in lines[0]
    loss = float(lines[0].rsplit("loss: ", 1)[1])
    assert loss == pytest.approx(float(reference[0].rsplit("= ", 1)[1]), abs=1e-6)


def test_warnings_come_from_sknn_modules_so_filter_by_category_or_by_sknn():
    X, y = make_classification(n_samples=100, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=ConvergenceWarning, module="sklearn")
        sk.MLPClassifier(max_iter=2).fit(X, y)  # filtered out
        MLPClassifier(max_iter=2).fit(X, y)  # not: it comes from sknn._fitting._stochastic
    assert [(w.category, w.filename.endswith("_stochastic.py")) for w in caught] == [
        (ConvergenceWarning, True)
    ]
    for spelled in (dict(module="sknn"), dict(module="sklearn|sknn"), {}):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.filterwarnings("ignore", category=ConvergenceWarning, **spelled)
            MLPClassifier(max_iter=2).fit(X, y)
            MLPClassifier(solver="lbfgs", max_iter=2).fit(X, y)
        assert caught == [], spelled


# ------------------------------------------------------------------ L-BFGS
def test_lbfgs_departs_from_scikit_learn_no_more_than_scikit_learn_from_itself():
    """Over many iterations L-BFGS amplifies rounding: scikit-learn run on the
    same data with one input moved by one ulp drifts from itself as far as
    sknn drifts from it."""
    from sklearn.datasets import load_diabetes
    from sklearn.preprocessing import scale

    X, y = load_diabetes(return_X_y=True)
    X, y = scale(X), scale(y)
    X_ulp = X.copy()
    X_ulp[0, 0] = np.nextafter(X_ulp[0, 0], np.inf)

    def largest_weight_gap(a, b):
        return max(np.abs(u - v).max() for u, v in zip(a.coefs_, b.coefs_, strict=True))

    gaps = {}
    for max_iter in (20, 100):
        params = dict(
            solver="lbfgs",
            hidden_layer_sizes=(20,),
            max_iter=max_iter,
            tol=0,
            max_fun=10**6,
            random_state=0,
        )
        reference = sk.MLPRegressor(**params).fit(X, y)
        gaps[max_iter] = (
            largest_weight_gap(reference, sk.MLPRegressor(**params).fit(X_ulp, y)),
            largest_weight_gap(reference, MLPRegressor(**params).fit(X, y)),
        )
    itself, ours = gaps[20]
    assert itself < 1e-12 and ours < 1e-12  # at first, rounding only
    itself, ours = gaps[100]
    assert 1e-10 < itself < 1e-3  # one ulp has grown by a million or more
    assert ours < 30 * itself  # sknn: the same order


# ------------------------------------------------------------- more differences
def test_negative_sample_weight_is_refused():
    X, y = make_classification(n_samples=60, random_state=0)
    weights = np.r_[-np.ones(5), np.ones(55)]
    sk.MLPClassifier(max_iter=2).fit(X, y, sample_weight=weights)  # scikit-learn trains
    with pytest.raises(ValueError, match="non-negative"):
        MLPClassifier(max_iter=2).fit(X, y, sample_weight=weights)


def test_a_warm_start_with_other_layer_sizes_is_refused():
    X, y = make_classification(n_samples=60, random_state=0)
    reference = sk.MLPClassifier(max_iter=2, warm_start=True).fit(X, y)
    reference.set_params(hidden_layer_sizes=(7,)).fit(X, y)
    assert reference.coefs_[0].shape == (20, 100)  # scikit-learn: the new sizes are ignored
    model = MLPClassifier(max_iter=2, warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match=r"continue the fitted network.*\[\(20, 7\), \(7, 1\)\]"):
        model.set_params(hidden_layer_sizes=(7,)).fit(X, y)


def test_outputs_that_overflow_are_an_error_where_scikit_learn_returns_them():
    X, y = make_regression(n_samples=60, n_features=4, random_state=0)
    models = [module.MLPRegressor(max_iter=2, random_state=0).fit(X, y) for module in (sk, sknn)]
    for model in models:
        model.coefs_[0][...] = 1e308  # finite weights whose products overflow
    with np.errstate(all="ignore"):
        assert not np.isfinite(models[0].predict(X)).all()
        with pytest.raises(ValueError, match=r"outputs .* not finite"):
            models[1].predict(X)


def test_lbfgs_fits_set_every_fitted_attribute():
    X, y = make_classification(n_samples=100, random_state=0)
    reference = sk.MLPClassifier(solver="lbfgs", max_iter=5).fit(X, y)
    model = MLPClassifier(solver="lbfgs", max_iter=5).fit(X, y)
    assert not hasattr(reference, "validation_scores_") and not hasattr(reference, "best_loss_")
    assert model.validation_scores_ is None and model.best_validation_score_ is None
    assert model.best_loss_ == min(model.loss_curve_)


def test_sknn_adds_parameters_and_keeps_scikit_learns_with_their_defaults():
    for name, extra in (("MLPClassifier", {"class_weight"}), ("MLPRegressor", set())):
        ours, theirs = getattr(sknn, name)().get_params(), getattr(sk, name)().get_params()
        assert {key: ours[key] for key in theirs} == theirs
        assert (
            set(ours) - set(theirs)
            == {"rho", "init", "scoring", "dropout", "dtype", "device"} | extra
        )


def test_every_difference_names_tests_that_exist():
    """docs/differences.md: each lettered difference names the tests that pin
    it, as `file.py::test_name` (or `::test_name`, in the file named before)."""
    import ast
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    text = (root / "docs" / "differences.md").read_text()
    sections = re.split(r"^## \(([a-z])\) ", text, flags=re.M)[1:]
    letters = sections[::2]
    assert letters == [chr(ord("a") + i) for i in range(len(letters))] and len(letters) >= 18
    for letter, body in zip(letters, sections[1::2], strict=True):
        body = body.split("\n## ")[0]
        references = re.findall(r"`(?:([\w/]+\.py))?(::test_\w+)?`", body)
        named, module = [], None
        for file, test in references:
            module = file.removeprefix("tests/") if file else module
            if file and not test:
                named.append((module, None))
            elif test:
                named.append((module, test[2:]))
        assert named, f"({letter}) names no test"
        for module, test in named:
            path = root / "tests" / module
            assert path.exists(), f"({letter}): {module}"
            if test:
                functions = {
                    node.name
                    for node in ast.walk(ast.parse(path.read_text()))
                    if isinstance(node, ast.FunctionDef)
                }
                assert test in functions, f"({letter}): {module}::{test}"

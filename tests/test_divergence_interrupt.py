"""Divergence and Ctrl-C: training stops, keeps finite weights, and says why."""

import os
import signal
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_iris, make_regression
from sklearn.exceptions import ConvergenceWarning

import sknn._engine._network
from sknn import MLPClassifier, MLPRegressor
from sknn._engine._cpu.network import CompiledNetwork


@pytest.fixture(scope="module")
def unscaled():
    X, y = make_regression(n_samples=200, n_features=5, random_state=0)
    return X * 1e3, y * 1e3


def diverging(**params):
    return MLPRegressor(solver="sgd", learning_rate_init=0.5, max_iter=50, random_state=0, **params)


def test_divergence_keeps_the_last_finite_weights_and_warns(unscaled):
    X, y = unscaled
    with pytest.warns(ConvergenceWarning, match=r"diverged in epoch (\d+).*learning_rate_init"):
        model = diverging().fit(X, y)
    assert model.n_iter_ < 50
    assert len(model.loss_curve_) == model.n_iter_
    assert all(np.isfinite(model.loss_curve_))
    assert all(np.isfinite(c).all() for c in model.coefs_ + model.intercepts_)
    assert np.isfinite(model.predict(X)).all()


def test_divergence_under_early_stopping_keeps_the_best_weights(unscaled):
    X, y = unscaled
    with pytest.warns(ConvergenceWarning, match="diverged"):
        model = diverging(early_stopping=True, n_iter_no_change=100).fit(X, y)
    best = int(np.argmax(model.validation_scores_))
    assert model.best_validation_score_ == model.validation_scores_[best]
    assert np.isfinite(model.predict(X)).all()


def test_divergence_before_any_trained_weights_raises(unscaled):
    X, y = unscaled
    model = MLPRegressor(solver="sgd", learning_rate_init=1e6, max_iter=5, random_state=0)
    with pytest.raises(ValueError, match=r"first epoch.*no finite trained weights"):
        model.fit(X, y * 1e200)  # squared errors overflow in the first batch
    assert not hasattr(model, "coefs_")


def test_divergence_in_warm_start_keeps_the_previous_weights(unscaled):
    X, y = unscaled
    model = MLPRegressor(solver="sgd", learning_rate_init=1e-9, max_iter=2, random_state=0)
    model.fit(X / 1e3, y / 1e3)
    before = model.predict(X / 1e3)
    model.set_params(warm_start=True, learning_rate_init=1e6, max_iter=5)
    with pytest.warns(ConvergenceWarning, match="diverged in epoch 1"):
        model.fit(X / 1e3, y * 1e200)
    np.testing.assert_array_equal(model.predict(X / 1e3), before)


class PressCtrlC:
    """Wraps the network's gradient to deliver SIGINT before chosen batches."""

    def __init__(self, monkeypatch, at_batches, presses=1):
        self.calls = 0
        self.at = set(at_batches)
        original = CompiledNetwork.gradient

        def gradient(network, *args, **kwargs):
            self.calls += 1
            if self.calls in self.at:
                for _ in range(presses):
                    os.kill(os.getpid(), signal.SIGINT)
            return original(network, *args, **kwargs)

        monkeypatch.setattr(CompiledNetwork, "gradient", gradient)


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return X, y


def test_ctrl_c_stops_after_the_current_batch_with_a_usable_model(iris, monkeypatch):
    X, y = iris
    press = PressCtrlC(monkeypatch, at_batches=[25])  # batch_size 20: 8 batches an epoch
    model = MLPClassifier(hidden_layer_sizes=(8,), batch_size=20, max_iter=100, random_state=0)
    with pytest.warns(UserWarning, match="interrupted by Ctrl-C after 3 complete epoch"):
        model.fit(X, y)
    assert press.calls == 25  # the pressed batch was finished, no other began
    assert model.n_iter_ == 3 and len(model.loss_curve_) == 3
    assert model.predict(X).shape == (150,)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_under_early_stopping_restores_the_best_weights(iris, monkeypatch):
    X, y = iris
    PressCtrlC(monkeypatch, at_batches=[60])
    model = MLPClassifier(
        hidden_layer_sizes=(8,), batch_size=20, max_iter=100, random_state=0, early_stopping=True
    )
    with pytest.warns(UserWarning, match="interrupted"):
        model.fit(X, y)
    assert model.n_iter_ == len(model.validation_scores_) > 0
    best_score = model.best_validation_score_
    assert best_score == max(model.validation_scores_)


def test_second_ctrl_c_aborts_and_leaves_the_model_as_it_was(iris, monkeypatch):
    X, y = iris
    model = MLPClassifier(
        hidden_layer_sizes=(8,), batch_size=20, max_iter=5, random_state=0, warm_start=True
    ).fit(X, y)
    before = model.predict_proba(X)
    PressCtrlC(monkeypatch, at_batches=[3], presses=2)  # again before the batch ends
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, y)
    np.testing.assert_array_equal(model.predict_proba(X), before)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_custom_sigint_handler_is_left_alone(iris, monkeypatch):
    X, y = iris
    seen = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: seen.append(signum))
    try:
        PressCtrlC(monkeypatch, at_batches=[2])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = MLPClassifier(
                hidden_layer_sizes=(8,), batch_size=20, max_iter=3, random_state=0
            ).fit(X, y)
        assert seen == [signal.SIGINT] and model.n_iter_ == 3
    finally:
        signal.signal(signal.SIGINT, previous)


def test_portable_engine_is_interrupted_the_same_way(iris, monkeypatch):
    X, y = iris
    calls = []
    original = sknn._engine._network.Network.gradient

    def gradient(network, *args, **kwargs):
        calls.append(1)
        if len(calls) == 10:
            os.kill(os.getpid(), signal.SIGINT)
        return original(network, *args, **kwargs)

    monkeypatch.setattr(sknn._engine._network.Network, "gradient", gradient)
    model = MLPClassifier(hidden_layer_sizes=(8,), batch_size=20, max_iter=50, random_state=0)
    with pytest.warns(UserWarning, match="after 1 complete epoch"):
        model.fit(sp.csr_matrix(X), y)  # sparse input takes the portable engine
    assert len(calls) == 10

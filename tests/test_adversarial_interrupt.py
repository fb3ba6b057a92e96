"""Ctrl-C, pressed as a user presses it: real SIGINTs, from another process or
this one, during long compiled batches, partial_fit loops and searches.

The promise (docs/ctrl_c.md): the first
press stops a stochastic fit after the current batch and keeps a usable model;
a second press aborts at once, however soon it comes, and leaves the model as
it was; a fit started within ``FOLLOW_SECONDS`` of a stopped one raises
``KeyboardInterrupt``, so a press stops a surrounding search, cross-validation
or loop, and no search result includes a cut-short fit.
"""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_validate

import sknn._engine._choice
import sknn._fitting._interrupt
from sknn import MLPClassifier, MLPRegressor
from sknn._engine._cpu.network import CompiledNetwork
from sknn._engine._network import Network

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="sends POSIX signals (SIGINT with os.kill, SA_RESTART)"
)

ENGINES = ["compiled", "portable"]
ESTIMATORS = [MLPClassifier, MLPRegressor]


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return X, y


@pytest.fixture(params=ENGINES)
def engine(request, monkeypatch):
    """The network class that trains dense NumPy data (the portable one when asked)."""
    if request.param == "portable":
        monkeypatch.setattr(sknn._engine._choice, "CompiledNetwork", Network)
        return Network
    return CompiledNetwork


def model(estimator, **params):
    settings = dict(hidden_layer_sizes=(8,), batch_size=20, max_iter=50, random_state=0)
    return estimator(**{**settings, **params})


def targets(estimator, y):
    return y if estimator is MLPClassifier else y / 2.0


def outputs(fitted, X):
    if isinstance(fitted, MLPClassifier):
        return fitted.predict_proba(X)
    return fitted.predict(X)


def fitted_attributes(fitted):
    """What a fit may change, copied."""
    return {
        "coefs_": [c.copy() for c in fitted.coefs_],
        "n_iter_": fitted.n_iter_,
        "t_": fitted.t_,
        "loss_curve_": list(fitted.loss_curve_),
    }


def assert_unchanged(fitted, before):
    after = fitted_attributes(fitted)
    for a, b in zip(after["coefs_"], before["coefs_"], strict=True):
        np.testing.assert_array_equal(a, b)
    assert (after["n_iter_"], after["t_"], after["loss_curve_"]) == (
        before["n_iter_"],
        before["t_"],
        before["loss_curve_"],
    )


def assert_default_handling_restored():
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    previous = signal.set_wakeup_fd(-1)
    assert previous == -1


def send_sigints(pid, presses, gap, then_write=True):
    """A process that sends ``presses`` SIGINTs to ``pid``, ``gap`` s apart (as a
    terminal does), then writes one byte to its stdout."""
    code = textwrap.dedent(
        f"""
        import os, signal, sys, time
        time.sleep(0.05)
        for press in range({presses}):
            if press:
                time.sleep({gap})
            os.kill({pid}, signal.SIGINT)
        time.sleep(0.2)
        sys.stdout.write("x")
        """
    )
    return subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, preexec_fn=_ctrl_c_as_in_a_terminal
    )


def _ctrl_c_as_in_a_terminal():
    """In the child before it starts Python: SIGINT not ignored (a test run started
    in the background ignores it, and its children would inherit that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def block_in_c_while_pressed(presses, gap=0.3):
    """Keep the main thread in one system call while another process presses
    Ctrl-C ``presses`` times: like a long compiled batch, no Python signal
    handler runs until it returns (SA_RESTART restarts the call after each
    C-level signal handler), so Python sees the presses merged into one."""
    signal.siginterrupt(signal.SIGINT, False)
    sender = send_sigints(os.getpid(), presses, gap)
    try:
        with sender.stdout:
            os.read(sender.stdout.fileno(), 1)  # returns after the presses
    finally:
        signal.siginterrupt(signal.SIGINT, True)
        sender.wait(timeout=10)


class PressDuringBatch:
    """Patches ``owner.<method>`` (a network's ``gradient``, by default): at
    call ``at``, ``action()`` runs inside the batch (after the batch's own
    computation, before the training loop sees it)."""

    def __init__(self, monkeypatch, owner, at, action, method="gradient"):
        self.calls = 0
        original = getattr(owner, method)

        def patched(instance, *args, **kwargs):
            self.calls += 1
            result = original(instance, *args, **kwargs)
            if self.calls == at:
                action()
            return result

        monkeypatch.setattr(owner, method, patched)


def press_in_process(times=1):
    def action():
        for _ in range(times):
            os.kill(os.getpid(), signal.SIGINT)

    return action


# ------------------------------------------------------------ one fit, fast presses
@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_two_presses_within_one_long_batch_abort_and_keep_the_fitted_model(
    iris, engine, estimator, monkeypatch
):
    X, y = iris
    fitted = model(estimator, max_iter=3, warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted.fit(X, targets(estimator, y))
    before, predictions = fitted_attributes(fitted), outputs(fitted, X)
    press = PressDuringBatch(monkeypatch, engine, at=3, action=lambda: block_in_c_while_pressed(2))
    with pytest.raises(KeyboardInterrupt):
        fitted.fit(X, targets(estimator, y))
    assert press.calls == 3  # aborted in the batch pressed, not at the end of the fit
    assert_unchanged(fitted, before)
    np.testing.assert_array_equal(outputs(fitted, X), predictions)
    assert_default_handling_restored()


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_one_press_within_a_long_batch_stops_after_that_batch(iris, engine, estimator, monkeypatch):
    X, y = iris
    press = PressDuringBatch(monkeypatch, engine, at=19, action=lambda: block_in_c_while_pressed(1))
    fitted = model(estimator)  # 8 batches an epoch: batch 19 is in epoch 3
    with pytest.warns(UserWarning, match="interrupted by Ctrl-C after 2 complete epoch"):
        fitted.fit(X, targets(estimator, y))
    assert press.calls == 19  # the pressed batch was finished, no other began
    assert fitted.n_iter_ == 2 == len(fitted.loss_curve_)
    assert np.isfinite(outputs(fitted, X)).all()
    assert_default_handling_restored()


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_three_presses_in_one_batch_abort_too(iris, engine, estimator, monkeypatch):
    X, y = iris
    PressDuringBatch(monkeypatch, engine, at=5, action=lambda: block_in_c_while_pressed(3, 0.1))
    fitted = model(estimator)
    with pytest.raises(KeyboardInterrupt):
        fitted.fit(X, targets(estimator, y))
    assert not hasattr(fitted, "coefs_")  # a first fit leaves nothing behind


def test_second_press_in_a_later_python_step_aborts(iris, monkeypatch):
    """The first press is seen at once; the second comes while the batch is
    still running (a separate handler call): abort."""
    X, y = iris

    def two_steps():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.01)  # Python runs the handler here
        os.kill(os.getpid(), signal.SIGINT)

    press = PressDuringBatch(monkeypatch, CompiledNetwork, at=4, action=two_steps)
    fitted = model(MLPClassifier)
    with pytest.raises(KeyboardInterrupt):
        fitted.fit(X, y)
    assert press.calls == 4 and not hasattr(fitted, "coefs_")


def test_a_press_during_lbfgs_aborts_at_once_as_in_scikit_learn(iris, monkeypatch):
    X, y = iris
    fitted = MLPClassifier(solver="lbfgs", hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted.fit(X, y)
    before = fitted_attributes(fitted)
    press = PressDuringBatch(
        monkeypatch, CompiledNetwork, at=3, action=press_in_process(), method="loss_and_gradient"
    )
    with pytest.raises(KeyboardInterrupt):
        fitted.set_params(max_iter=50).fit(X, y)
    assert press.calls == 3
    assert_unchanged(fitted, before)


# ------------------------------------------------------- fits that follow each other
@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_a_press_stops_a_grid_search_before_its_next_fit(iris, engine, estimator, monkeypatch):
    X, y = iris
    press = PressDuringBatch(monkeypatch, engine, at=10, action=press_in_process())
    search = GridSearchCV(model(estimator), {"alpha": [1e-4, 1e-2]}, cv=3, n_jobs=1)
    with (
        pytest.warns(UserWarning, match="interrupted by Ctrl-C"),
        pytest.raises(KeyboardInterrupt, match="not started"),
    ):
        search.fit(X, targets(estimator, y))
    assert press.calls == 10  # no other fit trained a batch
    assert not hasattr(search, "cv_results_") and not hasattr(search, "best_params_")


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_a_press_stops_cross_validation(iris, engine, estimator, monkeypatch):
    X, y = iris
    press = PressDuringBatch(monkeypatch, engine, at=30, action=press_in_process())
    with pytest.warns(UserWarning, match="interrupted"), pytest.raises(KeyboardInterrupt):
        cross_validate(model(estimator), X, targets(estimator, y), cv=5)
    assert press.calls == 30


def test_scikit_learn_swallows_the_press_and_its_search_goes_on(iris, monkeypatch):
    """The difference (docs/differences.md): scikit-learn's MLP catches the
    KeyboardInterrupt in its epoch loop, warns and returns, so its search goes
    on and its results include the cut-short fit."""
    from sklearn.neural_network import MLPClassifier as SkMLPClassifier

    X, y = iris
    press = PressDuringBatch(
        monkeypatch, SkMLPClassifier, at=10, action=press_in_process(), method="_backprop"
    )
    search = GridSearchCV(model(SkMLPClassifier, max_iter=5), {"alpha": [1e-4, 1e-2]}, cv=3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.fit(X, y)
    assert [str(w.message) for w in caught].count("Training interrupted by user.") == 1
    assert len(search.cv_results_["params"]) == 2
    assert press.calls > 6 * 25  # 7 fits of 25 batches, the first cut at 10: all went on


def test_a_loop_of_partial_fit_stops_and_keeps_the_last_state(iris, monkeypatch):
    X, y = iris
    PressDuringBatch(monkeypatch, CompiledNetwork, at=20, action=press_in_process())
    fitted = model(MLPClassifier)
    completed = []

    def train_on_a_stream():
        for _ in range(100):
            fitted.partial_fit(X, y, classes=[0, 1, 2])
            completed.append(fitted_attributes(fitted))

    with pytest.warns(UserWarning, match="interrupted"), pytest.raises(KeyboardInterrupt):
        train_on_a_stream()
    assert len(completed) == 3  # calls 1 and 2 (8 batches each), call 3 stopped at batch 20
    assert_unchanged(fitted, completed[-1])
    assert fitted.t_ == 2 * 150  # the stopped call's epoch did not finish


def test_a_refused_fit_leaves_a_fitted_model_as_it_was(iris, monkeypatch):
    X, y = iris
    other = model(MLPClassifier, max_iter=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        other.fit(X, y)
    before = fitted_attributes(other)
    PressDuringBatch(monkeypatch, CompiledNetwork, at=11, action=press_in_process())
    with pytest.warns(UserWarning, match="interrupted"):
        model(MLPClassifier).fit(X, y)
    with pytest.raises(KeyboardInterrupt, match="Ctrl-C stopped a fit"):
        other.set_params(warm_start=True, max_iter=10).fit(X, y)
    assert_unchanged(other, before)


def test_an_lbfgs_fit_after_a_stopped_fit_is_refused_too(iris, monkeypatch):
    X, y = iris
    PressDuringBatch(monkeypatch, CompiledNetwork, at=11, action=press_in_process())
    with pytest.warns(UserWarning, match="interrupted"):
        model(MLPClassifier).fit(X, y)
    lbfgs = MLPClassifier(solver="lbfgs", max_iter=5)
    with pytest.raises(KeyboardInterrupt):
        lbfgs.fit(X, y)
    assert not hasattr(lbfgs, "coefs_")


def test_a_fit_started_later_trains_normally(iris, monkeypatch):
    X, y = iris
    now = [1000.0]
    monkeypatch.setattr(sknn._fitting._interrupt, "_clock", lambda: now[0])
    PressDuringBatch(monkeypatch, CompiledNetwork, at=11, action=press_in_process())
    with pytest.warns(UserWarning, match="interrupted"):
        model(MLPClassifier).fit(X, y)
    now[0] += sknn._fitting._interrupt.FOLLOW_SECONDS + 0.01
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        later = model(MLPClassifier, max_iter=3).fit(X, y)
    assert later.n_iter_ == 3


def test_only_one_fit_is_refused(iris, monkeypatch):
    """The refusal passes the press on once; the caller may then fit again."""
    X, y = iris
    PressDuringBatch(monkeypatch, CompiledNetwork, at=11, action=press_in_process())
    with pytest.warns(UserWarning, match="interrupted"):
        model(MLPClassifier).fit(X, y)
    with pytest.raises(KeyboardInterrupt):
        model(MLPClassifier).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        assert model(MLPClassifier, max_iter=2).fit(X, y).n_iter_ == 2


def test_a_fit_in_another_thread_is_not_refused(iris, monkeypatch):
    X, y = iris
    PressDuringBatch(monkeypatch, CompiledNetwork, at=11, action=press_in_process())
    with pytest.warns(UserWarning, match="interrupted"):
        model(MLPClassifier).fit(X, y)
    results = []

    def fit_in_thread():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            results.append(model(MLPClassifier, max_iter=2).fit(X, y).n_iter_)

    worker = threading.Thread(target=fit_in_thread)
    worker.start()
    worker.join()
    assert results == [2]


def test_a_wakeup_fd_installed_before_is_restored_and_gets_the_press(iris, monkeypatch):
    import socket

    X, y = iris
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    previous = signal.set_wakeup_fd(writer.fileno())
    try:
        PressDuringBatch(monkeypatch, CompiledNetwork, at=11, action=press_in_process())
        with pytest.warns(UserWarning, match="interrupted"):
            model(MLPClassifier).fit(X, y)
        assert signal.set_wakeup_fd(writer.fileno()) == writer.fileno()
        assert reader.recv(16) == bytes([signal.SIGINT])
    finally:
        signal.set_wakeup_fd(previous)
        reader.close()
        writer.close()


# ------------------------------------------ a real program, pressed from a terminal
SEARCH_SCRIPT = """
import sys, warnings
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, cross_validate
from sknn import MLPClassifier

X, y = load_digits(return_X_y=True)
never_stops = MLPClassifier(hidden_layer_sizes=(32,), max_iter=10**6, tol=0,
                            n_iter_no_change=10**6, verbose=2, random_state=0)
if sys.argv[1] == "search":
    search = GridSearchCV(never_stops, {"alpha": [1e-4, 1e-2]}, cv=3, n_jobs=1)
    search.fit(X / 16, y)
else:
    cross_validate(never_stops, X / 16, y, cv=5)
print("FINISHED", flush=True)
"""


def press_a_running_program(tmp_path, kind, presses, gap=0.2, timeout=60):
    """Run SEARCH_SCRIPT, press Ctrl-C ``presses`` times once its first fit has
    trained 3 epochs; ``(returncode, stdout, stderr)``. Fails if the program
    does not end within ``timeout`` seconds (its fits never converge)."""
    script = tmp_path / "search.py"
    script.write_text(SEARCH_SCRIPT)
    stderr_path = tmp_path / "stderr.txt"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(stderr_path, "w") as stderr:
        child = subprocess.Popen(
            [sys.executable, str(script), kind],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=env,
            preexec_fn=_ctrl_c_as_in_a_terminal,
        )
        lines, deadline, pressed = [], time.monotonic() + timeout, False
        try:
            for line in child.stdout:
                lines.append(line)
                if time.monotonic() > deadline:
                    pytest.fail(f"the program still runs {timeout} s later: {lines[-3:]}")
                if not pressed and line.startswith("Iteration 3/"):
                    pressed = True
                    for _ in range(presses):
                        if child.poll() is not None:
                            break
                        child.send_signal(signal.SIGINT)
                        time.sleep(gap)
            child.wait(timeout=10)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    return child.returncode, "".join(lines), stderr_path.read_text()


@pytest.mark.parametrize("kind", ["search", "cross_validate"])
@pytest.mark.parametrize("presses", [1, 2, 5])
def test_presses_stop_a_search_in_a_real_program(tmp_path, kind, presses):
    returncode, stdout, stderr = press_a_running_program(tmp_path, kind, presses)
    assert returncode != 0 and "KeyboardInterrupt" in stderr
    assert "FINISHED" not in stdout
    assert stdout.count("Iteration 1/") == 1  # no second fit trained an epoch

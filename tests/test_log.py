"""TrainingLog: what each verbose level writes, and how often the bar redraws."""

import io

import pytest

from sknn._fitting import _log
from sknn._fitting._log import TrainingLog


class TtyStream(io.StringIO):
    """A StringIO that says it is a terminal."""

    def isatty(self):
        return True


def run_epochs(log, n_epochs=5, **values):
    for epoch in range(1, n_epochs + 1):
        for batch in range(log.n_batches or 0):
            log.batch_done(batch)
        log.epoch_done(epoch, 1.0 / epoch, seconds=0.5, **values)


def test_silent_log_prints_nothing(capsys):
    log = TrainingLog(verbose=0, max_iter=5, n_batches=3, stream=TtyStream())
    run_epochs(log, validation_loss=0.5, learning_rate=0.1)
    log.message("Stopping.")
    assert log._out().getvalue() == ""
    assert capsys.readouterr().out == ""


def test_verbose_false_prints_nothing(capsys):
    run_epochs(TrainingLog(verbose=False, max_iter=5, n_batches=3))
    assert capsys.readouterr().out == ""


def test_verbose_2_prints_one_line_per_epoch(capsys):
    run_epochs(TrainingLog(verbose=2, max_iter=5, n_batches=3))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    assert all(line.startswith("Iteration") for line in lines)
    assert lines[0] == "Iteration 1/5 - 3 batches - 0.50s - loss: 1.000000"
    assert lines[2] == "Iteration 3/5 - 3 batches - 0.50s - loss: 0.333333"


def test_verbose_2_never_writes_a_carriage_return():
    stream = TtyStream()
    run_epochs(TrainingLog(verbose=2, max_iter=5, n_batches=50, stream=stream))
    assert "\r" not in stream.getvalue()


def test_seconds_have_two_decimals_and_loss_six(capsys):
    TrainingLog(verbose=2, max_iter=5, n_batches=3).epoch_done(1, 0.123456789, seconds=12.345)
    assert "12.35s - loss: 0.123457" in capsys.readouterr().out


def test_a_single_batch_is_singular(capsys):
    TrainingLog(verbose=2, max_iter=5, n_batches=1).epoch_done(1, 0.5, seconds=0.1)
    assert " - 1 batch - " in capsys.readouterr().out


def test_validation_values_appear_only_when_given(capsys):
    log = TrainingLog(verbose=2, max_iter=5, n_batches=3)
    log.epoch_done(1, 0.5, seconds=0.1)
    log.epoch_done(2, 0.5, seconds=0.1, validation_loss=0.25)
    log.epoch_done(3, 0.5, seconds=0.1, validation_score=0.875)
    log.epoch_done(4, 0.5, seconds=0.1, validation_loss=0.25, validation_score=0.875)
    lines = capsys.readouterr().out.splitlines()
    assert "val_" not in lines[0]
    assert lines[1].endswith("loss: 0.500000 - val_loss: 0.250000")
    assert lines[2].endswith("loss: 0.500000 - val_score: 0.875000")
    assert lines[3].endswith("val_loss: 0.250000 - val_score: 0.875000")


def test_learning_rate_printed_only_when_it_changes(capsys):
    log = TrainingLog(verbose=2, max_iter=5, n_batches=3)
    for epoch, rate in enumerate([1e-3, 1e-3, 2e-4, 2e-4, 4e-5], start=1):
        log.epoch_done(epoch, 0.5, seconds=0.1, learning_rate=rate)
    lines = capsys.readouterr().out.splitlines()
    assert ["lr:" in line for line in lines] == [False, False, True, False, True]
    assert lines[2].endswith(" - lr: 0.0002")
    assert lines[4].endswith(" - lr: 4e-05")


def test_verbose_1_on_a_non_terminal_draws_no_bar():
    stream = io.StringIO()
    run_epochs(TrainingLog(verbose=1, max_iter=5, n_batches=20, stream=stream))
    assert "\r" not in stream.getvalue()
    assert len(stream.getvalue().splitlines()) == 5


def test_verbose_1_on_a_terminal_draws_the_bar_then_the_line():
    stream = TtyStream()
    run_epochs(TrainingLog(verbose=1, max_iter=5, n_batches=4, stream=stream), n_epochs=1)
    output = stream.getvalue()
    assert "\rIteration 1/5 [" in output
    assert "] 4/4" in output
    assert output.endswith("\rIteration 1/5 - 4 batches - 0.50s - loss: 1.000000\n")


def test_the_bar_shows_the_epoch_in_progress():
    stream = TtyStream()
    log = TrainingLog(verbose=1, max_iter=200, n_batches=469, stream=stream)
    log.epoch_done(2, 0.5, seconds=0.1)
    log.batch_done(119)
    assert stream.getvalue().endswith("\rIteration 3/200 [=======>                      ] 120/469")


def test_the_line_blanks_the_whole_bar():
    stream = TtyStream()
    log = TrainingLog(verbose=1, max_iter=200, n_batches=469, stream=stream)
    log.batch_done(0)
    bar = stream.getvalue()
    log.message("Stop.")
    assert stream.getvalue() == bar + "\r" + " " * (len(bar) - 1) + "\rStop.\n"


def test_lbfgs_line_has_no_batches_and_no_bar():
    stream = TtyStream()
    log = TrainingLog(verbose=1, max_iter=5, n_batches=None, stream=stream)
    log.batch_done(0)
    log.epoch_done(1, 0.25, seconds=0.1)
    assert stream.getvalue() == "Iteration 1/5 - 0.10s - loss: 0.250000\n"


def test_a_tight_loop_of_batches_is_throttled():
    stream = TtyStream()
    log = TrainingLog(verbose=1, max_iter=5, n_batches=10_000, stream=stream)
    for batch in range(10_000):
        log.batch_done(batch)
    assert stream.getvalue().count("\r") < 100  # one carriage return per draw
    assert stream.getvalue().endswith("] 10000/10000")


# Steps are powers of two, so the clock is exact: a draw every 7 steps of
# 1/64 s (0.109 s) and every 4 of 1/32 s (0.125 s), and the last batch always.
@pytest.mark.parametrize("step, expected_draws", [(1 / 64, 16), (1 / 32, 26), (0.25, 100)])
def test_bar_redraws_at_most_ten_times_a_second(monkeypatch, step, expected_draws):
    clock = iter(step * i for i in range(100))
    monkeypatch.setattr(_log, "_clock", lambda: next(clock))
    stream = TtyStream()
    log = TrainingLog(verbose=1, max_iter=5, n_batches=100, stream=stream)
    for batch in range(100):
        log.batch_done(batch)
    assert stream.getvalue().count("\r") == expected_draws
    assert stream.getvalue().endswith("] 100/100")


def test_message_prints_when_verbose(capsys):
    TrainingLog(verbose=True, max_iter=5, n_batches=3).message("Stopping.")
    assert capsys.readouterr().out == "Stopping.\n"


def test_message_is_silent_when_not_verbose(capsys):
    TrainingLog(verbose=0, max_iter=5, n_batches=3).message("Stopping.")
    assert capsys.readouterr().out == ""


def test_stdout_is_looked_up_at_each_write(capsys, monkeypatch):
    log = TrainingLog(verbose=2, max_iter=5, n_batches=3)
    replacement = io.StringIO()
    monkeypatch.setattr("sys.stdout", replacement)
    log.message("here")
    assert replacement.getvalue() == "here\n"


@pytest.mark.parametrize(
    "value, shown",
    [
        (0.123456789, "0.123457"),
        (12345.678, "12345.678000"),
        (0.0, "0.000000"),
        (3.2e-7, "3.200000e-07"),
        (-1.3724954829727816e210, "-1.372495e+210"),
        (float("nan"), "nan"),
        (float("inf"), "inf"),
    ],
)
def test_values_of_any_size_print_in_a_few_characters(value, shown, capsys):
    TrainingLog(verbose=2, max_iter=5, n_batches=3).epoch_done(
        1, value, seconds=0.1, validation_loss=value, validation_score=value
    )
    line = capsys.readouterr().out.strip()
    assert line.endswith(f"loss: {shown} - val_loss: {shown} - val_score: {shown}")
    assert len(line) < 120


def test_a_diverging_fit_logs_short_lines(capsys):
    """A loss of 1e210 used to print as a number of 200 digits."""
    import warnings

    from sklearn.datasets import make_regression
    from sklearn.exceptions import ConvergenceWarning

    from sknn import MLPRegressor

    X, y = make_regression(n_samples=200, n_features=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        MLPRegressor(
            solver="sgd", learning_rate_init=0.5, max_iter=50, random_state=0, verbose=2
        ).fit(X * 1e3, y * 1e3)
    lines = capsys.readouterr().out.splitlines()
    assert any("e+" in line for line in lines)
    assert max(len(line) for line in lines) < 120


def test_without_show_score_the_lines_leave_val_score_out(capsys):
    log = TrainingLog(verbose=2, max_iter=5, n_batches=3, show_score=False)
    log.epoch_done(1, 0.5, seconds=0.1, validation_loss=0.25, validation_score=-0.25)
    assert capsys.readouterr().out.strip().endswith("loss: 0.500000 - val_loss: 0.250000")


def test_scoring_loss_shows_the_validation_loss_once(capsys):
    from sklearn.datasets import load_digits

    from sknn import MLPClassifier

    X, y = load_digits(return_X_y=True)
    MLPClassifier(
        (8,), early_stopping=True, scoring="loss", max_iter=3, random_state=0, verbose=2
    ).fit(X[:300] / 16, y[:300])
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Iteration")]
    assert len(lines) == 3
    assert all("val_loss: " in line and "val_score" not in line for line in lines)


@pytest.mark.parametrize("solver", ["sgd", "adam", "rmsprop", "adamw"])
def test_the_new_learning_rate_is_printed_as_the_next_line_shows_it(solver, capsys):
    """ "Setting learning rate to X" and the next epoch's "lr: X" are the same X."""
    from sklearn.datasets import load_digits

    from sknn import MLPClassifier

    X, y = load_digits(return_X_y=True)
    MLPClassifier(
        (8,),
        solver=solver,
        learning_rate="adaptive",
        learning_rate_init=1e-4,
        tol=10.0,
        n_iter_no_change=1,
        max_iter=8,
        verbose=2,
        random_state=0,
    ).fit(X[:300] / 16, y[:300])
    lines = capsys.readouterr().out.splitlines()
    announced = [line.rsplit(" ", 1)[1] for line in lines if "Setting learning rate to" in line]
    shown = [line.rsplit("lr: ", 1)[1] for line in lines if " - lr: " in line]
    assert len(announced) >= 2 and announced[: len(shown)] == shown
    assert "8e-07" in announced  # 1e-4 / 5**3: "0.000001" once

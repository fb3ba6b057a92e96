"""TrainingCurveDisplay: what it draws from a fitted estimator, and its errors."""

import copy
import itertools
import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import NotFittedError

from sknn import MLPClassifier, MLPRegressor, TrainingCurveDisplay

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:400] / 16, y[:400]


@pytest.fixture(scope="module")
def early_stopped(digits):
    clf = MLPClassifier(hidden_layer_sizes=(16,), early_stopping=True, max_iter=20, random_state=0)
    return clf.fit(*digits)


@pytest.fixture(scope="module")
def without_early_stopping(digits):
    return MLPClassifier(hidden_layer_sizes=(16,), max_iter=20, random_state=0).fit(*digits)


def epochs(n):
    return np.arange(1, n + 1)


def test_loss_line_is_the_loss_curve_against_epochs_from_1(early_stopped):
    display = TrainingCurveDisplay.from_estimator(early_stopped)
    np.testing.assert_array_equal(display.line_loss_.get_xdata(), epochs(early_stopped.n_iter_))
    np.testing.assert_allclose(display.line_loss_.get_ydata(), early_stopped.loss_curve_)


def test_score_line_is_the_validation_scores_on_a_twin_axis(early_stopped):
    display = TrainingCurveDisplay.from_estimator(early_stopped)
    line = display.line_validation_score_
    np.testing.assert_array_equal(line.get_xdata(), epochs(early_stopped.n_iter_))
    np.testing.assert_allclose(line.get_ydata(), early_stopped.validation_scores_)
    assert line.axes is display.ax_score_
    assert display.ax_score_ is not display.ax_
    assert display.ax_score_.get_ylabel() == "Validation accuracy"


def test_best_epoch_is_that_of_the_best_validation_score(early_stopped):
    display = TrainingCurveDisplay.from_estimator(early_stopped)
    scores = early_stopped.validation_scores_
    assert display.best_epoch_ == np.argmax(scores) + 1
    assert scores[display.best_epoch_ - 1] == early_stopped.best_validation_score_
    assert display.line_best_epoch_.get_xdata()[0] == display.best_epoch_


def test_without_early_stopping_no_score_line_and_best_epoch_is_lowest_loss(
    without_early_stopping,
):
    display = TrainingCurveDisplay.from_estimator(without_early_stopping)
    assert display.line_validation_score_ is None
    assert display.ax_score_ is None
    assert display.best_epoch_ == np.argmin(without_early_stopping.loss_curve_) + 1


def test_no_validation_loss_line_when_the_attribute_is_absent_or_none(early_stopped):
    estimator = copy.copy(early_stopped)
    estimator.__dict__.pop("validation_loss_curve_", None)
    assert TrainingCurveDisplay.from_estimator(estimator).line_validation_loss_ is None
    estimator.validation_loss_curve_ = None
    assert TrainingCurveDisplay.from_estimator(estimator).line_validation_loss_ is None


def test_validation_loss_curve_attribute_draws_a_line_on_the_loss_axis(early_stopped):
    estimator = copy.copy(early_stopped)
    estimator.validation_loss_curve_ = [loss + 0.1 for loss in early_stopped.loss_curve_]
    display = TrainingCurveDisplay.from_estimator(estimator)
    line = display.line_validation_loss_
    assert line.axes is display.ax_
    np.testing.assert_array_equal(line.get_xdata(), epochs(early_stopped.n_iter_))
    np.testing.assert_allclose(line.get_ydata(), estimator.validation_loss_curve_)


def test_recorded_validation_loss_curve_is_plotted(early_stopped):
    recorded = getattr(early_stopped, "validation_loss_curve_", None)
    if recorded is None:
        pytest.skip("this sknn does not record validation_loss_curve_")
    display = TrainingCurveDisplay.from_estimator(early_stopped)
    np.testing.assert_allclose(display.line_validation_loss_.get_ydata(), recorded)


def test_plot_draws_on_the_given_axes(without_early_stopping):
    _, ax = plt.subplots()
    display = TrainingCurveDisplay.from_estimator(without_early_stopping, ax=ax)
    assert display.ax_ is ax
    assert display.figure_ is ax.figure
    assert display.line_loss_ in ax.get_lines()


def test_constructor_and_plot_without_an_estimator():
    display = TrainingCurveDisplay(
        [0.9, 0.5, 0.4, 0.45], validation_loss_curve=[1.0, 0.7, 0.6, 0.65]
    ).plot(title="Curves")
    assert display.best_epoch_ == 3
    assert display.ax_.get_title() == "Curves"
    assert display.ax_.get_xlabel() == "Epoch"
    np.testing.assert_allclose(display.line_validation_loss_.get_ydata(), [1.0, 0.7, 0.6, 0.65])


def test_legend_names_every_line():
    display = TrainingCurveDisplay(
        [0.9, 0.5, 0.4],
        validation_loss_curve=[1.0, 0.7, 0.6],
        validation_scores=[0.6, 0.8, 0.7],
        score_name="accuracy",
    ).plot()
    labels = [text.get_text() for text in display.ax_score_.get_legend().get_texts()]
    assert labels == ["training loss", "validation loss", "validation accuracy", "best epoch (2)"]


def test_no_legend_when_asked(without_early_stopping):
    display = TrainingCurveDisplay.from_estimator(without_early_stopping, legend=False)
    assert display.ax_.get_legend() is None


def test_line_keywords_reach_the_lines(without_early_stopping):
    display = TrainingCurveDisplay.from_estimator(
        without_early_stopping, loss_kw={"color": "black"}, best_epoch_kw={"color": "red"}
    )
    assert display.line_loss_.get_color() == "black"
    assert display.line_best_epoch_.get_color() == "red"


def test_regressor_with_early_stopping_scores_r2(digits):
    X, y = digits
    reg = MLPRegressor(hidden_layer_sizes=(8,), early_stopping=True, max_iter=20, random_state=0)
    reg.fit(X, y.astype(float))
    display = TrainingCurveDisplay.from_estimator(reg)
    np.testing.assert_allclose(display.line_validation_score_.get_ydata(), reg.validation_scores_)
    assert display.ax_score_.get_ylabel() == "Validation R²"
    assert display.best_epoch_ == np.argmax(reg.validation_scores_) + 1


def test_lbfgs_loss_curve_is_plotted_per_iteration(digits):
    reg = MLPRegressor(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=15, random_state=0)
    reg.fit(digits[0], digits[1].astype(float))
    display = TrainingCurveDisplay.from_estimator(reg)
    np.testing.assert_array_equal(display.line_loss_.get_xdata(), epochs(len(reg.loss_curve_)))
    np.testing.assert_allclose(display.line_loss_.get_ydata(), reg.loss_curve_)
    assert display.best_epoch_ == np.argmin(reg.loss_curve_) + 1


def test_unfitted_estimator_raises_not_fitted_error():
    with pytest.raises(NotFittedError):
        TrainingCurveDisplay.from_estimator(MLPClassifier())


def test_estimator_without_a_loss_curve_raises_value_error(without_early_stopping):
    estimator = copy.copy(without_early_stopping)
    estimator.loss_curve_ = []
    with pytest.raises(ValueError, match="no per-epoch loss"):
        TrainingCurveDisplay.from_estimator(estimator)


def test_empty_loss_curve_raises_value_error_in_plot():
    with pytest.raises(ValueError, match="loss_curve is empty"):
        TrainingCurveDisplay([]).plot()


def test_missing_matplotlib_raises_import_error_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails
    with pytest.raises(ImportError, match=r'pip install "sknn\[plot\]"'):
        TrainingCurveDisplay([0.5, 0.4]).plot()


def test_importing_sknn_does_not_import_matplotlib():
    code = "import sys, sknn; print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    "scoring, name",
    [
        (None, "accuracy"),
        ("balanced_accuracy", "balanced_accuracy"),
    ],
)
def test_score_axis_is_named_after_the_scoring(digits, scoring, name):
    X, y = digits
    model = MLPClassifier((8,), early_stopping=True, scoring=scoring, max_iter=3).fit(X, y)
    display = TrainingCurveDisplay.from_estimator(model)
    assert display.ax_score_.get_ylabel() == f"Validation {name}"


def test_scoring_loss_draws_the_validation_loss_once_on_one_axis(digits):
    """With scoring='loss' the score is minus the validation loss: one curve, one axis."""
    model = MLPClassifier(
        (8,), early_stopping=True, scoring="loss", max_iter=15, random_state=0
    ).fit(*digits)
    display = TrainingCurveDisplay.from_estimator(model)
    assert display.ax_score_ is None and display.line_validation_score_ is None
    np.testing.assert_allclose(
        display.line_validation_loss_.get_ydata(), model.validation_loss_curve_
    )
    assert display.best_epoch_ == np.argmin(model.validation_loss_curve_) + 1
    assert display.best_epoch_ == np.argmax(model.validation_scores_) + 1
    labels = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert labels == ["training loss", "validation loss", f"best epoch ({display.best_epoch_})"]


def points_under_the_legend(display):
    """Points of the drawn curves (sampled along each segment, in pixels) that
    the legend's box covers."""
    display.figure_.canvas.draw()
    box = (display.ax_score_ or display.ax_).get_legend().get_window_extent()
    lines = [
        display.line_loss_,
        display.line_validation_loss_,
        display.line_validation_score_,
        display.line_best_epoch_,
    ]
    covered = 0
    for line in [line for line in lines if line is not None]:
        xy = line.get_transform().transform(np.c_[line.get_xdata(), line.get_ydata()])
        points = np.concatenate([np.linspace(a, b, 50) for a, b in itertools.pairwise(xy)])
        covered += int(box.count_contains(points))
    return covered


@pytest.mark.parametrize("random_state", [0, 1, 2, 3])
@pytest.mark.parametrize("max_iter", [5, 20, 60])
@pytest.mark.parametrize("scoring", [None, "loss"])
def test_the_legend_covers_no_curve(digits, random_state, max_iter, scoring):
    """On twin axes, "best" alone would only avoid the score curve (the twin
    axes' own line) and often sat on the losses."""
    model = MLPClassifier(
        (16,), early_stopping=True, scoring=scoring, max_iter=max_iter, random_state=random_state
    ).fit(*digits)
    display = TrainingCurveDisplay.from_estimator(model, title="Digits")
    assert points_under_the_legend(display) == 0


def test_epoch_ticks_are_whole_numbers(without_early_stopping):
    display = TrainingCurveDisplay.from_estimator(without_early_stopping)
    display.figure_.canvas.draw()
    ticks = display.ax_.get_xticks()
    np.testing.assert_array_equal(ticks, np.round(ticks))

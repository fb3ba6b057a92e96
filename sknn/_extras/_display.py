"""Training curves of a fitted estimator: loss and validation score per epoch.

matplotlib is optional (``pip install "sknn[plot]"``): it is imported only by
the functions that draw.
"""

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils._optional_dependencies import check_matplotlib_support
from sklearn.utils.validation import check_is_fitted

from sknn._fitting._validation import scores_are_minus_the_loss

_LEGEND_ROOM = 0.35  # of the curves' height, added above them on twin axes for the legend
_INSTALL_HINT = 'Or install sknn with its plotting extra: `pip install "sknn[plot]"`.'


class TrainingCurveDisplay:
    """Training loss, validation loss and validation score per epoch.

    Build one with :meth:`from_estimator`, or from the curves themselves and
    then call :meth:`plot`. The losses share the left y axis; the validation
    score has its own axis on the right, except for an estimator fitted with
    ``scoring='loss'``, whose validation score is minus the validation loss
    already drawn: then there is one axis. A dashed vertical line marks the
    best epoch: the one with the highest validation score when there are
    validation scores (the epoch whose weights early stopping returns), else
    the one with the lowest validation loss, else the one with the lowest
    training loss. The legend goes where it covers the fewest curves, on
    either axis. Epochs are numbered from 1.

    Parameters
    ----------
    loss_curve : sequence of float
        The training loss after each epoch (``estimator.loss_curve_``).
    validation_loss_curve : sequence of float, default=None
        The loss on the validation rows after each epoch, if recorded.
    validation_scores : sequence of float, default=None
        The score on the validation rows after each epoch
        (``estimator.validation_scores_``, set with early stopping).
    score_name : str, default="score"
        What the validation score is (``"accuracy"``, ``"R²"``); used in the
        axis label and the legend.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes of the losses.
    ax_score_ : matplotlib Axes or None
        The twin axes of the validation score, None without scores.
    figure_ : matplotlib Figure
        The figure holding the axes.
    line_loss_ : matplotlib Line2D
        The training loss.
    line_validation_loss_ : matplotlib Line2D or None
        The validation loss, None without one.
    line_validation_score_ : matplotlib Line2D or None
        The validation score, None without scores.
    line_best_epoch_ : matplotlib Line2D
        The vertical line at the best epoch.
    best_epoch_ : int
        The best epoch, numbered from 1.

    See Also
    --------
    sklearn.model_selection.LearningCurveDisplay : Scores against training-set size.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")  # draw without a screen
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_digits
    >>> from sknn import MLPClassifier, TrainingCurveDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = MLPClassifier(hidden_layer_sizes=(32,), early_stopping=True,
    ...                     n_iter_no_change=3, random_state=0).fit(X / 16, y)
    >>> display = TrainingCurveDisplay.from_estimator(clf, title="Digits")
    >>> len(display.line_loss_.get_xdata()) == clf.n_iter_
    True
    >>> display.best_epoch_ == clf.validation_scores_.index(clf.best_validation_score_) + 1
    True
    >>> plt.close(display.figure_)

    From curves alone:

    >>> display = TrainingCurveDisplay([0.9, 0.5, 0.4, 0.45]).plot()
    >>> display.best_epoch_, display.line_validation_score_
    (3, None)
    >>> plt.close(display.figure_)
    """

    __module__ = "sknn"  # the public path

    def __init__(
        self, loss_curve, *, validation_loss_curve=None, validation_scores=None, score_name="score"
    ):
        self.loss_curve = loss_curve
        self.validation_loss_curve = validation_loss_curve
        self.validation_scores = validation_scores
        self.score_name = score_name

    def plot(
        self,
        ax=None,
        *,
        title=None,
        legend=True,
        loss_kw=None,
        validation_loss_kw=None,
        validation_score_kw=None,
        best_epoch_kw=None,
    ):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            The axes to draw the losses on; a new figure when None.
        title : str, default=None
            The axes' title; none when None.
        legend : bool, default=True
            Whether to draw a legend of all the lines.
        loss_kw, validation_loss_kw, validation_score_kw : dict, default=None
            Keyword arguments passed to ``ax.plot`` for each curve.
        best_epoch_kw : dict, default=None
            Keyword arguments passed to ``ax.axvline`` for the best epoch.

        Returns
        -------
        display : TrainingCurveDisplay
            This object, with ``ax_``, ``figure_``, the lines and ``best_epoch_`` set.
        """
        _require_matplotlib(f"{type(self).__name__}.plot")
        loss = _as_curve(self.loss_curve)
        if loss is None:
            raise ValueError("loss_curve is empty: there is no epoch to plot.")
        validation_loss = _as_curve(self.validation_loss_curve)
        scores = _as_curve(self.validation_scores)
        self.ax_ = _new_axes() if ax is None else ax
        self.figure_ = self.ax_.figure
        self.line_loss_ = _draw(self.ax_, loss, "training loss", "C0", loss_kw)
        self.line_validation_loss_ = _draw(
            self.ax_, validation_loss, "validation loss", "C1", validation_loss_kw
        )
        self.ax_.set(xlabel="Epoch", ylabel="Loss")
        self.ax_.xaxis.set_major_locator(_integer_ticks())
        self._plot_scores(scores, validation_score_kw)
        self.best_epoch_ = best_epoch(loss, scores, validation_loss)
        self.line_best_epoch_ = self._mark_best_epoch(best_epoch_kw)
        if title is not None:
            self.ax_.set_title(title)
        if legend:
            self._legend()
        return self

    def _plot_scores(self, scores, line_kw):
        """The validation score on a twin y axis, or nothing without scores."""
        if scores is None:
            self.ax_score_ = self.line_validation_score_ = None
            return
        self.ax_score_ = self.ax_.twinx()
        label = f"validation {self.score_name}"
        self.line_validation_score_ = _draw(self.ax_score_, scores, label, "C2", line_kw)
        self.ax_score_.set_ylabel(f"Validation {self.score_name}")

    def _mark_best_epoch(self, line_kw):
        defaults = dict(color="0.5", linestyle="--", linewidth=1)
        defaults["label"] = f"best epoch ({self.best_epoch_})"
        return self.ax_.axvline(self.best_epoch_, **{**defaults, **(line_kw or {})})

    def _legend(self):
        lines = [self.line_loss_, self.line_validation_loss_, self.line_validation_score_]
        handles = [line for line in [*lines, self.line_best_epoch_] if line is not None]
        if self.ax_score_ is None:
            self.ax_.legend(handles=handles, loc="best")
            return
        # The twin axes lie on top, so the legend goes there; its "best" place
        # avoids only that axes' lines, so it gets invisible stand-ins for the
        # lines of the loss axes, drawn where they are.
        for line in handles:
            if line.axes is self.ax_:
                self.ax_score_.add_artist(_stand_in(line))
        for ax in (self.ax_, self.ax_score_):  # room above the curves, where it can go
            bottom, top = ax.get_ylim()
            ax.set_ylim(bottom, top + _LEGEND_ROOM * (top - bottom))
        self.ax_score_.legend(handles=handles, loc="best")

    @classmethod
    def from_estimator(
        cls,
        estimator,
        *,
        ax=None,
        title=None,
        legend=True,
        loss_kw=None,
        validation_loss_kw=None,
        validation_score_kw=None,
        best_epoch_kw=None,
    ):
        """Plot the training curves of a fitted sknn estimator.

        Parameters
        ----------
        estimator : MLPClassifier or MLPRegressor
            A fitted estimator; any object with ``loss_curve_`` and, when
            recorded, ``validation_loss_curve_`` and ``validation_scores_``.
        ax : matplotlib Axes, default=None
            The axes to draw the losses on; a new figure when None.
        title : str, default=None
            The axes' title; none when None.
        legend : bool, default=True
            Whether to draw a legend of all the lines.
        loss_kw, validation_loss_kw, validation_score_kw : dict, default=None
            Keyword arguments passed to ``ax.plot`` for each curve.
        best_epoch_kw : dict, default=None
            Keyword arguments passed to ``ax.axvline`` for the best epoch.

        Returns
        -------
        display : TrainingCurveDisplay
            The display, drawn.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the estimator is not fitted.
        ValueError
            If the estimator recorded no per-epoch loss.
        """
        _require_matplotlib(f"{cls.__name__}.from_estimator")
        check_is_fitted(estimator)
        loss_curve = getattr(estimator, "loss_curve_", None)
        if not loss_curve:
            raise ValueError(
                f"{type(estimator).__name__} has no per-epoch loss to plot: its "
                "loss_curve_ is missing or empty."
            )
        scores = getattr(estimator, "validation_scores_", None)
        if hasattr(estimator, "scoring") and scores_are_minus_the_loss(estimator):
            scores = None  # the validation loss line shows them
        display = cls(
            loss_curve,
            validation_loss_curve=getattr(estimator, "validation_loss_curve_", None),
            validation_scores=scores,
            score_name=_score_name(estimator),
        )
        return display.plot(
            ax=ax,
            title=title,
            legend=legend,
            loss_kw=loss_kw,
            validation_loss_kw=validation_loss_kw,
            validation_score_kw=validation_score_kw,
            best_epoch_kw=best_epoch_kw,
        )


def best_epoch(loss_curve, validation_scores=None, validation_loss_curve=None):
    """The best epoch, numbered from 1.

    Parameters
    ----------
    loss_curve : sequence of float
        The training loss per epoch.
    validation_scores : sequence of float, default=None
        The validation score per epoch, if any.
    validation_loss_curve : sequence of float, default=None
        The validation loss per epoch, if any.

    Returns
    -------
    epoch : int
        The first epoch of the highest validation score (the one early
        stopping keeps) when there are scores, else of the lowest validation
        loss when there is one, else of the lowest training loss.

    Examples
    --------
    >>> best_epoch([0.9, 0.5, 0.4, 0.45])
    3
    >>> best_epoch([0.9, 0.5, 0.4, 0.45], validation_scores=[0.6, 0.8, 0.7, 0.8])
    2
    >>> best_epoch([0.9, 0.5, 0.4, 0.45], validation_loss_curve=[1.0, 0.6, 0.7, 0.8])
    2
    """
    if validation_scores is not None and len(validation_scores) > 0:
        return int(np.argmax(validation_scores)) + 1
    if validation_loss_curve is not None and len(validation_loss_curve) > 0:
        return int(np.argmin(validation_loss_curve)) + 1
    return int(np.argmin(loss_curve)) + 1


def _require_matplotlib(caller_name):
    """scikit-learn's check, its message naming sknn's extra as well."""
    try:
        check_matplotlib_support(caller_name)
    except ImportError as error:
        raise ImportError(f"{error}. {_INSTALL_HINT}") from error


def _new_axes():
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    return ax


def _as_curve(values):
    """A curve as a float array on the host; None when absent or empty."""
    if values is None or len(values) == 0:
        return None
    return np.asarray([float(value) for value in values])


def _draw(ax, curve, label, color, line_kw):
    """Plot one curve against epochs 1..len(curve); None when there is none."""
    if curve is None:
        return None
    epochs = np.arange(1, len(curve) + 1)
    (line,) = ax.plot(epochs, curve, **{"label": label, "color": color, **(line_kw or {})})
    return line


def _integer_ticks():
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def _stand_in(line):
    """An invisible copy of ``line`` at the same place on the screen, whatever
    axes it is added to (for the legend's choice of place only)."""
    from matplotlib.lines import Line2D

    return Line2D(line.get_xdata(), line.get_ydata(), transform=line.get_transform(), visible=False)


def _score_name(estimator):
    """What ``validation_scores_`` hold, as ``scoring`` says."""
    scoring = getattr(estimator, "scoring", None)
    if scoring is None:
        return "accuracy" if is_classifier(estimator) else "R²"
    return scoring if isinstance(scoring, str) else "score"

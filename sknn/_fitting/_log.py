"""The training log that ``verbose`` prints: a line per epoch, and a progress bar.

Each line begins with ``Iteration``, as scikit-learn's do (its tests look for
the word). The caller measures the time; this module formats and writes.
"""

import math
import sys
import time

from sknn._engine._optimizers import format_rate

_BAR_WIDTH = 30
_MIN_REDRAW_SECONDS = 0.1  # at most ~10 bar updates a second
_clock = time.monotonic  # module attribute so that tests can replace it


class TrainingLog:
    """Write the training progress of one fit to a stream.

    Parameters
    ----------
    verbose : bool or int
        0 or False: write nothing. 1 or True: one line per epoch, and a live
        progress bar within the epoch when the stream is a terminal
        (``stream.isatty()``) and the solver has batches. 2: the lines only.
    max_iter : int
        The epoch count printed after the slash (``Iteration 3/200``).
    n_batches : int or None
        Batches per epoch; None for L-BFGS, whose lines then omit them.
    stream : file-like, default=None
        Where to write; None means ``sys.stdout``, looked up at each write.
    show_score : bool, default=True
        Whether lines show ``val_score``; False when the score is minus the
        validation loss (``scoring='loss'``), which ``val_loss`` already shows.

    Examples
    --------
    >>> from sknn._fitting._log import TrainingLog
    >>> log = TrainingLog(verbose=2, max_iter=200, n_batches=469)
    >>> log.epoch_done(1, 0.41234567, seconds=1.234, learning_rate=1e-3)
    Iteration 1/200 - 469 batches - 1.23s - loss: 0.412346
    >>> log.epoch_done(2, 0.25, seconds=1.1, validation_score=0.95, learning_rate=2e-4)
    Iteration 2/200 - 469 batches - 1.10s - loss: 0.250000 - val_score: 0.950000 - lr: 0.0002
    >>> log.epoch_done(3, 1.3725e210, seconds=1.1, learning_rate=2e-4)
    Iteration 3/200 - 469 batches - 1.10s - loss: 1.372500e+210
    >>> log.message("Training loss did not improve. Stopping.")
    Training loss did not improve. Stopping.
    """

    def __init__(self, verbose, max_iter, n_batches, stream=None, show_score=True):
        self.verbose = int(verbose)
        self.show_score = show_score
        self.max_iter = max_iter
        self.n_batches = n_batches
        self._stream = stream
        isatty = getattr(self._out(), "isatty", lambda: False)
        self._bar = self.verbose == 1 and n_batches is not None and bool(isatty())
        self._epoch = 1  # the epoch in progress, for the bar
        self._drawn_at = -float("inf")
        self._bar_length = 0  # characters of bar on the current line
        self._learning_rate = None

    def batch_done(self, batch_index):
        """Redraw the progress bar after batch ``batch_index`` (0-based), throttled."""
        if not self._bar:
            return
        done = batch_index + 1
        now = _clock()
        if done < self.n_batches and now - self._drawn_at < _MIN_REDRAW_SECONDS:
            return
        self._drawn_at = now
        text = f"Iteration {self._epoch}/{self.max_iter} {_bar(done, self.n_batches)}"
        print("\r" + text.ljust(self._bar_length), end="", file=self._out(), flush=True)
        self._bar_length = len(text)

    def epoch_done(
        self,
        epoch,
        loss,
        *,
        seconds,
        validation_loss=None,
        validation_score=None,
        learning_rate=None,
    ):
        """Print the line of epoch ``epoch`` (1-based), replacing the bar.

        ``learning_rate`` is shown only when it differs from the previous
        epoch's, so never on the first epoch.
        """
        self._epoch, self._drawn_at = epoch + 1, -float("inf")
        if not self.verbose:
            return  # nothing to format, and no device value to fetch
        values = [("loss", loss), ("val_loss", validation_loss)]
        if self.show_score:
            values.append(("val_score", validation_score))
        line = _epoch_line(epoch, self.max_iter, self.n_batches, seconds, values)
        rate = self._changed_rate(learning_rate)
        self.message(line if rate is None else f"{line} - lr: {format_rate(rate)}")

    def message(self, text):
        """Print ``text`` on a line of its own when verbose, replacing the bar."""
        if not self.verbose:
            return
        if self._bar_length:  # blank it: a shorter line would leave part showing
            text = "\r" + " " * self._bar_length + "\r" + text
            self._bar_length = 0
        print(text, file=self._out(), flush=True)

    def _changed_rate(self, learning_rate):
        """``learning_rate`` if it differs from the last one given, else None."""
        if learning_rate is None:
            return None
        previous, self._learning_rate = self._learning_rate, float(learning_rate)
        return None if previous in (None, self._learning_rate) else self._learning_rate

    def _out(self):
        return sys.stdout if self._stream is None else self._stream


def _epoch_line(epoch, max_iter, n_batches, seconds, values):
    """``Iteration 3/200 - 469 batches - 1.23s - loss: 0.123456``; None values left out."""
    parts = [f"Iteration {epoch}/{max_iter}"]
    if n_batches is not None:
        parts.append(f"{n_batches} batch{'es' if n_batches != 1 else ''}")
    parts.append(f"{float(seconds):.2f}s")
    parts += [f"{name}: {format_value(value)}" for name, value in values if value is not None]
    return " - ".join(parts)


def format_value(value):
    """A loss or score: six decimals, or six in scientific notation where
    decimals would show nothing or too much (a diverging loss).

    >>> format_value(0.1234567), format_value(-2.5), format_value(3e-7), format_value(1e20)
    ('0.123457', '-2.500000', '3.000000e-07', '1.000000e+20')
    """
    value = float(value)
    if value == 0 or not math.isfinite(value) or 1e-3 <= abs(value) < 1e6:
        return f"{value:.6f}"
    return f"{value:.6e}"


def _bar(done, total):
    """``[=====>    ] 120/469``: ``done`` of ``total`` batches."""
    filled = _BAR_WIDTH * done // total
    arrow = ">" if done < total else ""
    body = ("=" * filled + arrow).ljust(_BAR_WIDTH)
    return f"[{body}] {done:>{len(str(total))}}/{total}"

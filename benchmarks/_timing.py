"""Timing: fits and predictions, libraries alternated, best of repeats.

Within every repeat the libraries run one after the other (sknn,
scikit-learn, [skorch], sknn, ...), so that all see the same machine load;
the fastest repeat of each library is kept. Input validation is part of the
timed ``fit`` and ``predict`` calls.
"""

import time
import warnings

import scipy.sparse
from sklearn.exceptions import ConvergenceWarning

from _cases import case_by_id
from _data import Data, digits
from _libraries import LIBRARIES, SKLEARN, SKNN, dtype_label, make_estimator
from _result import Result

# Pause before every timed run: thread pools left spinning by the previous
# library (OpenBLAS's spin up to ~0.1 s, PyTorch's OpenMP threads for a few
# ms) would otherwise slow down whichever library runs next.
SETTLE_SECONDS = 0.25


def fit_once(estimator, data, expected_epochs=None):
    """Fit ``estimator`` on the training data; return the seconds it took.

    Parameters
    ----------
    estimator : estimator
        Unfitted; it is fitted in place.
    data : _data.Data
    expected_epochs : int or None
        When given, ``n_iter_`` must equal it (a fixed-epoch case).

    Raises
    ------
    RuntimeError
        When the fit ran another number of epochs than ``expected_epochs``.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        time.sleep(SETTLE_SECONDS)
        start = time.perf_counter()
        estimator.fit(data.X_train, data.y_train)
        seconds = time.perf_counter() - start
    if expected_epochs is not None and estimator.n_iter_ != expected_epochs:
        raise RuntimeError(
            f"{type(estimator).__module__} ran {estimator.n_iter_} epochs, "
            f"not {expected_epochs}: the time per epoch would be wrong"
        )
    return seconds


def time_fits(case, data, repeats, libraries, quick=False):
    """Fit every library ``repeats`` times, alternated.

    Returns
    -------
    best : dict
        library -> ``(seconds per epoch or iteration, fitted estimator)`` of
        its fastest repeat.
    """
    params = case.estimator_params(quick)
    expected = params["max_iter"] if case.fixed_epochs else None
    best = {}
    for _ in range(repeats):
        for library in libraries:
            estimator = make_estimator(library, case, quick)
            seconds = fit_once(estimator, data, expected) / estimator.n_iter_
            if library not in best or seconds < best[library][0]:
                best[library] = (seconds, estimator)
    return best


def predict_calls(X, rows_per_call, n_calls):
    """The arrays ``predict`` is called on for one predict mode (slices of X)."""
    if rows_per_call is None:
        return [X]
    starts = range(0, X.shape[0], rows_per_call)
    if n_calls is not None:
        starts = starts[:n_calls]
    return [X[start : start + rows_per_call] for start in starts]


def rows_per_second(estimator, calls):
    """Rows predicted per second over one pass through ``calls``."""
    time.sleep(SETTLE_SECONDS)
    start = time.perf_counter()
    for X in calls:
        estimator.predict(X)
    return sum(X.shape[0] for X in calls) / (time.perf_counter() - start)


def time_predictions(fitted, X_test, repeats, modes):
    """Best rows per second of every fitted estimator in every predict mode.

    ``modes``: ``(label, rows per call or None for all, calls or None for all)``.

    Returns
    -------
    best : dict
        ``(mode label, library)`` -> rows per second.
    """
    best = {}
    for _ in range(repeats):
        for label, rows_per_call, n_calls in modes:
            calls = predict_calls(X_test, rows_per_call, n_calls)
            for library, estimator in fitted.items():
                speed = rows_per_second(estimator, calls)
                best[label, library] = max(best.get((label, library), 0.0), speed)
    return best


def run_case(case, repeats=3, quick=False, libraries=(SKNN, SKLEARN), data=None):
    """Time ``libraries`` on ``case``; one :class:`Result` per library (and predict mode).

    Parameters
    ----------
    case : _cases.Case
    repeats : int
        Fits (or prediction passes) per library; the best is kept.
    quick : bool
        Use the case's ``--quick`` settings.
    libraries : sequence of str
        In alternation order; include "scikit-learn" for the ratios.
    data : _data.Data or None
        The case's data, loaded when None.
    """
    data = case.load_data(quick) if data is None else data
    if case.measure == "predict":
        return _predict_results(case, data, repeats, libraries, quick)
    best = time_fits(case, data, repeats, libraries, quick)
    return [
        _result(case, case.id, library, data, seconds, estimator, quick)
        for library, (seconds, estimator) in best.items()
    ]


def _predict_results(case, data, repeats, libraries, quick):
    fitted = {library: make_estimator(library, case, quick) for library in libraries}
    for estimator in fitted.values():
        fit_once(estimator, data)
    X_test = scipy.sparse.csr_matrix(data.X_test) if case.sparse_input else data.X_test
    speeds = time_predictions(fitted, X_test, repeats, case.predict_modes)
    return [
        _result(
            case,
            f"{case.id} {label}",
            library,
            data,
            speeds[label, library],
            fitted[library],
            quick,
        )
        for label, _, _ in case.predict_modes
        for library in libraries
    ]


def _result(case, label, library, data, value, estimator, quick):
    score_name = "accuracy" if case.estimator == "MLPClassifier" else "R²"
    return Result(
        case=label,
        case_id=case.id,
        library=library,
        dtype=dtype_label(library, case, data),
        value=value,
        unit=case.unit,
        score=float(estimator.score(data.X_test, data.y_test)),
        score_name=score_name,
        n_iter=None if case.fixed_epochs else estimator.n_iter_,
        target=case.target,
        score_tolerance=case.score_bar(quick),
        floor_target=case.floor_target,
        relative_to=case.relative_to,
    )


def warm_up(libraries=LIBRARIES[:2]):
    """One tiny fit per library and float type, so that no timed fit pays start-up costs."""
    case, data = case_by_id("digits"), digits()
    for dtype in ("float64", "float32"):
        data = Data(*(X.astype(dtype) for X in data[:2]), *data[2:])
        for library in libraries:
            fit_once(make_estimator(library, case, max_iter=1), data)

"""What ran where under sknn.accel: the calls sknn served, and the fallbacks.

Every fit, partial_fit and prediction of an accelerated estimator is counted,
with its rows, its time and where it ran (sknn on which device, in which
dtype); every fallback to scikit-learn's class is kept with its reason. The
tallies are per process: fits in joblib's worker processes (``n_jobs``) run
on sknn there, but are not counted here.
"""

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from sknn._arrays._device import device_name

_lock = threading.Lock()
_tallies = {}  # (class name, method, where) -> Tally
_fallbacks = {}  # reason -> times


@dataclass
class Tally:
    """Calls of one method of one class, run in one place."""

    calls: int = 0
    rows: int = 0
    seconds: float = 0.0


def where(estimator):
    """'sknn, cpu, float64': the engine, device and dtype of a fitted estimator."""
    coefs = estimator.__dict__.get("coefs_")
    if not coefs:
        return "sknn"
    return f"sknn, {device_name(coefs[0])}, {coefs[0].dtype}"


@contextmanager
def timed(estimator, method, X):
    """Count the call of ``method`` on ``X`` when it returns."""
    start = time.perf_counter()
    yield
    seconds = time.perf_counter() - start
    key = (type(estimator).__name__, method, where(estimator))
    with _lock:
        tally = _tallies.setdefault(key, Tally())
        tally.calls += 1
        tally.rows += int(getattr(X, "shape", (0,))[0])
        tally.seconds += seconds


def fell_back(reason):
    """Record a fallback to scikit-learn's class."""
    with _lock:
        _fallbacks[reason] = _fallbacks.get(reason, 0) + 1


def clear():
    """Forget everything recorded so far."""
    with _lock:
        _tallies.clear()
        _fallbacks.clear()


def text(settings):
    """The report: a table of the calls, then the fallbacks."""
    with _lock:
        tallies = sorted(_tallies.items())
        fallbacks = dict(_fallbacks)
    lines = [f"sknn.accel report ({settings}):"]
    if not tallies:
        lines.append("  no MLPClassifier or MLPRegressor ran on sknn")
    else:
        lines.append(
            f"  {'estimator':<14} {'method':<18} {'calls':>6} {'rows':>9} {'time':>9}  ran on"
        )
        for (name, method, place), tally in tallies:
            lines.append(
                f"  {name:<14} {method:<18} {tally.calls:>6} {tally.rows:>9} "
                f"{tally.seconds:>8.3f}s  {place}"
            )
    lines.append(f"  fell back to scikit-learn: {sum(fallbacks.values()) or 'never'}")
    lines.extend(f"    {times} x {reason}" for reason, times in sorted(fallbacks.items()))
    return "\n".join(lines)

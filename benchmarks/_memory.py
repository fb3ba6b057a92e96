"""Peak memory of a fit, measured in a child process per (case, library).

The parent runs this file as a script; the child loads and prepares the
case's data, makes one tiny warm-up fit (so that one-off start-up
allocations are not counted), returns freed heap memory to the system
(``malloc_trim``, so that the fit cannot hide in pages freed earlier),
resets the kernel's peak-RSS counter (``echo 5 > /proc/self/clear_refs``),
reads ``VmRSS`` as the baseline, runs
a short fit (:data:`MEMORY_EPOCHS` epochs; L-BFGS: :data:`MEMORY_ITERATIONS`
iterations), and reports ``VmHWM - baseline``. For the predict case it
fits first and measures ``predict`` of the whole test set instead. Running
in a child keeps the timed process's memory and timings untouched.

Usage (what the parent runs)::

    python benchmarks/_memory.py CASE_ID LIBRARY [--quick]
"""

import argparse
import contextlib
import ctypes
import functools
import json
import subprocess
import sys
import warnings
from pathlib import Path

import scipy.sparse
from sklearn.exceptions import ConvergenceWarning

from _cases import case_by_id
from _libraries import make_estimator
from _timing import warm_up

MEMORY_EPOCHS = 2
MEMORY_ITERATIONS = 20
STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")


def peak_memory_mb(case_id, library, quick=False, timeout=900):
    """Peak memory in MB of ``library``'s fit on case ``case_id``, or None.

    None when /proc is missing (not Linux) or the child fails; the child's
    error is printed.
    """
    if not (STATUS.exists() and CLEAR_REFS.exists()):
        return None
    command = [sys.executable, str(Path(__file__).resolve()), case_id, library]
    command += ["--quick"] if quick else []
    try:
        child = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"  memory of {case_id} / {library}: timed out", flush=True)
        return None
    if child.returncode != 0:
        print(f"  memory of {case_id} / {library} failed:\n{child.stderr[-2000:]}", flush=True)
        return None
    return json.loads(child.stdout.strip().splitlines()[-1])["peak_mb"]


def _status_kilobytes(field):
    """``field`` (e.g. "VmRSS") of /proc/self/status, in kB."""
    for line in STATUS.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _release_free_heap():
    """Give memory freed so far back to the system (glibc ``malloc_trim``).

    Without this, a fit could reuse heap pages that the data preparation or
    the warm-up freed but the allocator kept, and its peak would look smaller.
    """
    with contextlib.suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL(None).malloc_trim(0)


def _reset_peak():
    """Set the process's peak RSS (VmHWM) to its current RSS."""
    CLEAR_REFS.write_text("5")


def measure(case_id, library, quick=False):
    """In this process: peak memory of the case's fit (or predict) above the baseline.

    Returns
    -------
    report : dict
        ``peak_mb`` (VmHWM - baseline, MB), ``baseline_mb`` and
        ``train_mb`` (size of the training data).
    """
    case = case_by_id(case_id)
    data = case.load_data(quick)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warm_up([library])
        if case.measure == "predict":
            estimator = make_estimator(library, case, quick)
            estimator.fit(data.X_train, data.y_train)
            X_test = scipy.sparse.csr_matrix(data.X_test) if case.sparse_input else data.X_test
            operation = functools.partial(estimator.predict, X_test)
        else:
            short = MEMORY_ITERATIONS if case.unit == "s/iteration" else MEMORY_EPOCHS
            estimator = make_estimator(library, case, quick, max_iter=short)
            operation = functools.partial(estimator.fit, data.X_train, data.y_train)
        _release_free_heap()
        _reset_peak()
        baseline = _status_kilobytes("VmRSS")
        operation()
        peak = _status_kilobytes("VmHWM")
    return {
        "peak_mb": (peak - baseline) * 1024 / 1e6,
        "baseline_mb": baseline * 1024 / 1e6,
        "train_mb": data.train_megabytes,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description="Peak memory of one case's fit (child process).")
    parser.add_argument("case_id")
    parser.add_argument("library")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.case_id, args.library, args.quick)))


if __name__ == "__main__":
    main()

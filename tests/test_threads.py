"""Threads: sknn's matrix products use the BLAS threads, limited where joblib limits them.

The compiled engine starts no threads of its own; its matrix products run in
NumPy's BLAS, so the usual controls apply: threadpoolctl's limits, and the
limits joblib's worker processes set so that n_jobs workers do not each start
as many threads as there are cores.
"""

import os

import numpy as np
import pytest
from joblib import Parallel, delayed
from threadpoolctl import threadpool_info, threadpool_limits

from sknn import MLPClassifier


def blas_threads_while_fitting():
    """Fit a small model; return the BLAS thread counts seen in this process."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(200, 20)), rng.integers(0, 2, 200)
    MLPClassifier((16,), max_iter=3, random_state=0).fit(X, y)
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_joblib_workers_fit_with_limited_blas_threads():
    n_jobs = 2
    per_worker = Parallel(n_jobs=n_jobs, backend="loky")(
        delayed(blas_threads_while_fitting)() for _ in range(n_jobs)
    )
    cores = len(os.sched_getaffinity(0))
    for counts in per_worker:
        assert counts and max(counts) <= max(cores // n_jobs, 1)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_threadpoolctl_limits_hold_during_a_fit():
    with threadpool_limits(1, user_api="blas"):
        counts = blas_threads_while_fitting()
    assert counts and max(counts) == 1


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux's /proc")
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_fitting_starts_no_threads_of_its_own():
    blas_threads_while_fitting()  # BLAS starts its pool on first use
    before = len(os.listdir("/proc/self/task"))  # every OS thread of this process
    blas_threads_while_fitting()
    assert len(os.listdir("/proc/self/task")) == before


def test_lbfgs_keeps_blas_other_than_numpys_to_one_thread():
    from sknn._engine._threads import _numpy_blas, other_blas_single_threaded

    def threads():
        return {
            p["filepath"]: p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"
        }

    before = threads()
    numpy_libs = [path for path in before if _numpy_blas(path)]
    other_libs = [path for path in before if not _numpy_blas(path)]
    if not (numpy_libs and other_libs):
        pytest.skip("NumPy and SciPy share one BLAS here: nothing to keep apart")
    with other_blas_single_threaded():
        inside = threads()
    assert all(inside[path] == 1 for path in other_libs)
    assert all(inside[path] == before[path] for path in numpy_libs)
    assert threads() == before

"""Test set-up: scikit-learn's array-API checks need SCIPY_ARRAY_API before SciPy loads;
each test starts with no fit stopped by Ctrl-C behind it, and with Python's own
Ctrl-C handler."""

import os
import signal
import threading

import pytest

os.environ.setdefault("SCIPY_ARRAY_API", "1")

# Scripts that tests/test_accel.py runs as programs: never collected.
collect_ignore_glob = ["accel_scripts/*.py"]


@pytest.fixture(autouse=True)
def _python_handles_ctrl_c():
    """Python's KeyboardInterrupt handler, as in a terminal, even when the test run
    itself was started with SIGINT ignored (a shell's background job, nohup): sknn
    rightly leaves an ignored SIGINT alone, which its Ctrl-C tests cannot test."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture(autouse=True)
def _no_stopped_fit_before():
    """A test that stops a fit with Ctrl-C must not refuse the next test's fit
    (sknn refuses a fit started within 2 s of a stopped one)."""
    from sknn._fitting._interrupt import forget_stopped_fits

    forget_stopped_fits()
    yield
    forget_stopped_fits()

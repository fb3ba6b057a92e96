"""Test set-up: scikit-learn's array-API checks need SCIPY_ARRAY_API before SciPy loads."""

import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")

# Scripts that tests/test_accel.py runs as programs: never collected.
collect_ignore_glob = ["accel_scripts/*.py"]

"""BLAS thread pools: one at work at a time.

With pip's wheels, NumPy and SciPy each load their own OpenBLAS, each with
its own pool of threads that spin for a while after every call. L-BFGS
alternates between SciPy's BLAS (inside ``scipy.optimize``) and NumPy's
(sknn's matrix products), so the idle pool of one steals the cores the other
needs, and every step slows down several times. While sknn's L-BFGS runs, the
BLAS libraries other than NumPy's are kept to one thread (SciPy's calls
there are small); NumPy's keeps whatever threads it is allowed.
"""

import contextlib
import functools
from pathlib import Path

import numpy as np
from threadpoolctl import ThreadpoolController


@functools.lru_cache(maxsize=1)
def _controller():
    return ThreadpoolController()  # inspects the loaded libraries once (~10 ms)


def _numpy_blas(filepath):
    """Whether the library at ``filepath`` is the BLAS that NumPy's wheel bundles."""
    return Path(np.__file__).parent.parent in Path(filepath).parents and "numpy" in filepath


@contextlib.contextmanager
def other_blas_single_threaded():
    """Within: every BLAS library but NumPy's limited to one thread."""
    controller = _controller()
    blas = [lib for lib in controller.lib_controllers if lib.user_api == "blas"]
    others = [lib.filepath for lib in blas if not _numpy_blas(lib.filepath)]
    if len(others) == len(blas) or not others:  # one shared BLAS, or NumPy's not found
        yield
        return
    with controller.select(filepath=others).limit(limits=1):
        yield

"""Do the NumPy ``out=`` fast paths pay? sknn timed with and without them.

Usage::

    python benchmarks/fast_paths.py [--no-save]

Fits sknn on 20,000 Fashion-MNIST rows (784-128-10, adam, batch 128) twice
per repeat: once as shipped, once with ``sknn._inplace.native`` (and the
batch gatherer's) forced to ``None``, so every operation takes the portable
array-API route (temporaries assigned into the buffers). Written to
``benchmarks/results/fast_paths.md``.
"""

import argparse
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning

import sknn._batches
import sknn._inplace
from run import machine_description
from sknn import MLPClassifier
from sknn.datasets import load_fashion_mnist

RESULTS = Path(__file__).parent / "results" / "fast_paths.md"
EPOCHS, ROWS, REPEATS = 3, 20_000, 3


@contextmanager
def portable_only():
    saved = sknn._inplace.native, sknn._batches.native
    sknn._inplace.native = sknn._batches.native = lambda xp: None
    try:
        yield
    finally:
        sknn._inplace.native, sknn._batches.native = saved


def seconds_per_epoch(X, y):
    model = MLPClassifier((128,), batch_size=128, max_iter=EPOCHS, tol=0,
                          n_iter_no_change=EPOCHS, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        model.fit(X, y)
    return (time.perf_counter() - start) / EPOCHS


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-save", action="store_true", help="print only")
    args = parser.parse_args(argv)
    X_train, _, y_train, _ = load_fashion_mnist(return_X_y=True)
    lines = ["| dtype | out= fast paths (s/epoch) | portable only (s/epoch) | speed-up |",
             "|---|---:|---:|---:|"]
    for dtype in (np.float32, np.float64):
        X, y = (X_train[:ROWS] / 255.0).astype(dtype), y_train[:ROWS]
        fast, portable = [], []
        for _ in range(REPEATS):
            fast.append(seconds_per_epoch(X, y))
            with portable_only():
                portable.append(seconds_per_epoch(X, y))
        lines.append(f"| {np.dtype(dtype).name} | {min(fast):.4f} | {min(portable):.4f} "
                     f"| {min(portable) / min(fast):.2f} |")
    report = "\n\n".join(["# NumPy fast paths", machine_description(),
                          f"{ROWS} rows, {EPOCHS} epochs, best of {REPEATS}, alternated.",
                          "\n".join(lines)])
    print(report)
    if not args.no_save:
        RESULTS.write_text(report + "\n")


if __name__ == "__main__":
    main()

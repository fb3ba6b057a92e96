"""Does the compiled engine pay? sknn timed with it and with the portable engine.

Usage::

    python benchmarks/engines.py [--no-save]

Fits sknn on 20,000 Fashion-MNIST rows (784-128-10, adam, batch 128) twice
per repeat: once as shipped (the compiled engine, ``sknn._engine._cpu``, runs dense
NumPy data), once with every compiled piece switched off (the network, the
optimizer step and the row gather), so that NumPy data takes the portable
array-API code that other namespaces take. Both fit the same model. Written
to ``benchmarks/results/engines.md``.
"""

import argparse
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning

import sknn._engine._choice
import sknn._engine._optimizers
import sknn._fitting._batches
from run import machine_description
from sknn import MLPClassifier
from sknn._engine._network import Network
from sknn.datasets import load_fashion_mnist

RESULTS = Path(__file__).parent / "results" / "engines.md"
EPOCHS, ROWS, REPEATS = 3, 20_000, 3


@contextmanager
def portable_only():
    """NumPy data through the portable engine (what non-NumPy namespaces run)."""
    saved = (
        sknn._engine._choice.CompiledNetwork,
        sknn._engine._optimizers._COMPILED_DTYPES,
        sknn._fitting._batches._cpu.handles,
    )
    sknn._engine._choice.CompiledNetwork = Network
    sknn._engine._optimizers._COMPILED_DTYPES = ()
    sknn._fitting._batches._cpu.handles = lambda *arrays: False
    try:
        yield
    finally:
        (
            sknn._engine._choice.CompiledNetwork,
            sknn._engine._optimizers._COMPILED_DTYPES,
            sknn._fitting._batches._cpu.handles,
        ) = saved


def fit(X, y):
    """Seconds per epoch and the fitted weights."""
    model = MLPClassifier(
        (128,), batch_size=128, max_iter=EPOCHS, tol=0, n_iter_no_change=EPOCHS, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        model.fit(X, y)
    return (time.perf_counter() - start) / EPOCHS, model.coefs_[0]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-save", action="store_true", help="print only")
    args = parser.parse_args(argv)
    X_train, _, y_train, _ = load_fashion_mnist(return_X_y=True)
    lines = [
        "| dtype | compiled (s/epoch) | portable (s/epoch) | speed-up | "
        "max relative weight difference |",
        "|---|---:|---:|---:|---:|",
    ]
    for dtype in (np.float32, np.float64):
        X, y = (X_train[:ROWS] / 255.0).astype(dtype), y_train[:ROWS]
        compiled, portable = [], []
        for _ in range(REPEATS):
            compiled.append(fit(X, y))
            with portable_only():
                portable.append(fit(X, y))
        fast, slow = min(t for t, _ in compiled), min(t for t, _ in portable)
        a, b = compiled[0][1], portable[0][1]
        difference = float(np.max(np.abs(a - b)) / np.max(np.abs(b)))
        lines.append(
            f"| {np.dtype(dtype).name} | {fast:.4f} | {slow:.4f} | {slow / fast:.2f} "
            f"| {difference:.1e} |"
        )
    report = "\n\n".join(
        [
            "# The compiled engine against the portable one",
            machine_description(),
            f"{ROWS} rows, {EPOCHS} epochs, best of {REPEATS}, alternated. The portable "
            "engine is what array-API namespaces other than NumPy run; both train the "
            "same model (last column: first-layer weights).",
            "\n".join(lines),
        ]
    )
    print(report)
    if not args.no_save:
        RESULTS.write_text(report + "\n")


if __name__ == "__main__":
    main()

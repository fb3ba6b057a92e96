"""Where a fit's time goes: cProfile of sknn (and scikit-learn) on the main case.

Usage::

    python benchmarks/profile_fit.py [--rows N] [--epochs E] [--library sknn|scikit-learn]
                                     [--top K] [--out FILE]

Fits Fashion-MNIST 784-128-10 (relu, adam, batch 128, float32) on ``N`` rows
for ``E`` epochs under cProfile and prints the functions with the most time
of their own (``tottime``). To compare two versions of sknn, run the script
from a checkout of each (``PYTHONPATH`` pointing at its source).

cProfile cannot look inside compiled code, so for sknn the report ends with
the time per epoch of each phase of a batch, measured without the profiler:
gathering the batch's rows, the network's gradient (forward and backward,
matrix products included), and the optimizer's step.
"""

import argparse
import cProfile
import io
import pstats
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning


def fashion_mnist(n_rows):
    from sknn.datasets import load_fashion_mnist

    X, _, y, _ = load_fashion_mnist(return_X_y=True)
    rows = np.random.default_rng(0).choice(len(X), size=min(n_rows, len(X)), replace=False)
    return (X[rows] / 255.0).astype(np.float32), y[rows]


def estimator(library, epochs):
    if library == "sknn":
        from sknn import MLPClassifier
    else:
        from sklearn.neural_network import MLPClassifier
    return MLPClassifier((128,), batch_size=128, learning_rate_init=1e-3, max_iter=epochs,
                         tol=0.0, n_iter_no_change=epochs, random_state=0)


def profile(library, X, y, epochs, top):
    """The profile report (a string) and the fit's seconds per epoch."""
    model = estimator(library, epochs)
    profiler = cProfile.Profile()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        profiler.runcall(model.fit, X, y)
        seconds = time.perf_counter() - start
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(top)
    return stream.getvalue(), seconds / epochs


def phases(X, y, epochs):
    """Milliseconds per epoch of each phase of sknn's batches (no profiler)."""
    import sknn._batches
    import sknn._optimizers
    from sknn._cpu.network import CompiledNetwork

    totals = {"gather rows": 0.0, "gradient": 0.0, "optimizer step": 0.0}
    originals = (sknn._batches.BatchSource.epoch, CompiledNetwork.gradient,
                 sknn._optimizers._Schedule.step)

    def timed(name, function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            result = function(*args, **kwargs)
            totals[name] += time.perf_counter() - start
            return result
        return wrapper

    def timed_epoch(self):
        batches = originals[0](self)
        while True:
            start = time.perf_counter()
            try:
                batch = next(batches)
            except StopIteration:
                return
            totals["gather rows"] += time.perf_counter() - start
            yield batch

    sknn._batches.BatchSource.epoch = timed_epoch
    CompiledNetwork.gradient = timed("gradient", originals[1])
    sknn._optimizers._Schedule.step = timed("optimizer step", originals[2])
    try:
        model = estimator("sknn", epochs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            start = time.perf_counter()
            model.fit(X, y)
            seconds = time.perf_counter() - start
    finally:
        (sknn._batches.BatchSource.epoch, CompiledNetwork.gradient,
         sknn._optimizers._Schedule.step) = originals
    fit_ms = seconds / epochs * 1e3
    lines = [f"phases of sknn's batches, ms per epoch (no profiler; fit: {fit_ms:.1f})"]
    lines += [f"  {name:<16} {total / epochs * 1e3:8.1f}" for name, total in totals.items()]
    rest = seconds - sum(totals.values())
    lines.append(f"  {'everything else':<16} {rest / epochs * 1e3:8.1f}")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--library", choices=["sknn", "scikit-learn"], default="sknn")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--out", type=Path, default=None, help="also write the report here")
    args = parser.parse_args(argv)
    X, y = fashion_mnist(args.rows)
    report, per_epoch = profile(args.library, X, y, args.epochs, args.top)
    import sknn

    header = (
        f"{args.library} fit under cProfile: Fashion-MNIST 784-128-10, {len(X)} rows, "
        f"{args.epochs} epochs, float32, adam, batch 128 (sknn from {Path(sknn.__file__).parent})\n"
        f"seconds per epoch under the profiler: {per_epoch:.3f}\n"
    )
    text = header + report
    if args.library == "sknn" and _has_compiled_engine():
        text += phases(X, y, args.epochs)
    print(text)
    if args.out is not None:
        args.out.write_text(text)


def _has_compiled_engine():
    try:
        import sknn._cpu.network  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())

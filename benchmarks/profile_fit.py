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
matrix products included), and the optimizer's step; then the gradient cut
finer, by replaying every batch of an epoch one phase at a time on the same
data and buffers with the compiled engine's own kernels (row gather,
forward products, hidden activation passes, softmax and loss, backward
products, bias sums and derivative passes, optimizer step), each phase timed
over the whole epoch.
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
    return MLPClassifier(
        (128,),
        batch_size=128,
        learning_rate_init=1e-3,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=epochs,
        random_state=0,
    )


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
    import sknn._engine._optimizers
    import sknn._fitting._batches
    from sknn._engine._cpu.network import CompiledNetwork

    totals = {"gather rows": 0.0, "gradient": 0.0, "optimizer step": 0.0}
    originals = (
        sknn._fitting._batches.BatchSource.epoch,
        CompiledNetwork.gradient,
        sknn._engine._optimizers._Schedule.step,
    )

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

    sknn._fitting._batches.BatchSource.epoch = timed_epoch
    CompiledNetwork.gradient = timed("gradient", originals[1])
    sknn._engine._optimizers._Schedule.step = timed("optimizer step", originals[2])
    try:
        model = estimator("sknn", epochs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            start = time.perf_counter()
            model.fit(X, y)
            seconds = time.perf_counter() - start
    finally:
        (
            sknn._fitting._batches.BatchSource.epoch,
            CompiledNetwork.gradient,
            sknn._engine._optimizers._Schedule.step,
        ) = originals
    fit_ms = seconds / epochs * 1e3
    lines = [f"phases of sknn's batches, ms per epoch (no profiler; fit: {fit_ms:.1f})"]
    lines += [f"  {name:<16} {total / epochs * 1e3:8.1f}" for name, total in totals.items()]
    rest = seconds - sum(totals.values())
    lines.append(f"  {'everything else':<16} {rest / epochs * 1e3:8.1f}")
    return "\n".join(lines) + "\n"


def replayed_phases(X, y, epochs, hidden=128):
    """Milliseconds per epoch of each phase, replayed phase by phase (best of ``epochs``)."""
    from sknn._engine._cpu._dense import activate, bias_gradient, differentiate, output_delta

    from sknn._engine import _cpu

    batch, codes = 128, _cpu.ACTIVATION_CODES
    rng = np.random.default_rng(0)
    n, units = len(X), (X.shape[1], hidden, 10)
    W1 = (rng.standard_normal(units[:2]) * 0.05).astype(X.dtype)
    W2 = (rng.standard_normal(units[1:]) * 0.05).astype(X.dtype)
    b1, b2 = np.zeros(hidden, X.dtype), np.zeros(10, X.dtype)
    Y = np.eye(10, dtype=X.dtype)[y]
    buffers = {
        name: np.empty(shape, X.dtype)
        for name, shape in [
            ("X", (batch, units[0])),
            ("A1", (batch, hidden)),
            ("P", (batch, 10)),
            ("D2", (batch, 10)),
            ("D1", (batch, hidden)),
            ("work", (batch, hidden)),
        ]
    }
    G1, G2 = np.empty_like(W1), np.empty_like(W2)
    g1, g2 = np.empty_like(b1), np.empty_like(b2)
    flat, grads = np.zeros(W1.size + W2.size + hidden + 10, X.dtype), None
    grads = np.zeros_like(flat)
    moments = (np.zeros_like(flat), np.zeros_like(flat))
    settings = _cpu.StepSettings(1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-8)
    order = rng.permutation(n).astype(np.intp)
    take = _cpu.specialised(_cpu.take_rows, X.dtype)
    slices = [slice(start, min(start + batch, n)) for start in range(0, n, batch)]

    def rows(name, s):
        return buffers[name][: s.stop - s.start]

    phases = {
        "row gather": lambda s: take(X, order[s], buffers["X"]),
        "forward products": lambda s: (
            np.matmul(rows("X", s), W1, rows("A1", s)),
            np.matmul(rows("A1", s), W2, rows("P", s)),
        ),
        "hidden activation": lambda s: activate(codes["relu"], rows("A1", s), b1, rows("work", s)),
        "softmax and loss": lambda s: (
            activate(codes["softmax"], rows("P", s), b2),
            output_delta(codes["softmax"], rows("P", s), Y[s], rows("D2", s)),
        ),
        "backward products": lambda s: (
            np.matmul(rows("A1", s).T, rows("D2", s), G2),
            np.matmul(rows("D2", s), W2.T, rows("D1", s)),
            np.matmul(rows("X", s).T, rows("D1", s), G1),
        ),
        "bias sums, derivative": lambda s: (
            bias_gradient(rows("D2", s), g2),
            bias_gradient(rows("D1", s), g1),
            differentiate(codes["relu"], rows("D1", s), rows("A1", s)),
        ),
        "optimizer step": lambda s: _cpu.step(
            _cpu.ADAM,
            flat,
            grads,
            moments,
            W1.size + W2.size,
            settings,
            1e-4,
            float(s.stop - s.start),
        ),
    }
    best = {name: float("inf") for name in phases}
    for _ in range(epochs):
        for name, phase in phases.items():  # each phase over every batch of an epoch
            start = time.perf_counter()
            for s in slices:
                phase(s)
            best[name] = min(best[name], time.perf_counter() - start)
    lines = [
        f"phases replayed one at a time, ms per epoch (best of {epochs}; {n} rows, "
        f"784-{hidden}-10, batch {batch}, {X.dtype})"
    ]
    lines += [f"  {name:<22} {seconds * 1e3:8.1f}" for name, seconds in best.items()]
    lines.append(f"  {'total':<22} {sum(best.values()) * 1e3:8.1f}")
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
        text += replayed_phases(X, y, args.epochs)
    print(text)
    if args.out is not None:
        args.out.write_text(text)


def _has_compiled_engine():
    try:
        import sknn._engine._cpu.network  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())

"""Time sknn against scikit-learn, side by side in one run.

Usage::

    python benchmarks/run.py [--quick] [--repeats N] [--out DIR] [--no-save]

Each case fits sknn's and scikit-learn's ``MLPClassifier`` with the same
parameters and ``random_state``, alternating the two libraries (sknn,
scikit-learn, sknn, scikit-learn, ...) so that both see the same machine
load, and keeps the best of ``--repeats`` fits. Every fit runs a fixed number
of epochs (``tol=0``, ``n_iter_no_change=max_iter``); the time reported is
the fit time divided by ``n_iter_``. The script prints the machine and a
markdown table, and writes both to ``DIR/core.md`` (``core-quick.md`` with
``--quick``).

Cases:

- Fashion-MNIST 784-128-10, relu, adam, learning_rate_init=1e-3,
  batch_size=128, with float32 data (``(X / 255).astype(float32)``) and
  float64 data (``X / 255.0``). Skipped, with a message, when the data set is
  missing.
- digits (``load_digits``, standardised), 64-64-10, adam, batch_size=128:
  small batches of small data, so per-batch overhead dominates.
"""

import argparse
import datetime
import importlib.metadata
import os
import platform
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy
import sklearn
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.preprocessing import StandardScaler

from sknn import MLPClassifier as SknnMLPClassifier
from sknn.datasets import load_fashion_mnist

FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")
DEFAULT_OUT = Path(__file__).resolve().parent / "results"

# Alternated in this order within every repeat.
LIBRARIES = {"sknn": SknnMLPClassifier, "scikit-learn": SklearnMLPClassifier}


@dataclass(frozen=True)
class Case:
    """One benchmark: a data set, its dtype and the network to fit on it."""

    name: str
    dtype: type
    hidden_layer_sizes: tuple
    epochs: int
    batch_size: int = 128
    learning_rate_init: float = 1e-3

    def estimator_params(self):
        """Keyword arguments of both libraries' MLPClassifier."""
        return dict(
            hidden_layer_sizes=self.hidden_layer_sizes,
            activation="relu",
            solver="adam",
            learning_rate_init=self.learning_rate_init,
            batch_size=self.batch_size,
            max_iter=self.epochs,
            tol=0.0,
            n_iter_no_change=self.epochs,  # never declare a plateau: run every epoch
            random_state=0,
        )


@dataclass(frozen=True)
class Result:
    """The best of the repeats of one library on one case."""

    case: str
    library: str
    dtype: str
    seconds_per_epoch: float
    accuracy: float


# ------------------------------------------------------------------ data
def load_fashion_mnist_pixels(data_dir=FASHION_MNIST_DIR):
    """``(X_train, X_test, y_train, y_test)``, X in [0, 1] as float64.

    Raises ``FileNotFoundError`` when the data is missing.
    """
    X_train, X_test, y_train, y_test = load_fashion_mnist(data_dir=data_dir, return_X_y=True)
    return X_train / 255.0, X_test / 255.0, y_train, y_test


def subsample(X, y, n_rows, seed=0):
    """``n_rows`` rows of (X, y) drawn without replacement (all when fewer)."""
    if n_rows is None or n_rows >= len(X):
        return X, y
    rows = np.random.default_rng(seed).choice(len(X), size=n_rows, replace=False)
    return X[rows], y[rows]


def load_digits_split():
    """digits, split 75/25 (stratified, seed 0) and standardised on the train part."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


# ---------------------------------------------------------------- timing
def time_fit(estimator_class, params, X_train, y_train, X_test, y_test):
    """Fit once: ``(seconds per epoch, test accuracy)``."""
    estimator = estimator_class(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        estimator.fit(X_train, y_train)
        seconds = time.perf_counter() - start
    if estimator.n_iter_ != params["max_iter"]:
        raise RuntimeError(
            f"{estimator_class.__module__} ran {estimator.n_iter_} epochs, "
            f"not {params['max_iter']}"
        )
    return seconds / estimator.n_iter_, float(estimator.score(X_test, y_test))


def run_case(case, data, repeats, libraries=LIBRARIES):
    """Time every library on one case, alternating them; best of ``repeats``.

    ``data`` is ``(X_train, X_test, y_train, y_test)`` already in ``case.dtype``.
    """
    X_train, X_test, y_train, y_test = data
    params = case.estimator_params()
    best = {name: (float("inf"), None) for name in libraries}
    for _ in range(repeats):
        for name, estimator_class in libraries.items():
            timing = time_fit(estimator_class, params, X_train, y_train, X_test, y_test)
            best[name] = min(best[name], timing, key=lambda t: t[0])
    dtype = np.dtype(case.dtype).name
    return [
        Result(case.name, name, dtype, seconds, accuracy)
        for name, (seconds, accuracy) in best.items()
    ]


def warm_up(data, libraries=LIBRARIES):
    """One tiny fit per library, so the first timed fit pays no start-up costs."""
    X_train, X_test, y_train, y_test = data
    params = Case("warm-up", np.float64, (16,), epochs=1).estimator_params()
    for estimator_class in libraries.values():
        time_fit(estimator_class, params, X_train[:256], y_train[:256], X_test, y_test)


# ---------------------------------------------------------------- output
def format_table(results, reference="scikit-learn"):
    """Markdown table; ratio = reference seconds / library seconds (>1: faster)."""
    reference_seconds = {
        (r.case, r.dtype): r.seconds_per_epoch for r in results if r.library == reference
    }
    lines = [
        "| case | library | dtype | seconds / epoch | ratio | test accuracy |",
        "|---|---|---|---:|---:|---:|",
    ]
    for r in results:
        if r.library == reference:
            ratio = "—"
        else:
            ratio = "%.2f" % (reference_seconds[r.case, r.dtype] / r.seconds_per_epoch)
        lines.append(
            f"| {r.case} | {r.library} | {r.dtype} | {r.seconds_per_epoch:.4g} "
            f"| {ratio} | {r.accuracy:.4f} |"
        )
    return "\n".join(lines)


def machine_description():
    """Markdown bullet list: CPU, cores, library versions, BLAS, date."""
    lines = [
        f"- date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- CPU: {_cpu_model()}",
        f"- cores: {os.cpu_count()} (usable by this process: {len(os.sched_getaffinity(0))})",
        f"- platform: {platform.platform()}, Python {platform.python_version()}",
        f"- numpy {np.__version__}, scipy {scipy.__version__}, "
        f"scikit-learn {sklearn.__version__}, sknn {_version('sknn')}",
    ]
    lines += [f"- {line}" for line in _thread_pools()]
    return "\n".join(lines)


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(distribution):
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _thread_pools():
    """One line per distinct BLAS / OpenMP library loaded (needs threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ["BLAS: unknown (threadpoolctl is not installed)"]
    lines = set()
    for pool in threadpool_info():
        kind = "BLAS" if pool["user_api"] == "blas" else pool["user_api"]
        details = [pool["internal_api"], pool.get("version"), pool.get("architecture")]
        lines.add(
            "%s (%s): %s, %d threads" % (
                kind,
                Path(pool["filepath"]).parent.name,  # e.g. numpy.libs
                " ".join(str(d) for d in details if d),
                pool["num_threads"],
            )
        )
    return sorted(lines)


# ------------------------------------------------------------------ main
def cases_and_data(quick):
    """Yield ``(case, data)`` pairs; print why a case is skipped."""
    fashion_epochs, fashion_rows = (3, 10_000) if quick else (10, None)
    try:
        X_train, X_test, y_train, y_test = load_fashion_mnist_pixels()
    except (OSError, ValueError) as error:  # missing or unreadable files
        print(f"Skipping the Fashion-MNIST cases: {error}")
    else:
        X_train, y_train = subsample(X_train, y_train, fashion_rows)
        name = "Fashion-MNIST 784-128-10" + (f" ({len(X_train)} rows)" if quick else "")
        for dtype in (np.float32, np.float64):
            data = (X_train.astype(dtype), X_test.astype(dtype), y_train, y_test)
            yield Case(name, dtype, (128,), fashion_epochs), data
    digits_epochs = 20 if quick else 100
    yield Case("digits 64-64-10", np.float64, (64,), digits_epochs), load_digits_split()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer epochs, 10,000 Fashion-MNIST training rows")
    parser.add_argument("--repeats", type=int, default=3,
                        help="fits per library and case; the best is kept (default 3)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"directory for the results file (default {DEFAULT_OUT})")
    parser.add_argument("--no-save", action="store_true", help="print only")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    machine = machine_description()
    print(machine + "\n", flush=True)
    results = []
    for i, (case, data) in enumerate(cases_and_data(args.quick)):
        if i == 0:
            warm_up(data)
        print(f"{case.name}, {np.dtype(case.dtype).name}, {case.epochs} epochs, "
              f"best of {args.repeats} ...", flush=True)
        results += run_case(case, data, args.repeats)
    table = format_table(results)
    print("\n" + table)

    if not args.no_save:
        args.out.mkdir(parents=True, exist_ok=True)
        path = args.out / ("core-quick.md" if args.quick else "core.md")
        title = "# sknn vs scikit-learn" + (" (--quick)" if args.quick else "")
        settings = (
            f"Best of {args.repeats} fits per library, alternated in one run; "
            "seconds per epoch = fit time / n_iter_; "
            "ratio = scikit-learn seconds / sknn seconds (>1: sknn faster)."
        )
        path.write_text(f"{title}\n\n{machine}\n\n{settings}\n\n{table}\n")
        print(f"\nWrote {path}")


if __name__ == "__main__":
    main()

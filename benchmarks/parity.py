"""Parity table: sknn and scikit-learn fit side by side, weights compared.

Usage::

    python benchmarks/parity.py [--no-save]

For each scenario both libraries fit the same data with the same parameters
and ``random_state``; the table gives both ``n_iter_`` and the largest
relative difference between their fitted weights and biases. Written to
``benchmarks/results/parity.md``.
"""

import argparse
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn import neural_network as sk
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

import sknn
from run import machine_description

RESULTS = Path(__file__).parent / "results" / "parity.md"


def datasets():
    X_digits, y_digits = load_digits(return_X_y=True)
    X_binary, y_binary = make_classification(n_samples=300, n_features=12, random_state=0)
    X_reg, y_reg = make_regression(n_samples=300, n_features=10, noise=5.0, random_state=0)
    X_reg = StandardScaler().fit_transform(X_reg)
    X_multi, Y_multi = make_regression(n_samples=300, n_features=10, n_targets=3, random_state=0)
    return {
        "digits": (X_digits[:600] / 16.0, y_digits[:600]),
        "digits, sparse CSR": (sp.csr_matrix(X_digits[:600] / 16.0), y_digits[:600]),
        "binary": (X_binary, y_binary),
        "regression": (X_reg, y_reg / 100.0),
        "multilabel": (X_binary, (X_binary[:, :3] > 0).astype(int)),
        "multi-output regression": (StandardScaler().fit_transform(X_multi), Y_multi / 100),
        "digits, float32": ((X_digits[:600] / 16.0).astype(np.float32), y_digits[:600]),
        "regression, float32": (X_reg.astype(np.float32), (y_reg / 100.0).astype(np.float32)),
    }


SCENARIOS = [
    (
        "sgd, Nesterov momentum",
        "MLPClassifier",
        "digits",
        dict(solver="sgd", learning_rate_init=0.05, max_iter=30),
    ),
    (
        "sgd, classic momentum",
        "MLPClassifier",
        "digits",
        dict(solver="sgd", nesterovs_momentum=False, learning_rate_init=0.05, max_iter=30),
    ),
    (
        "sgd, invscaling",
        "MLPClassifier",
        "digits",
        dict(solver="sgd", learning_rate="invscaling", learning_rate_init=0.2, max_iter=30),
    ),
    ("adam", "MLPClassifier", "digits", dict(max_iter=30)),
    (
        "adam, tanh, 2 hidden layers",
        "MLPClassifier",
        "digits",
        dict(activation="tanh", hidden_layer_sizes=(16, 8), max_iter=30),
    ),
    ("adam, sample_weight", "MLPClassifier", "digits", dict(max_iter=20)),
    ("adam, sparse input", "MLPClassifier", "digits, sparse CSR", dict(max_iter=10)),
    (
        "adam, binary, early stopping",
        "MLPClassifier",
        "binary",
        dict(early_stopping=True, n_iter_no_change=5, max_iter=300),
    ),
    ("adam, binary, converges on tol", "MLPClassifier", "binary", dict(tol=1e-3, max_iter=500)),
    ("adam, multilabel", "MLPClassifier", "multilabel", dict(max_iter=30)),
    (
        "regression, sgd",
        "MLPRegressor",
        "regression",
        dict(solver="sgd", learning_rate_init=0.01, max_iter=40),
    ),
    ("regression, adam", "MLPRegressor", "regression", dict(learning_rate_init=0.01, max_iter=40)),
    (
        "regression, early stopping",
        "MLPRegressor",
        "regression",
        dict(early_stopping=True, learning_rate_init=0.01, max_iter=200),
    ),
    ("classification, lbfgs", "MLPClassifier", "digits", dict(solver="lbfgs", max_iter=60)),
    ("regression, lbfgs", "MLPRegressor", "regression", dict(solver="lbfgs", max_iter=60)),
    ("multi-output regression, adam", "MLPRegressor", "multi-output regression", dict(max_iter=40)),
    (
        "multi-output regression, lbfgs (sknn fixes #8349)",
        "MLPRegressor",
        "multi-output regression",
        dict(solver="lbfgs", max_iter=60),
    ),
    (
        "sgd, Nesterov momentum, float32",
        "MLPClassifier",
        "digits, float32",
        dict(solver="sgd", learning_rate_init=0.05, max_iter=30),
    ),
    ("adam, float32", "MLPClassifier", "digits, float32", dict(max_iter=30)),
    (
        "regression, adam, float32",
        "MLPRegressor",
        "regression, float32",
        dict(learning_rate_init=0.01, max_iter=40),
    ),
]


def fit_both(estimator_name, X, y, params, sample_weight=None):
    full = dict(hidden_layer_sizes=(20,), random_state=0) | params
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = getattr(sk, estimator_name)(**full).fit(X, y, sample_weight=sample_weight)
        ours = getattr(sknn, estimator_name)(**full).fit(X, y, sample_weight=sample_weight)
    return reference, ours


def max_relative_difference(reference, ours):
    pairs = zip(
        ours.coefs_ + ours.intercepts_, reference.coefs_ + reference.intercepts_, strict=True
    )
    return max(float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-12))) for a, b in pairs)


def parity_rows():
    data = datasets()
    rows = []
    for label, estimator_name, data_name, params in SCENARIOS:
        X, y = data[data_name]
        weights = None
        if "sample_weight" in label:
            weights = np.random.RandomState(0).uniform(0.1, 3.0, size=len(y))
        reference, ours = fit_both(estimator_name, X, y, params, weights)
        difference = max_relative_difference(reference, ours)
        rows.append((label, reference.n_iter_, ours.n_iter_, difference))
    return rows


def format_rows(rows):
    lines = [
        "| scenario | scikit-learn n_iter_ | sknn n_iter_ | max relative weight difference |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {label} | {a} | {b} | {d:.1e} |" for label, a, b, d in rows]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-save", action="store_true", help="print only")
    args = parser.parse_args(argv)
    report = "\n\n".join(
        [
            "# Parity with scikit-learn",
            machine_description(),
            "Same data, parameters and random_state (float64 unless the scenario says "
            "float32). The multi-output "
            "L-BFGS row differs on purpose: see docs/differences.md (d).",
            format_rows(parity_rows()),
        ]
    )
    print(report)
    if not args.no_save:
        RESULTS.write_text(report + "\n")


if __name__ == "__main__":
    main()

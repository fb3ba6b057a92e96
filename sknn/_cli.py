"""``python -m sknn``: train an MLPClassifier on digits or Fashion-MNIST and report.

The run is cut into small steps: parse the arguments, load the data, build the
model, fit it, report. The per-epoch lines come from the fitted model's
``loss_curve_`` and ``validation_scores_``, as scikit-learn records them.
"""

import argparse
import sys
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state

from sknn import MLPClassifier
from sknn._summary import layer_table
from sknn.datasets import load_fashion_mnist

DATASETS = ("digits", "fashion-mnist")
DIGITS_TEST_SIZE = 0.25


def main(argv=None):
    """Run the command line; return the exit status (0, or 2 on unreadable data).

    Parameters
    ----------
    argv : list of str, default=None
        The arguments, without the program name; None means ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0 after a run, 2 when the dataset cannot be read (the reason goes to
        stderr).
    """
    args = parse_args(argv)
    try:
        X_train, X_test, y_train, y_test = load_data(args)
    except (OSError, ValueError) as error:
        print(f"sknn: error: {_data_error_message(error)}", file=sys.stderr)
        return 2
    model = build_model(args)
    print(f"Training on {args.dataset}: {X_train.shape[0]} samples, {X_train.shape[1]} features")
    fit_seconds = fit_timed(model, X_train, y_train)
    print(report(model, X_test, y_test, fit_seconds))
    return 0


def parse_args(argv=None):
    """The parsed command-line options."""
    parser = argparse.ArgumentParser(
        prog="python -m sknn",
        description="Train sknn's MLPClassifier and report its layers, epochs and accuracy.",
    )
    parser.add_argument("--dataset", choices=DATASETS, default="digits")
    parser.add_argument(
        "--data-dir", default=None,
        help="directory of the Fashion-MNIST IDX files "
        "(default: /usr/share/datasets/fashion-mnist/)",
    )
    parser.add_argument(
        "--hidden", type=_positive_int, nargs="+", default=[128], metavar="UNITS",
        help="units of each hidden layer, e.g. --hidden 128 64 (default: 128)",
    )
    parser.add_argument("--solver", choices=("adam", "sgd", "lbfgs"), default="adam")
    parser.add_argument(
        "--epochs", type=_positive_int, default=50, help="max_iter: epochs, or lbfgs iterations"
    )
    parser.add_argument("--batch-size", type=_positive_int, default=None, help="default: min(200, n)")
    parser.add_argument("--learning-rate", type=float, default=1e-3, help="learning_rate_init")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument(
        "--no-early-stopping", dest="early_stopping", action="store_false",
        help="train on all training rows instead of holding out 10%% to score each epoch",
    )
    parser.add_argument(
        "--max-samples", type=_positive_int, default=None, help="train on at most this many rows"
    )
    return parser.parse_args(argv)


def _positive_int(text):
    """An argparse type: an integer of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def load_data(args):
    """``(X_train, X_test, y_train, y_test)``, pixels as float32."""
    if args.dataset == "fashion-mnist":
        X_train, X_test, y_train, y_test = load_fashion_mnist(
            data_dir=args.data_dir, return_X_y=True
        )
    else:
        X, y = load_digits(return_X_y=True)
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=DIGITS_TEST_SIZE, stratify=y, random_state=args.random_state
        )
    X_train, y_train = subsample(X_train, y_train, args.max_samples, args.random_state)
    return X_train.astype(np.float32), X_test.astype(np.float32), y_train, y_test


def subsample(X, y, max_samples, random_state):
    """At most ``max_samples`` rows of ``(X, y)``, drawn at random without replacement."""
    if max_samples is None or max_samples >= len(X):
        return X, y
    rows = check_random_state(random_state).permutation(len(X))[:max_samples]
    return X[rows], y[rows]


def build_model(args):
    """A pipeline standardising each pixel, then the MLPClassifier.

    Standardised pixels train a little faster than pixels scaled to [0, 1],
    on digits and on Fashion-MNIST alike.
    """
    mlp = MLPClassifier(
        hidden_layer_sizes=tuple(args.hidden),
        solver=args.solver,
        max_iter=args.epochs,
        batch_size="auto" if args.batch_size is None else args.batch_size,
        learning_rate_init=args.learning_rate,
        early_stopping=args.early_stopping,
        random_state=args.random_state,
    )
    return make_pipeline(StandardScaler(), mlp)


def fit_timed(model, X, y):
    """Fit ``model``; return the wall time in seconds.

    A ConvergenceWarning is silenced: the report says when a fit ran out of
    epochs.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        model.fit(X, y)
        return time.perf_counter() - start


def report(model, X_test, y_test, fit_seconds):
    """The layer table, one line per epoch, the test accuracy and the fit time."""
    mlp = model[-1]
    return "\n".join(
        [
            describe_layers(mlp),
            "",
            *epoch_lines(mlp),
            stopping_line(mlp),
            "",
            f"test accuracy: {model.score(X_test, y_test):.4f}",
            f"fit time: {fit_seconds:.2f} s",
        ]
    )


def describe_layers(mlp):
    """The fitted network's layer table, read from its weight shapes."""
    layer_units = [mlp.coefs_[0].shape[0]] + [coef.shape[1] for coef in mlp.coefs_]
    return layer_table(layer_units, mlp.activation, mlp.out_activation_)


def epoch_lines(mlp):
    """A header and one ``epoch, loss, validation accuracy`` line per epoch.

    Without early stopping there is no validation column. scikit-learn's
    L-BFGS records no loss curve: one line gives its final loss instead.
    """
    losses = getattr(mlp, "loss_curve_", None)
    if not losses:
        return [f"{mlp.solver}: {mlp.n_iter_} iterations, final training loss {mlp.loss_:.4f}"]
    step = _step_name(mlp)
    scores = mlp.validation_scores_
    if scores is None:
        return [f"{step}  train loss"] + [
            f"{i:{len(step)}d}  {loss:10.4f}" for i, loss in enumerate(losses, start=1)
        ]
    return [f"{step}  train loss  val. accuracy"] + [
        f"{i:{len(step)}d}  {loss:10.4f}  {score:13.4f}"
        for i, (loss, score) in enumerate(zip(losses, scores), start=1)
    ]


def stopping_line(mlp):
    """Why the fit ended: the epoch limit, or no further improvement."""
    step = _step_name(mlp)
    if mlp.n_iter_ >= mlp.max_iter:
        return f"stopped at the limit of {mlp.max_iter} {step}s (--epochs); not converged"
    if mlp.solver == "lbfgs":
        return f"converged after {mlp.n_iter_} {step}s"
    watched = "validation accuracy" if mlp.validation_scores_ is not None else "training loss"
    return (
        f"stopped after {mlp.n_iter_} epochs: {watched} did not improve "
        f"for {mlp.n_iter_no_change} epochs"
    )


def _step_name(mlp):
    """What one step of the fit is called: an epoch, or an L-BFGS iteration."""
    return "iteration" if mlp.solver == "lbfgs" else "epoch"


def _data_error_message(error):
    """Why the data could not be read; for a missing file, the option that fixes it."""
    if isinstance(error, FileNotFoundError):
        return f"{error} (on the command line: --data-dir DIR)"
    return str(error)

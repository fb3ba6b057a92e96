"""``python -m sknn``: train an MLPClassifier on digits or Fashion-MNIST and report.

The run is cut into small steps: parse the arguments into a ``Recipe``, check
that what the options need is there (a GPU, matplotlib), load the data, fit,
report, and print the run as Python code. The per-epoch lines come from the
fitted model's ``loss_curve_``, ``validation_loss_curve_`` and
``validation_scores_``.
"""

import argparse
import importlib
import inspect
import sys
import time
import warnings
from pathlib import Path

from sklearn.exceptions import ConvergenceWarning

from sknn._arrays._device import cuda_namespace, parse_device, wants_gpu
from sknn._estimators._classifier import MLPClassifier
from sknn._estimators._params import STOCHASTIC_SOLVERS
from sknn._estimators._summary import network_summary
from sknn._extras._recipe import Recipe, classifier_of
from sknn.datasets import FASHION_MNIST_DIR, FASHION_MNIST_RECIPE

#: Each dataset's MLPClassifier parameters, before the options change them.
DATASET_PARAMS = {
    "digits": {
        "hidden_layer_sizes": (128,),
        "max_iter": 50,
        "early_stopping": True,
        "dtype": "float32",
    },
    "fashion-mnist": dict(FASHION_MNIST_RECIPE),
}
DATASETS = tuple(DATASET_PARAMS)
SOLVERS = (*STOCHASTIC_SOLVERS, "lbfgs")
# What early stopping watches: the option's choices, as the ``scoring`` parameter.
SCORINGS = {"accuracy": None, "loss": "loss"}
# The options that set a parameter of the classifier, and which one.
OPTION_PARAMS = {
    "hidden": "hidden_layer_sizes",
    "solver": "solver",
    "alpha": "alpha",
    "epochs": "max_iter",
    "batch_size": "batch_size",
    "learning_rate": "learning_rate_init",
    "dropout": "dropout",
    "early_stopping": "early_stopping",
    "scoring": "scoring",
    "random_state": "random_state",
    "device": "device",
}
DEFAULT_RANDOM_STATE = 0


def main(argv=None):
    """Run the command line; return the exit status.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments, without the program name; None means ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0 after a run, 2 when the dataset cannot be read or what an option
        needs is missing (the reason goes to stderr).
    """
    args = parse_args(argv)
    recipe = recipe_from(args)
    model = recipe.build()
    try:
        check_requirements(args, model)
        X_train, X_test, y_train, y_test = recipe.load()
    except (ImportError, OSError, RuntimeError, ValueError) as error:
        print(f"sknn: error: {_error_message(error)}", file=sys.stderr)
        return 2
    print(f"Training on {args.dataset}: {X_train.shape[0]} samples, {X_train.shape[1]} features")
    wall, cpu = fit_timed(model, X_train, y_train)
    print(report(model, X_test, y_test, wall, cpu))
    if args.plot is not None:
        write_plot(classifier_of(model), args.plot, args.dataset)
        print(f"training curves written to {args.plot}")
    print("\n# The same run in Python:")
    print(recipe.code(), end="")
    return 0


def parse_args(argv=None):
    """The parsed command-line options; None where the dataset sets the default."""
    return build_parser().parse_args(argv)


def build_parser():
    """The command line's argument parser; each option's help ends with its default."""
    parser = argparse.ArgumentParser(
        prog="python -m sknn",
        description="Train sknn's MLPClassifier on digits or Fashion-MNIST; report its "
        "layers, epochs and test accuracy, and print the run as Python code.",
    )
    parser.add_argument(
        "--dataset", choices=DATASETS, default="digits", help="the data (default: digits)"
    )
    parser.add_argument(
        "--data-dir",
        default=None,
        help=f"directory of the Fashion-MNIST IDX files (default: {FASHION_MNIST_DIR})",
    )
    parser.add_argument(
        "--hidden",
        type=_positive_int,
        nargs="+",
        metavar="UNITS",
        help="units of each hidden layer, e.g. --hidden 128 64 "
        f"(default: {_defaults('hidden_layer_sizes', _units)})",
    )
    parser.add_argument(
        "--solver", choices=SOLVERS, help=f"the optimizer (default: {_defaults('solver')})"
    )
    parser.add_argument(
        "--alpha",
        type=float,
        help="L2 penalty; with adamw the decoupled weight decay; a --solver "
        "other than the dataset's own takes 0.0001 "
        f"(default: {_defaults('alpha')})",
    )
    parser.add_argument(
        "--epochs",
        type=_positive_int,
        help=f"max_iter: epochs, or lbfgs iterations (default: {_defaults('max_iter')})",
    )
    parser.add_argument(
        "--batch-size",
        type=_positive_int,
        help=f"rows per mini-batch (default: {_defaults('batch_size')}; auto is min(200, n))",
    )
    parser.add_argument(
        "--learning-rate",
        type=float,
        help=f"learning_rate_init (default: {_defaults('learning_rate_init')})",
    )
    parser.add_argument(
        "--dropout",
        type=float,
        help=f"dropout rate of the hidden layers (default: {_defaults('dropout')})",
    )
    parser.add_argument(
        "--random-state",
        type=int,
        default=DEFAULT_RANDOM_STATE,
        help="seed of the weights, batches, dropout, validation split and "
        f"the digits train/test split (default: {DEFAULT_RANDOM_STATE})",
    )
    parser.add_argument(
        "--no-early-stopping",
        dest="early_stopping",
        action="store_false",
        default=None,
        help="train on all training rows instead of holding out 10%% to score "
        "each epoch (default: early stopping on)",
    )
    parser.add_argument(
        "--scoring",
        choices=SCORINGS,
        type=str.lower,
        help="what early stopping watches on the validation rows: the "
        "accuracy, or the loss (default: accuracy)",
    )
    parser.add_argument(
        "--max-samples",
        type=_positive_int,
        default=None,
        help="train on at most this many rows, drawn at random (default: all)",
    )
    parser.add_argument(
        "--device",
        type=_device,
        default=None,
        help="None: NumPy on the CPU; cpu; cuda or cuda:N: GPU N with CuPy (default: None)",
    )
    parser.add_argument(
        "--plot",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the training curves to FILE, e.g. curves.png, "
        "with matplotlib (default: no plot)",
    )
    return parser


def recipe_from(args):
    """The ``Recipe`` of the options: the dataset's parameters, changed by the options."""
    params = dict(DATASET_PARAMS[args.dataset])
    if args.solver not in (None, params.get("solver", "adam")):
        params.pop("alpha", None)  # the dataset's alpha is tuned for its own solver
    for option, name in OPTION_PARAMS.items():
        value = getattr(args, option)
        if value is not None:
            params[name] = _parameter_value(option, value)
    return Recipe(args.dataset, params, args.data_dir, args.max_samples)


def _parameter_value(option, value):
    """The classifier's parameter for an option's value."""
    if option == "hidden":
        return tuple(value)
    if option == "scoring":
        return SCORINGS[value]
    return value


def check_requirements(args, model):
    """Raise for a parameter out of range, or when the GPU or matplotlib that
    an option asks for is missing: before the data is loaded."""
    classifier_of(model)._validate_params()  # scikit-learn's checks, as fit makes them
    if wants_gpu(args.device):
        cuda_namespace(parse_device(args.device)[1])
    if args.plot is not None:
        _check_plot_file(args.plot)


def _check_plot_file(path):
    try:
        importlib.import_module("matplotlib")
    except ImportError as error:
        raise ImportError(
            "--plot needs matplotlib, which is not installed: "
            "pip install 'sknn[plot]' (or pip install matplotlib)."
        ) from error
    from matplotlib.backend_bases import FigureCanvasBase

    formats = FigureCanvasBase.get_supported_filetypes()
    suffix = path.suffix.lstrip(".").lower()
    if suffix and suffix not in formats:
        raise ValueError(
            f"--plot {path}: matplotlib cannot write {suffix!r} files; use one of "
            f"{', '.join(sorted(formats))}."
        )
    if not path.parent.is_dir():
        raise FileNotFoundError(f"--plot {path}: no directory {path.parent}")


def fit_timed(model, X, y):
    """Fit ``model``; return ``(wall, cpu)`` seconds (cpu: all threads together).

    Warnings go to stderr as ``sknn: warning: ...`` lines, except the
    ConvergenceWarning: the report says when a fit ran out of epochs.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.showwarning = _show_warning
        wall, cpu = time.perf_counter(), time.process_time()
        model.fit(X, y)
        return time.perf_counter() - wall, time.process_time() - cpu


def _show_warning(message, category, filename, lineno, file=None, line=None):
    print(f"sknn: warning: {message}", file=sys.stderr)


def report(model, X_test, y_test, wall, cpu):
    """The layer table, one line per epoch, the test accuracy and the fit time."""
    mlp = classifier_of(model)
    return "\n".join(
        [
            network_summary(mlp),
            "",
            *epoch_lines(mlp),
            *stopping_lines(mlp),
            "",
            f"test accuracy: {model.score(X_test, y_test):.4f}",
            f"fit time: {wall:.2f} s (CPU time {cpu:.2f} s)",
        ]
    )


def epoch_lines(mlp):
    """A header and one line per epoch: the training loss, and with a validation
    set its loss and accuracy; a ``*`` marks the epoch whose weights are kept."""
    step = _step_name(mlp)
    columns = {"train loss": mlp.loss_curve_}
    if mlp.validation_scores_ is not None:
        columns["val. loss"] = mlp.validation_loss_curve_
        if mlp.scoring is None:
            columns["val. accuracy"] = mlp.validation_scores_
    kept = kept_epoch(mlp)
    lines = ["  ".join([step, *columns])]
    for epoch, values in enumerate(zip(*columns.values(), strict=True), start=1):
        cells = [f"{epoch:{len(step)}d}"]
        cells += [f"{value:{len(name)}.4f}" for name, value in zip(columns, values, strict=True)]
        lines.append("  ".join(cells) + ("  *" if epoch == kept else ""))
    return lines


def kept_epoch(mlp):
    """The epoch whose weights early stopping kept (the first best score); None without."""
    scores = mlp.validation_scores_
    if not scores:
        return None
    return scores.index(max(scores)) + 1


def stopping_lines(mlp):
    """Why the fit ended: the epoch limit, or no further improvement; which
    epoch's weights the model keeps."""
    step = _step_name(mlp)
    kept = kept_epoch(mlp)
    if mlp.n_iter_ >= mlp.max_iter:
        why = f"stopped at the limit of {mlp.max_iter} {step}s (--epochs)"
    elif mlp.solver == "lbfgs":
        why = f"converged after {mlp.n_iter_} {step}s"
    else:
        why = (
            f"stopped after {mlp.n_iter_} epochs: {_watched(mlp)} did not improve "
            f"for {mlp.n_iter_no_change} epochs"
        )
    if kept is None:
        return [why]
    return [why, f"* kept: the weights of epoch {kept}, the best {_watched(mlp)}"]


def _watched(mlp):
    """What decides when to stop: a validation measure, or the training loss."""
    if mlp.validation_scores_ is None:
        return "training loss"
    return "validation loss" if mlp.scoring == "loss" else "validation accuracy"


def _step_name(mlp):
    """What one step of the fit is called: an epoch, or an L-BFGS iteration."""
    return "iteration" if mlp.solver == "lbfgs" else "epoch"


def write_plot(mlp, path, dataset):
    """Draw ``mlp``'s training curves into the image file ``path``."""
    import matplotlib

    matplotlib.use("Agg")  # draw into a file; no window
    import matplotlib.pyplot as plt

    from sknn._extras._display import TrainingCurveDisplay

    units = "-".join(str(coef.shape[0]) for coef in mlp.coefs_) + f"-{mlp.n_outputs_}"
    display = TrainingCurveDisplay.from_estimator(mlp, title=f"{dataset}, {units}")
    display.figure_.savefig(path, dpi=100)
    plt.close(display.figure_)


def _positive_int(text):
    """An argparse type: an integer of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def _device(text):
    """An argparse type: a ``device`` parameter (None, cpu, cuda, cuda:N)."""
    if text == "None":
        return None
    try:
        parse_device(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _defaults(name, show=str):
    """Each dataset's default for parameter ``name``, for the help text."""
    default = inspect.signature(MLPClassifier).parameters[name].default
    values = {dataset: params.get(name, default) for dataset, params in DATASET_PARAMS.items()}
    if len(set(values.values())) == 1:
        return show(next(iter(values.values())))
    return ", ".join(f"{show(value)} on {dataset}" for dataset, value in values.items())


def _units(sizes):
    return " ".join(str(units) for units in sizes)


def _error_message(error):
    """Why the run cannot start; for a missing data file, the option that fixes it."""
    if isinstance(error, FileNotFoundError) and "Fashion-MNIST" in str(error):
        return f"{error} (on the command line: --data-dir DIR)"
    return str(error)

"""
==========================================
Classifying Fashion-MNIST clothing images
==========================================

This example follows the classic Keras tutorial "Basic classification:
classify images of clothing" with sknn: a network with one hidden layer of
ReLU units learns to tell apart ten kinds of clothing from 28×28 grayscale
images. It trains with the recipe of ``python -m sknn --dataset
fashion-mnist``, :data:`sknn.datasets.FASHION_MNIST_RECIPE`, and shows what
sknn adds to scikit-learn's ``MLPClassifier`` along the way: dropout, the
AdamW solver, early stopping that keeps the best epoch's weights, float32
training, a per-epoch training log (``verbose=2``), a Keras-style
``summary()`` and :class:`sknn.TrainingCurveDisplay`.

The full run reached a **test accuracy of 0.8915** (``random_state=0``,
the same number as ``python -m sknn --dataset fashion-mnist``), above the
0.88 of the Keras tutorial.

The data comes from the Debian package ``dataset-fashion-mnist``
(``/usr/share/datasets/fashion-mnist/``); nothing is downloaded. Run it with::

    python docs/gallery/plot_fashion_mnist.py            # full run, about 15 s on 2 idle cores
    python docs/gallery/plot_fashion_mnist.py --quick    # 10,000 rows, 5 epochs

The figures are written as PNG files into ``--out``: by default a new
temporary directory, so that a run never overwrites the figures committed
with the documentation (``--out docs/gallery/output`` replaces those).
"""

# %%
# Imports and command-line options
# --------------------------------
# matplotlib draws into files (the Agg backend), so the example runs without
# a screen. ``--quick`` trains on 10,000 rows for 5 epochs, for a fast check.

import argparse
import math
import tempfile
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import ConfusionMatrixDisplay

from sknn import MLPClassifier, TrainingCurveDisplay
from sknn.datasets import FASHION_MNIST_RECIPE, load_fashion_mnist

QUICK_TRAIN_ROWS = 10_000
QUICK_EPOCHS = 5


def parse_args(argv=None):
    """The command-line options."""
    parser = argparse.ArgumentParser(description="Fashion-MNIST with sknn's MLPClassifier.")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="directory for the PNG files (default: a new temporary "
        "directory; docs/gallery/output replaces the committed figures)",
    )
    parser.add_argument(
        "--data-dir",
        default=None,
        help="directory of the IDX files (default: /usr/share/datasets/fashion-mnist/)",
    )
    parser.add_argument(
        "--max-epochs",
        type=int,
        default=FASHION_MNIST_RECIPE["max_iter"],
        help=f"max_iter (default: {FASHION_MNIST_RECIPE['max_iter']})",
    )
    parser.add_argument(
        "--dropout",
        type=float,
        default=FASHION_MNIST_RECIPE["dropout"],
        help=f"dropout rate of the hidden layer (default: {FASHION_MNIST_RECIPE['dropout']})",
    )
    parser.add_argument(
        "--random-state",
        type=int,
        default=0,
        help="seed of the weights, batches, dropout and validation split (default: 0)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"train on {QUICK_TRAIN_ROWS:,} rows for {QUICK_EPOCHS} epochs",
    )
    return parser.parse_args(argv)


# %%
# Load and normalise the data
# ---------------------------
# ``load_fashion_mnist`` returns 60,000 training and 10,000 test images, each
# flattened to 784 pixels in 0..255, which are scaled to [0, 1] as in the
# Keras tutorial. The test images are only used at the end.
#
# The figure of the last full run (``output/sample_images.png``):
#
# .. image:: /gallery/output/sample_images.png
#    :alt: The first 25 training images with their class names


def load_data(data_dir=None, quick=False, seed=0):
    """``(X_train, y_train, X_test, y_test, class_names)``."""
    data = load_fashion_mnist(data_dir=data_dir)
    X_train, X_test = data.X_train / 255, data.X_test / 255  # (60000, 784), in [0, 1]
    y_train, y_test = data.y_train, data.y_test
    if quick and len(X_train) > QUICK_TRAIN_ROWS:
        rng = np.random.default_rng(seed)
        rows = np.sort(rng.choice(len(X_train), QUICK_TRAIN_ROWS, replace=False))
        X_train, y_train = X_train[rows], y_train[rows]
    return X_train, y_train, X_test, y_test, data.target_names


def plot_samples(X, y, class_names, path):
    """The first 25 training images with their class names."""
    side = image_side(X.shape[1])
    fig, axes = plt.subplots(5, 5, figsize=(7, 7.5))
    for ax, image, label in zip(axes.flat, X, y, strict=False):  # up to 25 images
        ax.imshow(image.reshape(side, side), cmap="binary")
        ax.set_xlabel(class_names[label], fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes.flat[len(X) :]:
        ax.set_axis_off()
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def image_side(n_features):
    """The side of the square images whose pixels are the features (28 for 784)."""
    side = math.isqrt(n_features)
    if side * side != n_features:
        raise ValueError(f"{n_features} features are not a square image.")
    return side


# %%
# Build the model
# ---------------
# :data:`sknn.datasets.FASHION_MNIST_RECIPE` holds the parameters that
# ``python -m sknn --dataset fashion-mnist`` trains with; the example takes
# them from there, so both always train the same network:
#
# - a hidden layer of 256 ReLU units (the Keras tutorial has 128), with
#   ``dropout`` zeroing a fifth of them in every training batch (predictions
#   use them all);
# - the AdamW solver at Adam's learning rate of 0.001, whose decoupled
#   weight decay ``alpha`` shrinks the weights a little at every step;
# - batches of 128 rows and ``dtype='float32'``: fewer, cheaper matrix
#   products than float64, an epoch takes about half a second of CPU time;
# - early stopping: 10% of the training rows are held out, and after
#   ``n_iter_no_change`` (20) epochs without a better validation accuracy
#   training stops; either way, the weights of the best epoch are restored.
#   The validation accuracy is noisy (6,000 images) and still rises after 30
#   epochs, so a shorter patience can stop at an early lucky epoch: with 10,
#   one run of five stopped after 22 epochs at a test accuracy of 0.885.
#   (``fit(X, y, X_val=..., y_val=...)`` takes a validation set of your own
#   instead.) Stopping on the validation loss (``scoring='loss'``) instead
#   stops some 10 to 15 epochs earlier, at a test accuracy of 0.887 to 0.893
#   in our runs: the validation loss starts to rise (the network grows more
#   confident, on the images it gets wrong too) while the accuracy still
#   improves.
#
# The Keras tutorial's ``Sequential([Flatten(), Dense(128, "relu"),
# Dense(10)])`` corresponds to ``hidden_layer_sizes=(128,)``: the images are
# already flat, and the 10-unit softmax output layer follows from the ten
# classes.


def build_model(max_epochs, dropout, random_state=0):
    """The MLPClassifier of the recipe, not yet fitted."""
    params = {**FASHION_MNIST_RECIPE, "max_iter": max_epochs, "dropout": dropout}
    # verbose=2: a line per epoch
    return MLPClassifier(**params, verbose=2, random_state=random_state)


# %%
# Train, with a line per epoch
# ----------------------------
# With ``verbose=2`` each epoch prints its training loss, validation loss
# and validation score (the accuracy).
# sknn builds the network when it sees the data, so ``summary()`` comes
# after ``fit``.


def train(model, X_train, y_train):
    """Fit ``model``; then print its layer table and how training ended."""
    print(model)  # the parameters that differ from the defaults: the recipe
    with warnings.catch_warnings():
        # The line below says when training used up its epochs.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    print()
    model.summary()
    best_epoch = model.validation_scores_.index(model.best_validation_score_) + 1
    ended = "used all its" if model.n_iter_ == model.max_iter else "stopped early after"
    print(
        f"\nTraining {ended} {model.n_iter_} epochs; the weights of epoch {best_epoch} "
        f"(validation accuracy {model.best_validation_score_:.4f}) are kept."
    )
    return model


# %%
# Training curves
# ---------------
# :class:`~sknn.TrainingCurveDisplay` draws the training and validation
# losses per epoch, the validation accuracy on the right axis, and a dashed
# line at the epoch whose weights were kept.
# With dropout the training loss is measured on the thinned network, so it
# can lie above the validation loss.
#
# The figure of the last full run (``output/training_curves.png``):
#
# .. image:: /gallery/output/training_curves.png
#    :alt: Training and validation loss and validation accuracy per epoch


def plot_curves(model, path):
    """The losses and the validation accuracy per epoch, drawn into ``path``."""
    units = "-".join(str(coef.shape[0]) for coef in model.coefs_) + f"-{model.n_outputs_}"
    display = TrainingCurveDisplay.from_estimator(model, title=f"Fashion-MNIST, {units}")
    display.figure_.savefig(path, dpi=80)
    plt.close(display.figure_)


# %%
# What the first layer learned
# ----------------------------
# Column ``j`` of ``coefs_[0]`` holds the 784 weights from the pixels to
# hidden unit ``j``. Shown as an image, red marks the pixels where the
# garment (bright pixels) excites the unit, blue where it inhibits it. The
# side of the image is the square root of the number of features (28 here).
#
# The figure of the last full run (``output/first_layer_weights.png``):
#
# .. image:: /gallery/output/first_layer_weights.png
#    :alt: The weights into hidden units 0 to 15 as 28x28 images


def plot_first_layer(model, path, n_units=16):
    """The weights into the first ``n_units`` hidden units, as images, into ``path``."""
    weights = np.asarray(model.coefs_[0])  # (n_features, n_hidden)
    side = image_side(weights.shape[0])
    n_units = min(n_units, weights.shape[1])
    n_cols = math.ceil(math.sqrt(n_units))
    n_rows = math.ceil(n_units / n_cols)
    # One colour scale for every unit, up to the 99th percentile of |weight|
    # so that a few extreme weights do not wash out the rest.
    limit = np.percentile(np.abs(weights[:, :n_units]), 99)
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(1.6 * n_cols, 1.6 * n_rows), squeeze=False)
    for unit, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if unit < n_units:
            ax.imshow(weights[:, unit].reshape(side, side), cmap="RdBu_r", vmin=-limit, vmax=limit)
            ax.set_title(f"unit {unit}", fontsize=8)
    fig.suptitle("First-layer weights")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


# %%
# Test accuracy and confusion matrix
# ----------------------------------
# The test images were never seen in training nor in early stopping. The
# confusion matrix shows which classes the network mixes up: shirts with
# T-shirts, pullovers and coats, as in the Keras tutorial.
#
# The figure of the last full run (``output/confusion_matrix.png``):
#
# .. image:: /gallery/output/confusion_matrix.png
#    :alt: The confusion matrix of the test set


def evaluate(model, X_test, y_test, class_names, path):
    """The test accuracy; the confusion matrix drawn into ``path``."""
    y_pred = model.predict(X_test)
    accuracy = float(np.mean(y_pred == y_test))
    fig, ax = plt.subplots(figsize=(8, 7))
    ConfusionMatrixDisplay.from_predictions(
        y_test,
        y_pred,
        labels=np.arange(len(class_names)),
        display_labels=class_names,
        xticks_rotation="vertical",
        colorbar=False,
        ax=ax,
    )
    ax.set_title(f"Test accuracy {accuracy:.4f}")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return accuracy


# %%
# Putting it together
# -------------------


def main(argv=None):
    """Run the example; return the test accuracy."""
    args = parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="sknn-fashion-mnist-"))
    out.mkdir(parents=True, exist_ok=True)
    X_train, y_train, X_test, y_test, class_names = load_data(args.data_dir, args.quick)
    print(
        f"Training on {len(X_train):,} images, testing on {len(X_test):,}; "
        f"{X_train.shape[1]} pixels each."
    )
    plot_samples(X_train[:25], y_train[:25], class_names, out / "sample_images.png")
    max_epochs = QUICK_EPOCHS if args.quick else args.max_epochs
    model = build_model(max_epochs, args.dropout, args.random_state)
    train(model, X_train, y_train)
    plot_curves(model, out / "training_curves.png")
    plot_first_layer(model, out / "first_layer_weights.png")
    accuracy = evaluate(model, X_test, y_test, class_names, out / "confusion_matrix.png")
    print(f"Test accuracy: {accuracy:.4f}")
    print(f"Figures written to {out}")
    return accuracy


if __name__ == "__main__":
    main()

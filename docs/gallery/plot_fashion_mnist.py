"""
==========================================
Classifying Fashion-MNIST clothing images
==========================================

This example follows the classic Keras tutorial "Basic classification:
classify images of clothing" with sknn: a network with one hidden layer of
128 ReLU units learns to tell apart ten kinds of clothing from 28×28
grayscale images. Along the way it shows what sknn adds to scikit-learn's
``MLPClassifier``: an explicit validation set for early stopping
(``fit(..., X_val=, y_val=)``), dropout, a per-epoch training log
(``verbose=2``), a Keras-style ``summary()`` and
:class:`sknn.TrainingCurveDisplay`.

The data comes from the Debian package ``dataset-fashion-mnist``
(``/usr/share/datasets/fashion-mnist/``); nothing is downloaded. Run it with::

    python docs/gallery/plot_fashion_mnist.py            # full run, a few minutes
    python docs/gallery/plot_fashion_mnist.py --quick    # 10,000 rows, 5 epochs

The figures are written as PNG files into ``--out`` (default:
``docs/gallery/output``).
"""

# %%
# Imports and command-line options
# --------------------------------
# matplotlib draws into files (the Agg backend), so the example runs without
# a screen. ``--quick`` trains on 10,000 rows for 5 epochs, for a fast check.

import argparse
import math
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.metrics import ConfusionMatrixDisplay  # noqa: E402

from sknn import MLPClassifier, TrainingCurveDisplay  # noqa: E402
from sknn.datasets import load_fashion_mnist  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parent / "output"
N_VALIDATION = 10_000  # the last rows of the training set, as in the Keras tutorial
QUICK_TRAIN_ROWS = 10_000
QUICK_EPOCHS = 5


def parse_args(argv=None):
    """The command-line options."""
    parser = argparse.ArgumentParser(description="Fashion-MNIST with sknn's MLPClassifier.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="directory for the PNG files (default: docs/gallery/output)")
    parser.add_argument("--data-dir", default=None,
                        help="directory of the IDX files "
                        "(default: /usr/share/datasets/fashion-mnist/)")
    parser.add_argument("--max-epochs", type=int, default=30, help="max_iter (default: 30)")
    parser.add_argument("--dropout", type=float, default=0.2,
                        help="dropout rate of the hidden layer (default: 0.2)")
    parser.add_argument("--quick", action="store_true",
                        help=f"train on {QUICK_TRAIN_ROWS:,} rows for {QUICK_EPOCHS} epochs")
    return parser.parse_args(argv)


# %%
# Load and normalise the data
# ---------------------------
# ``load_fashion_mnist`` returns 60,000 training and 10,000 test images, each
# flattened to 784 pixels in 0..255. Scaling them to [0, 1] as float32 keeps
# the whole fit in float32. Like the Keras tutorial's ``validation_data``,
# the last 10,000 training images become the validation set that early
# stopping watches; the network trains on the first 50,000.
#
# The figure of the last full run (``output/sample_images.png``):
#
# .. image:: /gallery/output/sample_images.png
#    :alt: The first 25 training images with their class names


def load_data(data_dir=None, quick=False, seed=0):
    """``(X_train, y_train, X_val, y_val, X_test, y_test, class_names)``."""
    X_train, X_test, y_train, y_test = load_fashion_mnist(data_dir=data_dir, return_X_y=True)
    class_names = load_fashion_mnist(data_dir=data_dir).target_names
    X_train = (X_train / 255).astype(np.float32)  # (60000, 784), in [0, 1]
    X_test = (X_test / 255).astype(np.float32)
    n_val = min(N_VALIDATION, len(X_train) // 6)  # 10,000 of 60,000; less on small files
    X_val, y_val = X_train[-n_val:], y_train[-n_val:]
    X_train, y_train = X_train[:-n_val], y_train[:-n_val]
    if quick and len(X_train) > QUICK_TRAIN_ROWS:
        rng = np.random.default_rng(seed)
        rows = np.sort(rng.choice(len(X_train), QUICK_TRAIN_ROWS, replace=False))
        X_train, y_train = X_train[rows], y_train[rows]
    return X_train, y_train, X_val, y_val, X_test, y_test, class_names


def plot_samples(X, y, class_names, path):
    """The first 25 training images with their class names."""
    side = image_side(X.shape[1])
    fig, axes = plt.subplots(5, 5, figsize=(7, 7.5))
    for ax, image, label in zip(axes.flat, X, y):
        ax.imshow(image.reshape(side, side), cmap="binary")
        ax.set_xlabel(class_names[label], fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes.flat[len(X):]:
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
# The Keras tutorial's ``Sequential([Flatten(), Dense(128, "relu"),
# Dense(10)])`` is ``hidden_layer_sizes=(128,)``: the images are already
# flat, and the 10-unit softmax output layer follows from the ten classes.
# Adam with a learning rate of 0.001 is the default solver in both.
# ``dropout`` zeroes a fifth of the hidden units in every training batch
# (predictions use them all). Early stopping watches the validation accuracy
# and, after ``n_iter_no_change`` epochs without improvement, stops and
# restores the best epoch's weights. Batches of 128 rows (Keras uses 32)
# mean fewer, larger matrix products: an epoch takes about a second on a
# 2-core CPU.


def build_model(max_epochs, dropout):
    """The MLPClassifier, not yet fitted."""
    return MLPClassifier(
        hidden_layer_sizes=(128,),
        batch_size=128,
        max_iter=max_epochs,
        dropout=dropout,
        early_stopping=True,
        n_iter_no_change=5,
        verbose=2,  # one line per epoch
        random_state=0,
    )


# %%
# Train, with a line per epoch
# ----------------------------
# ``X_val``/``y_val`` replace the split that ``early_stopping`` would
# otherwise take from the training rows. With ``verbose=2`` each epoch
# prints its training loss, validation loss and validation accuracy. sknn
# builds the network when it sees the data, so ``summary()`` comes after
# ``fit``.


def train(model, X_train, y_train, X_val, y_val):
    """Fit ``model``; then print its layer table and how training ended."""
    with warnings.catch_warnings():
        # The line below says when training used up its epochs.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train, X_val=X_val, y_val=y_val)
    print()
    model.summary()
    best_epoch = model.validation_scores_.index(model.best_validation_score_) + 1
    ended = "used all its" if model.n_iter_ == model.max_iter else "stopped early after"
    print(f"\nTraining {ended} {model.n_iter_} epochs; the weights of epoch "
          f"{best_epoch} (validation accuracy {model.best_validation_score_:.4f}) are kept.")
    return model


# %%
# Training curves
# ---------------
# :class:`~sknn.TrainingCurveDisplay` draws the training and validation
# losses per epoch, the validation accuracy on the right axis, and a dashed
# line at the epoch whose weights were kept. With dropout the training loss
# is measured on the thinned network, so it can lie above the validation
# loss.
#
# The figure of the last full run (``output/training_curves.png``):
#
# .. image:: /gallery/output/training_curves.png
#    :alt: Training and validation loss and validation accuracy per epoch


def plot_curves(model, path):
    """The losses and the validation accuracy per epoch, drawn into ``path``."""
    display = TrainingCurveDisplay.from_estimator(model, title="Fashion-MNIST, 784-128-10")
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
    weights = np.asarray(model.coefs_[0])  # (n_features, 128)
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
        y_test, y_pred, labels=np.arange(len(class_names)), display_labels=class_names,
        xticks_rotation="vertical", colorbar=False, ax=ax,
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
    args.out.mkdir(parents=True, exist_ok=True)
    data = load_data(args.data_dir, args.quick)
    X_train, y_train, X_val, y_val, X_test, y_test, class_names = data
    print(f"Training on {len(X_train):,} images, validating on {len(X_val):,}, "
          f"testing on {len(X_test):,}; {X_train.shape[1]} pixels each.")
    plot_samples(X_train[:25], y_train[:25], class_names, args.out / "sample_images.png")
    max_epochs = QUICK_EPOCHS if args.quick else args.max_epochs
    model = train(build_model(max_epochs, args.dropout), X_train, y_train, X_val, y_val)
    plot_curves(model, args.out / "training_curves.png")
    plot_first_layer(model, args.out / "first_layer_weights.png")
    accuracy = evaluate(model, X_test, y_test, class_names, args.out / "confusion_matrix.png")
    print(f"Test accuracy: {accuracy:.4f}")
    print(f"Figures written to {args.out}")
    return accuracy


if __name__ == "__main__":
    main()

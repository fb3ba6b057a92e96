"""The benchmark data sets, prepared the same way for every library.

Each loader returns a :class:`Data`: train and test arrays, ready to fit.
Nothing is downloaded: Fashion-MNIST is read from the Debian package's IDX
files, digits ships with scikit-learn and Friedman #1 is generated.
"""

import functools
from typing import NamedTuple

import numpy as np
from sklearn.datasets import load_digits, make_friedman1
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn.datasets import load_fashion_mnist

FRIEDMAN_TRAIN_ROWS, FRIEDMAN_TEST_ROWS = 200_000, 20_000


class Data(NamedTuple):
    """Train and test split of one data set."""

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray

    @property
    def train_megabytes(self):
        """Size of ``X_train`` and ``y_train`` in MB (10**6 bytes)."""
        return (self.X_train.nbytes + self.y_train.nbytes) / 1e6


def fashion_mnist(dtype, rows=None):
    """Fashion-MNIST pixels scaled to [0, 1].

    Parameters
    ----------
    dtype : {"float32", "float64"}
        float32 is ``(X / 255).astype(float32)``, float64 is ``X / 255.0``.
    rows : int or None
        Training rows drawn without replacement with seed 0; None keeps all
        60,000. The test set is always the full 10,000 rows.

    Raises
    ------
    OSError, ValueError
        When the IDX files are missing or unreadable.
    """
    X_train, X_test, y_train, y_test = _fashion_mnist_pixels()
    X_train, y_train = subsample(X_train, y_train, rows)
    return Data(_scale_pixels(X_train, dtype), _scale_pixels(X_test, dtype), y_train, y_test)


@functools.lru_cache(maxsize=1)
def _fashion_mnist_pixels():
    """The raw uint8-valued arrays, read once per process."""
    return load_fashion_mnist(return_X_y=True)


def _scale_pixels(X, dtype):
    if np.dtype(dtype) == np.float32:
        return (X / 255).astype(np.float32)
    return X / 255.0


def subsample(X, y, rows, seed=0):
    """``rows`` rows of (X, y) drawn without replacement (all when None or more)."""
    if rows is None or rows >= len(X):
        return X, y
    chosen = np.random.default_rng(seed).choice(len(X), size=rows, replace=False)
    return X[chosen], y[chosen]


def digits():
    """digits, split 75/25 (stratified, seed 0), standardised on the train part."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return Data(scaler.transform(X_train), scaler.transform(X_test), y_train, y_test)


def friedman(rows=None):
    """Friedman #1 (noise 1.0, seed 0): the first 200,000 rows train, the last 20,000 test.

    ``rows`` keeps only the first ``rows`` training rows (the test rows stay).
    """
    X, y = make_friedman1(
        n_samples=FRIEDMAN_TRAIN_ROWS + FRIEDMAN_TEST_ROWS, noise=1.0, random_state=0
    )
    train_end = FRIEDMAN_TRAIN_ROWS if rows is None else min(rows, FRIEDMAN_TRAIN_ROWS)
    return Data(X[:train_end], X[FRIEDMAN_TRAIN_ROWS:], y[:train_end], y[FRIEDMAN_TRAIN_ROWS:])


# name -> loader(rows); the cases name their data set by these keys.
DATASETS = {
    "fashion-mnist-float32": functools.partial(fashion_mnist, "float32"),
    "fashion-mnist-float64": functools.partial(fashion_mnist, "float64"),
    "digits": lambda rows=None: digits(),
    "friedman": friedman,
}


def load(name, rows=None):
    """The data set registered as ``name`` in :data:`DATASETS`."""
    return DATASETS[name](rows)

"""Loaders for datasets stored on the local machine; nothing is ever downloaded.

Fashion-MNIST is read from the IDX files that the Debian package
``dataset-fashion-mnist`` installs under ``/usr/share/datasets/fashion-mnist/``.
"""

import gzip
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

__all__ = ["FASHION_MNIST_CLASSES", "FASHION_MNIST_RECIPE", "load_fashion_mnist", "read_idx"]

FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")

#: The names of the ten Fashion-MNIST classes: class index ``y`` (0..9) is
#: ``FASHION_MNIST_CLASSES[y]``, from "T-shirt/top" to "Ankle boot".
FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

#: The ``sknn.MLPClassifier`` parameters with which ``python -m sknn --dataset
#: fashion-mnist`` and the gallery example train on Fashion-MNIST, pixels
#: divided by 255: ``MLPClassifier(**FASHION_MNIST_RECIPE, random_state=0)``.
#: It trains for up to 40 epochs and keeps the epoch with the best validation
#: accuracy: test accuracy 0.8915 with ``random_state=0``, and 0.8915 to 0.8960
#: for ``random_state`` 0 to 4 (on 2 CPU cores; the last digits change with the
#: BLAS library and its threads), above the 0.888 of Keras' tutorial network.
FASHION_MNIST_RECIPE = {
    "hidden_layer_sizes": (256,),
    "solver": "adamw",
    "alpha": 0.01,  # AdamW's decoupled weight decay
    "batch_size": 128,
    "max_iter": 40,
    "early_stopping": True,  # keeps the weights of the epoch with the best validation accuracy
    "n_iter_no_change": 20,  # patience: the validation accuracy is noisy, and still rises at 30
    "dropout": 0.2,
    "dtype": "float32",
}

# The IDX magic number is 0x0000TTNN: TT names the element type, NN the rank.
_IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
IMAGES_MAGIC = 0x00000803  # unsigned bytes, rank 3: (n_images, rows, cols)
LABELS_MAGIC = 0x00000801  # unsigned bytes, rank 1: (n_labels,)

_INSTALL_HINT = (
    "install the Debian package dataset-fashion-mnist "
    "(apt-get install dataset-fashion-mnist) or pass data_dir="
)

_DESCR = """\
Fashion-MNIST
-------------

Zalando's article images: 70,000 grayscale images of 28x28 pixels, 60,000 for
training and 10,000 for testing, in 10 balanced classes (T-shirt/top, Trouser,
Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot). Each row of
``X_train`` / ``X_test`` is one image flattened row by row to 784 pixel
intensities in 0..255 (uint8); ``y_train`` / ``y_test`` hold the class index
0..9 (int64), whose name is ``target_names[y]``. MIT license.

Han Xiao, Kashif Rasul, Roland Vollgraf. "Fashion-MNIST: a Novel Image Dataset
for Benchmarking Machine Learning Algorithms", arXiv:1708.07747, 2017.
"""


def read_idx(path):
    """Read an IDX file (plain, or gzip-compressed when named ``*.gz``).

    Parameters
    ----------
    path : str or path-like
        The file to read.

    Returns
    -------
    array : ndarray
        The array stored in the file, in native byte order, with the
        dimensions written in its header.

    Raises
    ------
    ValueError
        If the magic number is not an IDX one, or the data does not hold
        exactly the number of elements the header announces.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "labels-idx1-ubyte"
    >>> _ = path.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 0, 9]))
    >>> read_idx(path)
    array([7, 0, 9], dtype=uint8)
    """
    return _parse_idx(_read_bytes(path), path)[1]


def load_fashion_mnist(*, data_dir=None, return_X_y=False):
    """Load the Fashion-MNIST dataset from local IDX files (classification).

    =================   ==============
    Classes                         10
    Samples per class             7000
    Samples total                70000
    Dimensionality                 784
    Features            integers 0-255
    =================   ==============

    Parameters
    ----------
    data_dir : str or path-like, default=None
        Directory holding ``train-images-idx3-ubyte``,
        ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte`` and
        ``t10k-labels-idx1-ubyte``, each gzip-compressed (``.gz``, preferred
        when both exist) or plain. None means
        ``/usr/share/datasets/fashion-mnist/``, where the Debian package
        ``dataset-fashion-mnist`` installs them.
    return_X_y : bool, default=False
        If True, return ``(X_train, X_test, y_train, y_test)``, in the order
        of ``train_test_split``, instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``X_train`` (60000, 784) and ``X_test`` (10000, 784) uint8 pixels,
        ``y_train`` and ``y_test`` int64 class indices, ``target_names``
        (the 10 class names) and ``DESCR``.
    (X_train, X_test, y_train, y_test) : tuple of ndarray
        If ``return_X_y`` is True.

    Raises
    ------
    FileNotFoundError
        If a file is missing; the message names it, the directory, and how to
        install the data.
    ValueError
        If a file is not the expected IDX array, or images and labels differ
        in number.

    Examples
    --------
    >>> from sknn.datasets import load_fashion_mnist
    >>> data = load_fashion_mnist()  # doctest: +SKIP
    >>> data.X_train.shape, data.target_names[data.y_train[0]]  # doctest: +SKIP
    ((60000, 784), 'Ankle boot')
    """
    data_dir = FASHION_MNIST_DIR if data_dir is None else Path(data_dir)
    X_train, y_train = _load_split(data_dir, "train")
    X_test, y_test = _load_split(data_dir, "t10k")
    if return_X_y:
        return X_train, X_test, y_train, y_test
    return Bunch(
        X_train=X_train,
        y_train=y_train,
        X_test=X_test,
        y_test=y_test,
        target_names=np.array(FASHION_MNIST_CLASSES),
        DESCR=_DESCR,
    )


def _load_split(data_dir, prefix):
    """Images (n, rows * cols) uint8 and labels (n,) int64 of one split."""
    images = _read_expected(_find_file(data_dir, f"{prefix}-images-idx3-ubyte"), IMAGES_MAGIC)
    labels = _read_expected(_find_file(data_dir, f"{prefix}-labels-idx1-ubyte"), LABELS_MAGIC)
    if len(images) != len(labels):
        raise ValueError(
            f"{prefix!r} split in {data_dir} has {len(images)} images but {len(labels)} labels."
        )
    return images.reshape(len(images), -1), labels.astype(np.int64)


def _find_file(data_dir, name):
    """Path of ``name.gz`` or else ``name`` in ``data_dir``."""
    for candidate in (data_dir / f"{name}.gz", data_dir / name):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"Fashion-MNIST file {name}.gz (or uncompressed {name}) not found in "
        f"directory {data_dir}: {_INSTALL_HINT}"
    )


def _read_expected(path, expected_magic):
    """The array in ``path``, checking its magic number first."""
    magic, array = _parse_idx(_read_bytes(path), path)
    if magic != expected_magic:
        raise ValueError(
            f"{path} has magic number 0x{magic:08X}; expected "
            f"0x{expected_magic:08X}. Is it a corrupt or different file?"
        )
    return array


def _read_bytes(path):
    """The file's contents, decompressed when its name ends in ``.gz``."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as file:
            return file.read()
    except (gzip.BadGzipFile, EOFError) as error:
        raise ValueError(f"{path} is not a valid gzip file: {error}") from error


def _parse_idx(content, path):
    """``(magic, array)`` from the bytes of an IDX file."""
    if len(content) < 4:
        raise ValueError(f"{path} is too short to be an IDX file ({len(content)} bytes).")
    magic = int.from_bytes(content[:4], "big")
    type_code, rank = content[2], content[3]
    if content[:2] != b"\x00\x00" or type_code not in _IDX_DTYPES:
        raise ValueError(f"{path} has magic number 0x{magic:08X}, which is not an IDX one.")
    header_size = 4 + 4 * rank
    if len(content) < header_size:
        raise ValueError(f"{path} ends inside its IDX header.")
    shape = tuple(np.frombuffer(content, dtype=">u4", count=rank, offset=4).tolist())
    dtype = _IDX_DTYPES[type_code]
    expected_size = header_size + dtype.itemsize * int(np.prod(shape))
    if len(content) != expected_size:
        raise ValueError(
            f"{path} holds {len(content)} bytes, but its header {shape} "
            f"announces {expected_size}: the file is truncated or corrupt."
        )
    array = np.frombuffer(content, dtype=dtype, offset=header_size)
    # astype copies: a writable array in native byte order, not a bytes view.
    return magic, array.astype(dtype.newbyteorder("="), copy=True).reshape(shape)

"""Test helper: write small IDX files, such as a miniature Fashion-MNIST."""

import gzip
from pathlib import Path

import numpy as np

# IDX element-type codes, the third byte of the magic number.
_TYPE_CODES = {
    np.dtype(np.uint8): 0x08,
    np.dtype(np.int8): 0x09,
    np.dtype(np.int16): 0x0B,
    np.dtype(np.int32): 0x0C,
    np.dtype(np.float32): 0x0D,
    np.dtype(np.float64): 0x0E,
}


def idx_bytes(array):
    """The IDX encoding of ``array``: magic number, big-endian dims, big-endian data."""
    array = np.asarray(array)
    magic = bytes([0, 0, _TYPE_CODES[array.dtype], array.ndim])
    dims = np.array(array.shape, dtype=">u4").tobytes()
    return magic + dims + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_idx(path, array):
    """Write ``array`` to ``path`` as IDX, gzip-compressed when the name ends in .gz."""
    write_raw(path, idx_bytes(array))


def write_raw(path, content):
    """Write ``content`` to ``path``, gzip-compressed when the name ends in .gz."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wb") as file:
        file.write(content)


def write_fashion_mnist(directory, n_train=100, n_test=30, side=4, compress=True, seed=0):
    """Write the four Fashion-MNIST files, with ``side``x``side`` images.

    Each class gets its own pixel pattern plus noise, so a classifier can learn
    it. Returns ``(train_images, train_labels, test_images, test_labels)``.
    """
    rng = np.random.default_rng(seed)
    patterns = rng.integers(0, 256, size=(10, side, side))
    arrays = []
    for n_images in (n_train, n_test):
        labels = np.arange(n_images, dtype=np.uint8) % 10
        noise = rng.integers(-20, 21, size=(n_images, side, side))
        images = np.clip(patterns[labels] + noise, 0, 255).astype(np.uint8)
        arrays += [images, labels]
    suffix = ".gz" if compress else ""
    names = [
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    ]
    for name, array in zip(names, arrays, strict=True):
        write_idx(Path(directory) / f"{name}{suffix}", array)
    return tuple(arrays)

"""sknn.datasets: reading IDX files and loading Fashion-MNIST from disk."""

from pathlib import Path

import numpy as np
import pytest
from sklearn.utils import Bunch

from _idx import idx_bytes, write_fashion_mnist, write_idx, write_raw
from sknn.datasets import FASHION_MNIST_CLASSES, load_fashion_mnist, read_idx

REAL_DATA = Path("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")


# read_idx


@pytest.mark.parametrize("name", ["images-idx3-ubyte", "images-idx3-ubyte.gz"])
def test_read_idx_reads_plain_and_gzip_files(tmp_path, name):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    write_idx(tmp_path / name, images)

    result = read_idx(tmp_path / name)

    assert result.dtype == np.uint8
    np.testing.assert_array_equal(result, images)


def test_read_idx_converts_big_endian_data_to_native_order(tmp_path):
    values = np.array([[1, -2, 70000], [-300000, 5, 0]], dtype=np.int32)
    write_idx(tmp_path / "values.idx", values)

    result = read_idx(tmp_path / "values.idx")

    assert result.dtype == np.dtype(np.int32)
    assert result.dtype.isnative
    np.testing.assert_array_equal(result, values)


def test_read_idx_returns_a_writable_array(tmp_path):
    write_idx(tmp_path / "labels", np.array([1, 2, 3], dtype=np.uint8))

    assert read_idx(tmp_path / "labels").flags.writeable


def test_read_idx_rejects_a_non_idx_magic_number(tmp_path):
    write_raw(tmp_path / "not-idx", b"\x1f\x8b\x08\x01\x00\x00\x00\x01\x00")

    with pytest.raises(ValueError, match="magic number 0x1F8B0801"):
        read_idx(tmp_path / "not-idx")


def test_read_idx_rejects_a_truncated_file(tmp_path):
    content = idx_bytes(np.zeros((5, 2, 2), dtype=np.uint8))
    write_raw(tmp_path / "truncated", content[:-1])

    with pytest.raises(ValueError, match="truncated or corrupt"):
        read_idx(tmp_path / "truncated")


def test_read_idx_rejects_a_corrupt_gzip_file(tmp_path):
    (tmp_path / "broken.gz").write_bytes(b"this is not gzip data")

    with pytest.raises(ValueError, match="not a valid gzip file"):
        read_idx(tmp_path / "broken.gz")


# load_fashion_mnist


def test_load_fashion_mnist_returns_a_bunch_of_flattened_images(tmp_path):
    train_images, train_labels, test_images, test_labels = write_fashion_mnist(
        tmp_path, n_train=20, n_test=10, side=28
    )

    data = load_fashion_mnist(data_dir=tmp_path)

    assert isinstance(data, Bunch)
    assert data.X_train.shape == (20, 784) and data.X_test.shape == (10, 784)
    assert data.X_train.dtype == np.uint8 and data.X_test.dtype == np.uint8
    assert data.y_train.dtype == np.int64 and data.y_test.dtype == np.int64
    np.testing.assert_array_equal(data.X_train, train_images.reshape(20, 784))
    np.testing.assert_array_equal(data.X_test, test_images.reshape(10, 784))
    np.testing.assert_array_equal(data.y_train, train_labels)
    np.testing.assert_array_equal(data.y_test, test_labels)


def test_load_fashion_mnist_names_the_ten_classes_and_describes_itself(tmp_path):
    write_fashion_mnist(tmp_path)

    data = load_fashion_mnist(data_dir=tmp_path)

    assert list(data.target_names) == [
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
    ]
    assert list(FASHION_MNIST_CLASSES) == list(data.target_names)
    assert "Fashion-MNIST" in data.DESCR


def test_return_X_y_gives_train_test_split_order(tmp_path):
    write_fashion_mnist(tmp_path, n_train=20, n_test=10)
    data = load_fashion_mnist(data_dir=tmp_path)

    X_train, X_test, y_train, y_test = load_fashion_mnist(data_dir=tmp_path, return_X_y=True)

    np.testing.assert_array_equal(X_train, data.X_train)
    np.testing.assert_array_equal(X_test, data.X_test)
    np.testing.assert_array_equal(y_train, data.y_train)
    np.testing.assert_array_equal(y_test, data.y_test)


def test_load_fashion_mnist_reads_uncompressed_files(tmp_path):
    train_images, train_labels, _, _ = write_fashion_mnist(tmp_path, compress=False)

    data = load_fashion_mnist(data_dir=tmp_path)

    assert not list(tmp_path.glob("*.gz"))
    np.testing.assert_array_equal(data.X_train, train_images.reshape(len(train_images), -1))
    np.testing.assert_array_equal(data.y_train, train_labels)


def test_missing_file_error_names_file_directory_and_debian_package(tmp_path):
    write_fashion_mnist(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()

    with pytest.raises(FileNotFoundError) as excinfo:
        load_fashion_mnist(data_dir=tmp_path)

    message = str(excinfo.value)
    assert "t10k-labels-idx1-ubyte.gz" in message
    assert str(tmp_path) in message
    assert "install the Debian package dataset-fashion-mnist" in message
    assert "apt-get install dataset-fashion-mnist" in message
    assert "data_dir=" in message


def test_labels_in_place_of_images_raise_a_magic_number_error(tmp_path):
    write_fashion_mnist(tmp_path)
    labels = read_idx(tmp_path / "train-labels-idx1-ubyte.gz")
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", labels)

    with pytest.raises(ValueError, match="magic number 0x00000801; expected 0x00000803"):
        load_fashion_mnist(data_dir=tmp_path)


def test_different_numbers_of_images_and_labels_raise(tmp_path):
    write_fashion_mnist(tmp_path, n_test=10)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.zeros(9, dtype=np.uint8))

    with pytest.raises(ValueError, match="10 images but 9 labels"):
        load_fashion_mnist(data_dir=tmp_path)


@pytest.mark.skipif(
    not REAL_DATA.exists(),
    reason="Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)",
)
def test_loads_the_installed_fashion_mnist():
    data = load_fashion_mnist()

    assert data.X_train.shape == (60000, 784) and data.X_test.shape == (10000, 784)
    assert data.y_train.shape == (60000,) and data.y_test.shape == (10000,)
    assert data.X_train.max() == 255
    np.testing.assert_array_equal(np.bincount(data.y_train), np.full(10, 6000))
    np.testing.assert_array_equal(np.bincount(data.y_test), np.full(10, 1000))

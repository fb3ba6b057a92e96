"""The Fashion-MNIST gallery example runs end to end on a miniature dataset."""

import contextlib
import importlib.util
import io
import re
from pathlib import Path

import pytest

from _idx import write_fashion_mnist
from sknn.datasets import FASHION_MNIST_RECIPE

pytest.importorskip("matplotlib")

GALLERY = Path(__file__).resolve().parents[1] / "docs" / "gallery"
FIGURES = (
    "sample_images.png",
    "training_curves.png",
    "first_layer_weights.png",
    "confusion_matrix.png",
)


def load_example(name):
    """Import a gallery script by its path (docs/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"gallery_{name}", GALLERY / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def example():
    return load_example("plot_fashion_mnist")


@pytest.fixture(scope="module")
def quick_run(example, tmp_path_factory):
    """The example in --quick mode on 8x8 images, with the default --out;
    ``(accuracy, stdout, out_dir)``."""
    root = tmp_path_factory.mktemp("gallery")
    write_fashion_mnist(root, n_train=900, n_test=100, side=8, compress=True, seed=0)
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        accuracy = example.main(["--quick", "--data-dir", str(root)])
    out = Path(re.search(r"^Figures written to (.+)$", stdout.getvalue(), re.MULTILINE)[1])
    return accuracy, stdout.getvalue(), out


def test_quick_run_writes_every_figure_as_png(quick_run):
    _, _, out = quick_run
    for name in FIGURES:
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name


def test_quick_run_prints_the_test_accuracy(quick_run):
    accuracy, stdout, _ = quick_run
    assert f"Test accuracy: {accuracy:.4f}" in stdout.splitlines()
    assert 0.5 < accuracy <= 1.0  # each class has its own pixel pattern: easy to learn


def test_quick_run_logs_each_of_its_five_epochs(quick_run):
    _, stdout, _ = quick_run
    epoch_lines = [line for line in stdout.splitlines() if line.startswith("Iteration ")]
    assert [line.split()[1] for line in epoch_lines] == [f"{i}/5" for i in range(1, 6)]
    assert "Total params:" in stdout  # the summary() table


def test_default_output_directory_is_a_new_one_outside_the_committed_figures(quick_run):
    _, _, out = quick_run
    assert out.is_dir()
    assert GALLERY not in out.resolve().parents


def test_example_trains_with_the_command_lines_recipe(example):
    model = example.build_model(FASHION_MNIST_RECIPE["max_iter"], FASHION_MNIST_RECIPE["dropout"])
    params = model.get_params()
    assert {name: params[name] for name in FASHION_MNIST_RECIPE} == dict(FASHION_MNIST_RECIPE)
    assert params["random_state"] == 0  # as python -m sknn


def test_quick_run_prints_the_recipe(quick_run):
    _, stdout, _ = quick_run
    for name in ("solver", "n_iter_no_change", "dropout"):
        assert f"{name}={FASHION_MNIST_RECIPE[name]!r}" in stdout, name

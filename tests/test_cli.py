"""The command line (``python -m sknn``) and the layer table it prints."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from _idx import write_fashion_mnist

from sknn.__main__ import main
from sknn._summary import count_parameters, layer_table

REPO_ROOT = Path(__file__).resolve().parents[1]
QUICK_DIGITS = ["--hidden", "16", "--epochs", "5", "--max-samples", "300"]
EPOCH_WITH_SCORE = re.compile(r"^\s*(\d+)\s+(\d+\.\d{4})\s+(\d\.\d{4})$")
EPOCH_WITHOUT_SCORE = re.compile(r"^\s*(\d+)\s+(\d+\.\d{4})$")
TEST_ACCURACY = re.compile(r"^test accuracy: (\d\.\d{4})$", re.MULTILINE)


def run_cli(capsys, argv):
    """``(exit status, stdout, stderr)`` of ``main(argv)``."""
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def epoch_numbers(out, pattern):
    """The epoch numbers of the lines of ``out`` that match ``pattern``."""
    return [int(match[1]) for line in out.splitlines() if (match := pattern.match(line))]


# layer_table and count_parameters


def test_count_parameters_adds_weights_and_biases_of_each_layer():
    assert count_parameters([784, 64, 10]) == 784 * 64 + 64 + 64 * 10 + 10 == 50890


def test_layer_table_has_one_row_per_layer_and_the_total():
    table = layer_table([784, 64, 10], "relu", "softmax")

    lines = table.splitlines()
    assert re.match(r"input\s+\(None, 784\)\s+-\s+0$", lines[2])
    assert re.match(r"hidden_1 \(Dense\)\s+\(None, 64\)\s+relu\s+50,240$", lines[3])
    assert re.match(r"output \(Dense\)\s+\(None, 10\)\s+softmax\s+650$", lines[4])
    assert lines[-1] == "Total params: 50,890"


def test_layer_table_accepts_one_activation_per_hidden_layer():
    table = layer_table([8, 4, 3, 1], ["tanh", "relu"], "logistic")

    assert re.search(r"hidden_1 \(Dense\)\s+\(None, 4\)\s+tanh\s+36$", table, re.MULTILINE)
    assert re.search(r"hidden_2 \(Dense\)\s+\(None, 3\)\s+relu\s+15$", table, re.MULTILINE)
    assert table.endswith("Total params: 55")


def test_layer_table_rejects_a_wrong_number_of_hidden_activations():
    with pytest.raises(ValueError, match="2 hidden activations for 1 hidden layers"):
        layer_table([8, 4, 1], ["tanh", "relu"], "logistic")


# main on digits


def test_prints_the_layer_table_of_the_fitted_network(capsys):
    status, out, _ = run_cli(capsys, QUICK_DIGITS)

    assert status == 0
    assert re.search(r"^input\s+\(None, 64\)", out, re.MULTILINE)
    assert re.search(r"^hidden_1 \(Dense\)\s+\(None, 16\)\s+relu\s+1,040$", out, re.MULTILINE)
    assert re.search(r"^output \(Dense\)\s+\(None, 10\)\s+softmax\s+170$", out, re.MULTILINE)
    assert "Total params: 1,210" in out


def test_prints_one_line_per_epoch_with_loss_and_validation_accuracy(capsys):
    _, out, _ = run_cli(capsys, QUICK_DIGITS)

    assert "epoch  train loss  val. accuracy" in out
    assert epoch_numbers(out, EPOCH_WITH_SCORE) == [1, 2, 3, 4, 5]
    assert "stopped at the limit of 5 epochs" in out


def test_without_early_stopping_epoch_lines_have_no_validation_column(capsys):
    _, out, _ = run_cli(capsys, [*QUICK_DIGITS, "--epochs", "3", "--no-early-stopping"])

    assert "val. accuracy" not in out
    assert epoch_numbers(out, EPOCH_WITHOUT_SCORE) == [1, 2, 3]


def test_epoch_lines_stop_where_early_stopping_stopped(capsys):
    argv = ["--hidden", "16", "--epochs", "200", "--learning-rate", "0.05", "--max-samples", "400"]
    _, out, _ = run_cli(capsys, argv)

    n_epochs = int(re.search(r"stopped after (\d+) epochs: validation accuracy", out)[1])
    assert n_epochs < 200
    assert epoch_numbers(out, EPOCH_WITH_SCORE) == list(range(1, n_epochs + 1))


def test_reports_a_good_test_accuracy_and_the_fit_time(capsys):
    argv = ["--hidden", "32", "--epochs", "40", "--learning-rate", "0.01", "--max-samples", "600"]
    _, out, _ = run_cli(capsys, argv)

    assert float(TEST_ACCURACY.search(out)[1]) > 0.85
    assert re.search(r"^fit time: \d+\.\d\d s$", out, re.MULTILINE)


def test_max_samples_limits_the_training_rows(capsys):
    _, out, _ = run_cli(capsys, QUICK_DIGITS)

    assert "Training on digits: 300 samples, 64 features" in out


def test_lbfgs_reports_its_iterations(capsys):
    _, out, _ = run_cli(capsys, ["--solver", "lbfgs", "--hidden", "16", "--epochs", "5"])

    assert "stopped at the limit of 5 iterations" in out
    assert "Total params: 1,210" in out
    assert TEST_ACCURACY.search(out)


@pytest.mark.parametrize("option", ["--epochs", "--hidden", "--batch-size", "--max-samples"])
def test_rejects_a_count_below_one_as_a_usage_error(capsys, option):
    with pytest.raises(SystemExit) as excinfo:
        main([option, "0"])

    assert excinfo.value.code == 2
    assert f"argument {option}: expected a positive integer, got '0'" in capsys.readouterr().err


# main on Fashion-MNIST


def test_missing_fashion_mnist_exits_with_status_2_and_names_the_package(capsys, tmp_path):
    status, out, err = run_cli(capsys, ["--dataset", "fashion-mnist", "--data-dir", str(tmp_path)])

    assert status == 2
    assert out == ""
    assert "dataset-fashion-mnist" in err
    assert str(tmp_path) in err
    assert "Traceback" not in err


def test_trains_on_fashion_mnist_files_in_data_dir(capsys, tmp_path):
    write_fashion_mnist(tmp_path, n_train=200, n_test=50, side=4)
    argv = ["--dataset", "fashion-mnist", "--data-dir", str(tmp_path), "--hidden", "8"]
    argv += ["--epochs", "3", "--learning-rate", "0.01"]

    status, out, _ = run_cli(capsys, argv)

    assert status == 0
    assert "Training on fashion-mnist: 200 samples, 16 features" in out
    assert "Total params: 226" in out  # 16*8 + 8 + 8*10 + 10
    assert epoch_numbers(out, EPOCH_WITH_SCORE) == [1, 2, 3]
    assert TEST_ACCURACY.search(out)


# python -m sknn


def test_python_dash_m_sknn_runs_the_command_line():
    result = subprocess.run(
        [sys.executable, "-m", "sknn", "--help"],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False,
    )

    assert result.returncode == 0
    assert "--dataset" in result.stdout and "--max-samples" in result.stdout

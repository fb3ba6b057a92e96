"""summary(): a Keras-style table of the fitted network's layers."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from sknn import MLPClassifier, MLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def random_data(n_features, n_samples=40, seed=0):
    return np.random.default_rng(seed).random((n_samples, n_features))


@pytest.fixture(scope="module")
def mnist_shaped():
    """A fitted 784-64-10 classifier."""
    X, y = random_data(784), np.arange(40) % 10
    return MLPClassifier(hidden_layer_sizes=(64,), max_iter=1, random_state=0).fit(X, y)


def table_of(model):
    """The table ``model.summary()`` prints, as handed to ``print_fn``."""
    tables = []
    assert model.summary(print_fn=tables.append) is None
    (table,) = tables
    return table


def cells(table, name):
    """The cells of layer ``name``'s row (columns are 2 or more spaces apart)."""
    (line,) = [line for line in table.splitlines() if line.startswith(name)]
    return [cell.strip() for cell in line.split("  ") if cell.strip()]


def test_total_counts_weights_and_biases(mnist_shaped):
    assert "Total params: 50,890" in table_of(mnist_shaped)


def test_prints_the_table_once_and_returns_nothing(mnist_shaped, capsys):
    """As Keras: a REPL shows the table once (printed), not again as a return value."""
    assert mnist_shaped.summary() is None
    assert capsys.readouterr().out == table_of(mnist_shaped) + "\n"


def test_print_fn_receives_the_table_instead_of_stdout(mnist_shaped, capsys):
    table = table_of(mnist_shaped)
    assert capsys.readouterr().out == ""
    assert table.splitlines()[0].startswith("Layer") and table.endswith("Total params: 50,890")


def test_each_layer_row_shows_shape_activation_and_params(mnist_shaped):
    table = table_of(mnist_shaped)
    assert cells(table, "input") == ["input", "(None, 784)", "-", "0"]
    assert cells(table, "hidden_1") == ["hidden_1 (Dense)", "(None, 64)", "relu", "50,240"]
    assert cells(table, "output") == ["output (Dense)", "(None, 10)", "softmax", "650"]


def test_hidden_activation_is_the_estimators():
    X, y = random_data(784), np.arange(40) % 10
    clf = MLPClassifier(hidden_layer_sizes=(64,), activation="tanh", max_iter=1, random_state=0)
    clf.fit(X, y)
    assert cells(table_of(clf), "hidden_1")[2] == "tanh"


def test_regressor_output_is_identity_and_total_counts_every_layer():
    X, Y = random_data(5), random_data(3, seed=1)
    reg = MLPRegressor(hidden_layer_sizes=(4, 6), max_iter=1, random_state=0).fit(X, Y)
    table = table_of(reg)
    assert cells(table, "hidden_2") == ["hidden_2 (Dense)", "(None, 6)", "relu", "30"]
    assert cells(table, "output") == ["output (Dense)", "(None, 3)", "identity", "21"]
    assert table.endswith(f"Total params: {5 * 4 + 4 + 4 * 6 + 6 + 6 * 3 + 3}")


def test_binary_classifier_has_one_logistic_output_unit():
    X, y = random_data(3), np.arange(40) % 2
    clf = MLPClassifier(hidden_layer_sizes=(5,), max_iter=1, random_state=0).fit(X, y)
    assert cells(table_of(clf), "output") == ["output (Dense)", "(None, 1)", "logistic", "6"]


def test_unfitted_estimator_raises_not_fitted_error():
    with pytest.raises(NotFittedError):
        MLPClassifier().summary()


def test_a_repl_shows_the_table_once(mnist_shaped, capsys):
    import code

    console = code.InteractiveInterpreter({"clf": mnist_shaped})
    console.runsource("clf.summary()", symbol="single")  # as typed at the >>> prompt
    assert capsys.readouterr().out.count("Total params: 50,890") == 1

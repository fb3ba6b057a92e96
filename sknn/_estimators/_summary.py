"""A Keras-style text summary of a multi-layer perceptron's layers."""

from itertools import pairwise

from sknn._estimators._params import fitted_activation

_HEADER = ("Layer", "Output shape", "Activation", "Params")


def count_parameters(layer_units):
    """Number of weights and biases in a dense network.

    Parameters
    ----------
    layer_units : sequence of int
        Units per layer, input and output included, e.g. ``[784, 64, 10]``.

    Returns
    -------
    n_parameters : int
        ``fan_in * fan_out + fan_out`` summed over the weight layers.

    Examples
    --------
    >>> count_parameters([784, 64, 10])
    50890
    """
    return sum(_dense_parameters(fan_in, fan_out) for fan_in, fan_out in pairwise(layer_units))


def layer_table(layer_units, hidden_activation, output_activation):
    """Render the network's layers as a table, one row per layer.

    Parameters
    ----------
    layer_units : sequence of int
        Units per layer, input and output included, e.g. ``[784, 64, 10]``.
    hidden_activation : str or sequence of str
        The hidden layers' activation, or one per hidden layer.
    output_activation : str
        The output layer's activation.

    Returns
    -------
    table : str
        The table, without a trailing newline, ending with the total count.

    Examples
    --------
    >>> print(layer_table([784, 64, 10], "relu", "softmax"))
    Layer             Output shape  Activation  Params
    ==================================================
    input             (None, 784)   -                0
    hidden_1 (Dense)  (None, 64)    relu        50,240
    output (Dense)    (None, 10)    softmax        650
    ==================================================
    Total params: 50,890
    """
    layer_units = [int(units) for units in layer_units]
    if len(layer_units) < 2:
        raise ValueError(f"A network needs at least 2 layers, got {layer_units}.")
    rows = [_HEADER, *_layer_rows(layer_units, hidden_activation, output_activation)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(_HEADER))]
    lines = [_format_row(row, widths) for row in rows]
    rule = "=" * len(lines[0])
    total = f"Total params: {count_parameters(layer_units):,}"
    return "\n".join([lines[0], rule, *lines[1:], rule, total])


def _layer_rows(layer_units, hidden_activation, output_activation):
    """One ``(name, output shape, activation, params)`` tuple per layer."""
    n_hidden = len(layer_units) - 2
    if isinstance(hidden_activation, str):
        hidden_activation = [hidden_activation] * n_hidden
    if len(hidden_activation) != n_hidden:
        raise ValueError(
            f"Got {len(hidden_activation)} hidden activations for {n_hidden} hidden layers."
        )
    names = [f"hidden_{i} (Dense)" for i in range(1, n_hidden + 1)] + ["output (Dense)"]
    activations = [*hidden_activation, output_activation]
    rows = [("input", _shape(layer_units[0]), "-", "0")]
    for name, activation, (fan_in, fan_out) in zip(
        names, activations, pairwise(layer_units), strict=True
    ):
        params = _dense_parameters(fan_in, fan_out)
        rows.append((name, _shape(fan_out), str(activation), f"{params:,}"))
    return rows


def _dense_parameters(fan_in, fan_out):
    """Weights plus biases of one dense layer."""
    return fan_in * fan_out + fan_out


def _shape(units):
    """Keras's notation for a batch of ``units``-wide rows."""
    return f"(None, {units})"


def _format_row(row, widths):
    """Text columns left-aligned, the parameter count right-aligned."""
    *texts, params = row
    # widths has one more entry than texts: the parameter column's, used below
    cells = [text.ljust(width) for text, width in zip(texts, widths, strict=False)]
    return "  ".join([*cells, params.rjust(widths[-1])])


def network_summary(estimator):
    """The layer table of a fitted sknn estimator."""
    layer_units = [estimator.coefs_[0].shape[0]] + [b.shape[0] for b in estimator.intercepts_]
    return layer_table(layer_units, fitted_activation(estimator), estimator.out_activation_)

"""The network of a fitted sknn estimator as ONNX nodes (used by ``sknn.onnx``).

``network_outputs`` appends to a skl2onnx container the nodes that compute the
output layer's activations, ``(n_samples, n_outputs)``, in float32 or float64:
one ``MatMul`` and ``Add`` per layer, then the layer's activation. Each
activation is ONNX's own operator where ONNX has one for the target opset and
ONNX Runtime has a kernel for the dtype; otherwise its formula, written as
sknn's ``_activations`` computes it:

============  ==========================================================
relu          Relu
tanh          Tanh
logistic      Sigmoid
identity      (nothing)
leaky_relu    LeakyRelu(alpha=0.01); float64: Where(x > 0, x, 0.01 x)
elu           Elu(alpha=1); float64: Where(x > 0, x, exp(min(x, 0)) - 1)
softplus      Softplus; float64: max(x, 0) + log(1 + exp(-|x|))
gelu          Gelu(approximate='tanh') from opset 20; before, and float64:
              x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
softmax       Softmax(axis=1)
exp           Exp (Poisson regression)
============  ==========================================================

ONNX Runtime has no float64 kernel for Elu and Softplus (nor, from opset 21,
for LeakyRelu), and its float64 Gelu is only float32-accurate (4e-8 relative
errors), hence their formulas in float64 models, which agree with sknn to
1e-15.
"""

import numpy as np
from onnx import TensorProto

from sknn._arrays._backend import to_numpy
from sknn._engine._activations import ELU_ALPHA, LEAKY_RELU_SLOPE
from sknn._estimators._params import hidden_activations

#: The first opset with a Gelu operator.
GELU_OPSET = 20
_GELU_C = float(np.sqrt(2.0 / np.pi))


class Graph:
    """Adds nodes and constants to a skl2onnx container, in one float dtype."""

    def __init__(self, scope, container, proto_dtype):
        self.scope, self.container = scope, container
        self.proto_dtype = proto_dtype
        self.dtype = np.float64 if proto_dtype == TensorProto.DOUBLE else np.float32
        self.opset = container.target_opset

    @property
    def double(self):
        return self.proto_dtype == TensorProto.DOUBLE

    def node(self, op_type, inputs, output=None, **attributes):
        """One node; returns the name of its output (a new one unless given)."""
        output = output or self.scope.get_unique_variable_name(op_type.lower())
        self.container.add_node(
            op_type,
            list(inputs),
            [output],
            name=self.scope.get_unique_operator_name(op_type),
            **attributes,
        )
        return output

    def constant(self, value, proto_dtype=None):
        """An initializer holding ``value``, in the graph's float dtype by default."""
        proto_dtype = self.proto_dtype if proto_dtype is None else proto_dtype
        value = np.asarray(value)
        if proto_dtype in (TensorProto.FLOAT, TensorProto.DOUBLE):
            value = value.astype(self.dtype)
        name = self.scope.get_unique_variable_name("constant")
        content = value.ravel().tolist() if value.dtype.kind in "OSU" else value.ravel()
        self.container.add_initializer(name, proto_dtype, list(value.shape), content)
        return name


# ------------------------------------------------------------------ activations
def _identity(graph, x):
    return x


def _native(op_type, **attributes):
    def activation(graph, x):
        return graph.node(op_type, [x], **attributes)

    return activation


def _leaky_relu(graph, x):
    if not graph.double:
        return graph.node("LeakyRelu", [x], alpha=LEAKY_RELU_SLOPE)
    negative = graph.node("Mul", [x, graph.constant(LEAKY_RELU_SLOPE)])
    return graph.node("Where", [graph.node("Greater", [x, graph.constant(0.0)]), x, negative])


def _elu(graph, x):
    if not graph.double:
        return graph.node("Elu", [x], alpha=ELU_ALPHA)
    zero = graph.constant(0.0)
    negative = graph.node(
        "Sub", [graph.node("Exp", [graph.node("Min", [x, zero])]), graph.constant(1.0)]
    )
    negative = graph.node("Mul", [negative, graph.constant(ELU_ALPHA)])
    return graph.node("Where", [graph.node("Greater", [x, zero]), x, negative])


def _softplus(graph, x):
    if not graph.double:
        return graph.node("Softplus", [x])
    zero = graph.constant(0.0)
    decay = graph.node("Exp", [graph.node("Neg", [graph.node("Abs", [x])])])
    log1p = graph.node("Log", [graph.node("Add", [decay, graph.constant(1.0)])])
    return graph.node("Add", [graph.node("Max", [x, zero]), log1p])


def _gelu(graph, x):
    if graph.opset >= GELU_OPSET and not graph.double:
        return graph.node("Gelu", [x], approximate="tanh")
    cube = graph.node("Mul", [x, graph.node("Mul", [x, x])])
    inner = graph.node("Add", [x, graph.node("Mul", [cube, graph.constant(0.044715)])])
    tanh = graph.node("Tanh", [graph.node("Mul", [inner, graph.constant(_GELU_C)])])
    half_x = graph.node("Mul", [x, graph.constant(0.5)])
    return graph.node("Mul", [half_x, graph.node("Add", [tanh, graph.constant(1.0)])])


ACTIVATIONS = {
    "identity": _identity,
    "relu": _native("Relu"),
    "tanh": _native("Tanh"),
    "logistic": _native("Sigmoid"),
    "leaky_relu": _leaky_relu,
    "elu": _elu,
    "softplus": _softplus,
    "gelu": _gelu,
    "softmax": _native("Softmax", axis=1),
    "exp": _native("Exp"),
}


def network_outputs(graph, estimator, input_name):
    """Name of the ``(n_samples, n_outputs)`` output activations of ``estimator``.

    Dropout is a training-time operation (inverted dropout needs no rescaling
    at inference), so it has no node.
    """
    coefs = [to_numpy(c) for c in estimator.coefs_]
    intercepts = [to_numpy(b) for b in estimator.intercepts_]
    activations = [*hidden_activations(estimator, len(coefs) - 1), estimator.out_activation_]
    A = graph.node("Cast", [input_name], to=graph.proto_dtype)
    for coef, intercept, activation in zip(coefs, intercepts, activations, strict=True):
        Z = graph.node("MatMul", [A, graph.constant(coef)])  # (n, fan_out)
        Z = graph.node("Add", [Z, graph.constant(intercept[None, :])])
        A = ACTIVATIONS[activation](graph, Z)
    return A

"""What the PyTorch-based rows share: scikit-learn's parameters, the layer stack, the score.

torch is imported only when a model is built, so the suite runs without it.
"""

import itertools

from sklearn.metrics import accuracy_score, r2_score

# scikit-learn's activation names -> torch.nn modules (built when used).
ACTIVATIONS = {
    "relu": lambda nn: nn.ReLU(),
    "tanh": lambda nn: nn.Tanh(),
    "logistic": lambda nn: nn.Sigmoid(),
    "identity": lambda nn: nn.Identity(),
    "leaky_relu": lambda nn: nn.LeakyReLU(0.01),
    "elu": lambda nn: nn.ELU(),
    "gelu": lambda nn: nn.GELU(approximate="tanh"),
    "softplus": lambda nn: nn.Softplus(),
}


class TorchMLPBase:
    """scikit-learn's MLP parameters, for an estimator built on PyTorch.

    Parameters
    ----------
    task : {"classification", "regression"}
    hidden_layer_sizes, activation, solver, learning_rate_init, batch_size,
    max_iter, alpha, momentum, nesterovs_momentum, beta_1, beta_2, epsilon,
    random_state
        As in scikit-learn; ``max_iter`` is the number of epochs.
    **ignored
        Other scikit-learn parameters (``tol``, ``n_iter_no_change``...).
    """

    def __init__(
        self,
        task,
        hidden_layer_sizes,
        activation="relu",
        solver="adam",
        learning_rate_init=1e-3,
        batch_size=200,
        max_iter=200,
        alpha=1e-4,
        momentum=0.9,
        nesterovs_momentum=True,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        random_state=0,
        **ignored,
    ):
        if activation not in ACTIVATIONS or solver not in ("adam", "sgd"):
            raise ValueError(f"no PyTorch row for activation {activation!r}, solver {solver!r}")
        self.task = task
        self.hidden_layer_sizes = tuple(hidden_layer_sizes)
        self.activation = activation
        self.solver = solver
        self.learning_rate_init = learning_rate_init
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.alpha = alpha
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.betas = (beta_1, beta_2)
        self.epsilon = epsilon
        self.random_state = random_state

    def score(self, X, y):
        """Accuracy (classification) or R² (regression), as scikit-learn's."""
        metric = accuracy_score if self.task == "classification" else r2_score
        return metric(y, self.predict(X))

    def layer_stack(self, n_features, n_outputs):
        """``Linear → activation → ... → Linear``: the module outputs logits (or values)."""
        import torch

        widths = (n_features, *self.hidden_layer_sizes)
        layers = []
        for fan_in, fan_out in itertools.pairwise(widths):
            layers += [torch.nn.Linear(fan_in, fan_out), ACTIVATIONS[self.activation](torch.nn)]
        layers.append(torch.nn.Linear(widths[-1], n_outputs))
        return torch.nn.Sequential(*layers)

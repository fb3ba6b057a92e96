"""skorch / PyTorch (CPU) as a scikit-learn-like estimator for the benchmarks.

:class:`SkorchMLP` takes scikit-learn's MLP parameters and fits the
equivalent skorch net: Linear + ReLU layers, logits with
``CrossEntropyLoss`` for classification, ``MSELoss`` for regression, the same
optimizer settings and batch size, shuffled batches, no validation split
(``train_split=None``), float32 tensors on the CPU. torch and skorch are
imported only when a net is built, so the suite runs without them.
"""

import itertools
import os

import numpy as np
from sklearn.metrics import accuracy_score, r2_score


def unavailable_reason():
    """Why skorch rows cannot run (a string), or None when they can."""
    try:
        import skorch  # noqa: F401
        import torch  # noqa: F401
    except ImportError as error:
        return f"skorch rows skipped: {error}"
    return None


class SkorchMLP:
    """A skorch net behind ``fit`` / ``predict`` / ``score`` / ``n_iter_``.

    Parameters
    ----------
    task : {"classification", "regression"}
    hidden_layer_sizes : tuple of int
    solver : {"adam", "sgd"}
    learning_rate_init, batch_size, max_iter, alpha, momentum,
    nesterovs_momentum, beta_1, beta_2, epsilon, random_state
        As in scikit-learn; ``max_iter`` is the number of epochs. scikit-learn's
        L2 penalty ``alpha`` on the weights of a mean batch loss is a weight
        decay of ``alpha / batch_size`` on the weights (not the biases).
    **ignored
        Other scikit-learn parameters (``tol``, ``n_iter_no_change``,
        ``activation``...), which have no skorch counterpart here.
    """

    def __init__(self, task, hidden_layer_sizes, solver="adam", learning_rate_init=1e-3,
                 batch_size=200, max_iter=200, alpha=1e-4, momentum=0.9,
                 nesterovs_momentum=True, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 random_state=0, **ignored):
        if ignored.get("activation", "relu") != "relu" or solver not in ("adam", "sgd"):
            raise ValueError("the skorch rows support relu with adam or sgd only")
        self.task = task
        self.hidden_layer_sizes = tuple(hidden_layer_sizes)
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

    def fit(self, X, y):
        """Convert to float32 (timed with the fit, as validation is) and train."""
        import torch

        torch.set_num_threads(os.cpu_count())
        torch.manual_seed(self.random_state)
        X = np.asarray(X, dtype=np.float32)
        if self.task == "classification":
            self.classes_, y = np.unique(y, return_inverse=True)
            y = y.astype(np.int64)
            n_outputs = len(self.classes_)
        else:
            y = np.asarray(y, dtype=np.float32).reshape(len(y), -1)
            n_outputs = y.shape[1]
        self.net_ = self._net(X.shape[1], n_outputs)
        self.net_.fit(X, y)
        self.n_iter_ = len(self.net_.history)
        return self

    def predict(self, X):
        """Class labels or regression values."""
        output = self.net_.predict(np.asarray(X, dtype=np.float32))
        if self.task == "classification":
            return self.classes_[output]
        return output.ravel() if output.shape[1] == 1 else output

    def score(self, X, y):
        """Accuracy (classification) or R² (regression), as scikit-learn's."""
        metric = accuracy_score if self.task == "classification" else r2_score
        return metric(y, self.predict(X))

    def _net(self, n_features, n_outputs):
        import skorch
        import torch

        net_class, criterion = (
            (skorch.NeuralNetClassifier, torch.nn.CrossEntropyLoss)
            if self.task == "classification"
            else (skorch.NeuralNetRegressor, torch.nn.MSELoss)
        )
        return net_class(
            _relu_stack(n_features, self.hidden_layer_sizes, n_outputs),
            criterion=criterion,
            max_epochs=self.max_iter,
            batch_size=self.batch_size,
            train_split=None,
            iterator_train__shuffle=True,
            device="cpu",
            verbose=0,
            **self._optimizer_params(),
        )

    def _optimizer_params(self):
        import torch

        weight_decay = [("*weight", {"weight_decay": self.alpha / self.batch_size})]
        if self.solver == "adam":
            return dict(optimizer=torch.optim.Adam, lr=self.learning_rate_init,
                        optimizer__betas=self.betas, optimizer__eps=self.epsilon,
                        optimizer__param_groups=weight_decay)
        return dict(optimizer=torch.optim.SGD, lr=self.learning_rate_init,
                    optimizer__momentum=self.momentum,
                    optimizer__nesterov=self.nesterovs_momentum,
                    optimizer__param_groups=weight_decay)


def _relu_stack(n_features, hidden_layer_sizes, n_outputs):
    """``Linear → ReLU → ... → Linear``: the module outputs logits (or values)."""
    import torch

    widths = (n_features, *hidden_layer_sizes)
    layers = []
    for fan_in, fan_out in itertools.pairwise(widths):
        layers += [torch.nn.Linear(fan_in, fan_out), torch.nn.ReLU()]
    layers.append(torch.nn.Linear(widths[-1], n_outputs))
    return torch.nn.Sequential(*layers)

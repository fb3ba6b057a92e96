"""skorch / PyTorch (CPU) as a scikit-learn-like estimator for the benchmarks.

:class:`SkorchMLP` takes scikit-learn's MLP parameters and fits the
equivalent skorch net: Linear layers and the activation, logits with
``CrossEntropyLoss`` for classification, ``MSELoss`` for regression, the same
optimizer settings and batch size, shuffled batches, no validation split
(``train_split=None``), float32 tensors on the CPU. torch and skorch are
imported only when a net is built, so the suite runs without them.
"""

import os

import numpy as np

from _torch_common import TorchMLPBase


def unavailable_reason():
    """Why skorch rows cannot run (a string), or None when they can."""
    try:
        import skorch  # noqa: F401
        import torch  # noqa: F401
    except ImportError as error:
        return f"skorch rows skipped: {error}"
    return None


class SkorchMLP(TorchMLPBase):
    """A skorch net behind ``fit`` / ``predict`` / ``score`` / ``n_iter_``.

    Parameters are ``TorchMLPBase``'s. scikit-learn's L2 penalty ``alpha`` on
    the weights of a mean batch loss is a weight decay of ``alpha /
    batch_size`` on the weights (not the biases).
    """

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

    def _net(self, n_features, n_outputs):
        import skorch
        import torch

        net_class, criterion = (
            (skorch.NeuralNetClassifier, torch.nn.CrossEntropyLoss)
            if self.task == "classification"
            else (skorch.NeuralNetRegressor, torch.nn.MSELoss)
        )
        return net_class(
            self.layer_stack(n_features, n_outputs),
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
            return dict(
                optimizer=torch.optim.Adam,
                lr=self.learning_rate_init,
                optimizer__betas=self.betas,
                optimizer__eps=self.epsilon,
                optimizer__param_groups=weight_decay,
            )
        return dict(
            optimizer=torch.optim.SGD,
            lr=self.learning_rate_init,
            optimizer__momentum=self.momentum,
            optimizer__nesterov=self.nesterovs_momentum,
            optimizer__param_groups=weight_decay,
        )

"""A plain PyTorch training loop on the CPU, behind ``fit`` / ``predict`` / ``score``.

What anyone writing PyTorch by hand would run: the data as tensors once, a
``torch.randperm`` shuffle per epoch, each batch by indexing (no
DataLoader), ``nn.Sequential`` of ``Linear`` and the activation,
``CrossEntropyLoss`` on the logits (classification) or ``MSELoss``
(regression), ``torch.optim.Adam`` (or SGD with Nesterov momentum), the
loss read once per epoch. Tensors in the data's dtype (float32 or float64,
as scikit-learn computes); no L2 penalty. PyTorch uses as many threads as
NumPy's BLAS (2 on the results' machine). torch is imported only when a
model is fitted, so the suite runs without it.
"""

import numpy as np

from _torch_common import TorchMLPBase


def unavailable_reason():
    """Why the PyTorch rows cannot run (a string), or None when they can."""
    try:
        import torch  # noqa: F401
    except ImportError as error:
        return f"PyTorch loop rows skipped: {error}"
    return None


def blas_threads():
    """The threads NumPy's BLAS uses (what the other libraries' products get)."""
    from threadpoolctl import threadpool_info

    pools = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
    return max(pools, default=1)


class TorchLoopMLP(TorchMLPBase):
    """The plain loop with scikit-learn's MLP parameters (``TorchMLPBase``);
    ``alpha`` is not used: the loop has no L2 penalty."""

    def fit(self, X, y):
        """Train ``max_iter`` epochs; the conversion to tensors is timed with it."""
        import torch

        torch.set_num_threads(blas_threads())
        torch.manual_seed(self.random_state)
        X = self._tensor(X)
        if self.task == "classification":
            self.classes_, codes = np.unique(y, return_inverse=True)
            y = torch.from_numpy(codes.astype(np.int64))
            n_outputs, criterion = len(self.classes_), torch.nn.CrossEntropyLoss()
        else:
            y = torch.from_numpy(np.asarray(y, dtype=X.numpy().dtype).reshape(len(y), -1))
            n_outputs, criterion = y.shape[1], torch.nn.MSELoss()
        self.model_ = self.layer_stack(X.shape[1], n_outputs).to(X.dtype)
        optimizer = self._optimizer(self.model_.parameters())
        for _ in range(self.max_iter):
            self._epoch(X, y, criterion, optimizer)
        self.n_iter_ = self.max_iter
        return self

    def _epoch(self, X, y, criterion, optimizer):
        import torch

        order = torch.randperm(X.shape[0])
        total = torch.zeros((), dtype=X.dtype)
        for start in range(0, X.shape[0], self.batch_size):
            rows = order[start : start + self.batch_size]
            optimizer.zero_grad()
            loss = criterion(self.model_(X[rows]), y[rows])
            loss.backward()
            optimizer.step()
            total += loss.detach()
        return float(total)  # the loss, read once per epoch

    def predict(self, X):
        """Class labels or regression values."""
        import torch

        with torch.no_grad():
            output = self.model_(self._tensor(X)).numpy()
        if self.task == "classification":
            return self.classes_[output.argmax(axis=1)]
        return output.ravel() if output.shape[1] == 1 else output

    def _tensor(self, X):
        import torch

        X = np.asarray(X)
        dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
        return torch.from_numpy(np.ascontiguousarray(X, dtype=dtype))

    def _optimizer(self, parameters):
        import torch

        if self.solver == "adam":
            return torch.optim.Adam(
                parameters, lr=self.learning_rate_init, betas=self.betas, eps=self.epsilon
            )
        return torch.optim.SGD(
            parameters,
            lr=self.learning_rate_init,
            momentum=self.momentum,
            nesterov=self.nesterovs_momentum,
        )

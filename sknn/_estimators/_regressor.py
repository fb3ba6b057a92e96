"""MLPRegressor: identity output with squared error, exp output with Poisson."""

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.utils import column_or_1d
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if

from sknn._estimators import _convert
from sknn._estimators._base import BaseMultilayerPerceptron
from sknn._estimators._docstrings import ATTRIBUTES, PARAMETERS


class MLPRegressor(RegressorMixin, BaseMultilayerPerceptron):
    __doc__ = f"""Multi-layer perceptron regressor, a drop-in for scikit-learn's.

    Optimizes the squared error (or the Poisson deviance) with L-BFGS or
    stochastic gradient descent, on NumPy, or on any array-API library (CuPy,
    array-api-strict) under ``sklearn.set_config(array_api_dispatch=True)``.
    With the same data, parameters and ``random_state`` it fits the same
    network as ``sklearn.neural_network.MLPRegressor``.

    Parameters
    ----------
    loss : {{'squared_error', 'poisson'}}, default='squared_error'
        The loss function: 'squared_error' (identity output) or 'poisson'
        (exp output; y must be non-negative).

{PARAMETERS}
    Attributes
    ----------
{ATTRIBUTES}
    See Also
    --------
    MLPClassifier : Multi-layer perceptron classifier.
    sklearn.neural_network.MLPRegressor : The scikit-learn estimator this replaces.

    Examples
    --------
    >>> from sknn import MLPRegressor
    >>> from sklearn.datasets import make_regression
    >>> from sklearn.model_selection import train_test_split
    >>> X, y = make_regression(n_samples=200, n_features=20, random_state=1)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y,
    ...                                                     random_state=1)
    >>> regr = MLPRegressor(random_state=1, max_iter=2000, tol=0.1)
    >>> regr.fit(X_train, y_train).predict(X_test[:2]).shape
    (2,)
    >>> round(regr.score(X_test, y_test), 2) > 0.9
    True
    """

    __module__ = "sknn"  # the public path, which pickles and skops files name

    _parameter_constraints: dict = {
        **BaseMultilayerPerceptron._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }
    _y_numeric = True

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        rho=0.9,
        init="glorot_uniform",
        scoring=None,
        dropout=0.0,
        dtype=None,
        device=None,
    ):
        self.loss = loss
        shared = {k: v for k, v in locals().items() if k not in ("self", "loss", "__class__")}
        super().__init__(**shared)  # the parameters both estimators share

    def _encode_targets(self, y, first_pass, incremental, classes=None):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        y = np.asarray(y, dtype=np.float64)
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError(
                "Some value(s) of y are negative which is not allowed for "
                "Poisson regression (loss='poisson')."
            )
        return (y[:, None] if y.ndim == 1 else y), {}

    def _encode_validation_targets(self, y_val, coding):
        return self._encode_targets(y_val, False, True)[0]

    def _output_activation(self, coding):
        return "exp" if self.loss == "poisson" else "identity"

    def _stratify_labels(self, y, coding):
        return None

    def _score_outputs(self, y_true, y_out, sample_weight, coding):
        if not np.isfinite(y_out).all():
            return np.nan
        y_pred = y_out.ravel() if y_out.shape[1] == 1 else y_out
        return float(r2_score(y_true, y_pred, sample_weight=sample_weight))

    def predict(self, X):
        """Predict using the multi-layer perceptron model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values.
        """
        xp, y_out = self._forward(X, "predict")
        return xp.reshape(y_out, (-1,)) if y_out.shape[1] == 1 else y_out

    def to_sklearn(self):
        """The fitted network as a fitted ``sklearn.neural_network.MLPRegressor``.

        Same weights (NumPy copies, also of a GPU model), ``loss`` and fitted
        attributes, so it predicts the same within floating-point rounding
        (for ONNX, ``import sknn.onnx`` converts the sknn model itself).
        sknn-only parameters (``dropout``, ``init``, ``scoring``, ``rho``,
        ``dtype``, ``device``) are dropped: they only shape training.
        ``solver='rmsprop'`` and ``'adamw'`` become ``'adam'`` (what further
        training would use). See docs/interoperability.md.

        Returns
        -------
        estimator : sklearn.neural_network.MLPRegressor
            A new, fitted scikit-learn estimator; this one is unchanged.

        Raises
        ------
        ValueError
            When scikit-learn cannot compute the network: a hidden activation
            other than 'identity', 'logistic', 'tanh' or 'relu', or different
            activations per hidden layer.
        """
        return _convert.to_sklearn(self)

    @classmethod
    def from_sklearn(cls, estimator):
        """An sknn MLPRegressor equal to a fitted scikit-learn one.

        Parameters
        ----------
        estimator : sklearn.neural_network.MLPRegressor
            A fitted estimator; its parameters, weights and training state
            (optimizer included) are copied, so the result predicts the same
            and can go on with ``partial_fit`` or ``warm_start``.

        Returns
        -------
        estimator : MLPRegressor
            A new, fitted sknn estimator; ``estimator`` is unchanged.
        """
        return _convert.from_sklearn(cls, estimator)

    @available_if(lambda est: est._check_solver())
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with a single iteration over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            Trained MLP model.
        """
        return self._fit(X, y, sample_weight, incremental=True)
